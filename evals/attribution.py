"""Why a question was missed: one cause per missed question, so a run says what to fix next.

The causes, in the order they are decided (the first that applies):
- wrong_answer: an answer was shown and it is wrong (for an unanswerable question: any answer shown);
- verifier_rejected: the model's own words gave an accepted answer, and the verifier did not let it through;
- retrieval_miss: none of the question's gold sources was retrieved;
- composition_miss: the answer was not in the prompt: no evidence quote (or, without quotes, no accepted answer)
  is in the sentences the model read, although a gold source was retrieved (or none is named);
- model_abstained: the answer was in the prompt and the model said the sources do not answer;
- model_wrong: the answer was in the prompt, the model said something else, and the verifier caught it.

A conflict question shown with only some of its sides is missed for one_side_shown (it silently chose).
A timeline question has causes of its own: retrieval_miss (no article its gold events come from was retrieved), then
timeline_off_topic (too few of its items are gold events) or timeline_incomplete (too few gold events are listed).
"""

from __future__ import annotations

from evals.dataset import EvalQuestion
from evals.metrics import TIMELINE_PASS, alias_match, sides_stated
from rag.labels import DONT_KNOW_REPLY

CAUSES = ("wrong_answer", "verifier_rejected", "retrieval_miss", "composition_miss", "model_abstained", "model_wrong",
          "one_side_shown", "timeline_off_topic", "timeline_incomplete")


def answer_in(text: str, question: EvalQuestion) -> bool:
    """Whether `text` holds the answer: one of its evidence quotes, or (without quotes) an accepted answer, each
    matched as a whole phrase the way answers are scored."""
    return alias_match(text, question.evidence or question.answers)


def miss_cause(question: EvalQuestion, result: dict, prompt_sources: str) -> str | None:
    """The cause of a miss (see the module docstring), or None for a question answered correctly.
    `result` is the question's results.jsonl line; `prompt_sources` the article sentences the model read."""
    if result["score"]["correct"]:
        return None
    if question.type == "timeline":
        return _timeline_miss(question, result)
    if not result["abstained"]:
        if question.type == "conflict" and sides_stated(" ".join(s["text"] for s in result["sentences"]), question):
            return "one_side_shown"
        return "wrong_answer"
    model_answer = (result.get("model_answer") or "").strip()
    if model_answer and (sides_stated(model_answer, question) == len(question.sides) if question.type == "conflict"
                         else alias_match(model_answer, question.answers)):
        return "verifier_rejected"
    retrieved = {r["source"] for r in result.get("retrieved", [])}
    if question.sources and not retrieved & set(question.sources):
        return "retrieval_miss"
    if not answer_in(prompt_sources, question):
        return "composition_miss"
    if not model_answer or DONT_KNOW_REPLY.match(model_answer):
        return "model_abstained"
    return "model_wrong"


def _timeline_miss(question: EvalQuestion, result: dict) -> str:
    retrieved = {r["source"] for r in result.get("retrieved", [])}
    if not retrieved & {e.source for event in question.events for e in event.evidence}:
        return "retrieval_miss"
    if result["score"]["timeline"]["event_precision"] < TIMELINE_PASS["event_precision"]:
        return "timeline_off_topic"
    return "timeline_incomplete"


def count_causes(results: list[dict]) -> dict[str, int]:
    """How many missed questions each cause explains, every cause listed (0 when none)."""
    return {cause: sum(1 for r in results if r.get("miss") == cause) for cause in CAUSES}
