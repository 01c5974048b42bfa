"""Pipeline: load -> clean -> chunk -> embed -> store, incrementally (unchanged articles are not embedded again)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.chunk import chunk_article
from index.clean import NoArticleText, clean
from index.embed import get_embedder
from index.loaders import LoadError, iter_files, load_file
from index.records import Article, Chunk
from index.store import Store

EMBED_BATCH_CHUNKS = 256


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


def chunking_signature(settings) -> str:
    return f"{settings.embed_model}|{settings.chunk_size}|{settings.chunk_overlap}"


def ingest(paths: list[Path], store: Store, settings, report: Report = lambda line: None) -> IngestSummary:
    """Index every article under `paths`; `report` gets one line per file that was skipped or failed."""
    started = time.perf_counter()
    summary = IngestSummary()
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise LoadError(f"{missing[0]}: no such file or directory")
    store.reconcile()
    signature = chunking_signature(settings)
    pending: list[tuple[Article, list[Chunk], bool]] = []
    seen: dict[str, Path] = {}

    def flush() -> None:
        if not pending:
            return
        texts = [chunk.embed_text for _, chunks, _ in pending for chunk in chunks]
        vectors = get_embedder(settings.embed_model).embed(texts)
        offset = 0
        for article, chunks, is_update in pending:
            store.put(article, chunks, vectors[offset:offset + len(chunks)], signature)
            offset += len(chunks)
            summary.chunks += len(chunks)
            if is_update:
                summary.updated += 1
            else:
                summary.added += 1
        pending.clear()

    for path in iter_files([Path(p) for p in paths]):
        try:
            documents = load_file(path, int(settings.max_file_mb * 1_000_000))
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
            if sum(len(c) for _, c, _ in pending) >= EMBED_BATCH_CHUNKS:
                flush()
    flush()
    store.refresh_lexical()
    summary.seconds = time.perf_counter() - started
    return summary
