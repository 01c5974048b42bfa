"""Metrics: per-question scores and their summary, overall and per question type, as {metric: value} dicts.

Answers are compared after normalisation: case, punctuation and articles dropped, number words as digits ("one
million" = "1 million"), ISO dates as words ("2000-07" = "July 2000"), month abbreviations spelled out, ordinals
and plural "s" removed. An answer is correct when one alias appears in it as a whole phrase; token F1 is reported
beside it.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

from evals.dataset import EvalQuestion
from index.lexicon import MONTH_ABBREVIATIONS as _ABBREVIATIONS
from index.lexicon import MONTHS, NUMBER_WORDS, singular

_NUMBERS = {word: str(value) for word, value in NUMBER_WORDS.items()}
_ISO = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
_DROP = {"a", "an", "the"}


def _iso_to_words(match: re.Match) -> str:
    year, month, day = match.group(1), int(match.group(2)), match.group(3)
    if not 1 <= month <= 12:
        return match.group(0)
    words = f"{MONTHS[month - 1]} {year}"
    return f"{int(day)} {words}" if day else words


def normalise(text: str) -> list[str]:
    text = _ISO.sub(_iso_to_words, text.lower())
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)
    tokens = re.findall(r"[a-z0-9]+", text)
    result = []
    for token in tokens:
        if token in _DROP:
            continue
        token = _ABBREVIATIONS.get(token, token)
        token = _NUMBERS.get(token, token)
        token = re.sub(r"^(\d+)(?:st|nd|rd|th)$", r"\1", token)
        result.append(singular(token))
    return result


def _has_phrase(tokens: list[str], phrase: str) -> bool:
    wanted = normalise(phrase)
    return bool(wanted) and any(tokens[i:i + len(wanted)] == wanted for i in range(len(tokens) - len(wanted) + 1))


def alias_match(answer: str, aliases: list[str | list[str]]) -> bool:
    """One alias appears as a whole phrase; an alias that is a list matches when every one of its phrases does."""
    tokens = normalise(answer)
    return any(all(_has_phrase(tokens, p) for p in alias) if isinstance(alias, list) else _has_phrase(tokens, alias)
               for alias in aliases)


def token_f1(answer: str, aliases: list[str | list[str]]) -> float:
    tokens = normalise(answer)
    best = 0.0
    for alias in aliases:
        wanted = normalise(" ".join(alias) if isinstance(alias, list) else alias)
        common = sum((Counter(tokens) & Counter(wanted)).values())
        if common:
            precision, recall = common / len(tokens), common / len(wanted)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def _contains_evidence(text: str, evidence: list[str]) -> bool:
    cited = " ".join(normalise(text))
    return any(
        (quote := " ".join(normalise(item))) and (quote in cited or cited in quote) for item in evidence
    )


def score_question(question: EvalQuestion, result: dict, judged_correct: bool | None = None) -> dict:
    """Scores of one answered question; `result` is its results.jsonl line."""
    claims = " ".join(s["text"] for s in result.get("sentences", [])) or result["answer"]
    abstained = result["abstained"]
    answerable = question.type != "unanswerable"
    matched = answerable and not abstained and alias_match(claims, question.answers)
    correct = (not abstained and (matched or bool(judged_correct))) if answerable else abstained
    gold = set(question.sources)
    citations = result.get("citations", [])
    precise = [c["source"] in gold or _contains_evidence(c["text"], question.evidence) for c in citations]
    ranks = [i for i, r in enumerate(result.get("retrieved", []), start=1) if r["source"] in gold]
    sentences = result.get("sentences", [])
    shown = not abstained
    return {
        "correct": correct,
        "shown": shown,
        # Shown with a verified sentence, and wrong (an unanswerable question answered is wrong): the promise broken.
        "verified_wrong": shown and not correct and any(s["verified"] for s in sentences),
        "f1": token_f1(claims, question.answers) if answerable and not abstained else 0.0,
        "abstained": abstained,
        "citations": len(citations),
        "precise_citations": sum(precise),
        "gold_cited": any(precise) if answerable and gold else None,
        "supported_sentences": sum(1 for s in sentences if s["verified"]) if not abstained else 0,
        "sentences": len(sentences) if not abstained else 0,
        "first_gold_rank": ranks[0] if ranks else None,
        "latency_s": result["latency_s"],
    }


def _mean(values: list) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 3)


def summarise(questions: list[EvalQuestion], scores: list[dict]) -> dict:
    """{metric: value} over the given questions (None where a metric does not apply)."""
    answerable = [s for q, s in zip(questions, scores) if q.type != "unanswerable"]
    unanswerable = [s for q, s in zip(questions, scores) if q.type == "unanswerable"]
    with_gold = [s for q, s in zip(questions, scores) if q.type != "unanswerable" and q.sources]
    cited = sum(s["citations"] for s in scores)
    sentences = sum(s["sentences"] for s in scores)
    latencies = [s["latency_s"] for s in scores]
    summary = {
        "n": len(scores),
        "accuracy": _mean([s["correct"] for s in scores]),
        "answer_f1": _mean([s["f1"] for s in answerable]),
        "abstention_accuracy": _mean([s["abstained"] for s in unanswerable]),
        "false_abstention_rate": _mean([s["abstained"] for s in answerable]),
        "citation_precision": round(sum(s["precise_citations"] for s in scores) / cited, 4) if cited else None,
        "citation_recall": _mean([bool(s["gold_cited"]) for s in with_gold]),
        "faithfulness": round(sum(s["supported_sentences"] for s in scores) / sentences, 4) if sentences else None,
        "shown_precision": _mean([s["correct"] for s in scores if s.get("shown", not s["abstained"])]),
        "verified_wrong": sum(1 for s in scores if s.get("verified_wrong")),
        "mrr": _mean([1 / s["first_gold_rank"] if s["first_gold_rank"] else 0.0 for s in with_gold]),
        "latency_p50_s": _percentile(latencies, 50),
        "latency_p90_s": _percentile(latencies, 90),
    }
    for k in (1, 3, 5):
        summary[f"hit@{k}"] = _mean([bool(s["first_gold_rank"] and s["first_gold_rank"] <= k) for s in with_gold])
    return summary


def summarise_by_type(questions: list[EvalQuestion], scores: list[dict]) -> dict:
    result = {"overall": summarise(questions, scores)}
    for kind in ("factoid", "temporal", "multi", "unanswerable"):
        chosen = [(q, s) for q, s in zip(questions, scores) if q.type == kind]
        if chosen:
            result[kind] = summarise([q for q, _ in chosen], [s for _, s in chosen])
    return result
