"""`make bench-ingest`: ingest 2,000 generated articles with each embedding backend, side by side in one run, and
check that the faster backend retrieves what the reference one does on the public sets.

Writes bench-results/ingest.json and prints the same as tables. Each backend's model is loaded (and the OpenVINO IR
converted) before its clock starts, so the times compare ingestion, not loading.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from evals.dataset import PUBLIC_SETS, load_dataset
from evals.synthetic import write_corpus
from index.embed import embedder_for
from index.pipeline import ingest
from index.store import open_store
from rag.retrieve import retrieve
from rag.settings import load_settings, set_process_environment

REFERENCE, FAST = "torch", "openvino"  # today's backend and the default one
HIT_KS = (1, 3, 5)
TARGETS = {"speedup": (">=", 2.0), "max_hit_change": ("<=", 0.01), "reingest_s": ("<=", 3.0),
           "reingest_embedded": ("==", 0), "peak_rss_mb": ("<=", 2000)}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _meets(value: float, rule: tuple[str, float]) -> bool:
    op, target = rule
    return {"<=": value <= target, ">=": value >= target, "==": value == target}[op]


def _timed_ingest(corpus: Path, index_dir: Path, backend: str) -> dict:
    settings = load_settings(data_dir=index_dir, embed_backend=backend)
    embedder_for(settings).embed(["warm-up"])
    store = open_store(settings)
    started = time.perf_counter()
    first = ingest([corpus], store, settings)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = ingest([corpus], store, settings)
    return {"articles": first.added, "chunks": first.chunks, "seconds": round(seconds, 2),
            "chunks_per_s": round(first.chunks / seconds, 1), "reingest_s": round(time.perf_counter() - started, 2),
            "reingest_embedded": again.chunks, "failed": first.failed + again.failed}


def _hits(backend: str, tmp: Path) -> dict[str, dict[str, float]]:
    """hit@k per public set: the share of answerable questions with a gold article among the first k retrieved."""
    hits = {}
    for name, (dataset, corpus) in PUBLIC_SETS.items():
        settings = load_settings(data_dir=tmp / f"{backend}-{name}", embed_backend=backend)
        store = open_store(settings)
        ingest([corpus], store, settings)
        ranks = []
        for question in (q for q in load_dataset(dataset) if q.sources):
            articles = list(dict.fromkeys(r.article.id for r in retrieve(question.question, store, settings,
                                                                        question.as_of)))
            ranks.append(next((i for i, a in enumerate(articles, 1) if a in question.sources), None))
        hits[name] = {f"hit@{k}": round(sum(bool(r and r <= k) for r in ranks) / len(ranks), 4) for k in HIT_KS}
    return hits


def main(
    articles: int = typer.Option(2000, help="How many articles to generate."),
    chars: int = typer.Option(4000, help="Characters of body per article."),
    out: Path = typer.Option(Path("bench-results/ingest.json"), help="Where to write the results."),
) -> None:
    console = Console(width=140)  # the tables stay whole when make pipes the output
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, articles, chars)
        runs, hits = {}, {}
        for backend in (REFERENCE, FAST):
            console.print(f"ingesting {articles} articles with the {backend} backend", highlight=False)
            runs[backend] = _timed_ingest(corpus, Path(tmp) / f"index-{backend}", backend)
            console.print(f"retrieving the public sets' questions with the {backend} backend", highlight=False)
            hits[backend] = _hits(backend, Path(tmp))

    changes = [abs(hits[FAST][name][k] - hits[REFERENCE][name][k]) for name in hits[FAST] for k in hits[FAST][name]]
    result = {
        "backends": runs, "speedup": round(runs[REFERENCE]["seconds"] / runs[FAST]["seconds"], 2),
        "reingest_s": runs[FAST]["reingest_s"], "reingest_embedded": runs[FAST]["reingest_embedded"],
        "peak_rss_mb": round(_peak_rss_mb()), "hits": hits, "max_hit_change": round(max(changes), 4),
    }
    result["targets"] = {name: f"{op} {target}" for name, (op, target) in TARGETS.items()}
    result["met"] = {name: _meets(result[name], rule) for name, rule in TARGETS.items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")

    runs_table = Table("backend", *runs[REFERENCE], title=f"ingest benchmark ({out})")
    for backend, run in runs.items():
        runs_table.add_row(backend, *(str(value) for value in run.values()))
    console.print(runs_table)
    hits_table = Table("set", *(f"{k} {backend}" for k in hits[FAST]["sample"] for backend in hits),
                       title="retrieval on the public sets")
    for name in hits[FAST]:
        hits_table.add_row(name, *(str(hits[backend][name][k]) for k in hits[FAST][name] for backend in hits))
    console.print(hits_table)
    targets = Table("measure", "value", "target", "met")
    for name, rule in result["targets"].items():
        targets.add_row(name, str(result[name]), rule, "yes" if result["met"][name] else "NO")
    console.print(targets)


if __name__ == "__main__":
    set_process_environment()
    typer.run(main)
