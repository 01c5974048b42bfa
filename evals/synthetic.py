"""Synthetic news articles for benchmarks and crash tests: dated, English, distinct (no two are near-duplicates)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

_SUBJECTS = ["The minister", "A spokesman", "The delegation", "Officials", "The governor", "Analysts", "The council",
             "Residents", "The company", "Negotiators", "The court", "Police", "The agency", "Farmers", "Voters"]
_VERBS = ["said", "announced", "warned", "confirmed", "denied", "reported", "argued", "promised", "suggested"]
_OBJECTS = ["new tariffs on steel", "a budget for the northern railway", "talks with the neighbouring state",
            "a delay to the harbour project", "higher prices for grain", "a ceasefire along the border",
            "the closure of two mines", "a vote on the water treaty", "an inquiry into the power cuts",
            "fresh sanctions on shipping", "plans for a regional airport", "a rise in fuel subsidies",
            "the release of three prisoners", "cuts to the school budget", "a summit later in the year"]
_PLACES = ["in Lisbon", "in Nairobi", "in Hanoi", "in Quito", "in Oslo", "in Tbilisi", "in Manila", "in Accra",
           "in Lyon", "in Busan", "in Perth", "in Tartu", "in Recife", "in Osaka", "in Cork", "in Dakar"]
_TIMES = ["on Monday", "on Tuesday", "last week", "this morning", "late on Friday", "earlier this month"]


def _sentence(rng: random.Random, number: int) -> str:
    return (f"{rng.choice(_SUBJECTS)} {rng.choice(_PLACES)} {rng.choice(_VERBS)} {rng.choice(_TIMES)} that "
            f"{rng.choice(_OBJECTS)} would cost {rng.randint(2, 990)} million, according to document "
            f"{number}-{rng.randint(1000, 9999)}.")


# Every phrase an article or question is made of: what a benchmark's stand-in vectors are built from.
PHRASES = (*_SUBJECTS, *_VERBS, *_OBJECTS, *_PLACES, *_TIMES)


def question_text(rng: random.Random) -> str:
    """A question in the articles' own vocabulary, for retrieval benchmarks."""
    return f"What did {rng.choice(_SUBJECTS).lower()} {rng.choice(_PLACES)} say about {rng.choice(_OBJECTS)}?"


def article_text(index: int, chars: int, published: date, seed: int = 0) -> str:
    """One Markdown article with front matter, about `chars` characters of body."""
    rng = random.Random(seed * 1_000_003 + index)
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < chars:
        sentences.append(_sentence(rng, index))
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return (f"---\ntitle: Report {index}: {rng.choice(_OBJECTS)}\noutlet: Synthetic Wire\n"
            f"published: {published.isoformat()}\n---\n\n" + "\n\n".join(paragraphs) + "\n")


def write_corpus(directory: Path, count: int, chars: int = 4000, seed: int = 0) -> list[Path]:
    """Write `count` articles (one file each, dated a day apart from 2024-01-01) under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = directory / f"article-{index:05d}.md"
        path.write_text(article_text(index, chars, date(2024, 1, 1) + timedelta(days=index), seed), encoding="utf-8")
        paths.append(path)
    return paths
