"""Compose: retrieved chunks -> numbered sources, compressed to the sentences that matter.

On a 2-core CPU the prompt is most of the latency (llama.cpp reads ~100-150 prompt tokens a second here). Each
source is cut down to windows around its best-matching sentences, within a character budget shared by all sources:
each source's best sentence first, then the best sentences of any source (a source ranked higher by retrieval
weighs a little more), then their neighbours. A sentence that offers the kind of thing the question asks — a date
for "when", a count for "how many", a name for "who", a place for "where" — ranks higher: the sentence that says
"The inquiry will be led by retired judge Miriam Okonjo" says less about the inquiry than the one announcing it,
but answers "who". A source whose best sentence is far below the best source's is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from index.chunk import sentence_spans
from index.dates import relative_dates
from index.embed import embedder_for
from index.lexicon import MONTHS, YEAR, content_words
from index.records import Article
from rag.labels import source_label
from rag.facts import facts_of, measured_numbers
from rag.question import Question, read_question
from rag.records import Citation
from rag.retrieve import Retrieved, wants_latest

RECENCY_MARGIN = 0.1  # how much less similar than the best hit an article may be and still count as relevant
LATEST_SOURCES = 2  # sources shown for "last/latest" questions
# Added to the score of a sentence that offers the kind of thing asked; less for a date, since news dates most of its
# sentences ("on Monday", "in 2021"), so a date says less about whether a sentence answers "when".
ASKED_KIND_BONUS = {"date": 0.15, "number": 0.25, "name": 0.25, "place": 0.25}
SOURCE_MARGIN = 0.3  # how much lower than the best source's best sentence a source's best may score and be shown
SOURCE_RANK_PENALTY = 0.05  # per place in retrieval's order, taken off a source's sentences when sharing the budget
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
    """Pick the top_k articles and, in each, the best sentence windows within `settings.context_chars`; an article
    with no sentence near the best one's score is left out, so there may be fewer passages than top_k."""
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
    embedder = embedder_for(settings)
    question_vector = embedder.embed_question(question)
    question_words = content_words(question)
    asked = read_question(question)
    sentences_of = [_article_sentences(hits) for hits in chosen]
    all_vectors = iter(embedder.embed([hits[0].article.text[s:e] for hits, sentences in zip(chosen, sentences_of)
                                       for s, e in sentences]))  # one call for every source: less overhead
    scores_of = []
    for hits, sentences in zip(chosen, sentences_of):
        article = hits[0].article
        scores = []
        for (s, e), vector in zip(sentences, [next(all_vectors) for _ in sentences]):
            sentence = article.text[s:e]
            overlap = len(question_words & content_words(sentence)) / (len(question_words) or 1)
            score = sum(a * b for a, b in zip(question_vector, vector)) + 0.3 * overlap
            if _offers_asked_kind(asked, sentence):
                score += ASKED_KIND_BONUS[asked.kind]
            scores.append(score)
        scores_of.append(scores)
    passages = []
    for hits, sentences, scores, picked in zip(chosen, sentences_of, scores_of,
                                               _pick_within_budget(sentences_of, scores_of, settings.context_chars)):
        if picked:
            passages.append(Passage(n=len(passages) + 1, article=hits[0].article, spans=[sentences[i] for i in picked],
                                    scores=[scores[i] for i in picked]))
    return passages


def _offers_asked_kind(asked: Question, sentence: str) -> bool:
    """Whether the sentence states a date, count, name or place (whichever the question asks for) that the question
    does not state itself."""
    if asked.kind == "date":
        return bool(_DATE_LIKE.search(sentence))
    if asked.kind not in ASKED_KIND_BONUS:
        return False
    facts = facts_of(sentence)
    if asked.kind == "number":  # in a unit of what it measures, if it measures: "9.2 metres" for "how wide"
        numbers = measured_numbers(sentence, asked.units) if asked.units else facts.numbers - facts.date_numbers
        return bool(numbers - asked.facts.numbers)
    names = facts.places if asked.kind == "place" else facts.names
    return any(not set(name) & asked.facts.name_words for name in names)


def _pick_within_budget(sentences_of: list[list[tuple[int, int]]], scores_of: list[list[float]],
                        budget: int) -> list[list[int]]:
    """Which sentences of each source (indices, in text order) the prompt holds: each shown source's best sentence
    (a source whose best is SOURCE_MARGIN below the best source's is not shown), then the best remaining sentences of
    any shown source while they fit `budget` characters, then neighbours of picked sentences while room is left."""
    best = max((max(scores) for scores in scores_of if scores), default=0.0)
    picked: list[set[int]] = [set() for _ in sentences_of]
    used = 0
    for k, (sentences, scores) in enumerate(zip(sentences_of, scores_of)):
        if scores and max(scores) >= best - SOURCE_MARGIN:
            i = scores.index(max(scores))
            picked[k].add(i)
            used += sentences[i][1] - sentences[i][0]
    ranked = sorted(((scores[i] - SOURCE_RANK_PENALTY * k, k, i) for k, scores in enumerate(scores_of) if picked[k]
                     for i in range(len(scores))), reverse=True)
    for neighbours in (False, True):
        for _, k, i in ranked:
            if neighbours and i not in picked[k]:
                continue
            for j in (i - 1, i + 1) if neighbours else (i,):
                length = sentences_of[k][j][1] - sentences_of[k][j][0] if 0 <= j < len(sentences_of[k]) else 0
                if length and j not in picked[k] and used + length <= budget:
                    picked[k].add(j)
                    used += length
    return [sorted(indices) for indices in picked]
