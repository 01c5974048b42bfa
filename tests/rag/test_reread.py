"""The second reading (rag/reread.py). Dateline's own logic: the "readings" are written by the test (a scripted
reader, not a model), so every case is exact; the default model's readings are measured by `make bench-verify`."""

from datetime import date

import pytest

from index.records import Article
from rag.compose import Passage
from rag.question import read_question
from rag.labels import SECOND_READING_DIFFERS
from rag.reread import SecondReader, contradicts
from rag.verify import verify
from tests.embedding import embedder

HANOI = ("Russian President Vladimir Putin held talks in Hanoi on Thursday, 20 June 2024, with Vietnamese President "
         "To Lam, a day after he signed a defence treaty with Kim Jong Un in Pyongyang.")
VOSTOCHNY = "Kim Jong Un met Vladimir Putin at the Vostochny Cosmodrome in Russia's far eastern Amur region."
LAW = "Putin signed the law ratifying the treaty on 9 November 2024, and it came into force on 4 December 2024."


def scripted(*replies: str) -> SecondReader:
    """A reader that gives the queued readings in order (it records what it was asked in `readings`)."""
    queue = list(replies)
    return SecondReader(lambda question, span: queue.pop(0))


@pytest.mark.parametrize("question, given, reading, span, expected", [
    ("Where did Putin and Kim Jong Un last meet?", {"hanoi"}, "Pyongyang", HANOI, True),
    ("Where did Putin and Kim Jong Un last meet?", {"pyongyang"}, "Pyongyang", HANOI, False),
    # Two places in one clause are one answer at two scales.
    ("Where did Kim Jong Un and Putin meet?", {"vostochny", "cosmodrome"}, "Russia", VOSTOCHNY, False),
    ("When did Putin sign the law ratifying the treaty?", {"4", "december", "2024"}, "9 November 2024", LAW, True),
    ("When did Putin sign the law ratifying the treaty?", {"9", "november", "2024"}, "9 November 2024", LAW, False),
    # A fact the span does not state is the reader's invention, not a disagreement.
    ("When did the treaty come into force?", {"4", "december", "2024"}, "3 December 2024", LAW, False),
    ("When did the treaty come into force?", {"4", "december", "2024"}, "not stated", LAW, False),
    ("How many days did the visit last?", {"3"}, "two days", "The visit lasted two days, not three.", True),
    # Yes/no and open questions are not re-read: the small model's readings of them were not reliable.
    ("Did Putin sign the law?", set(), "No", LAW, False),
])
def test_contradicts_only_on_another_stated_answer_of_the_asked_kind(question, given, reading, span, expected):
    assert contradicts(reading, frozenset(given), read_question(question), span) is expected


def passages(text: str) -> list[Passage]:
    article = Article(id="a.md", title="Putin and Kim", outlet="Wire", published=date(2024, 6, 20), hash="4" * 64,
                      text=text)
    return [Passage(1, article, [(0, len(text))], [1.0])]


WHERE = "Where did Putin and Kim Jong Un last meet?"


def test_a_reading_that_names_another_place_withdraws_the_check_mark():
    reader = scripted("Pyongyang")
    checked = verify("Putin and Kim Jong Un last met in Hanoi [1].", passages(HANOI), embedder(), WHERE, reader)
    assert checked.abstained and not checked.citations and checked.reason == SECOND_READING_DIFFERS
    assert checked.sentences and not checked.sentences[0].verified
    assert list(reader.readings) == [(WHERE, HANOI)]  # the question and the cited span alone


def test_a_reading_at_another_scale_keeps_the_check_mark_and_its_citation():
    raw, question = "They met at the Vostochny Cosmodrome [1].", "Where did Kim Jong Un and Putin meet?"
    with_reader = verify(raw, passages(VOSTOCHNY), embedder(), question, scripted("Russia"))
    without = verify(raw, passages(VOSTOCHNY), embedder(), question)
    assert not with_reader.abstained and with_reader.sentences[0].verified
    assert with_reader.citations == without.citations


def test_a_rejected_claim_is_never_read_again():
    reader = scripted()  # no reading queued: a call would fail the test
    checked = verify("Putin and Kim Jong Un last met in Moscow [1].", passages(HANOI), embedder(), WHERE, reader)
    assert checked.abstained and not reader.readings


def test_the_reader_is_asked_without_last_or_latest():
    asked = []
    reader = SecondReader(lambda question, span: asked.append(question) or "19 June 2024")
    reader("When did Putin last visit Pyongyang?", "Putin arrived on 19 June 2024, his first visit since July 2000.")
    assert asked == ["When did Putin visit Pyongyang?"]
