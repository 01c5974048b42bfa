"""Answering: question -> retrieve -> compose -> generate -> verify -> Answer, as a stream of events; a timeline
question ("What happened ... since 2023?") is answered by rag/timeline.py instead, and a question in another
language than the articles' is translated first and its answer translated back (rag/translate.py).

The CLI and the chat page both consume `answer_events`: sources arrive first (as soon as retrieval is done), then
tokens as the model writes them, then the verified Answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from index.embed import embedder_for
from index.language import question_language
from index.store import Store
from rag.compose import Passage, closest_passages, compose
from rag.conflicts import add_other_sides
from rag.followup import Turn, standalone_question
from rag.generate import build_messages, count_prompt_tokens, extractive_answer, stream_llm
from rag.labels import ABSTENTION, AS_OF_NEWEST, KEPT_IN_ENGLISH, in_language
from rag.llms import explain_failure, load_llm
from rag.records import Answer, RetrievedSource
from rag.reread import llm_reader
from rag.retrieve import retrieve, wants_latest
from rag.timeline import timeline, wants_timeline
from rag.translate import needs_translation, translate_question, translate_sentences
from rag.verify import unmentioned_facts, verify, with_markers

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

    mark = time.perf_counter()
    retrieved = retrieve(question, store, settings, as_of, published, as_written if translation else None)
    passages = compose(question, retrieved, settings)
    timings["retrieve_s"] = time.perf_counter() - mark
    yield SourcesEvent(passages)

    ranked: dict[str, float] = {}
    for hit in retrieved:  # best first, so the first score seen per article is its best
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
    unmentioned = unmentioned_facts(question, passages) if passages else []
    if not passages:
        result.reason = "nothing relevant retrieved"
    elif unmentioned:
        result.reason = f"no article here mentions {', '.join(unmentioned)}"
    else:
        mark = time.perf_counter()
        if llm is None:
            raw = extractive_answer(question, passages)
            timings["ttft_s"] = time.perf_counter() - mark
            yield TokenEvent(raw)
        else:
            messages = build_messages(question, passages)
            result.prompt_tokens = count_prompt_tokens(llm, messages)
            pieces = []
            try:
                for piece in stream_llm(llm, messages):
                    if not pieces:
                        timings["ttft_s"] = time.perf_counter() - mark
                    pieces.append(piece)
                    yield TokenEvent(piece)
            except Exception as exc:  # a backend failure, never a traceback to the user
                log.warning("generation failed with %s", spec, exc_info=True)
                raise explain_failure(spec, llm, exc, settings.llm_timeout_s) from None
            raw = "".join(pieces)
        timings["generate_s"] = time.perf_counter() - mark
        result.model_answer = raw
        mark = time.perf_counter()
        reader = llm_reader(llm, spec, settings.llm_timeout_s) if llm is not None and settings.second_reading else None
        checked = verify(raw, passages, embedder_for(settings), question, reader)
        timings["verify_s"] = time.perf_counter() - mark
        if reader is not None:
            timings["second_reading_s"] = reader.seconds
        if settings.conflicting_reports:
            mark = time.perf_counter()
            add_other_sides(checked)
            timings["other_sides_s"] = time.perf_counter() - mark
        result.sentences, result.citations, result.abstained = checked.sentences, checked.citations, checked.abstained
        result.answer, result.reason = checked.text, checked.reason
        if translation and not checked.abstained:
            mark = time.perf_counter()
            if translate_sentences(result.sentences, language, llm):
                result.warnings.append(KEPT_IN_ENGLISH)
            result.answer = " ".join(with_markers(s) for s in result.sentences)
            timings["translate_s"] += time.perf_counter() - mark
        if not checked.abstained and wants_latest(question) and passages[0].article.published:
            result.note = in_language(AS_OF_NEWEST, language if translation else None).format(
                date=f"{passages[0].article.published:%d %b %Y}")
            result.answer = f"{result.note} {result.answer}"
    if translation and result.abstained:
        result.answer = in_language(result.answer, language)
    if result.abstained:
        result.closest = closest_passages(passages)
    timings["total_s"] = time.perf_counter() - started
    result.timings = {k: round(v, 3) for k, v in timings.items()}
    yield AnswerEvent(result)


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
