"""Follow-ups in a chat: "And before that?" -> a standalone question, with the conversation's context.

Three cases, cheapest first:
- not a follow-up (it names its own subject): asked as it is;
- a step back in time ("before that", "and earlier?"): the previous question again, as of the day before the newest
  article the previous answer cited — in dated news, "before that" means "as the articles stood before then";
- any other follow-up: rewritten by the LLM with llama-index's condense-question prompt, or, with no LLM (the
  extractive backend) or when the rewrite is unusable, the previous question and the follow-up asked together.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from llama_index.core.chat_engine.condense_question import DEFAULT_TEMPLATE
from llama_index.core.llms import ChatMessage, MessageRole

from rag.records import Answer

_STEP_BACK = re.compile(r"^\W*(?:and\s+)?(?:what about\s+)?(?:before (?:that|then)|earlier|previously|the time before"
                        r"|and before)\W*$", re.I)
_FOLLOW_UP_START = re.compile(r"^\s*(?:and|but|also|so|then|what about|how about|why|what else)\b", re.I)
_PRONOUN = re.compile(r"\b(?:he|she|it|they|them|him|her|his|its|their|that|this|those|these|there|then)\b", re.I)
MAX_FOLLOW_UP_WORDS = 8
MAX_REWRITE_CHARS = 300
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Turn:
    """What a later question may refer to: the standalone question asked and the newest date its answer cited."""

    question: str
    answer: str
    newest_cited: date | None = None


@dataclass(frozen=True)
class Standalone:
    question: str
    as_of: date | None = None
    rewritten: bool = False  # shown to the user: "understood as ..."


def is_follow_up(question: str) -> bool:
    """Short, and leaning on the conversation: starts with "and/what about..." or has pronouns but no names."""
    words = question.split()
    if len(words) > MAX_FOLLOW_UP_WORDS:
        return False
    names = [word for word in words[1:] if word[:1].isupper() and word != "I"]  # the first word is capitalised anyway
    return bool(_FOLLOW_UP_START.match(question) or (_PRONOUN.search(question) and not names))


def _rewrite_with_llm(question: str, history: list[Turn], llm) -> str | None:
    chat = "\n".join(f"Human: {turn.question}\nAssistant: {turn.answer}" for turn in history[-3:])
    prompt = DEFAULT_TEMPLATE.format(chat_history=chat, question=question)
    try:
        reply = llm.chat([ChatMessage(role=MessageRole.USER, content=prompt)]).message.content or ""
    except Exception:  # a backend failure here is reported by the answer itself; fall back to the plain rule
        log.warning("follow-up rewrite failed", exc_info=True)
        return None
    rewritten = reply.strip().splitlines()[0].strip().strip('"') if reply.strip() else ""
    if not rewritten or len(rewritten) > MAX_REWRITE_CHARS or rewritten.lower() == question.lower():
        return None
    return rewritten


def standalone_question(question: str, history: list[Turn], llm, as_of: date | None) -> Standalone:
    """The question to answer, and the as-of date to answer it at."""
    if not history or not is_follow_up(question):
        return Standalone(question, as_of)
    previous = history[-1]
    if _STEP_BACK.match(question) and previous.newest_cited:
        before = previous.newest_cited - timedelta(days=1)
        return Standalone(previous.question, min(before, as_of) if as_of else before, rewritten=True)
    rewritten = _rewrite_with_llm(question, history, llm) if llm is not None else None
    return Standalone(rewritten or f"{previous.question} {question}", as_of, rewritten=True)


def turn_of(answer: Answer) -> Turn:
    """What the next question may refer back to."""
    dates = [c.published for c in answer.citations if c.published]
    return Turn(answer.question, answer.answer, max(dates) if dates else None)
