"""Language detection for articles whose page or record does not say (py3langid: its model ships in the package)."""

from __future__ import annotations

SAMPLE_CHARS = 3000  # the first few paragraphs decide; whole articles only cost time


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, e.g. "en"."""
    import py3langid

    language, _score = py3langid.classify(text[:SAMPLE_CHARS])
    return language
