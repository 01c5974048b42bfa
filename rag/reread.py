"""Second reading: the LLM reads a cited span on its own and answers the question from it; a sentence whose answer
differs from that reading loses its ✓.

Why: the verifier's rules check that the claim's date, number or name stands in a clause about what the question
asks, but one sentence can hold two events ("held talks in Hanoi on 20 June, ..., a day after he signed a treaty with
Kim Jong Un in Pyongyang" asked "where did Putin and Kim last meet?"). A reading of the span alone — without the
other sources and without the claim — is an independent answer; when it names a different date, number, name or
place that the span states, the span does not clearly state the claim.

It only ever removes ✓s. A reading that agrees, says "not stated", or gives nothing comparable changes nothing, and
yes/no and open questions are not re-read: on the `make bench-verify` dev claims the default 1.5B model answered
"not stated" for many spans that do state the answer and "Yes" for many that say no, so acting on those would have
rejected correct answers without catching wrong ones.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from llama_index.core.llms import ChatMessage, MessageRole

from index.lexicon import MONTHS
from rag.facts import clauses, facts_of, tokens
from rag.llms import explain_failure
from rag.question import Question
from rag.retrieve import RECENCY_WORDS

READ_KINDS = frozenset({"date", "number", "name", "place"})
_MONTHS = frozenset(MONTHS)
NOT_STATED = "not stated"
INSTRUCTIONS = ("You answer questions about a news passage using only what the passage says. Answer in a few words: "
                "the date, number, name, place, or yes/no that answers the question. If the passage does not say, "
                f"reply exactly: {NOT_STATED}.")

log = logging.getLogger(__name__)
Read = Callable[[str, str], str]  # (question, span) -> the reading's answer


@dataclass
class SecondReader:
    """Reads spans with one LLM, each (question, span) once, and keeps the time it spent (for `Answer.timings`)."""

    read: Read
    seconds: float = 0.0
    readings: dict[tuple[str, str], str] = field(default_factory=dict)

    def __call__(self, question: str, span: str) -> str:
        """The reading of `span` for `question` asked without its "last"/"latest": which source is newest is the
        rules' business, and asked "last", one span's "first visit since July 2000" was read as July 2000."""
        key = (question, span)
        if key not in self.readings:
            started = time.perf_counter()
            self.readings[key] = self.read(" ".join(RECENCY_WORDS.sub(" ", question).split()), span)
            self.seconds += time.perf_counter() - started
        return self.readings[key]


def llm_reader(llm, spec: str, timeout_s: float) -> SecondReader:
    """A SecondReader asking a llama-index LLM; the fixed instructions come first so llama.cpp reuses them. A
    backend failure is the one-line LLMError generation would give."""

    def read(question: str, span: str) -> str:
        messages = [ChatMessage(role=MessageRole.SYSTEM, content=INSTRUCTIONS),
                    ChatMessage(role=MessageRole.USER, content=f"Passage: {span}\n\nQuestion: {question}")]
        try:
            reply = llm.chat(messages).message.content or ""
        except Exception as exc:  # a backend failure, never a traceback to the user
            log.warning("second reading failed with %s", spec, exc_info=True)
            raise explain_failure(spec, llm, exc, timeout_s) from None
        return reply.strip().splitlines()[0] if reply.strip() else NOT_STATED

    return SecondReader(read)


def contradicts(reading: str, given: frozenset[str], question: Question, span: str) -> bool:
    """Whether the reading of `span` gives another answer than `given` (the words of the claim's key facts: its
    numbers, months and name words of the asked kind).

    Only facts the span itself states count (a reading's invented "3 December" is not a disagreement), and two
    names or places written in one clause of the span are one answer at two scales ("the Vostochny Cosmodrome in
    Russia's Amur region", "Vietnamese President To Lam"), not a disagreement."""
    if question.kind not in READ_KINDS or reading.strip().lower().startswith(NOT_STATED):
        return False
    stated = set(tokens(span))
    read = facts_of(reading)
    asked = question.facts
    if question.kind == "date":
        return (_disjoint({m for m in read.months if m in stated} - asked.months, given & _MONTHS)
                or _disjoint({n for n in read.date_numbers if n in stated} - asked.numbers, given - _MONTHS))
    if question.kind == "number":
        return _disjoint({n for n in read.numbers - read.date_numbers if n in stated} - asked.numbers, given)
    names = {w for w in read.name_words if w in stated} - asked.name_words
    if not _disjoint(names, given):
        return False
    return not any(names & words and given & words for words in (set(tokens(span[s:e])) for s, e in clauses(span)))


def _disjoint(read: set[str], given: frozenset[str]) -> bool:
    return bool(read) and bool(given) and not read & given
