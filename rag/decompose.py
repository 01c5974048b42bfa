"""Decompose: a question that asks for one fact several times into one question per part.

Two shapes are split, both read from the question's own words (no LLM):
- several named outlets: "What death tolls did the Coastline Herald and the Continental Observer report?" -> "What
  death tolls did the Coastline Herald report?" answered from the Coastline Herald's articles only, and the same for
  the Continental Observer;
- one fact at several moments, the preposition repeated after "and": "How many cases had Cawley recorded by
  17 February, and how many by 12 March?" -> "... recorded by 17 February?" and "... recorded by 12 March?".
Each part is then answered and verified on its own (rag/chat.py), so the small model reads one fact at a time and
every sentence cites its own source; the answer joins the parts' verified sentences. A question of neither shape is
one part, answered as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rag.records import Citation
from rag.verify import Verified, with_markers

MAX_PARTS = 3
# "..., and how many by 12 March?": the second moment may repeat the asking words before its preposition.
_REPEATED_PREPOSITION = re.compile(
    r"^(?P<head>.+)\s(?P<prep>on|by|in|at|before|after|during|from)\s(?P<first>(?:(?!\sand\s)[^?])+?),?\s+and\s+"
    r"(?:(?:how many|how much|what|which|who|when|where)\s+)?(?P=prep)\s(?P<second>(?:(?!\sand\s)[^?])+?)\s*\?*\s*$",
    re.I,
)
_EACH = re.compile(r"\s+each\b", re.I)
# The verb before a list of outlets, made to agree with one of them: "How do the A and the B spell" -> "How does".
_PLURAL_VERB = re.compile(r"\b(do|have|are|were)\s+$", re.I)
_SINGULAR = {"do": "does", "have": "has", "are": "is", "were": "was"}


@dataclass(frozen=True)
class Part:
    """One fact the question asks for: the question that asks it alone, the outlet whose articles answer it (None:
    any article), and whether it asks for one value of a difference (rag/compute.py), whose value alone may be
    checked when the model's sentence is not."""

    question: str
    outlet: str | None = None
    value: bool = False


def parts_of(question: str, outlets: Iterable[str]) -> list[Part]:
    """The question's parts: one per named outlet, else one per repeated moment, else the question itself."""
    return _by_outlet(question, outlets) or _by_moment(question) or [Part(question)]


def _by_outlet(question: str, outlets: Iterable[str]) -> list[Part]:
    """One part per outlet the question names in one list ("the A and the B", "A, B and C"), that list replaced by
    the one outlet: "according to the Kelmora Post and the Halden Business Journal" -> "according to the Kelmora
    Post". Outlets named apart ("Did the A confirm what the B reported?") are one question."""
    named = []
    for outlet in sorted({o for o in outlets if o}, key=len, reverse=True):  # "Post" inside "Kelmora Post" once
        for match in re.finditer(rf"(?<!\w)(?:the\s+)?{re.escape(outlet)}(?!\w)", question, re.I):
            if not any(s <= match.start() < e for s, e, _ in named):
                named.append((match.start(), match.end(), outlet))
    named.sort()
    if not 2 <= len(named) <= MAX_PARTS:
        return []
    for (_, end, _), (start, _, _) in zip(named, named[1:]):
        if not re.fullmatch(r"\s*(?:,|,?\s*and|,?\s*as well as)\s*", question[end:start], re.I):
            return []
    first, last = named[0][0], named[-1][1]
    head = _PLURAL_VERB.sub(lambda verb: _SINGULAR[verb[1].lower()] + " ", question[:first])
    rest = _EACH.sub("", question[last:], count=1)
    return [Part(head + question[start:end] + rest, outlet) for start, end, outlet in named]


def _by_moment(question: str) -> list[Part]:
    """Two parts when the question repeats its preposition after "and": "on 15 September, and how many on 22
    September", "on the day it rejected the approach and on the day it agreed"."""
    match = _REPEATED_PREPOSITION.match(question.strip())
    if not match:
        return []
    head, prep = match["head"].rstrip(" ,"), match["prep"]
    return [Part(f"{head} {prep} {match[moment].rstrip(' ,')}?") for moment in ("first", "second")]


def join_parts(parts: list[Verified]) -> Verified:
    """One answer from its parts' checked answers: the verified ones' sentences in order, each closed by a full stop
    (a part's bare "47" reads as a sentence), their citations numbered on (one span cited by two parts is one). It
    abstains only when every part does (then it is the first part's abstention, with every part's sentences, none
    verified)."""
    if len(parts) == 1:
        return parts[0]
    shown = [part for part in parts if not part.abstained]
    if not shown:
        first = parts[0]
        return Verified(first.text, [s for part in parts for s in part.sentences], [], True, first.reason)
    citations: list[Citation] = []
    by_span: dict[tuple[str, int, int], int] = {}
    sentences = []
    for part in shown:
        renumbered = {}
        for citation in part.citations:
            key = (citation.source, citation.start, citation.end)
            if key not in by_span:
                by_span[key] = len(citations) + 1
                citations.append(citation.model_copy(update={"n": by_span[key]}))
            renumbered[citation.n] = by_span[key]
        sentences += [s.model_copy(update={"citations": [renumbered[n] for n in s.citations], "text": _closed(s.text)})
                      for s in part.sentences]
    return Verified(" ".join(with_markers(s) for s in sentences), sentences, citations, False)


def _closed(text: str) -> str:
    return text if text[-1:] in (".", "!", "?", "”", '"') else f"{text}."
