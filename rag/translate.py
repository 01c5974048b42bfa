"""Questions asked in another language than the articles': the LLM already loaded translates the question into the
articles' language, Dateline answers and verifies that question as it would any other, and the checked answer is
translated back, sentence by sentence.

Why this way: the embedding model and the verifier's rules are English, so the question is made English before
retrieval (its original words still count in the lexical search, where a translation may respell a name), and the
✓ is earned by the English sentence against the English span. A translated sentence keeps that ✓ only when it
states the same checkable facts — the same numbers, months, names and polarity; otherwise the English sentence is
shown, so a translation can never turn a verified fact into another one. The cited spans are never translated.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from index.language import LANGUAGE_NAMES
from index.lexicon import GRAMMATICAL_NEGATIONS, MONTH_NUMBERS
from rag.facts import facts_of, number_value
from rag.generate import one_reply
from rag.records import AnswerSentence

log = logging.getLogger(__name__)

ANSWER_LANGUAGE = "en"  # the language the verifier reads: questions are answered in it, then translated
QUESTION_INSTRUCTIONS = ("You translate a question from {language} into English. Reply with the English question "
                         "only. Keep every name of a person, place or organisation as written, and keep numbers "
                         "and dates.")
# Two worked examples: without them the 1.5B default model answered a question with a statement, and turned
# "Pjöngjang" into another place.
QUESTION_EXAMPLES = (
    ("Qui a rencontré Kim Jong Un à Vladivostok en avril 2019 ?",
     "Who met Kim Jong Un in Vladivostok in April 2019?"),
    ("Wie viele Menschen wurden bei dem Erdbeben in Tarsa verletzt?",
     "How many people were injured in the earthquake in Tarsa?"),
)
SENTENCE_INSTRUCTIONS = ("You translate a sentence from English into {language}. Reply with the translation only. "
                         "Copy every name of a person, place or organisation and every number exactly as written.")
SENTENCE_EXAMPLES = {  # one per language that has one; other languages are asked without an example
    "fr": ("Kim Jong Un met Sergei Shoigu in Pyongyang on 13 September 2023.",
           "Kim Jong Un a rencontré Sergei Shoigu à Pyongyang le 13 septembre 2023."),
    "de": ("No, the council rejected the plan by 31 votes to 12.",
           "Nein, der Rat lehnte den Plan mit 31 zu 12 Stimmen ab."),
    "es": ("Maria Lund won 54.2 percent of the vote in the runoff.",
           "Maria Lund obtuvo el 54,2 por ciento de los votos en la segunda vuelta."),
}
MAX_TRANSLATION_CHARS = 600
# rapidfuzz ratio at which a name word of the English sentence counts as written in the translation: "putin" /
# "poutine" is 83, "korea" / "coree" 60; a name replaced by a description ("the Russian president") is far below.
MIN_NAME_RATIO = 60
MIN_NAME_LETTERS = 3
_NUMBER = re.compile(r"\d[\d.,]*")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Translation:
    """A question asked in `language`, to be answered in English."""

    language: str
    question: str  # the translated question, the one retrieval and the verifier read
    seconds: float


def needs_translation(language: str | None, article_languages: set[str]) -> bool:
    """A question whose language is clear and that the articles (at least some in English) are not written in."""
    return bool(language and ANSWER_LANGUAGE in article_languages and language not in article_languages)


def _chat(llm, instructions: str, examples: tuple[tuple[str, str], ...], text: str) -> str | None:
    """The first line of the LLM's reply, unquoted, or None when it is empty or too long to be a translation."""
    reply = one_reply(llm, instructions, examples, text)
    first = reply.splitlines()[0].strip().strip('"') if reply else ""
    return first if first and len(first) <= MAX_TRANSLATION_CHARS else None


def translate_question(question: str, language: str, llm) -> Translation | None:
    """The question in English, or None when the LLM gave nothing usable (the question is then asked as written)."""
    started = time.perf_counter()
    name = LANGUAGE_NAMES.get(language, language)
    translated = _chat(llm, QUESTION_INSTRUCTIONS.format(language=name), QUESTION_EXAMPLES, question)
    if not translated or translated.lower() == question.lower():
        return None
    return Translation(language, translated, time.perf_counter() - started)


def translate_sentences(sentences: list[AnswerSentence], language: str, llm) -> int:
    """Translate each answer sentence into `language` in place, keeping the English in `original`; a translation
    that does not state the same facts is not used (the sentence stays English). Returns how many stayed English."""
    name = LANGUAGE_NAMES.get(language, language)
    instructions = SENTENCE_INSTRUCTIONS.format(language=name)
    example = (SENTENCE_EXAMPLES[language],) if language in SENTENCE_EXAMPLES else ()
    kept_english = 0
    for sentence in sentences:
        translated = _chat(llm, instructions, example, sentence.text)
        if translated and same_facts(sentence.text, translated, language):
            sentence.original, sentence.text = sentence.text, translated
        else:
            log.info("translation into %s kept in English: %r -> %r", language, sentence.text, translated)
            kept_english += 1
    return kept_english


def same_facts(english: str, translated: str, language: str) -> bool:
    """Whether `translated` states what `english` states as far as a check can tell across languages: the same
    numbers (separators aside: "54.2" = "54,2"), the same months, every name (as the language spells it: "Poutine"),
    and a negation exactly where the English has one."""
    return (_numbers(english, "en") == _numbers(translated, language)
            and _months(english, "en") == _months(translated, language)
            and _keeps_names(english, translated)
            and _negated(english, "en") == _negated(translated, language))


def _fold(text: str) -> str:
    """Lower case without accents: "Corée" -> "coree"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def _numbers(text: str, language: str) -> list[str]:
    found = [re.sub(r"[.,]", "", match.rstrip(".,")) for match in _NUMBER.findall(text)]
    if language == "en":  # "three ministers" is checked as 3, as the verifier reads it (not "one", a pronoun)
        found += [value for word in _WORD.findall(_fold(text)) if (value := number_value(word)) and value.isdigit()]
    return sorted(found)


@lru_cache(maxsize=16)
def _month_words(language: str) -> dict[str, int]:
    """Month names of a language (dateparser's locale data), folded: {"juillet": 7, "juli": 7, ...}."""
    if language == "en":
        return dict(MONTH_NUMBERS)
    from dateparser.languages import default_loader

    try:
        info = default_loader.get_locale(language).info
    except (KeyError, ValueError):
        return {}
    words = {}
    for month, number in MONTH_NUMBERS.items():
        forms = [_fold(form) for form in info.get(month, [])]
        longest = max(forms, key=len, default="")
        words |= {form: number for form in forms if len(form) >= 4 or form == longest}
    return words


def _months(text: str, language: str) -> set[int]:
    months = _month_words(language)
    return {months[word] for word in _WORD.findall(_fold(text)) if word in months}


def _keeps_names(english: str, translated: str) -> bool:
    words = _WORD.findall(_fold(translated))
    wanted = {_fold(word) for name in facts_of(english).names for word in name if len(word) >= MIN_NAME_LETTERS}
    return all(any(fuzz.ratio(word, candidate) >= MIN_NAME_RATIO for candidate in words) for word in wanted)


def _negated(text: str, language: str) -> bool:
    cues = {_fold(word) for word in GRAMMATICAL_NEGATIONS.get(language, ())}
    words = _WORD.findall(_fold(text))
    return any(word in cues for word in words) or (language == "en" and "n't" in text)
