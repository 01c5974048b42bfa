"""Eval datasets: JSONL, one question per line, in the contract every eval set (public or unseen) follows.

{"id", "question", "answers": [aliases], "evidence": [quotes, optional], "sources": [article ids],
 "as_of": "YYYY-MM-DD" (optional), "type": "factoid" | "temporal" | "multi" | "unanswerable" | "timeline" |
 "conflict", "events": [gold events, timeline questions only], "sides": [gold sides, conflict questions only],
 "language": ISO 639-1 code (default "en"),
 "translation_of": id of the English question this one translates (optional)}

An alias is a phrase, or a list of phrases that must all appear ("what did X and Y each say": ["12", "19"]).
A timeline question has no answers; its gold is every dated event the articles report about its topic (within the
period the question names): {"date": "YYYY-MM-DD" | "YYYY-MM" | "YYYY" (as precisely as the text gives it),
"what": "...", "evidence": [{"source": article id, "quote": verbatim text stating it}]}.
A conflict question asks for a fact on which the sources disagree (two outlets give different figures for one event,
or one report gives two versions); it has no answers either: its gold is each side, {"answers": [aliases], "source":
article id, "quote": verbatim text stating it}, and the answer must state every side, each cited to its own source.
A question in another language ("language": "fr") that translates a question of the same file says which
("translation_of"), so a report can set its accuracy beside the original's; its answers hold both the original
aliases and their forms in its language ("juillet 2000").
Lines starting with "#" are comments (a held-out file says so at its top).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, Field, ValidationError

from index.loaders import json_lines

QuestionType = Literal["factoid", "temporal", "multi", "unanswerable", "timeline", "conflict"]
QUESTION_TYPES: tuple[str, ...] = get_args(QuestionType)
FIELDS = {"id", "question", "answers", "evidence", "sources", "as_of", "type", "events", "language", "translation_of",
          "sides"}


class DatasetError(ValueError):
    """A dataset that cannot be run; the message names the file (and line) and what to fix."""


class EventQuote(BaseModel):
    source: str
    quote: str


class GoldEvent(BaseModel):
    """One event a timeline must list: its date as precisely as the articles give it, and the quotes stating it."""

    date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    what: str = ""
    evidence: list[EventQuote] = Field(min_length=1)


class GoldSide(BaseModel):
    """One side of a disagreement: the value one source gives (its aliases) and the text of that source stating it."""

    answers: list[str] = Field(min_length=1)
    source: str
    quote: str


class EvalQuestion(BaseModel):
    id: str
    question: str
    answers: list[str | list[str]]
    evidence: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    as_of: date | None = None
    type: QuestionType = "factoid"
    events: list[GoldEvent] = Field(default_factory=list)
    sides: list[GoldSide] = Field(default_factory=list)
    language: str = Field("en", pattern=r"^[a-z]{2}$")
    translation_of: str | None = None


def load_dataset(path: Path, warn=lambda message: None) -> list[EvalQuestion]:
    """Parse and check a dataset; `warn` receives one line per unknown field."""
    try:
        lines = ["" if line.startswith("#") else line for line in Path(path).read_text(encoding="utf-8").splitlines()]
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not UTF-8 text") from None
    questions: list[EvalQuestion] = []
    seen: dict[str, int] = {}
    for number, record in json_lines(lines, path, DatasetError):
        if not isinstance(record, dict):
            raise DatasetError(f"{path}:{number}: expected a JSON object")
        unknown = sorted(set(record) - FIELDS)
        if unknown:
            warn(f"{path}:{number}: unknown field(s) {', '.join(unknown)} ignored")
        try:
            question = EvalQuestion.model_validate({k: v for k, v in record.items() if k in FIELDS})
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"])
            raise DatasetError(f"{path}:{number}: field {where!r}: {error['msg']}") from None
        if question.id in seen:
            raise DatasetError(f"{path}:{number}: duplicate id {question.id!r} (first on line {seen[question.id]})")
        if question.type == "unanswerable" and question.answers:
            raise DatasetError(f"{path}:{number}: an unanswerable question must have answers: []")
        if question.type == "timeline" and (question.answers or not question.events):
            raise DatasetError(f"{path}:{number}: a timeline question has answers: [] and its gold in events")
        if question.type == "conflict" and (question.answers or len(question.sides) < 2):
            raise DatasetError(f"{path}:{number}: a conflict question has answers: [] and its gold in two or more "
                               "sides")
        if question.type not in ("unanswerable", "timeline", "conflict") and not question.answers:
            raise DatasetError(f"{path}:{number}: answers is empty; use type \"unanswerable\" for such questions")
        seen[question.id] = number
        questions.append(question)
    if not questions:
        raise DatasetError(f"{path}: the dataset has no questions")
    for question in questions:
        if question.translation_of and question.translation_of not in seen:
            raise DatasetError(f"{path}:{seen[question.id]}: translation_of {question.translation_of!r} is not a "
                               "question of this file")
    return questions


_REPO = Path(__file__).resolve().parent.parent
# The public eval sets and the corpus each is asked over (the chat page's Evaluation tab offers these).
PUBLIC_SETS: dict[str, tuple[Path, Path]] = {
    "sample": (_REPO / "evals" / "datasets" / "sample.jsonl", _REPO / "data" / "sample"),
    "seeds": (_REPO / "evals" / "datasets" / "seeds.jsonl", _REPO.parent / "shared" / "seeds"),
    "news-dev": (_REPO / "evals" / "datasets" / "news-dev.jsonl", _REPO / "data" / "news"),
    "news-test": (_REPO / "evals" / "datasets" / "news-test.jsonl", _REPO / "data" / "news"),  # held out: report only
}
HELD_OUT_SET = "news-test"  # the public set that is only reported, never tuned on (its first line says so)


def split_of_set(name: str) -> str:
    """A public set's split in the benchmarks: "test" for the held-out set (report only), "dev" for the others."""
    return "test" if name == HELD_OUT_SET else "dev"
