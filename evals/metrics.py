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

from evals.dataset import QUESTION_TYPES, EvalQuestion, GoldEvent
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


TIMELINE_PASS = {"event_precision": 0.9, "event_recall": 0.5}  # what a timeline needs to count as correct
_PRECISION_OF_DIGITS = {4: 2, 7: 1, 10: 0}  # gold date "YYYY", "YYYY-MM", "YYYY-MM-DD" -> precision rank needed
_ITEM_PRECISION = {"day": 0, "month": 1, "year": 2}


_DIGITS_OF_PRECISION = {rank: digits for digits, rank in _PRECISION_OF_DIGITS.items()}


def _date_agrees(item: dict, gold: str) -> bool:
    """The item's date is true of the gold date, compared as precisely as the less precise of the two gives it:
    "2000-07-19" is met by 19 Jul 2000 and by July 2000 (what its own sentence says), not by 20 Jul 2000."""
    digits = _DIGITS_OF_PRECISION[max(_ITEM_PRECISION[item["precision"]], _PRECISION_OF_DIGITS[len(gold)])]
    return item["day"][:digits] == gold[:digits]


def _reports(item: dict, cited: dict[int, str], event: GoldEvent) -> bool:
    """Whether the item (its sentence, or any span it cites) holds one of the event's quotes, or lies inside one."""
    return any(_contains_evidence(text, [e.quote for e in event.evidence])
               for text in [item["text"], *(cited.get(n, "") for n in item["citations"])])


def score_timeline(question: EvalQuestion, result: dict) -> dict:
    """Each shown item is matched to the first gold event it reports. Event precision: the share of items that
    report a gold event; recall: the share of gold events some item reports; date accuracy: the share of matched
    items dated as the gold says; order: the share of neighbouring matched items in the gold's date order;
    duplicates: items reporting an event an earlier item already did. A sentence is matched when it holds one of the
    event's quotes or lies inside one."""
    items = result.get("timeline", [])
    cited = {c["n"]: c["text"] for c in result.get("citations", [])}
    matched: list[tuple[dict, GoldEvent]] = []
    for item in items:  # an item whose sentence reports two events is matched to the one its date is of
        reported = [e for e in question.events if _reports(item, cited, e)]
        event = next((e for e in reported if _date_agrees(item, e.date)), reported[0] if reported else None)
        if event is not None:
            matched.append((item, event))
    found = {id(event) for _, event in matched}
    dates = [event.date for _, event in matched]
    precision = len(matched) / len(items) if items else 0.0
    recall = len(found) / len(question.events)
    wrong_dates = sum(not _date_agrees(item, event.date) for item, event in matched)
    return {
        "event_precision": precision,
        "event_recall": recall,
        "date_accuracy": 1 - wrong_dates / len(matched) if matched else None,
        "order_accuracy": (sum(a <= b for a, b in zip(dates, dates[1:])) / (len(dates) - 1)) if len(dates) > 1
        else None,
        "duplicate_items": len(matched) - len(found),
        "wrong_dates": wrong_dates,
        "passes": bool(items) and precision >= TIMELINE_PASS["event_precision"]
        and recall >= TIMELINE_PASS["event_recall"],
    }


def sides_stated(text: str, question: EvalQuestion) -> int:
    """How many of a conflict question's sides `text` states (one of each side's aliases, as a whole phrase)."""
    return sum(alias_match(text, side.answers) for side in question.sides)


def sides_cited(question: EvalQuestion, result: dict) -> bool:
    """Whether every side of a conflict question is in a verified sentence of the answer that cites that side's own
    source: "The Kelmora Post said 4.2 million euros [1]; the Halden Business Journal said 4.5 million [2]"."""
    if result["abstained"]:
        return False
    sources = {c["n"]: c["source"] for c in result.get("citations", [])}
    return all(any(s["verified"] and alias_match(s["text"], side.answers)
                   and side.source in {sources.get(n) for n in s["citations"]}
                   for s in result.get("sentences", []))
               for side in question.sides)


def score_question(question: EvalQuestion, result: dict, judged_correct: bool | None = None) -> dict:
    """Scores of one answered question; `result` is its results.jsonl line. A conflict question is correct when the
    answer states every side; stating one side only is a miss (it silently chose), but not a verified wrong."""
    if question.type == "timeline":
        return _timeline_scores(question, result)
    claims = " ".join(s["text"] for s in result.get("sentences", [])) or result["answer"]
    abstained = result["abstained"]
    answerable = question.type != "unanswerable"
    if question.type == "conflict":
        stated = sides_stated(claims, question) if not abstained else 0
        matched, found_none = stated == len(question.sides), stated == 0
    else:
        matched = answerable and not abstained and alias_match(claims, question.answers)
        found_none = not matched
    correct = (not abstained and (matched or bool(judged_correct))) if answerable else abstained
    gold = set(question.sources)
    citations = result.get("citations", [])
    precise = [c["source"] in gold or _contains_evidence(c["text"], question.evidence) for c in citations]
    sentences = result.get("sentences", [])
    shown = not abstained
    return {
        "correct": correct,
        "shown": shown,
        # Shown with a verified sentence, and wrong (an unanswerable question answered is wrong): the promise broken.
        "verified_wrong": shown and not correct and found_none and any(s["verified"] for s in sentences),
        "f1": token_f1(claims, question.answers) if answerable and not abstained else 0.0,
        "abstained": abstained,
        "citations": len(citations),
        "precise_citations": sum(precise),
        "gold_cited": any(precise) if answerable and gold else None,
        "supported_sentences": sum(1 for s in sentences if s["verified"]) if not abstained else 0,
        "sentences": len(sentences) if not abstained else 0,
        "first_gold_rank": _first_gold_rank(result, gold),
        "latency_s": result["latency_s"],
        **({"sides_cited": sides_cited(question, result)} if question.type == "conflict" else {}),
    }


def _timeline_scores(question: EvalQuestion, result: dict) -> dict:
    """A timeline's scores in the shape every question has, its own metrics beside them. It is correct when it
    passes TIMELINE_PASS; a matched item shown with a date the gold does not give is a verified wrong."""
    timeline = score_timeline(question, result)
    shown = not result["abstained"]
    gold = {e.source for event in question.events for e in event.evidence}
    citations = result.get("citations", [])
    precise = [c["source"] in gold for c in citations]
    sentences = len(result.get("sentences", [])) if shown else 0  # each item is the sentence it cites: supported
    return {
        "correct": shown and timeline["passes"],
        "shown": shown,
        "verified_wrong": timeline["wrong_dates"] > 0,
        "f1": 0.0,
        "abstained": result["abstained"],
        "citations": len(citations),
        "precise_citations": sum(precise),
        "gold_cited": any(precise),
        "supported_sentences": sentences,
        "sentences": sentences,
        "first_gold_rank": _first_gold_rank(result, gold),
        "latency_s": result["latency_s"],
        "timeline": timeline,
    }


def _first_gold_rank(result: dict, gold: set[str]) -> int | None:
    """The rank (1 = first) of the first gold source among the retrieved ones, or None."""
    return next((i for i, r in enumerate(result.get("retrieved", []), start=1) if r["source"] in gold), None)


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
    conflicts = [s["sides_cited"] for s in scores if "sides_cited" in s]
    if conflicts:
        summary["sides_cited"] = _mean(conflicts)
    timelines = [s["timeline"] for s in scores if "timeline" in s]
    if timelines:
        summary.update(summarise_timelines(timelines))
    return summary


TIMELINE_METRICS = ("event_precision", "event_recall", "date_accuracy", "order_accuracy", "duplicate_items")


def summarise_timelines(timelines: list[dict]) -> dict:
    """The timeline metrics over several timelines' `score_timeline` results: means, and the duplicates summed."""
    summary = {}
    for name in TIMELINE_METRICS:
        values = [t[name] for t in timelines if t[name] is not None]
        summary[name] = sum(values) if name == "duplicate_items" else _mean(values)
    return summary


NON_ENGLISH = "non-English"  # the questions asked in another language
ENGLISH_ORIGINALS = "English originals"  # the questions they translate, answered in the same run


def summarise_by_type(questions: list[EvalQuestion], scores: list[dict]) -> dict:
    """Overall, per type, and, where the set has translated questions, those questions beside their originals."""
    result = {"overall": summarise(questions, scores)}
    groups = {kind: [(q, s) for q, s in zip(questions, scores) if q.type == kind] for kind in QUESTION_TYPES}
    translated = {q.translation_of for q in questions if q.language != "en" and q.translation_of}
    groups[NON_ENGLISH] = [(q, s) for q, s in zip(questions, scores) if q.language != "en"]
    groups[ENGLISH_ORIGINALS] = [(q, s) for q, s in zip(questions, scores) if q.id in translated]
    for name, chosen in groups.items():
        if chosen:
            result[name] = summarise([q for q, _ in chosen], [s for _, s in chosen])
    return result
