"""Language detection (py3langid: its model ships in the package) for articles and for questions."""

from __future__ import annotations

from functools import lru_cache

SAMPLE_CHARS = 3000  # the first few paragraphs decide; whole articles only cost time
# The languages news is commonly asked in, as the LLM that translates questions and answers names them
# (rag/translate.py).
LANGUAGE_NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
                  "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish", "pl": "Polish", "ru": "Russian",
                  "uk": "Ukrainian", "tr": "Turkish", "ar": "Arabic", "hi": "Hindi", "bn": "Bengali", "zh": "Chinese",
                  "ja": "Japanese", "ko": "Korean"}
# Questions are short: among all 97 languages py3langid knows, "When did Putin last visit Pyongyang?" reads as
# Bikol. Among the languages news is commonly asked in, short questions come out right.
QUESTION_LANGUAGES = list(LANGUAGE_NAMES)
MIN_QUESTION_PROBABILITY = 0.85


def detect_language(text: str) -> str:
    """ISO 639-1 code of an article's language, e.g. "en"."""
    import py3langid

    language, _score = py3langid.classify(text[:SAMPLE_CHARS])
    return language


@lru_cache(maxsize=1)
def _question_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(QUESTION_LANGUAGES)
    return identifier


def question_language(question: str) -> str | None:
    """The question's language when it is clear, else None (short questions often are not)."""
    language, probability = _question_identifier().classify(question)
    return language if probability >= MIN_QUESTION_PROBABILITY else None
