"""`make bench-ingest`: ingest 2,000 generated articles and compare with sentence-transformers encoding alone.

Writes bench-results/ingest.json and prints the same as a table. The embedding model is loaded before the clock
starts, for the ingest and the encode-only run alike, so the ratio measures what ingestion adds to encoding.
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

from evals.synthetic import write_corpus
from index.embed import get_embedder
from index.pipeline import ingest
from index.store import open_store
from rag.settings import load_settings, set_process_environment

TARGETS = {"ratio_vs_encode": ("<=", 1.2), "reingest_s": ("<=", 3.0), "reingest_embedded": ("==", 0),
           "peak_rss_mb": ("<=", 2000)}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _meets(value: float, rule: tuple[str, float]) -> bool:
    op, target = rule
    return value <= target if op == "<=" else value == target


def main(
    articles: int = typer.Option(2000, help="How many articles to generate."),
    chars: int = typer.Option(4000, help="Characters of body per article."),
    out: Path = typer.Option(Path("bench-results/ingest.json"), help="Where to write the results."),
) -> None:
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, articles, chars)
        settings = load_settings(data_dir=Path(tmp) / "index")
        embedder = get_embedder(settings.embed_model)
        store = open_store(settings)

        started = time.perf_counter()
        first = ingest([corpus], store, settings)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest([corpus], store, settings)
        reingest_s = time.perf_counter() - started
        peak_rss_mb = _peak_rss_mb()

        texts = [chunk.embed_text for row in store.articles() for chunk in store.article_chunks(row.article.id)]
        started = time.perf_counter()
        embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True,
                              show_progress_bar=False)
        encode_only_s = time.perf_counter() - started

    result = {
        "articles": first.added, "chunks": first.chunks, "seconds": round(seconds, 2),
        "chunks_per_s": round(first.chunks / seconds, 1), "peak_rss_mb": round(peak_rss_mb),
        "encode_only_s": round(encode_only_s, 2), "ratio_vs_encode": round(seconds / encode_only_s, 3),
        "reingest_s": round(reingest_s, 2), "reingest_embedded": again.chunks,
        "batch_size": embedder.batch_size, "failed": first.failed + again.failed,
    }
    result["targets"] = {name: f"{op} {target}" for name, (op, target) in TARGETS.items()}
    result["met"] = {name: _meets(result[name], rule) for name, rule in TARGETS.items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")

    table = Table("measure", "value", "target", "met", title=f"ingest benchmark ({out})")
    for name, value in result.items():
        if name in ("targets", "met"):
            continue
        met = result["met"].get(name)
        verdict = "" if met is None else ("yes" if met else "NO")
        table.add_row(name, str(value), result["targets"].get(name, ""), verdict)
    Console().print(table)


if __name__ == "__main__":
    set_process_environment()
    typer.run(main)
