"""What a question asks for: Dateline's own parsing, no model."""

import pytest

from index.lexicon import stem
from rag.question import counted_thing


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
