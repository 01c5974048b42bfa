"""Retrieve: question -> the most relevant chunks, dense (Chroma) and lexical (BM25) fused, aware of dates.

Dates: with `as_of`, only articles published on or before it count (undated articles too are left out, since
nothing shows they existed then). A period named in the question ("in 2023", "since June 2024") sets the earliest
publication date that counts: an article cannot report what had not happened yet, while a later article may well
look back, so no latest date is inferred from the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from index.lexicon import DATE_UNITS, MONTH_NUMBERS, YEAR
from index.embed import embedder_for
from index.records import Article, Chunk
from index.store import Store

RRF_K = 60
CANDIDATES_PER_SOURCE = 4
MIN_DENSE_SCORE = 0.2
_DATE_UNITS = "|".join(DATE_UNITS)
# "last" as in "the last visit", not as in "last September" (a date relative to the article).
RECENCY_WORDS = re.compile(
    rf"\b(last(?!\s+(?:{_DATE_UNITS})\b)|latest|most recent(?:ly)?|recent(?:ly)?|current(?:ly)?|now|still|newest|"
    r"so far|yet|as of)\b",
    re.I,
)


@dataclass
class Retrieved:
    chunk: Chunk
    article: Article
    score: float  # fused rank score
    dense: float  # cosine similarity to the question


def wants_latest(question: str) -> bool:
    return bool(RECENCY_WORDS.search(question))


_PERIOD = re.compile(
    rf"\b(?:in|during|since|after|from)\s+(?:(?P<month>{'|'.join(MONTH_NUMBERS)})\s+)?(?P<year>{YEAR})\b",
    re.I,
)


def earliest_publication(question: str) -> date | None:
    """The start of the first period the question names ("in 2023" -> 2023-01-01, "since June 2024" -> 2024-06-01)."""
    match = _PERIOD.search(question)
    if not match:
        return None
    month = MONTH_NUMBERS[match["month"].lower()] if match["month"] else 1
    return date(int(match["year"]), month, 1)


def retrieve(
    question: str,
    store: Store,
    settings,
    as_of: date | None = None,
    published: tuple[date | None, date | None] = (None, None),
    as_written: str | None = None,
) -> list[Retrieved]:
    """Up to `settings.top_k * CANDIDATES_PER_SOURCE` chunks the manifest vouches for, best first.

    `published` is a (from, to) publication date filter the user set; both ends are inclusive. `as_written` is the
    question in the words it was asked in, when `question` is its translation: the lexical search reads both, since
    a translation may respell the names the articles use ("Pjöngjang" read as another place).
    """
    n = settings.top_k * CANDIDATES_PER_SOURCE
    latest = min((d for d in (as_of, published[1]) if d), default=None)
    max_day = latest.toordinal() if latest else None
    earliest = max((d for d in (earliest_publication(question), published[0]) if d), default=None)
    min_day = earliest.toordinal() if earliest else None
    vector = embedder_for(settings).embed_question(question)
    dense = store.dense_search(vector, n, min_day, max_day)
    lexical = store.lexical_search(f"{question} {as_written}" if as_written else question, n * 2)
    fused: dict[str, float] = {}
    for hits in (dense, lexical):
        for rank, hit in enumerate(hits):
            fused[hit.chunk_id] = fused.get(hit.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    dense_scores = {hit.chunk_id: hit.score for hit in dense}
    known = store.chunks(list(fused))
    results = []
    for chunk_id, score in fused.items():
        if chunk_id not in known:
            continue
        chunk, article = known[chunk_id]
        if max_day is not None and not (0 <= article.published_day <= max_day):
            continue
        if min_day is not None and 0 <= article.published_day < min_day:
            continue
        results.append(Retrieved(chunk, article, score, dense_scores.get(chunk_id, 0.0)))
    if not results:
        return []
    lexical_only = [r for r in results if r.chunk.id not in dense_scores]
    if lexical_only:  # measured on the same scale as the rest, with their stored vectors (no embedding)
        stored = store.vectors([r.chunk.id for r in lexical_only])
        for r in lexical_only:
            r.dense = sum(a * b for a, b in zip(vector, stored.get(r.chunk.id, ())))
    results = [r for r in results if r.dense >= MIN_DENSE_SCORE]
    results.sort(key=lambda r: r.score, reverse=True)
    return results[:n]
