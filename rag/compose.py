"""Compose: retrieved chunks -> numbered sources, compressed to the sentences that matter.

On a 2-core CPU the prompt is most of the latency (llama.cpp reads ~100-150 prompt tokens a second here). Each
source is cut down to windows around its best-matching sentences, within a character budget shared by all sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from index.chunk import sentence_spans
from index.dates import relative_dates
from index.lexicon import MONTHS, YEAR, content_words
from index.embed import embedder_for
from index.records import Article
from rag.labels import source_label
from rag.question import question_kind
from rag.records import Citation
from rag.retrieve import Retrieved, wants_latest

RECENCY_MARGIN = 0.1  # how much less similar than the best hit an article may be and still count as relevant
LATEST_SOURCES = 2  # sources shown for "last/latest" questions
# Sentences that address the model rather than report news never reach the prompt: article text is data.
_INSTRUCTION_LIKE = re.compile(
    r"\b(?:ignore|disregard|forget)\b.{0,40}\b(?:instructions?|prompts?|rules)\b|^\s*(?:system|assistant)\s*:|"
    r"\byou (?:must|should) (?:now )?(?:answer|reply|respond|say)\b|\b(?:reply|respond|answer) only with\b",
    re.I,
)
_DATE_LIKE = re.compile(rf"\b(?:{YEAR}|" + "|".join(m.capitalize() for m in MONTHS) + r")\b")


@dataclass
class Passage:
    """Source [n] as the model sees it: sentence spans of one article."""

    n: int
    article: Article
    spans: list[tuple[int, int]]
    scores: list[float]  # how well each span matches the question, parallel to `spans`

    @property
    def text(self) -> str:
        """The spans as the model reads them, each relative date followed by the date it means, unless the article
        states that date itself somewhere: "Kim visited the Far East last September (September 2023)".
        (Repeating a date the text already gives only distracted the small model.)"""
        relative = [found for found in relative_dates(self.article.text, self.article.published)
                    if found.label not in self.article.text]
        parts = []
        for start, end in self.spans:
            cursor, pieces = start, []
            for found in relative:
                if start <= found.start and found.end <= end:
                    pieces += [self.article.text[cursor:found.end], f" ({found.label})"]
                    cursor = found.end
            parts.append("".join(pieces) + self.article.text[cursor:end])
        return " ... ".join(parts)

    def label(self) -> str:
        return source_label(self.article.outlet or self.article.title, self.article.published)


def closest_passages(passages: list[Passage]) -> list[Citation]:
    """Each source's sentence that best matches the question: what to show when nothing could be verified."""
    closest = []
    for passage in passages:
        if passage.scores:
            start, end = passage.spans[passage.scores.index(max(passage.scores))]
            closest.append(Citation.of_span(passage.n, passage.article, start, end))
    return closest


def _article_sentences(hits: list[Retrieved]) -> list[tuple[int, int]]:
    """Sentences of the retrieved chunks of one article, in text order, without repeats from overlaps."""
    article = hits[0].article
    covered = sorted({(h.chunk.start, h.chunk.end) for h in hits})
    spans = set()
    for s, e in sentence_spans(article.text):
        if article.text[s:e] == article.title or _INSTRUCTION_LIKE.search(article.text[s:e]):
            continue
        if any(cs <= s and e <= ce for cs, ce in covered):
            spans.add((s, e))
    return sorted(spans)


def compose(question: str, retrieved: list[Retrieved], settings) -> list[Passage]:
    """Pick the top_k articles and, in each, the best sentence windows within `settings.context_chars`."""
    by_article: dict[str, list[Retrieved]] = {}
    for hit in retrieved:
        by_article.setdefault(hit.article.id, []).append(hit)
    if not by_article:
        return []
    if wants_latest(question):
        # The newest reports among the clearly relevant ones: an older article's "the last visit was in 2000"
        # is exactly what a newer one overtakes, and small models pick the wrong one when both are shown.
        best = max(h.dense for h in retrieved)
        relevant = [hs for hs in by_article.values() if max(h.dense for h in hs) >= best - RECENCY_MARGIN]
        relevant.sort(key=lambda hs: hs[0].article.published or date.min, reverse=True)
        chosen = relevant[: min(settings.top_k, LATEST_SOURCES)]
    else:
        chosen = sorted(by_article.values(), key=lambda hs: max(h.score for h in hs), reverse=True)[: settings.top_k]
    budget = max(settings.context_chars // len(chosen), 120)
    embedder = embedder_for(settings)
    question_vector = embedder.embed_question(question)
    question_words = content_words(question)
    wants_date = question_kind(question) == "date"
    sentences_of = [_article_sentences(hits) for hits in chosen]
    all_vectors = iter(embedder.embed([hits[0].article.text[s:e] for hits, sentences in zip(chosen, sentences_of)
                                       for s, e in sentences]))  # one call for every source: less overhead
    passages = []
    for n, (hits, sentences) in enumerate(zip(chosen, sentences_of), start=1):
        article = hits[0].article
        vectors = [next(all_vectors) for _ in sentences]
        scores = []
        for (s, e), vector in zip(sentences, vectors):
            sentence = article.text[s:e]
            overlap = len(question_words & content_words(sentence)) / (len(question_words) or 1)
            score = sum(a * b for a, b in zip(question_vector, vector)) + 0.3 * overlap
            if wants_date and _DATE_LIKE.search(sentence):
                score += 0.15
            scores.append(score)
        picked = _pick_within_budget(sentences, scores, budget)
        passages.append(
            Passage(n=n, article=article, spans=[sentences[i] for i in picked], scores=[scores[i] for i in picked])
        )
    return passages


def _pick_within_budget(sentences: list[tuple[int, int]], scores: list[float], budget: int) -> list[int]:
    """The best sentences that fit the budget (always at least one), then their neighbours while room is left."""
    picked: set[int] = set()
    used = 0
    ranked = sorted(range(len(sentences)), key=scores.__getitem__, reverse=True)
    for candidates in (ranked, [j for i in ranked for j in (i - 1, i + 1)]):
        for i in candidates:
            if 0 <= i < len(sentences) and i not in picked:
                length = sentences[i][1] - sentences[i][0]
                if not picked or used + length <= budget:
                    picked.add(i)
                    used += length
    return sorted(picked)
