"""Miss attribution on hand-made results lines: Dateline's own logic, one case per cause."""

import pytest

from evals.attribution import CAUSES, count_causes, miss_cause
from evals.dataset import EvalQuestion

WHEN = EvalQuestion(id="q", question="When did the bridge open?", answers=["3 March 2025"],
                    evidence=["opened to traffic on 3 March 2025"], sources=["bridge.md"], type="temporal")
PROMPT = "The Kelmora harbour bridge opened to traffic on 3 March 2025 after six years of work."


def _result(correct=False, abstained=True, retrieved=("bridge.md",), model_answer="I don't know."):
    return {"score": {"correct": correct}, "abstained": abstained, "model_answer": model_answer,
            "retrieved": [{"source": s, "score": 0.5} for s in retrieved]}


@pytest.mark.parametrize(("result", "prompt", "cause"), [
    (_result(correct=True, abstained=False), PROMPT, None),
    (_result(abstained=False, model_answer="It opened in 2024 [1]."), PROMPT, "wrong_answer"),
    (_result(retrieved=("other.md",)), "", "retrieval_miss"),
    (_result(), "The bridge cost 410 million euros.", "composition_miss"),
    (_result(), PROMPT, "model_abstained"),
    (_result(model_answer=None), PROMPT, "model_abstained"),
    (_result(model_answer="The bridge opened on 3 March 2025 [2]."), PROMPT, "verifier_rejected"),
    (_result(retrieved=(), model_answer="It opened on 3 March 2025 [1]."), "", "verifier_rejected"),  # right anyway
    (_result(model_answer="The bridge opened in 2019 [1]."), PROMPT, "model_wrong"),
])
def test_each_miss_has_one_cause(result, prompt, cause):
    assert miss_cause(WHEN, result, prompt) == cause


def test_without_evidence_the_answer_itself_is_looked_for_and_without_sources_retrieval_is_not_blamed():
    bare = WHEN.model_copy(update={"evidence": [], "sources": []})
    assert miss_cause(bare, _result(retrieved=()), "It opened on 3 March 2025.") == "model_abstained"
    assert miss_cause(bare, _result(retrieved=()), "It opened in spring.") == "composition_miss"


def test_an_answered_unanswerable_question_is_a_wrong_answer():
    none = EvalQuestion(id="u", question="How much did the replay earn?", answers=[], type="unanswerable")
    assert miss_cause(none, _result(abstained=False, model_answer="It earned 5 million [1]."), "") == "wrong_answer"
    assert miss_cause(none, _result(correct=True), "") is None


def test_counts_list_every_cause():
    counts = count_causes([{"miss": "retrieval_miss"}, {"miss": None}, {"miss": "retrieval_miss"}])
    assert list(counts) == list(CAUSES) and counts["retrieval_miss"] == 2 and sum(counts.values()) == 2


def test_a_conflict_answer_giving_one_side_is_missed_for_that():
    question = EvalQuestion(id="c", question="How much was Ravelstone fined?", answers=[], type="conflict", sides=[
        {"answers": ["4.2 million"], "source": "post.md", "quote": "fined 4.2 million euros"},
        {"answers": ["4.5 million"], "source": "journal.md", "quote": "a fine of 4.5 million euros"}])
    result = {"score": {"correct": False}, "abstained": False, "answer": "Fined 4.2 million euros [1].",
              "sentences": [{"text": "Fined 4.2 million euros.", "verified": True}]}
    assert miss_cause(question, result, "") == "one_side_shown"
    result["sentences"] = [{"text": "Fined 3 million euros.", "verified": True}]
    assert miss_cause(question, result, "") == "wrong_answer"
