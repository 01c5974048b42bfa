"""Verify: check every answer sentence against the source it cites, and re-point, flag or abstain.

A sentence is supported by a span of up to three adjacent article sentences when the numbers, dates and surnames it
states all appear in that span (first names anywhere in the article; the outlet and date as the source was labelled
for the model), and the two say the same thing
(lexical overlap or embedding similarity). A wrong [n] is re-pointed to the source that supports the sentence; a
sentence no source supports is kept but flagged unverified; an answer with no supported sentence becomes an
abstention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.chunk import sentence_spans
from index.dates import MONTHS, RelativeDate, relative_dates
from index.embed import get_embedder
from rag.compose import Passage, content_words
from rag.records import AnswerSentence, Citation

ABSTENTION = "The articles here don't say."
MIN_SIMILARITY = 0.55
MIN_OVERLAP = 0.5
MAX_SPAN_SENTENCES = 3
SPAN_PENALTY = 0.1  # per extra sentence: the shortest span that holds every fact is the best citation
_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+")
_DONT_KNOW = re.compile(
    r"^(?:i (?:do not|don't) know|(?:the )?sources? (?:do(?:es)? not|don't) (?:say|mention|answer)|"
    r"there is no information|no information|not (?:mentioned|stated))",
    re.I,
)
_MONTHS = (*MONTHS, *(m[:3] for m in MONTHS if m != "may"), "sept")  # names and their abbreviations
_NAME_RUN = re.compile(r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_SENTENCE_START_WORDS = frozenset(
    "The A An In On At It He She They This That After Before During But And Yes No According What Who Whom Whose "
    "When Where Why How Which Did Does Do Is Are Was Were Has Have Had Can Could Will Would Should".split()
)
_SHORT_MONTHS = {m[:3] for m in _MONTHS}


def _word(token: str) -> str:
    token = token.lower().rstrip(".,")
    return token[:-2] if token.endswith("'s") else token


@dataclass(frozen=True)
class Facts:
    """What a claim asserts. `specific` (numbers, months, the last word of each name) must be in the cited span;
    `context` (first names, "North" of "North Korea") only somewhere in the same article, its title or outlet."""

    specific: frozenset[str]
    context: frozenset[str]


def key_facts(sentence: str) -> Facts:
    specific, context = set(), set()
    for number in _NUMBER.finditer(sentence):
        specific.add(number.group(0).rstrip(".,").replace(",", ""))
    for run in _NAME_RUN.finditer(sentence):
        words = [_word(w) for w in run.group(0).split() if w not in _SENTENCE_START_WORDS]
        months = [w for w in words if w in _MONTHS]
        specific.update(m[:3] for m in months)
        names = [w for w in words if w not in _MONTHS]
        if names:
            specific.add(names[-1])
            context.update(names[:-1])
    return Facts(frozenset(specific), frozenset(context))


def _words(text: str) -> set[str]:
    return {_word(w) for w in re.findall(r"[a-z0-9'-]+|\d[\d,.]*", text.lower().replace(",", ""))} | set(
        re.findall(r"[a-z0-9]+", text.lower().replace(",", ""))
    )


def _present(fact: str, words: set[str]) -> bool:
    if fact in _SHORT_MONTHS:
        return any(w.startswith(fact) for w in words)
    return fact in words or (len(fact) >= 5 and any(w.startswith(fact) for w in words))


def unmentioned_facts(question: str, passages: list[Passage]) -> list[str]:
    """Names and numbers of the question that no retrieved article mentions: then the articles cannot answer it."""
    facts = key_facts(question)
    words = _words(" ".join(f"{p.article.text} {p.article.title} {p.article.outlet or ''}" for p in passages))
    return sorted(fact for fact in facts.specific | facts.context if not _present(fact, words))


@dataclass(frozen=True)
class _ArticleFacts:
    spans: list[tuple[int, int]]  # its sentences
    vectors: list[list[float]]  # their embeddings
    relative: list[RelativeDate]  # its relative dates, resolved
    words: set[str]  # every word it states, the resolved relative dates included


class Verifier:
    def __init__(self, passages: list[Passage], embed_model: str):
        self.passages = {p.n: p for p in passages}
        self.embedder = get_embedder(embed_model)
        self._articles: dict[int, _ArticleFacts] = {}

    def _article(self, n: int) -> _ArticleFacts:
        """What every claim checked against source n needs of its article, computed once per answer."""
        if n not in self._articles:
            article = self.passages[n].article
            spans = sentence_spans(article.text)
            relative = relative_dates(article.text, article.published)  # "last September" states "September 2023"
            self._articles[n] = _ArticleFacts(
                spans=spans,
                vectors=self.embedder.embed([article.text[s:e] for s, e in spans]),
                relative=relative,
                words=_words(article.text) | _words(" ".join(found.label for found in relative)),
            )
        return self._articles[n]

    def support(self, claim: str, claim_vector: list[float], n: int) -> tuple[float, tuple[int, int]] | None:
        """The span of source n that best supports `claim`, with its score; None if nothing does."""
        if n not in self.passages:
            return None
        passage = self.passages[n]
        text = passage.article.text
        known = self._article(n)
        spans, vectors, relative, text_words = known.spans, known.vectors, known.relative, known.words
        facts = key_facts(claim)
        label_words = _words(f"{passage.article.title} {passage.label()}")  # outlet and date, as the model saw them
        if not all(_present(word, text_words | label_words) for word in facts.context | facts.specific):
            return None
        in_span = {word for word in facts.specific if _present(word, text_words)}  # the rest only label the source
        claim_words = content_words(claim) - facts.context  # a first name must not pull in a longer span
        best = None
        for first in range(len(spans)):
            for last in range(first, min(first + MAX_SPAN_SENTENCES, len(spans))):
                start, end = spans[first][0], spans[last][1]
                span_words = _words(text[start:end] + " " + " ".join(
                    found.label for found in relative if start <= found.start and found.end <= end))
                if not all(_present(word, span_words) for word in in_span):
                    continue
                similarity = max(sum(a * b for a, b in zip(claim_vector, vectors[i])) for i in range(first, last + 1))
                overlap = len(claim_words & content_words(text[start:end])) / (len(claim_words) or 1)
                if similarity < MIN_SIMILARITY and overlap < MIN_OVERLAP:
                    continue
                score = similarity + overlap - SPAN_PENALTY * (last - first)
                if best is None or score > best[0]:
                    best = (score, (start, end))
        return best


# "Reuters, published 21 January 2024: ..." -- small models sometimes repeat the source label before the claim.
_ECHOED_LABEL = re.compile(r"^[^:\n]{1,120}, published (?:an unknown date|\d{1,2} [A-Z][a-z]+ \d{4}):\s*")
_ASKS_NUMBER = re.compile(r"^\s*how (?:many|much)\b", re.I)
_ASKS_DATE = re.compile(r"^\s*(?:when|since when|what (?:year|month|day|date)|(?:in )?which year)\b", re.I)
_NUMBER_WORDS = re.compile(
    r"\b(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|"
    r"thousands?|millions?|billions?|dozens?|half)\b",
    re.I,
)
_DATE_WORDS = re.compile(
    r"\b(?:\d|" + "|".join(_MONTHS) + r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
    r"yesterday|tomorrow|ago|week|month|year|decade|century|morning|evening|night)",
    re.I,
)


def missing_answer_kind(question: str, sentences: list[AnswerSentence]) -> str | None:
    """"number" or "date" when the question asks for one and no verified sentence gives one, else None.

    A true, well-cited sentence that does not say how many or when is not an answer: it is the small model
    quoting something nearby instead of saying it does not know.
    """
    said = " ".join(s.text for s in sentences if s.verified)
    if _ASKS_NUMBER.match(question) and not _NUMBER_WORDS.search(said):
        return "number"
    if _ASKS_DATE.match(question) and not _DATE_WORDS.search(said):
        return "date"
    return None


def split_answer(text: str) -> list[tuple[str, list[int]]]:
    """Answer text -> [(sentence without markers, cited source numbers)]."""
    parts: list[tuple[str, list[int]]] = []
    for s, e in sentence_spans(text.strip()):
        sentence = text.strip()[s:e]
        leading = _LEADING_MARKERS.match(sentence)
        if leading and parts:  # "... 2000. [2] He left." -> the [2] closes the sentence before
            parts[-1][1].extend(int(n) for n in re.findall(r"\d+", leading.group(0)))
            sentence = sentence[leading.end():]
        cited = [int(n) for group in _MARKER.findall(sentence) for n in re.split(r"[,;]", group)]
        claim = _ECHOED_LABEL.sub("", _MARKER.sub("", sentence).strip())
        if re.fullmatch(r"[\W\d]*", claim):  # a stray marker after the full stop belongs to the sentence before
            if parts:
                parts[-1][1].extend(cited)
            continue
        parts.append((claim, cited))
    return parts


def verify(answer_text: str, passages: list[Passage], embed_model: str):
    """-> (answer text with renumbered markers, sentences, citations, abstained)."""
    parts = split_answer(answer_text)
    if not parts or _DONT_KNOW.match(parts[0][0]):
        return ABSTENTION, [], [], True
    verifier = Verifier(passages, embed_model)
    vectors = verifier.embedder.embed([claim for claim, _ in parts])
    citations: list[Citation] = []
    by_span: dict[tuple[str, int, int], int] = {}
    sentences: list[AnswerSentence] = []
    for (claim, cited), vector in zip(parts, vectors):
        supported = [(n, verifier.support(claim, vector, n)) for n in dict.fromkeys(cited)]
        supported = [(n, hit) for n, hit in supported if hit]
        if not supported:  # wrong or missing [n]: re-point to the source that supports the sentence, if any
            candidates = [(n, verifier.support(claim, vector, n)) for n in verifier.passages if n not in cited]
            candidates = [(n, hit) for n, hit in candidates if hit]
            supported = sorted(candidates, key=lambda item: item[1][0], reverse=True)[:1]
        numbers = []
        for n, (_, (start, end)) in supported:
            article = verifier.passages[n].article
            key = (article.id, start, end)
            if key not in by_span:
                by_span[key] = len(citations) + 1
                citations.append(
                    Citation(
                        n=by_span[key], source=article.id, title=article.title, outlet=article.outlet,
                        published=article.published, url=article.url, start=start, end=end,
                        text=article.text[start:end],
                    )
                )
            numbers.append(by_span[key])
        sentences.append(AnswerSentence(text=claim, citations=numbers, verified=bool(numbers)))
    if not any(s.verified for s in sentences):
        return ABSTENTION, sentences, [], True
    return " ".join(with_markers(s) for s in sentences), sentences, citations, False


def with_markers(sentence: AnswerSentence) -> str:
    """Place the markers before the closing full stop: "... in July 2000 [1]."."""
    text = sentence.text
    end = text[-1] if text[-1] in ".!?" else ""
    return text[: len(text) - len(end)] + "".join(f" [{n}]" for n in sentence.citations) + end
