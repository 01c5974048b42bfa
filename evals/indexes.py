"""Scratch indexes for the benchmarks that ask the public sets' questions: one per corpus, ingested on first use."""

from __future__ import annotations

from pathlib import Path

from index.pipeline import ingest
from index.store import Store, open_store


class ScratchIndexes:
    """An index per public corpus under `scratch`, built the first time a set over that corpus asks for it: news-dev
    and news-test share data/news, so it is ingested once."""

    def __init__(self, settings, scratch: Path):
        self.settings = settings
        self.scratch = scratch
        self._built: dict[Path, tuple[Store, object]] = {}

    def for_set(self, name: str, corpus: Path) -> tuple[Store, object]:
        """The store holding `corpus`, and the settings that point at it."""
        if corpus not in self._built:
            local = self.settings.model_copy(update={"data_dir": self.scratch / name})
            self._built[corpus] = (open_store(local), local)
            ingest([corpus], *self._built[corpus])
        return self._built[corpus]
