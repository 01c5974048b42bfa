"""Compute: a question that asks how far apart two values are is answered from the two values, and the arithmetic is
Dateline's, not the model's.

"By how much did the death toll rise between the first report and the final toll?", "How many more cases were in the
final total than in the first report?", "How many days after the talks failed was the treaty signed?": the answer is
stated in no article; it is the difference of two facts that are. Asked at once, the 1.5B default model picked one of
the two values or did the arithmetic wrong ("42.6% - 38.9% = 3.7%", "10 days"). So:
1. the LLM already loaded writes the two questions that ask for each value, the earlier or starting one first (one
   short call, with worked examples on other topics);
2. each is answered and verified like any question (rag/chat.py), so each value is a verified sentence citing the
   span that states it;
3. each verified answer must give exactly one value of the kind asked (a full date, or one number with its unit),
   the two of the same kind (percentages with percentages, durations converted to one unit);
4. the difference is computed here and stated with both values, citing both spans: "That is a difference of 28: 40
   against 12 [1] [2]." A value reported at two moments must come from articles in that order (the starting value not
   from a newer article than the ending one).
When any step fails the whole answer abstains and lists the closest passages: two true values without their
difference do not answer the question, and a difference of two unchecked values is not shown.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace
from datetime import date

from index.embed import Embedder
from index.events import date_mentions
from index.lexicon import DIFFERENCE_QUESTION, STOP_WORDS, TIME_UNITS, stem
from rag.generate import one_reply
from rag.labels import CHANGE_OVER_TIME, UNCLEAR
from rag.compose import Passage
from rag.facts import AMOUNT, facts_of, plain_number
from rag.question import read_question
from rag.records import AnswerSentence, Citation
from rag.reread import SecondReader
from rag.verify import Verified, key_facts, read_claim, split_answer, verify, with_markers

log = logging.getLogger(__name__)

SPLIT_INSTRUCTIONS = (
    "A question asks how far apart two values are. Write the two questions that each ask for one of the values, "
    "one per line: first the earlier or starting value, then the later or ending value. Keep every name, number and "
    "date of the question. Write nothing else.")
# Worked examples on topics of no article here, so that no public eval question is answered by its own example.
SPLIT_EXAMPLES = (
    ("By how much did the estimated cost of the Orlen bridge rise from the first estimate to the final bill?",
     "What was the first estimate of the cost of the Orlen bridge?\nWhat was the final bill for the Orlen bridge?"),
    ("How many days after the Tarsa earthquake did the first aid convoy arrive?",
     "When did the Tarsa earthquake happen?\nWhen did the first aid convoy arrive after the Tarsa earthquake?"),
    ("How many more seats did the Labour group win in 2026 than in 2022?",
     "How many seats did the Labour group win in 2022?\nHow many seats did the Labour group win in 2026?"),
)
MAX_OPERAND_QUESTION_CHARS = 300
MAX_COUNTED_GAP = 3  # words between a count and the noun it counts: "112 suspected cases", "41 people"
_LIST_MARK = re.compile(r"^\s*(?:\d+[.)]|[-*•]|Q\d*:|Question \d*:)\s*", re.I)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def asks_difference(question: str) -> bool:
    return bool(DIFFERENCE_QUESTION.search(question))


def operand_questions(question: str, llm) -> tuple[str, str] | None:
    """The two questions whose answers `question` compares, the earlier or starting value first; None when the LLM
    gave no two usable questions (the question is then answered as written)."""
    reply = one_reply(llm, SPLIT_INSTRUCTIONS, SPLIT_EXAMPLES, question)
    asked = [_LIST_MARK.sub("", line).strip() for line in reply.splitlines()]
    asked = [line for line in asked if line.endswith("?") and len(line) <= MAX_OPERAND_QUESTION_CHARS]
    if len(asked) < 2 or asked[0].casefold() == asked[1].casefold() or question.strip() in asked[:2]:
        log.info("no two value questions in %r for %r", reply, question)
        return None
    return asked[0], asked[1]


@dataclass(frozen=True)
class Operand:
    """One value a difference is computed from: a date, or an amount with its unit, as the sentence writes it, and
    the spans that state it (none until it is read from a verified sentence)."""

    value: date | float
    unit: str  # "date", "%", a time unit ("year"), or "" for a count or a sum
    text: str  # as written: "3 February 2026", "42.6%", "six years"
    decimals: int = 0
    citations: tuple[Citation, ...] = ()
    plain: str = ""  # an amount's number as the verifier's facts write it: "5100" for "5,100", "6" for "six"


def operand_of(part: Verified, question: str) -> Operand | None:
    """The one value `part` (the checked answer to `question`) gives, or None when it gives none or several. A newer
    or earlier report added beside the answer (rag/conflicts.py) is a change over time, not another value of the
    moment asked ("the first report" against "the final total"); a report that differs at the same time is."""
    if part.abstained:
        return None
    asked = read_question(question)
    cited = {c.n: c for c in part.citations}
    found: dict[tuple, Operand] = {}
    for sentence in part.sentences:
        if not sentence.verified or sentence.side in CHANGE_OVER_TIME:
            continue
        citations = tuple(cited[n] for n in sentence.citations if n in cited)
        published = next((c.published for c in citations if c.published), None)
        if asked.kind == "date":
            values = _dates(sentence.text, published)
        else:  # the amounts that answer the question, not a date's day or year nor a number the question gives
            keys = key_facts(read_claim(sentence.text), asked).numbers - facts_of(sentence.text).date_numbers
            values = [value for value in _amounts(sentence.text) if value.plain in keys]
        for value in values:
            found.setdefault((value.value, value.unit), replace(value, citations=citations))
    return next(iter(found.values())) if len(found) == 1 else None


def _dates(text: str, published: date | None) -> list[Operand]:
    """The days `text` states as written (index/events.py reads them, as for timelines; a day without a year is put
    in the year nearest the article's date, and none is read without that date)."""
    return [Operand(mention.day, "date", mention.said) for mention in date_mentions(text, published)
            if mention.precision == "day" and not mention.relative]


def _amounts(text: str) -> list[Operand]:
    """Each amount `text` states with its unit: "42.6%" (unit "%"), "six years" ("year"), "4.2 million euros"
    (4,200,000, no unit), "543 cases" (543, no unit)."""
    found = []
    for match in AMOUNT.finditer(text):
        number = plain_number(match["number"])
        value = float(number) + (0.5 if match["half"] else 0.0)
        decimals = len(number.partition(".")[2]) + (1 if match["half"] else 0)
        if match["scale"]:
            value *= _SCALES[match["scale"].lower()]
        word = (match["unit"] or "").lower()
        unit = "%" if match["percent"] else word.removesuffix("s") if word.removesuffix("s") in TIME_UNITS else ""
        written = text[match.start():match.start("unit")] if word in STOP_WORDS else match.group(0)
        found.append(Operand(value, unit, written.strip(), decimals, plain=number))
    return found


def difference_sentence(first: Operand, second: Operand) -> str | None:
    """The difference of the two values in words, with both values ("That is 56 days, from 3 March 2026 to
    28 April 2026."), or None when they are not of one kind."""
    if isinstance(first.value, date) and isinstance(second.value, date):
        days = abs((second.value - first.value).days)
        start, end = sorted((first, second), key=lambda operand: operand.value)
        return f"That is {days} day{'s' if days != 1 else ''}, from {start.text} to {end.text}."
    if isinstance(first.value, date) or isinstance(second.value, date):
        return None
    if first.unit in TIME_UNITS and second.unit in TIME_UNITS:
        unit = min(first.unit, second.unit, key=TIME_UNITS.get)  # "six years" and "54 months": in months
        a, b = (operand.value * TIME_UNITS[operand.unit] / TIME_UNITS[unit] for operand in (first, second))
        amount = _number(abs(b - a), max(first.decimals, second.decimals, 1))
        return f"That is a difference of {amount} {unit}{'s' if amount != '1' else ''}: {second.text} against " \
               f"{first.text}."
    if first.unit != second.unit:  # a share against a count, a duration against a sum
        return None
    amount = _number(abs(second.value - first.value), max(first.decimals, second.decimals))
    points = " percentage points" if first.unit == "%" else ""
    return f"That is a difference of {amount}{points}: {second.text} against {first.text}."


def _number(value: float, decimals: int) -> str:
    """Rounded to the values' own precision, without trailing zeros: 4.1, 28, 1.5, 12,400."""
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def value_checked(checked: Verified, raw: str | None, passages: list[Passage], question: str,
                  embedder: Embedder, reader: SecondReader | None = None) -> Verified:
    """The checked answer to a value question. When none of the model's sentences was verified, the one value they
    give is checked alone, as a bare answer ("58.3% [1]" of "The preliminary estimate of first-round turnout ... was
    58.3% [1]"): the model restates the value question in its own words, which the article need not use. A bare
    answer gets the same checks as always, the `reader`'s second reading included: the value must stand in a clause
    of the cited article about what the question asks."""
    if not checked.abstained or not raw or not passages:
        return checked
    asked = read_question(question)
    values: dict[str, str] = {}
    for text, cited in split_answer(raw):
        markers = "".join(f" [{n}]" for n in cited)
        found = _dates(text, None) if asked.kind == "date" else [
            value for value in _amounts(text) if value.plain not in facts_of(text).date_numbers]
        for value in found:
            values.setdefault(value.text.lower(), f"{_with_counted(value.text, text, asked.counted)}{markers}.")
    if len(values) != 1:
        return checked
    bare = verify(next(iter(values.values())), passages, embedder, question, reader)
    return checked if bare.abstained else bare


def _with_counted(value: str, text: str, counted: str | None) -> str:
    """The value with the thing a "how many <things>" question counts, as the sentence writes it ("112 suspected
    cases"): the verifier binds a count to its noun."""
    if not counted:
        return value
    after = text[text.find(value) + len(value):].split()[:MAX_COUNTED_GAP + 1]
    nouns = [i for i, word in enumerate(after) if stem(word.strip(",.;:").lower()) == counted]
    return " ".join([value, *after[:nouns[0] + 1]]).rstrip(",.;:") if nouns else value


def with_difference(joined: Verified, parts: list[Verified], questions: tuple[str, str]) -> Verified:
    """The joined answer of the two value questions, closed by their difference citing both values' spans; an
    abstention when either value is missing or ambiguous, both are one value of one article (the two questions were
    answered with the same statement: a "difference of 0" between the first and the final toll), the two are not of
    one kind, or the starting value comes from a newer article than the ending one."""
    first, second = (operand_of(part, question) for part, question in zip(parts, questions))
    reason = None
    if first is None or second is None:
        reason = "the two values to compare were not both stated"
    elif first.value == second.value and {c.source for c in first.citations} & {c.source for c in second.citations}:
        reason = "both values are the same figure from one article"
    elif not isinstance(first.value, date) and _newer(first, second):
        reason = "the starting value comes from a newer article than the ending value"
    elif (stated := difference_sentence(first, second)) is None:
        reason = "the two values are not of one kind"
    if reason:
        return Verified(UNCLEAR, joined.sentences, [], True, reason)
    numbered = {(c.source, c.start, c.end): c.n for c in joined.citations}
    cited = list(dict.fromkeys(numbered[(c.source, c.start, c.end)] for c in (*first.citations, *second.citations)))
    computed = AnswerSentence(text=stated, citations=cited, verified=True, computed=True)
    sentences = [*joined.sentences, computed]
    return Verified(" ".join(with_markers(s) for s in sentences), sentences, joined.citations, False)


def _newer(first: Operand, second: Operand) -> bool:
    first_day = max((c.published for c in first.citations if c.published), default=None)
    second_day = max((c.published for c in second.citations if c.published), default=None)
    return bool(first_day and second_day and first_day > second_day)


def timed(question: str, llm, timings: dict[str, float]) -> tuple[str, str] | None:
    """`operand_questions` for a question that asks a difference (None for any other), its time in `timings`."""
    if llm is None or not asks_difference(question):
        return None
    started = time.perf_counter()
    questions = operand_questions(question, llm)
    timings["split_s"] = time.perf_counter() - started
    return questions

