"""What a question asks: the kind of answer it wants (a date, a number, a name, yes or no, or something else) and
the words that say what it is about (its subject and predicate), which the sentence stating the answer must share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from index.lexicon import COUNTED_THING, MEASURES, QUESTION_KINDS, UNNAMED_COUNTS, stem
from rag.facts import Facts, content_stems, facts_of
from rag.retrieve import wants_latest

KIND_LABELS = {"date": "date", "number": "number", "name": "name", "place": "place", "yesno": "yes or no",
               "other": "answer"}


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # "date" | "number" | "name" | "place" | "yesno" | "other"
    anchors: frozenset[str]  # stems of what it is about: "When did Putin last visit Pyongyang?" -> putin, visit, ...
    facts: Facts
    latest: bool = False  # "last", "latest", "as of": the newest source's answer is the answer
    asks_where: bool = False  # "where ...?": the answer is a place after "in", "at", "to"... ("met in Pyongyang")
    asks_who: bool = False  # "who ...?": a person, often named beside the role asked ("Chair Beatrix Holm")
    counted: str | None = None  # "how many soldiers ...?": "soldier", stemmed; the count's clause must name it
    units: frozenset[str] = frozenset()  # "how wide ...?": lengths; the answer's number must be given in one of them

    @property
    def topic(self) -> frozenset[str]:
        """The anchors that are words, not dates or numbers: "september 2023" does not say what a clause is about."""
        dates = {stem(month) for month in self.facts.months} | set(self.facts.numbers)
        return frozenset(a for a in self.anchors if a not in dates and not a.isdigit())

    @property
    def name_stems(self) -> frozenset[str]:
        """The question's own name words, stemmed: whom and where it asks about ("putin", "pyongyang")."""
        return frozenset(stem(word) for word in self.facts.name_words)

    @property
    def names_day(self) -> bool:
        """Whether it names a day ("on 22 September 2025", "by 17 February"): it asks about that moment, not a
        month or a year, which an article may report from inside ("met Putin in January 2024")."""
        return any(len(number) <= 2 for number in self.facts.date_numbers)

    @property
    def predicate(self) -> frozenset[str]:
        """The topic words that are not names: what is asked of them ("visit", "meet", "summon")."""
        return self.topic - self.name_stems


_WHERE = re.compile(r"^\s*(?:from |to )?where\b", re.I)
# Questions that ask for a person: "who ...?", "what is the name of the mayor?", "how does X spell the name of ...?"
_WHO = re.compile(r"^\s*(?:who|what (?:is|was) the (?:full |first )?(?:name|surname) of|"
                  r"how (?:do|does|did) [^?]{1,80}? spell the (?:full |first )?(?:name|surname) of)\b", re.I)


def _readings(text: str) -> tuple[str, str]:
    """Where a question's asking words may stand: at its start, or after a leading phrase ("After Hanoi, which...")."""
    return text, text.partition(",")[2]


def question_kind(text: str) -> str:
    """The kind of answer asked for, read at the start or after a leading phrase ("After Hanoi, which city...")."""
    for candidate in _readings(text):
        kind = next((kind for kind, pattern in QUESTION_KINDS if pattern.match(candidate)), None)
        if kind:
            return kind
    return "other"


def counted_thing(text: str) -> str | None:
    """The stem of what a "how many" question counts ("How many postal votes were cast?" -> "vote"), unless it is
    something news counts without naming (people: "the death toll rose to 26")."""
    for candidate in _readings(text):
        match = COUNTED_THING.match(candidate)
        if match:
            thing = match["things"].split()[-1].lower()
            return None if thing in UNNAMED_COUNTS else stem(thing)
    return None


def measured_in(text: str) -> frozenset[str]:
    """The units an answer to a measuring question gives its number in ("How heavy is the probe?" -> kilograms,
    tonnes...); none for other questions."""
    for candidate in _readings(text):
        units = next((units for pattern, units in MEASURES if pattern.match(candidate)), None)
        if units:
            return units
    return frozenset()


def read_question(text: str, outlets: Iterable[str] = ()) -> Question:
    """What `text` asks; the words of any of `outlets` it names say whose report is asked for, not what it is about
    ("What fine did the utility receive, according to the Halden Business Journal?")."""
    anchors = content_stems(text)
    for outlet in outlets:
        if re.search(rf"(?<!\w){re.escape(outlet)}(?!\w)", text, re.I):
            anchors -= content_stems(outlet)
    units = measured_in(text)  # "What fine did ... receive?" asks for an amount, as "how much" does
    return Question(text=text, kind="number" if units else question_kind(text), anchors=anchors, facts=facts_of(text),
                    latest=wants_latest(text),
                    asks_where=any(_WHERE.match(part) for part in _readings(text)),
                    asks_who=any(_WHO.match(part) for part in _readings(text)), counted=counted_thing(text),
                    units=units)
