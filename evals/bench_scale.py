"""`make bench-scale`: how retrieval and adding articles grow with the index (10k, 100k, 1M chunks by default).

Each size gets a fresh index filled through the store's own write path with generated articles (evals/synthetic.py)
cut into ~700-character chunks whose vectors stand in for embeddings: the normalised sum of the real embeddings of
the phrases each chunk contains (plus noise), so a question's real embedding finds the chunks that share its
phrases. Embedding a million chunks on 2 cores takes hours, and embedding speed is `make bench-ingest`'s job.
Then, per size:
- retrieve + compose (no LLM) for generated questions: p50 / p95, the question embedded by the real model;
- adding 100 new articles with `ingest()` (real chunking and embedding), against embedding their chunks alone;
- peak RSS of this process so far (sizes run smallest first) and the index's size on disk.
Writes bench-results/scale.json and prints a table.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from evals.synthetic import PHRASES, article_text, question_text, write_corpus
from index.chunk import chunk_header
from index.dedupe import signature
from index.embed import embedder_for
from index.pipeline import chunking_signature, ingest
from index.records import Article, Chunk
from index.store import Indexed, open_store
from rag.compose import compose
from rag.retrieve import retrieve
from rag.settings import load_settings, set_process_environment

CHUNK_CHARS = 700
ARTICLE_CHARS = 4600  # ~7 chunks of 700 characters, as `make bench-ingest`'s articles are cut
FILL_BATCH = 700  # articles per store write
QUESTIONS = 30
TARGET_P50_MS = {100_000: 100.0, 1_000_000: 250.0}
TARGET_ADD_RATIO = 2.0
TARGET_RSS_MB_AT_1M = 6144


def _stand_in_vectors(texts: list[str], phrases: np.ndarray, rng: np.random.Generator) -> list[list[float]]:
    """Each text's vector: the normalised sum of the embeddings of the phrases it contains, plus a little noise."""
    contains = np.array([[phrase in text for phrase in PHRASES] for text in texts], dtype=np.float32)
    vectors = contains @ phrases + 0.05 * rng.standard_normal((len(texts), phrases.shape[1])).astype(np.float32)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist()


def _fill(store, settings, chunks_wanted: int, rng: np.random.Generator) -> int:
    """Write generated articles until the index holds `chunks_wanted` chunks; returns the chunk count."""
    phrases = np.array(embedder_for(settings).embed(list(PHRASES)), dtype=np.float32)
    written, index = 0, 0
    while written < chunks_wanted:
        entries = []
        for _ in range(FILL_BATCH):
            body = article_text(index, ARTICLE_CHARS, date(2020, 1, 1), seed=7).split("---\n\n", 1)[1]
            article = Article(id=f"synthetic-{index:07d}.md", title=f"Report {index}", text=body,
                              outlet="Synthetic Wire", published=date(2020, 1, 1) + timedelta(days=index % 2000),
                              hash=f"{index:064d}")
            header = chunk_header(article)
            chunks = [Chunk(id=f"{article.id}#{n}", article_id=article.id, start=start,
                            end=min(start + CHUNK_CHARS, len(body)), text=body[start:start + CHUNK_CHARS],
                            header=header) for n, start in enumerate(range(0, len(body), CHUNK_CHARS))]
            vectors = _stand_in_vectors([chunk.text for chunk in chunks], phrases, rng)
            entries.append(Indexed(article, chunks, vectors, signature(body)))
            written += len(chunks)
            index += 1
            if written >= chunks_wanted:
                break
        store.put_many(entries, chunking_signature(settings))
    store.refresh_derived()
    return written


def _questions() -> list[str]:
    rng = random.Random(3)
    return [question_text(rng) for _ in range(QUESTIONS)]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _measure(size: int, tmp: Path, console: Console) -> dict:
    settings = load_settings(data_dir=tmp / f"index-{size}")
    store = open_store(settings)
    started = time.perf_counter()
    chunks = _fill(store, settings, size, np.random.default_rng(size))
    fill_s = time.perf_counter() - started
    console.print(f"{size:,} chunks written in {fill_s:.0f} s", highlight=False)

    questions = _questions()
    retrieve_ms = []
    for question in [questions[0], *questions]:  # the first call loads what it loads: not counted
        started = time.perf_counter()
        compose(question, retrieve(question, store, settings), settings)
        retrieve_ms.append((time.perf_counter() - started) * 1000)
    retrieve_ms = retrieve_ms[1:]

    new = write_corpus(tmp / f"new-{size}", 100, 4000, seed=size)
    started = time.perf_counter()
    added = ingest([new[0].parent], store, settings)
    add_s = time.perf_counter() - started
    texts = [chunk.embed_text for path in new for chunk in store.article_chunks(path.name)]
    started = time.perf_counter()
    embedder_for(settings).embed(texts)
    embed_s = time.perf_counter() - started

    disk = sum(p.stat().st_size for p in settings.index_dir.rglob("*") if p.is_file())
    return {
        "chunks": chunks, "fill_s": round(fill_s, 1),
        "retrieve_compose_p50_ms": round(statistics.median(retrieve_ms), 1),
        "retrieve_compose_p95_ms": round(_percentile(retrieve_ms, 0.95), 1),
        "add_100_articles_s": round(add_s, 2), "add_100_chunks": added.chunks, "embed_them_alone_s": round(embed_s, 2),
        "add_ratio": round(add_s / embed_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "disk_mb": round(disk / 1e6),
    }


def main(
    sizes: str = typer.Option("10000,100000,1000000", help="Index sizes in chunks, comma-separated."),
    out: Path = typer.Option(Path("bench-results/scale.json"), help="Where to write the results."),
) -> None:
    console = Console(width=140)
    results = {}
    with tempfile.TemporaryDirectory(prefix="dateline-scale-") as tmp:
        embedder_for(load_settings()).embed(["warm-up"])  # the model loads before any clock starts
        for size in sorted(int(s) for s in sizes.split(",")):
            results[str(size)] = row = _measure(size, Path(tmp), console)
            target = TARGET_P50_MS.get(size)
            row["met"] = {"add_ratio": row["add_ratio"] <= TARGET_ADD_RATIO}
            if target:
                row["met"]["retrieve_compose_p50_ms"] = row["retrieve_compose_p50_ms"] <= target
            if size >= 1_000_000:
                row["met"]["peak_rss_mb"] = row["peak_rss_mb"] <= TARGET_RSS_MB_AT_1M
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(results, indent=2) + "\n")  # after each size: a long run keeps what it measured
            console.print(json.dumps(row), highlight=False)

    table = Table("chunks", "retrieve+compose p50 / p95 ms", "add 100 articles s", "embed them alone s", "ratio",
                  "peak RSS MB", "disk MB", "targets met", title=f"scale benchmark ({out})")
    for row in results.values():
        table.add_row(f"{row['chunks']:,}", f"{row['retrieve_compose_p50_ms']} / {row['retrieve_compose_p95_ms']}",
                      str(row["add_100_articles_s"]), str(row["embed_them_alone_s"]), str(row["add_ratio"]),
                      str(row["peak_rss_mb"]), str(row["disk_mb"]),
                      ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in row["met"].items()))
    console.print(table)


if __name__ == "__main__":
    set_process_environment()
    typer.run(main)
