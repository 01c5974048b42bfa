"""Follow-up questions: the rules on hand-written turns (deterministic, no LLM), the LLM rewrite with the scripted
LLM (tests/scripted_llm.py, not a model), then the default model for real (slow)."""

from datetime import date

import pytest

from rag.chat import ask
from rag.followup import Turn, is_follow_up, standalone_question, turn_of

PUTIN = "When did Putin last visit Pyongyang?"


def test_follow_ups_are_told_from_questions_that_stand_alone():
    assert is_follow_up("And before that?")
    assert is_follow_up("What about Vietnam?")
    assert is_follow_up("Why did he go there?")
    assert not is_follow_up(PUTIN)
    assert not is_follow_up("Did Kim visit Vladivostok?")


def test_before_that_asks_the_previous_question_as_of_the_day_before_its_newest_source():
    history = [Turn(PUTIN, "June 2024", date(2024, 6, 19))]
    asked = standalone_question("And before that?", history, llm=None, as_of=None)
    assert (asked.question, asked.as_of, asked.rewritten) == (PUTIN, date(2024, 6, 18), True)
    earlier = standalone_question("And before that?", history, llm=None, as_of=date(2024, 1, 1))
    assert earlier.as_of == date(2024, 1, 1)  # never later than the as-of date the user set


def test_without_an_llm_a_follow_up_is_asked_together_with_the_previous_question():
    history = [Turn(PUTIN, "June 2024", date(2024, 6, 19))]
    asked = standalone_question("What about Vietnam?", history, llm=None, as_of=None)
    assert asked.question == f"{PUTIN} What about Vietnam?"
    assert standalone_question(PUTIN, [], llm=None, as_of=None).rewritten is False


def test_a_follow_up_is_rewritten_by_the_llm_from_the_conversation_and_that_question_is_answered(sample_index,
                                                                                                 scripted_llm):
    settings, store = sample_index
    history = [Turn(PUTIN, "Putin arrived in Pyongyang on 19 June 2024 [1].", date(2024, 6, 19))]
    rewritten = "Which country did Putin visit after Pyongyang in June 2024?"
    # the rewrite, the answer, and the second reading of the span that verifies it
    scripted_llm.reply(rewritten, "After North Korea, Putin went to Vietnam [1].", "Vietnam")
    answer = ask("What about after that?", store, settings, llm_spec="scripted", history=history)
    rewrite_prompt, answer_prompt, _ = scripted_llm.prompts
    assert f"Human: {PUTIN}" in rewrite_prompt and "What about after that?" in rewrite_prompt
    assert answer.understood_as == rewritten and f"\n\nQuestion: {rewritten}\n" in answer_prompt
    assert not answer.abstained  # "went to" names the visit the cited sentence states


def test_an_unusable_rewrite_falls_back_to_both_questions_together(sample_index, scripted_llm):
    settings, store = sample_index
    history = [Turn(PUTIN, "Putin arrived in Pyongyang on 19 June 2024 [1].", date(2024, 6, 19))]
    scripted_llm.reply("", "I don't know.")  # an empty rewrite
    answer = ask("What about Vietnam?", store, settings, llm_spec="scripted", history=history)
    assert answer.understood_as == f"{PUTIN} What about Vietnam?"


@pytest.mark.slow
def test_before_that_with_the_default_model_goes_back_to_july_2000(sample_index):
    settings, store = sample_index
    first = ask(PUTIN, store, settings, llm_spec="extractive")
    assert "19 June 2024" in first.answer
    second = ask("And before that?", store, settings, history=[turn_of(first)])  # the default preset
    assert second.understood_as == PUTIN and second.as_of <= date(2024, 6, 18)
    # On any machine: July 2000 cited from before the June 2024 article, or an abstention, never another date.
    assert all(c.published <= date(2024, 6, 18) for c in second.citations)
    assert second.abstained or ("July 2000" in second.answer and any("July 2000" in c.text for c in second.citations))
