"""Scratch indexes for the benchmarks that ask the public sets' questions: one per corpus, ingested on first use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from evals.dataset import PUBLIC_SETS, EvalQuestion, load_dataset, split_of_set
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

    def questions(self, split: str, wanted: Callable[[EvalQuestion], bool]
                  ) -> Iterator[tuple[str, str, EvalQuestion, Store, object]]:
        """(set name, its split, question, store, settings) for each `wanted` question of the public sets in `split`
        ("dev", "test" or "all"); a set's index is built only when it has such a question."""
        for name, (dataset, corpus) in PUBLIC_SETS.items():
            question_split = split_of_set(name)
            if split not in ("all", question_split):
                continue
            for question in filter(wanted, load_dataset(dataset)):
                yield name, question_split, question, *self.for_set(name, corpus)
