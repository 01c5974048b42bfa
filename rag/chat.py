"""Answering: question -> retrieve -> compose -> generate -> verify -> Answer, as a stream of events; a timeline
question ("What happened ... since 2023?") is answered by rag/timeline.py instead, and a question in another
language than the articles' is translated first and its answer translated back (rag/translate.py); a question that
asks for one fact several times is answered in parts (rag/decompose.py), and one that asks how far apart two values
are is answered from the two values, the difference computed (rag/compute.py).

The CLI and the chat page both consume `answer_events`: sources arrive first (as soon as retrieval is done), then
tokens as the model writes them, then the verified Answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date

from index.embed import embedder_for
from index.language import question_language
from index.store import Store
from rag import compute
from rag.compose import Passage, closest_passages, compose
from rag.conflicts import add_other_sides
from rag.decompose import Part, join_parts, parts_of
from rag.followup import Turn, standalone_question
from rag.generate import build_messages, count_prompt_tokens, extractive_answer, stream_llm
from rag.labels import ABSTENTION, AS_OF_NEWEST, KEPT_IN_ENGLISH, NOT_STATED, in_language
from rag.llms import explain_failure, load_llm
from rag.records import Answer, RetrievedSource
from rag.reread import llm_reader
from rag.retrieve import Retrieved, retrieve, wants_latest
from rag.timeline import timeline, wants_timeline
from rag.translate import needs_translation, translate_question, translate_sentences
from rag.verify import Verified, unmentioned_facts, verify, with_markers

MAX_QUESTION_CHARS = 1000
log = logging.getLogger(__name__)


class QuestionError(ValueError):
    pass


@dataclass
class SourcesEvent:
    passages: list[Passage]


@dataclass
class TokenEvent:
    text: str


@dataclass
class AnswerEvent:
    answer: Answer


def check_question(question: str) -> str:
    question = " ".join(question.split())
    if not question:
        raise QuestionError("the question is empty: ask something, e.g. \"When did Putin last visit Pyongyang?\"")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS}"
        )
    return question


def answer_events(
    question: str,
    store: Store,
    settings,
    as_of: date | None = None,
    llm_spec: str | None = None,
    published: tuple[date | None, date | None] = (None, None),
    history: list[Turn] | None = None,
) -> Iterator[SourcesEvent | TokenEvent | AnswerEvent]:
    """Sources, then tokens, then the verified Answer; `published` filters by publication date (from, to);
    `history` holds the chat's earlier turns, so a follow-up is answered as a standalone question."""
    question = check_question(question)
    spec = llm_spec or settings.llm
    timings: dict[str, float] = {}
    started = time.perf_counter()
    language = question_language(question)
    article_languages = store.languages()
    translate = settings.translate_questions and needs_translation(language, article_languages)
    # Fails fast on an unknown backend or a missing model, before any work; a timeline needs no LLM, unless it is a
    # follow-up that the LLM must first make standalone or a question it must first translate.
    llm = None if wants_timeline(question) and not history and not translate else load_llm(spec, settings)
    timings["load_s"] = time.perf_counter() - started
    asked = standalone_question(question, history or [], llm, as_of)
    question, as_of = asked.question, asked.as_of
    translation = translate_question(question, language, llm) if translate and llm is not None else None
    as_written = question
    if translation:
        question = translation.question
        timings["translate_s"] = translation.seconds
    understood_as = question if asked.rewritten or translation else None
    if wants_timeline(question):  # dated events from the store; no LLM writes a timeline
        result = timeline(question, store, settings, as_of, published)
        result.understood_as, result.question_language = understood_as, language
        result.timings = {**{k: round(v, 3) for k, v in timings.items()}, **result.timings,
                          "total_s": round(time.perf_counter() - started, 3)}
        yield AnswerEvent(result)
        return

    # "By how much did ... rise?": the two values are asked for, and the difference computed (rag/compute.py).
    operands = compute.timed(question, llm, timings)
    parts = [Part(asked, value=True) for asked in operands] if operands else parts_of(question, store.outlets())
    answered: list[_PartAnswer] = []
    for i, part in enumerate(parts):
        if i:
            yield TokenEvent(" ")
        answered.append((yield from _answer_part(part, store, settings, llm, spec, as_of, published,
                                                 as_written if translation else None, timings)))
    ranked: dict[str, float] = {}
    for hit in (hit for found in answered for hit in found.retrieved):  # best first: its first score is its best
        ranked.setdefault(hit.article.id, round(hit.score, 5))
    result = Answer(
        question=question, answer=ABSTENTION, abstained=True, as_of=as_of, llm=spec,
        retrieved=[RetrievedSource(source=source, score=score) for source, score in ranked.items()],
        question_language=language, understood_as=understood_as,
    )
    if language and article_languages and language not in article_languages and not translation:
        result.warnings.append(
            f"The question looks like {language!r} but the articles here are in "
            f"{', '.join(sorted(article_languages))}: retrieval works best when you ask in the articles' language."
        )
    raws = [found.raw for found in answered if found.raw is not None]
    result.model_answer = "\n".join(raws) if raws else None
    counted = [found.prompt_tokens for found in answered if found.prompt_tokens is not None]
    result.prompt_tokens = sum(counted) if counted else None
    checked = join_parts([found.checked for found in answered])
    if operands:
        checked = compute.with_difference(checked, [found.checked for found in answered], operands)
    result.sentences, result.citations, result.abstained = checked.sentences, checked.citations, checked.abstained
    result.answer, result.reason = checked.text, checked.reason
    if not checked.abstained:
        result.warnings += [in_language(NOT_STATED, language if translation else None).format(question=part.question)
                            for part, found in zip(parts, answered) if found.checked.abstained]
        if translation:
            mark = time.perf_counter()
            if translate_sentences(result.sentences, language, llm):
                result.warnings.append(KEPT_IN_ENGLISH)
            result.answer = " ".join(with_markers(s) for s in result.sentences)
            timings["translate_s"] += time.perf_counter() - mark
        newest = answered[0].passages[0].article.published if answered[0].passages else None
        if wants_latest(question) and newest:
            result.note = in_language(AS_OF_NEWEST, language if translation else None).format(date=f"{newest:%d %b %Y}")
            result.answer = f"{result.note} {result.answer}"
    else:
        if translation:
            result.answer = in_language(result.answer, language)
        closest = [c for found in answered for c in closest_passages(found.passages)]
        result.closest = [c.model_copy(update={"n": n}) for n, c in enumerate(closest, start=1)]
    timings["total_s"] = time.perf_counter() - started
    result.timings = {k: round(v, 3) for k, v in timings.items()}
    yield AnswerEvent(result)


@dataclass
class _PartAnswer:
    """What answering one part of the question found: its sources, the model's words and their check."""

    retrieved: list[Retrieved]
    passages: list[Passage]
    checked: Verified
    raw: str | None = None
    prompt_tokens: int | None = None


def _add_time(timings: dict[str, float], key: str, since: float) -> None:
    timings[key] = timings.get(key, 0.0) + time.perf_counter() - since


def _answer_part(part: Part, store: Store, settings, llm, spec: str, as_of: date | None,
                 published: tuple[date | None, date | None], as_written: str | None,
                 timings: dict[str, float]) -> Generator[SourcesEvent | TokenEvent, None, _PartAnswer]:
    """Retrieve, compose, generate and verify one part of the question (the whole question, unless it asks for one
    fact several times: rag/decompose.py), yielding its sources and tokens; returns what it found."""
    question = part.question
    mark = time.perf_counter()
    retrieved = retrieve(question, store, settings, as_of, published, as_written)
    if part.outlet:
        retrieved = [hit for hit in retrieved if (hit.article.outlet or "").casefold() == part.outlet.casefold()]
    passages = compose(question, retrieved, settings)
    _add_time(timings, "retrieve_s", mark)
    yield SourcesEvent(passages)
    unmentioned = unmentioned_facts(question, passages) if passages else []
    if not passages:
        return _PartAnswer(retrieved, passages, Verified(ABSTENTION, [], [], True, "nothing relevant retrieved"))
    if unmentioned:
        return _PartAnswer(retrieved, passages, Verified(ABSTENTION, [], [], True,
                                                         f"no article here mentions {', '.join(unmentioned)}"))
    mark = time.perf_counter()
    prompt_tokens = None
    if llm is None:
        raw = extractive_answer(question, passages)
        timings.setdefault("ttft_s", time.perf_counter() - mark)
        yield TokenEvent(raw)
    else:
        messages = build_messages(question, passages)
        prompt_tokens = count_prompt_tokens(llm, messages)
        pieces = []
        try:
            for piece in stream_llm(llm, messages):
                if not pieces:
                    timings.setdefault("ttft_s", time.perf_counter() - mark)
                pieces.append(piece)
                yield TokenEvent(piece)
        except Exception as exc:  # a backend failure, never a traceback to the user
            log.warning("generation failed with %s", spec, exc_info=True)
            raise explain_failure(spec, llm, exc, settings.llm_timeout_s) from None
        raw = "".join(pieces)
    _add_time(timings, "generate_s", mark)
    mark = time.perf_counter()
    reader = llm_reader(llm, spec, settings.llm_timeout_s) if llm is not None and settings.second_reading else None
    embedder = embedder_for(settings)
    checked = verify(raw, passages, embedder, question, reader)
    if part.value:  # one value of a difference: the model's restating sentence rejected, its value alone checked
        checked = compute.value_checked(checked, raw, passages, question, embedder, reader)
    _add_time(timings, "verify_s", mark)
    if reader is not None:
        timings["second_reading_s"] = timings.get("second_reading_s", 0.0) + reader.seconds
    if settings.conflicting_reports:
        mark = time.perf_counter()
        add_other_sides(checked, [hit.article for hit in retrieved])
        _add_time(timings, "other_sides_s", mark)
    return _PartAnswer(retrieved, passages, checked, raw, prompt_tokens)


def ask(
    question: str,
    store: Store,
    settings,
    as_of: date | None = None,
    llm_spec: str | None = None,
    published: tuple[date | None, date | None] = (None, None),
    history: list[Turn] | None = None,
) -> Answer:
    for event in answer_events(question, store, settings, as_of, llm_spec, published, history):
        if isinstance(event, AnswerEvent):
            return event.answer
    raise AssertionError("answer_events always ends with an AnswerEvent")
