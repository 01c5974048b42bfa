"""What a question asks for: Dateline's own parsing, no model."""

import pytest

from index.lexicon import stem
from rag.question import counted_thing, read_question


@pytest.mark.parametrize("question, counted", [
    ("How many soldiers did the national government send?", "soldiers"),
    ("How many postal votes were cast in the mayoral election?", "votes"),
    ("How many buildings in Serrat were destroyed by the earthquake?", "buildings"),
    ("How many cases of cholera had Port Searle recorded?", "cases"),
    ("How many people died in the floods?", None),  # the dead are counted without the word: "the toll rose to 26"
    ("How long did the strike last?", None),
])
def test_what_a_how_many_question_counts_is_its_noun_not_a_name_after_it(question, counted):
    assert counted_thing(question) == (stem(counted) if counted else None)


def test_a_synonym_group_takes_in_its_words_but_not_longer_words_that_begin_like_them():
    """"sold" and "a fee" are what is paid (SYNONYMS); "soldiers" are not."""
    assert stem("sold") == stem("fee") == stem("paid")
    assert stem("soldiers") == "soldier"


@pytest.mark.parametrize("question, unit", [
    ("How wide is the telescope's main mirror?", "metre"),
    ("What was the length of the new bridge?", "km"),
    ("How much does the Kestrel probe weigh?", "kilogram"),
    ("How heavy was the meteorite?", "tonne"),
    ("What share of the vote did Novak win?", "%"),
    ("How long did the strike last?", "hour"),
    ("How long is the new runway?", "metre"),
    ("What fine did Ravelstone Water receive for its sewage discharges?", "euro"),
    ("How much did the Orlen bridge cost?", "dollar"),
    ("What is Castellan Group's latest per-share offer for Marlow & Finch?", "€"),
])
def test_a_measuring_question_wants_its_number_in_a_unit_of_what_it_measures(question, unit):
    asked = read_question(question)
    assert asked.kind == "number" and unit in asked.units


@pytest.mark.parametrize("question", ["How many soldiers did the government send?", "When did the talks end?",
                                      "How far did shares fall on Monday?", "What offer did the union reject?"])
def test_other_questions_want_no_particular_unit(question):
    assert read_question(question).units == frozenset()
