"""Verify: check every answer sentence against the source it cites, and re-point, flag or abstain.

A sentence is supported by an article sentence (or two adjacent ones) when the names, numbers and dates it states
all appear in that span, and the two say the same thing (lexical overlap or embedding similarity). A wrong [n] is
re-pointed to the source that supports the sentence; a sentence no source supports is kept but flagged unverified;
an answer with no supported sentence becomes an abstention.
"""

from __future__ import annotations

import re

from index.chunk import sentence_spans
from index.embed import get_embedder
from rag.compose import Passage, content_words
from rag.records import AnswerSentence, Citation

ABSTENTION = "The articles here don't say."
MIN_SIMILARITY = 0.55
MIN_OVERLAP = 0.6
PAIR_PENALTY = 0.1  # the shortest span that holds every fact is the best citation
_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+")
_DONT_KNOW = re.compile(
    r"^(?:i (?:do not|don't) know|(?:the )?sources? (?:do(?:es)? not|don't) (?:say|mention|answer)|"
    r"there is no information|no information|not (?:mentioned|stated))",
    re.I,
)
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_FACT = re.compile(r"\b(?:\d[\d,.]*|[A-Z][a-zA-Z'-]+)\b")
_SENTENCE_START_WORDS = frozenset("The A An In On At It He She They This That After Before During But And".split())


def key_facts(sentence: str) -> set[str]:
    """Numbers, months and proper names the sentence asserts; they must appear in the supporting text."""
    facts = set()
    for match in _FACT.finditer(sentence):
        word = match.group(0).rstrip(".,")
        if word[0].isdigit():
            facts.add(word.replace(",", ""))
        elif word.lower() in _MONTHS:
            facts.add(word.lower()[:3])
        elif word not in _SENTENCE_START_WORDS:
            facts.add(word.lower())
    return facts


def _facts_present(facts: set[str], text: str) -> bool:
    lowered = text.lower().replace(",", "")
    words = set(re.findall(r"[a-z0-9']+", lowered))
    for fact in facts:
        if fact.isdigit() or fact[0].isdigit():
            if fact not in words and fact not in lowered:
                return False
        elif fact in {m[:3] for m in _MONTHS}:
            if not any(w.startswith(fact) for w in words):
                return False
        elif fact not in words and not any(w.startswith(fact) for w in words if len(fact) >= 5):
            return False
    return True


class Verifier:
    def __init__(self, passages: list[Passage], embed_model: str):
        self.passages = {p.n: p for p in passages}
        self.embedder = get_embedder(embed_model)
        self._sentences: dict[int, list[tuple[int, int]]] = {}
        self._vectors: dict[int, list[list[float]]] = {}

    def _article_sentences(self, n: int) -> tuple[list[tuple[int, int]], list[list[float]]]:
        if n not in self._sentences:
            text = self.passages[n].article.text
            spans = sentence_spans(text)
            self._sentences[n] = spans
            self._vectors[n] = self.embedder.embed([text[s:e] for s, e in spans])
        return self._sentences[n], self._vectors[n]

    def support(self, claim: str, claim_vector: list[float], n: int) -> tuple[float, tuple[int, int]] | None:
        """The span of source n that best supports `claim`, with its score; None if nothing does."""
        if n not in self.passages:
            return None
        text = self.passages[n].article.text
        spans, vectors = self._article_sentences(n)
        facts = key_facts(claim)
        claim_words = content_words(claim)
        best = None
        for first in range(len(spans)):
            for last in (first, first + 1):  # one sentence, or two adjacent ones when the claim spans both
                if last >= len(spans):
                    continue
                start, end = spans[first][0], spans[last][1]
                if not _facts_present(facts, text[start:end]):
                    continue
                similarity = max(sum(a * b for a, b in zip(claim_vector, vectors[i])) for i in (first, last))
                overlap = len(claim_words & content_words(text[start:end])) / (len(claim_words) or 1)
                if similarity < MIN_SIMILARITY and overlap < MIN_OVERLAP:
                    continue
                score = similarity + overlap - PAIR_PENALTY * (last - first)
                if best is None or score > best[0]:
                    best = (score, (start, end))
        return best


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
        claim = _MARKER.sub("", sentence).strip()
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
