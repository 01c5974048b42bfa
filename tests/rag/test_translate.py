"""Questions in other languages: when a question is translated, and which translations of a checked sentence may
stand in for it (pure logic, no model)."""

import pytest

from rag.translate import needs_translation, same_facts

ENGLISH = "Putin last visited Pyongyang in July 2000."


@pytest.mark.parametrize("language, articles, expected", [
    ("fr", {"en"}, True),
    ("en", {"en"}, False),
    (None, {"en"}, False),  # a question too short to tell is asked as written
    ("fr", {"en", "fr"}, False),  # some articles are in the question's language
    ("fr", {"de"}, False),  # the verifier reads English: without English articles nothing is gained
])
def test_a_question_is_translated_only_when_its_language_is_clear_and_not_the_articles(language, articles, expected):
    assert needs_translation(language, articles) is expected


@pytest.mark.parametrize("translated, language", [
    ("Poutine s'est rendu à Pyongyang pour la dernière fois en juillet 2000.", "fr"),  # "Poutine" is Putin
    ("Putin besuchte Pjöngjang zuletzt im Juli 2000.", "de"),
    ("Putin visitó Pyongyang por última vez en julio de 2000.", "es"),
])
def test_a_faithful_translation_keeps_the_check_mark(translated, language):
    assert same_facts(ENGLISH, translated, language)


@pytest.mark.parametrize("translated, why", [
    ("Poutine s'est rendu à Pyongyang pour la dernière fois en septembre 2000.", "another month"),
    ("Poutine s'est rendu à Pyongyang pour la dernière fois en juillet 2001.", "another year"),
    ("Le président russe s'est rendu à Pyongyang en juillet 2000.", "the name replaced by a description"),
    ("Poutine ne s'est pas rendu à Pyongyang en juillet 2000.", "a negation the English does not have"),
    ("Kim Jong Un s'est rendu à Pyongyang en juillet 2000.", "another person"),
])
def test_a_translation_that_changes_a_fact_is_not_used(translated, why):
    assert not same_facts(ENGLISH, translated, "fr"), why


def test_numbers_compare_without_their_separators_and_negations_in_each_language():
    assert same_facts("Maria Lund won 54.2 percent of the vote.", "Maria Lund obtuvo el 54,2 por ciento de los votos.",
                      "es")
    assert not same_facts("Maria Lund won 54.2 percent of the vote.", "Maria Lund obtuvo el 45,2 por ciento.", "es")
    assert same_facts("No, the council did not approve the plan.", "Nein, der Rat hat den Plan nicht gebilligt.", "de")
    assert not same_facts("No, the council did not approve the plan.", "Ja, der Rat hat den Plan gebilligt.", "de")
    assert not same_facts("Three ministers resigned.", "Zwei Minister traten zurück.", "de")  # "three" is 3
