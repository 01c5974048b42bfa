"""Pipeline: load -> clean -> chunk -> embed -> store, incrementally (unchanged articles are not embedded again)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.chunk import chunk_article
from index.clean import NoArticleText, clean
from index.dedupe import signature as near_duplicate_signature
from index.embed import embedder_for
from index.loaders import LoadError, iter_files, load_file
from index.records import Article, Chunk
from index.store import Indexed, Store
from index.web import Web

@dataclass
class IngestSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    chunks: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged, "skipped": self.skipped,
            "failed": self.failed, "chunks": self.chunks, "seconds": round(self.seconds, 3),
            "problems": self.problems,
        }


Report = Callable[[str], None]
# ("files" | "chunks", done, total): how far the run is; the chunk total grows as files are read.
ProgressReport = Callable[[str, int, int], None]


def chunking_signature(settings) -> str:
    return f"{settings.embed_model}|{settings.chunk_size}|{settings.chunk_overlap}"


def ingest(
    paths: list[Path],
    store: Store,
    settings,
    report: Report = lambda line: None,
    progress: ProgressReport = lambda kind, done, total: None,
) -> IngestSummary:
    """Index every article under `paths`; `report` gets one line per file that was skipped or failed."""
    started = time.perf_counter()
    summary = IngestSummary()
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise LoadError(f"{missing[0]}: no such file or directory")
    with store.writing(report):  # one writer at a time: the chat page's uploads and a terminal's ingest take turns
        _ingest(paths, store, settings, summary, report, progress)
    summary.seconds = time.perf_counter() - started
    return summary


def _ingest(paths: list[Path], store: Store, settings, summary: IngestSummary, report: Report,
            progress: ProgressReport) -> None:
    store.reconcile()
    web = Web(store.validators, store.remember_fetch, lambda line: (summary.problems.append(line), report(line)))
    signature = chunking_signature(settings)
    pending: list[tuple[Article, list[Chunk], bool]] = []
    seen: dict[str, Path] = {}
    chunks_queued = 0

    def flush() -> None:
        if not pending:
            return
        vectors = iter(embedder_for(settings).embed(
            [chunk.embed_text for _, chunks, _ in pending for chunk in chunks]
        ))
        store.put_many(
            [Indexed(article, chunks, [next(vectors) for _ in chunks], near_duplicate_signature(article.text))
             for article, chunks, _ in pending],
            signature,
        )
        for _, chunks, is_update in pending:
            summary.chunks += len(chunks)
            summary.updated += is_update
            summary.added += not is_update
        pending.clear()
        progress("chunks", summary.chunks, chunks_queued)

    files = list(iter_files([Path(p) for p in paths]))
    for number_done, path in enumerate(files):
        progress("files", number_done, len(files))
        try:
            documents = load_file(path, int(settings.max_file_mb * 1_000_000), web)
        except LoadError as exc:
            is_unsupported = "unsupported file type" in str(exc)
            summary.skipped += is_unsupported
            summary.failed += not is_unsupported
            summary.problems.append(str(exc))
            report(str(exc))
            continue
        for document in documents:
            if document.id in seen and seen[document.id] != path:
                message = f"{path}: article id {document.id!r} is also used by {seen[document.id]}; rename one"
                summary.failed += 1
                summary.problems.append(message)
                report(message)
                continue
            seen[document.id] = path
            try:
                article = clean(document)
            except NoArticleText as exc:
                summary.skipped += 1
                summary.problems.append(str(exc))
                report(str(exc))
                continue
            state = store.state_of(article.id)
            if state == (article.hash, signature):
                summary.unchanged += 1
                continue
            chunks = chunk_article(article, settings.chunk_size, settings.chunk_overlap)
            pending.append((article, chunks, state is not None))
            chunks_queued += len(chunks)
            if sum(len(c) for _, c, _ in pending) >= settings.ingest_batch_chunks:
                flush()
    flush()
    summary.failed += web.problems  # pages and feeds that failed while the rest of their list went on
    summary.unchanged += web.unchanged_pages
    progress("files", len(files), len(files))
    store.refresh_derived()
