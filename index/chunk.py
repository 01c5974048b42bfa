"""Chunk: Article -> sentence-aware, overlapping Chunks that keep exact character offsets into the article text.

Offsets matter more than anything here: a citation's highlight is `article.text[start:end]`, so chunks are cut at
sentence boundaries found by span, never by re-joining split strings.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from index.records import Article, Chunk

_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=1)
def _punkt():
    """English Punkt sentence splitter, from the NLTK data that llama-index-core ships (no download)."""
    import llama_index.core
    import nltk

    bundled = str(Path(llama_index.core.__file__).parent / "_static" / "nltk_cache")
    if bundled not in nltk.data.path:
        nltk.data.path.append(bundled)
    return nltk.tokenize.PunktTokenizer("english")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence; sentences never cross a line break."""
    spans = []
    for line in _LINE.finditer(text):
        for start, end in _punkt().span_tokenize(line.group(0)):
            spans.append((line.start() + start, line.start() + end))
    return spans


def chunk_header(article: Article) -> str:
    parts = [article.title, article.outlet, article.published.isoformat() if article.published else None]
    return " | ".join(part for part in parts if part)


def chunk_article(article: Article, size: int, overlap: int) -> list[Chunk]:
    """Greedy packing of whole sentences up to `size` chars; each chunk repeats up to `overlap` chars of the last."""
    spans = sentence_spans(article.text)
    header = chunk_header(article)
    chunks: list[Chunk] = []
    first = 0
    while first < len(spans):
        last = first
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= size:
            last += 1
        start, end = spans[first][0], spans[last][1]
        chunks.append(
            Chunk(
                id=f"{article.id}#{article.hash[:12]}#{len(chunks)}",
                article_id=article.id,
                start=start,
                end=end,
                text=article.text[start:end],
                header=header,
            )
        )
        if last + 1 >= len(spans):
            break
        next_first = last + 1
        while next_first - 1 > first and end - spans[next_first - 1][0] <= overlap:
            next_first -= 1
        first = next_first
    return chunks
