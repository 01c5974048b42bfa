"""Timelines: "What happened between Russia and North Korea since 2023?" -> the dated events the articles report
about it, earliest first, each one line cited to the sentence that states it.

No LLM writes a timeline: retrieval finds the articles about the topic, the dated event sentences found at ingest
(index/events.py) are read from the store, the ones about the topic kept, and one event several articles report
becomes one item with several citations. Each item is the cited sentence itself and its date is the one that sentence
states (or gives relative to its article's date), so every item is backed by its span by construction.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import takewhile

from rapidfuzz import fuzz

from index.embed import embedder_for
from index.events import PRECISION_RANK, date_mentions, event_label, last_day
from index.lexicon import content_words
from index.records import Article, DatedEvent
from index.store import Store
from rag.labels import NO_TIMELINE
from rag.records import Answer, AnswerSentence, Citation, RetrievedSource, TimelineItem
from rag.retrieve import retrieve

# Questions that ask for a sequence of events rather than one fact.
TIMELINE_QUESTION = re.compile(
    r"\b(?:time ?line|chronolog(?:y|ical)|what (?:has |had )?happened|what's happened|sequence of events|"
    r"course of events|key dates|how did .{3,80}\b(?:unfold|develop|evolve|progress))\b",
    re.I,
)
# Words that frame the request rather than name the topic; left out of what event sentences are compared with.
_FRAME = re.compile(
    r"\b(?:give me|show me|list|tell me|a|the|time ?line|chronolog(?:y|ical)|of|what|has|had|happened|with|in|to|"
    r"sequence|course|events?|key|dates|how|did|unfold|develop|evolve|progress|since|until|before|after|between|"
    r"from|so far)\b",
    re.I,
)
ARTICLE_MARGIN = 0.12  # how much less similar to the topic than the best article an article may be and still count
MIN_EVENT_SIMILARITY = 0.4  # an event sentence less similar than this to the topic is about something else (dev-tuned)
# An article whose headline is this similar to the topic is about it throughout: all its dated sentences are events of
# the topic, also those that do not name it ("Engineers will begin checking buildings on Thursday"). Dev-tuned.
MIN_HEADLINE_SIMILARITY = 0.7
SAME_EVENT_SIMILARITY = 60  # rapidfuzz token-set ratio of two sentences' content words that makes them one event
_BOUND_WORDS = {"since": "since", "after": "since", "from": "since", "until": "until", "before": "until",
                "by": "until", "till": "until", "in": "within", "during": "within"}


def wants_timeline(question: str) -> bool:
    return bool(TIMELINE_QUESTION.search(question))


_BETWEEN = re.compile(r"\bbetween\s+(?P<first>.+?)\s+and\s+(?P<second>[^?!.,;]+)", re.I)


def bounds_in(question: str, today: date) -> tuple[date | None, date | None]:
    """The period a question names for its events: "since September 2023" -> (2023-09-01, None), "before 2024",
    "in 2023" -> both ends of 2023, "between 2000 and 2023" -> (2000-01-01, 2023-12-31)."""
    if between := _BETWEEN.search(question):
        first, second = (date_mentions(f"in {between[part]}", today) for part in ("first", "second"))
        if first and second:
            return first[0].day, last_day(second[-1].day, second[-1].precision)
    since = until = None
    for mention in date_mentions(question, today):
        said = mention.said.split()
        leading = list(takewhile(lambda word: word.lower() in _BOUND_WORDS, said))  # the year pattern takes its "in"
        before = question[:mention.position].split() + leading
        bound = _BOUND_WORDS.get(before[-1].lower() if before else "")
        if bound in ("since", "within"):
            since = mention.day
        if bound == "within" or before and before[-1].lower() in ("until", "till", "by"):
            until = last_day(mention.day, mention.precision)
        elif bound == "until":  # "before June 2024": up to the day before it begins
            until = mention.day - timedelta(days=1)
    return since, until


def topic_of(question: str) -> str:
    """The words of a timeline question that say what it is about: "Timeline of the Sarel treaty since May 2025?" ->
    "Sarel treaty"."""
    spans = [(m.position, m.position + len(m.said)) for m in date_mentions(question, None)]
    kept = "".join(ch for i, ch in enumerate(question) if not any(s <= i < e for s, e in spans))
    words = _FRAME.sub(" ", kept)
    return " ".join(re.sub(r"[?!.,:;]", " ", words).split()) or question


@dataclass
class _Candidate:
    event: DatedEvent
    article: Article
    similarity: float

    @property
    def text(self) -> str:
        return self.article.text[self.event.start:self.event.end]


def _last_day(event: DatedEvent) -> date:
    return last_day(event.day, event.precision)


def _same_event(a: _Candidate, b: _Candidate) -> bool:
    """Two sentences report one event when their dates can be the same day and their words mostly agree."""
    if a.event.day > _last_day(b.event) or b.event.day > _last_day(a.event):
        return False
    words_a, words_b = " ".join(sorted(content_words(a.text))), " ".join(sorted(content_words(b.text)))
    return fuzz.token_set_ratio(words_a, words_b) >= SAME_EVENT_SIMILARITY


def _group(candidates: list[_Candidate]) -> list[list[_Candidate]]:
    """One group per event: each candidate joins the first group holding a report of the same event."""
    groups: list[list[_Candidate]] = []
    for candidate in candidates:
        home = next((g for g in groups if any(_same_event(candidate, other) for other in g)), None)
        if home is None:
            groups.append([candidate])
        else:
            home.append(candidate)
    return groups


def _headlines_about(topic_vector: list[float], headlines: dict[str, str], embedder) -> set[str]:
    """The articles (by id) whose headline is about the topic."""
    ids = [article_id for article_id, headline in headlines.items() if headline]
    vectors = embedder.embed([headlines[article_id] for article_id in ids]) if ids else []
    return {article_id for article_id, vector in zip(ids, vectors)
            if sum(a * b for a, b in zip(topic_vector, vector)) >= MIN_HEADLINE_SIMILARITY}


def articles_about(
    topic: str,
    store: Store,
    settings,
    as_of: date | None = None,
    published: tuple[date | None, date | None] = (None, None),
) -> dict[str, float]:
    """The articles about a topic, most similar first, with their best similarity: up to `timeline_sources` of
    them, each within ARTICLE_MARGIN of the best (a timeline, and the disagreements `dateline sources` lists)."""
    wide = settings.model_copy(update={"top_k": settings.timeline_sources})
    best: dict[str, float] = {}
    for hit in retrieve(topic, store, wide, as_of, published):
        best[hit.article.id] = max(best.get(hit.article.id, -1.0), hit.dense)
    top = max(best.values(), default=0.0)
    ranked = [(a, score) for a, score in sorted(best.items(), key=lambda kv: -kv[1]) if score >= top - ARTICLE_MARGIN]
    return dict(ranked[:settings.timeline_sources])


def timeline(
    question: str,
    store: Store,
    settings,
    as_of: date | None = None,
    published: tuple[date | None, date | None] = (None, None),
    since: date | None = None,
    until: date | None = None,
) -> Answer:
    """The question's timeline as an Answer: `timeline` items, and the same items as sentences with citations.
    `since`/`until` bound the events' own dates (else the question's "since 2023", "before June 2024" do)."""
    started = time.perf_counter()
    asked_since, asked_until = bounds_in(question, as_of or date.today())
    since, until = since or asked_since, until or asked_until
    topic = topic_of(question)
    best = articles_about(topic, store, settings, as_of, published)
    articles = list(best)
    found = store.events(articles)
    embedder = embedder_for(settings)
    topic_vector = embedder.embed_question(topic)
    vectors = embedder.embed([article.text[event.start:event.end] for event, article in found]) if found else []
    candidates = [
        _Candidate(event, article, sum(a * b for a, b in zip(topic_vector, vector)))
        for (event, article), vector in zip(found, vectors)
    ]
    on_topic = _headlines_about(topic_vector, {article.id: article.title for _, article in found}, embedder)
    candidates = [
        c for c in candidates
        if (c.similarity >= MIN_EVENT_SIMILARITY or c.article.id in on_topic)
        and (since is None or _last_day(c.event) >= since) and (until is None or c.event.day <= until)
    ]
    # In date order, so that a report joins the group of an earlier report of the same event.
    candidates.sort(key=lambda c: (c.event.day, PRECISION_RANK[c.event.precision],
                                   c.article.published or date.max, c.event.start))
    result = Answer(question=question, answer="", as_of=as_of, llm="timeline",
                    retrieved=[RetrievedSource(source=a, score=round(best[a], 5)) for a in articles])
    events = []
    for group in _group(candidates):
        lead = min(group, key=lambda c: (PRECISION_RANK[c.event.precision], c.article.published or date.max))
        events.append([lead, *(other for other in group if other is not lead)])  # its own sentence is cited first
    events.sort(key=lambda reports: (reports[0].event.day, PRECISION_RANK[reports[0].event.precision]))
    for lead, *others in events:  # numbered in the order shown
        numbers: list[int] = []
        for c in [lead, *others]:
            if any(result.citations[n - 1].source == c.article.id for n in numbers):
                continue  # one citation per article for one event
            citation = Citation.of_span(len(result.citations) + 1, c.article, c.event.start, c.event.end)
            result.citations.append(citation)
            numbers.append(citation.n)
        planned = lead.article.published is not None and lead.event.day > lead.article.published
        result.timeline.append(TimelineItem(
            date=event_label(lead.event), day=lead.event.day, precision=lead.event.precision,
            text=lead.text, citations=numbers, planned=planned))
    result.sentences = [AnswerSentence(text=f"{item.date}{' (planned)' if item.planned else ''}: {item.text}",
                                       citations=item.citations, verified=True) for item in result.timeline]
    if result.timeline:
        result.answer = "\n".join(s.text for s in result.sentences)
    else:
        result.abstained = True
        result.answer = NO_TIMELINE
        result.reason = "no dated event about the topic in the retrieved articles"
    result.timings = {"total_s": round(time.perf_counter() - started, 3)}
    return result
