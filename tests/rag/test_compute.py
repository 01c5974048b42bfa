"""A question that asks how far apart two values are (rag/compute.py): which questions do, how the values are read
from checked answers, the difference stated, the abstentions that guard it, and, over a real store (real Chroma, real
embeddings) of the conflict corpus (tests/conflict_corpus.py), the whole path. The LLM's words come from the scripted
LLM (not a model): these tests are about Dateline's own logic."""

from datetime import date

import pytest

from index.records import Article
from rag.chat import ask
from rag.compute import (
    Operand, asks_difference, difference_sentence, operand_of, operand_questions, value_checked, with_difference,
)
from rag.labels import UNCLEAR
from rag.records import AnswerSentence, Citation
from rag.verify import Verified
from tests.conflict_corpus import write_corpus
from tests.conftest import ingested_index


@pytest.mark.parametrize("question", [
    "By how many percentage points did turnout rise from the preliminary estimate to the final figure?",
    "By how much did the Court of Appeal reduce the sentence?",
    "How many more cholera cases were in the final total than in the first report?",
    "How many days after the talks ended without agreement was the treaty signed?",
    "How long after the flood did the dam reopen?",
    "What was the difference between the two outlets' tolls?",
])
def test_a_question_about_how_far_apart_two_values_are_asks_a_difference(question):
    assert asks_difference(question)


@pytest.mark.parametrize("question", [
    "When did Putin last visit Pyongyang?",
    "How many league goals did Ekdahl score after his double?",  # a count, not a difference
    "How many people died in the Tolvic landslide?",
    "How long did the strike last?",
])
def test_other_questions_do_not(question):
    assert not asks_difference(question)


def test_the_llm_s_two_value_questions_are_read_from_its_reply(scripted_llm):
    scripted_llm.reply("1. How many seats did Labour win in 2022?\n2. How many seats did Labour win in 2026?")
    assert operand_questions("How many more seats did Labour win in 2026 than in 2022?", scripted_llm) == (
        "How many seats did Labour win in 2022?", "How many seats did Labour win in 2026?")
    assert "first the earlier or starting value" in scripted_llm.prompts[0]


@pytest.mark.parametrize("reply", ["Labour won 12 more seats.", "How many seats did Labour win?",
                                   "How many seats did Labour win?\nHow many seats did Labour win?"])
def test_a_reply_without_two_different_questions_is_not_used(scripted_llm, reply):
    scripted_llm.reply(reply)
    assert operand_questions("How many more seats did Labour win in 2026 than in 2022?", scripted_llm) is None


def _part(text: str, source: str = "a.md", published: date = date(2026, 4, 14), verified: bool = True) -> Verified:
    article = Article(id=source, title=source, text=text, published=published)
    citation = Citation.of_span(1, article, 0, len(text))
    return Verified(f"{text} [1]", [AnswerSentence(text=text, citations=[1], verified=verified)],
                    [citation] if verified else [], not verified)


@pytest.mark.parametrize("text, question, value, unit", [
    ("Turnout was 58.3%.", "What was the preliminary turnout?", 58.3, "%"),
    ("The landslide killed 5,100 people on 13 April 2026.", "How many people did it kill?", 5100.0, ""),
    ("The court cut the sentence to four and a half years.", "What sentence did the court give?", 4.5, "year"),
    ("The fine was 4.2 million euros.", "What was the fine?", 4_200_000.0, ""),
    ("The talks ended on 8 May 2025.", "When did the talks end?", date(2025, 5, 8), "date"),
    ("The treaty was signed on 3 July.", "When was the treaty signed?", date(2026, 7, 3), "date"),
])
def test_the_one_value_a_checked_answer_gives_is_read_with_its_unit(text, question, value, unit):
    published = date(2026, 7, 4)
    operand = operand_of(_part(text, published=published), question)
    assert operand is not None and (operand.value, operand.unit) == (value, unit)


def test_a_day_without_a_year_after_the_article_s_date_is_in_the_year_before():
    operand = operand_of(_part("The fire started on 28 December.", published=date(2026, 1, 5)),
                         "When did the fire start?")
    assert operand is not None and operand.value == date(2025, 12, 28)


@pytest.mark.parametrize("text, question", [
    ("Turnout was 58.3% on Monday and 62.4% on Friday.", "What was the turnout?"),  # two values: which one?
    ("Turnout was high.", "What was the turnout?"),  # none
])
def test_an_answer_giving_no_value_or_several_gives_no_operand(text, question):
    assert operand_of(_part(text), question) is None


@pytest.mark.parametrize("side, operand", [("newer", date(2025, 5, 8)), ("earlier", date(2025, 5, 8)),
                                           ("differs", None)])
def test_a_report_over_time_added_beside_the_value_is_not_another_value_but_a_differing_one_is(side, operand):
    """"A newer report ... says: a second round ended on 19 June" beside the first round's end is a change over time
    (rag/conflicts.py); another outlet's date for the same moment makes the value ambiguous."""
    part = _part("The first round of talks ended on 8 May 2025.", published=date(2025, 5, 9))
    newer = Article(id="b.md", title="b", text="A second round of talks ended on Thursday, 19 June 2025.",
                    published=date(2025, 6, 20))
    part.citations.append(Citation.of_span(2, newer, 0, len(newer.text)))
    part.sentences.append(AnswerSentence(text=f"A report says: “{newer.text}”", citations=[2], verified=True,
                                         side=side))
    found = operand_of(part, "When did the first round of talks end?")
    assert (found.value if found else None) == operand


def test_an_unverified_answer_gives_no_operand():
    assert operand_of(_part("Turnout was 58.3%.", verified=False), "What was the turnout?") is None


def _value(value, unit="", text=None, decimals=0) -> Operand:
    return Operand(value, unit, text or str(value), decimals)


@pytest.mark.parametrize("first, second, stated", [
    (_value(58.3, "%", "58.3%", 1), _value(62.4, "%", "62.4%", 1),
     "That is a difference of 4.1 percentage points: 62.4% against 58.3%."),
    (_value(6.0, "year", "six years"), _value(4.5, "year", "four and a half years", 1),
     "That is a difference of 1.5 years: four and a half years against six years."),
    (_value(6.0, "year", "six years"), _value(54.0, "month", "54 months"),
     "That is a difference of 18 months: 54 months against six years."),
    (_value(date(2025, 5, 8), "date", "8 May 2025"), _value(date(2025, 7, 3), "date", "3 July 2025"),
     "That is 56 days, from 8 May 2025 to 3 July 2025."),
    (_value(112.0, "", "112"), _value(655.0, "", "655 cases"), "That is a difference of 543: 655 cases against 112."),
    (_value(4_200_000.0, "", "4.2 million euros", 1), _value(4_500_000.0, "", "4.5 million euros", 1),
     "That is a difference of 300,000: 4.5 million euros against 4.2 million euros."),
])
def test_the_difference_is_computed_and_stated_with_both_values(first, second, stated):
    assert difference_sentence(first, second) == stated


@pytest.mark.parametrize("first, second", [
    (_value(58.3, "%"), _value(62.0)),  # a share against a count
    (_value(date(2025, 5, 8), "date"), _value(56.0)),  # a date against a number
])
def test_values_of_two_kinds_have_no_difference(first, second):
    assert difference_sentence(first, second) is None


def test_the_difference_cites_both_values_and_is_marked_computed():
    first, second = _part("The first report put the toll at 23.", "a.md"), _part("The toll rose to 35.", "b.md")
    joined = Verified("", [*first.sentences, second.sentences[0].model_copy(update={"citations": [2]})],
                      [first.citations[0], second.citations[0].model_copy(update={"n": 2})], False)
    answer = with_difference(joined, [first, second], ("What was the first toll?", "What was the final toll?"))
    assert not answer.abstained
    computed = answer.sentences[-1]
    assert computed.computed and computed.verified and computed.citations == [1, 2]
    assert answer.text.endswith("That is a difference of 12: 35 against 23 [1] [2].")


@pytest.mark.parametrize("first, second, reason", [
    (_part("The toll was 23."), _part("No toll was given.", "b.md", verified=False),
     "the two values to compare were not both stated"),
    (_part("The toll was 35.", "b.md", date(2026, 4, 28)), _part("The toll was 23.", "a.md", date(2026, 4, 14)),
     "the starting value comes from a newer article than the ending value"),
    (_part("Turnout was 58.3%."), _part("Turnout was 62,400 voters.", "b.md"), "the two values are not of one kind"),
    (_part("The toll was 23."), _part("The toll was 23."), "both values are the same figure from one article"),
])
def test_no_difference_is_shown_unless_both_values_are_checked_of_one_kind_and_in_order(first, second, reason):
    joined = Verified("", [*first.sentences, *second.sentences], [*first.citations, *second.citations], False)
    answer = with_difference(joined, [first, second], ("What was the first value?", "What was the last value?"))
    assert answer.abstained and answer.text == UNCLEAR and answer.reason == reason


@pytest.fixture(scope="module")
def landslide_index(tmp_path_factory):
    settings, store = ingested_index(tmp_path_factory, "compute", [write_corpus(tmp_path_factory.mktemp("corpus"))])
    return settings.model_copy(update={"second_reading": False, "conflicting_reports": False}), store


RISE = "By how much did the Valley Times' death toll from the Tolvic landslide rise from its first report to 27 April?"
VALUE_QUESTIONS = ("How many people did the Tolvic landslide kill according to the Valley Times?\n"
                   "What was the death toll from the Tolvic landslide by 27 April 2026?")


def test_a_difference_question_is_answered_from_two_checked_values_over_a_real_store(landslide_index, scripted_llm):
    settings, store = landslide_index
    scripted_llm.reply(VALUE_QUESTIONS, "The landslide killed 31 people [1].", "The death toll rose to 35 [1].")
    answer = ask(RISE, store, settings, llm_spec="scripted")
    assert not answer.abstained, answer.reason
    assert answer.sentences[-1].computed and "That is a difference of 4" in answer.answer
    cited = {answer.citations[n - 1].source for n in answer.sentences[-1].citations}
    assert cited == {"valley-times-landslide.md", "valley-times-toll-rises.md"}
    assert "split_s" in answer.timings


def test_a_value_the_articles_do_not_state_means_no_difference_over_a_real_store(landslide_index, scripted_llm):
    settings, store = landslide_index
    scripted_llm.reply(VALUE_QUESTIONS, "The landslide killed 29 people [1].", "The death toll rose to 35 [1].")
    answer = ask(RISE, store, settings, llm_spec="scripted")
    assert answer.abstained and "difference" not in answer.answer and answer.closest


TURNOUT = Article(id="turnout.md", title="Kelmora count begins", outlet="Kelmora Post", published=date(2025, 4, 28),
                  text=("Voting took place on Sunday, and the commission put preliminary turnout at 58.3%, compared "
                        "with 54.0% at the last mayoral election in 2021. Counting resumes on Tuesday."))
ESTIMATE = "What was the preliminary estimate of turnout in the Kelmora mayoral election?"


def _value_checked(raw: str) -> tuple[Verified, Verified]:
    """The model's answer checked as usual, then by `value_checked`."""
    from rag.compose import Passage
    from rag.verify import verify
    from tests.embedding import embedder

    passages = [Passage(1, TURNOUT, [(0, len(TURNOUT.text))], [1.0])]
    checked = verify(raw, passages, embedder(), ESTIMATE)
    return checked, value_checked(checked, raw, passages, ESTIMATE, embedder())


def test_a_value_sentence_the_article_words_otherwise_is_checked_by_its_value_alone():
    as_written, checked = _value_checked(
        "The preliminary estimate of turnout in the Kelmora mayoral election was 58.3% [1].")
    assert as_written.abstained  # "estimate" is not in the article's sentence
    assert not checked.abstained and [s.text for s in checked.sentences] == ["58.3%."]
    assert checked.citations[0].text.startswith("Voting took place on Sunday")


@pytest.mark.parametrize("raw", [
    "The preliminary estimate of turnout in the Kelmora mayoral election was 61.7% [1].",  # not in the article
    "Turnout was 58.3% in the preliminary estimate and 54.0% in 2021 [1].",  # two values: which one?
])
def test_a_value_the_article_does_not_state_or_one_of_several_stays_unchecked(raw):
    assert _value_checked(raw)[1].abstained
