"""Clean: RawDocument -> Article. Normalise Unicode, read header metadata, drop what pages carry around the article.

Real pages (see the seeds) wrap the story in a language switcher, "Skip to content", agency and "Published :" lines,
share links, image file names and related-story or opinion teaser blocks. Header lines become metadata; teaser
blocks are cut from the first marker to the end, because everything after them is other stories.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from index.dates import parse_date
from index.language import detect_language
from index.loaders import LoadError, RawDocument
from index.records import Article

MIN_BODY_CHARS = 200


class NoArticleText(LoadError):
    """What is left after cleaning is too short to be an article."""


# Cyrillic and Greek letters that look Latin, used (by accident or to dodge filters) inside Latin words.
_HOMOGLYPHS = str.maketrans(
    "АВЕКМНОРСТХаеорсухіјѕАΒΕΖΗΙΚΜΝΟΡΤΥΧаеіο",
    "ABEKMHOPCTXaeopcyxijsABEZHIKMNOPTYXaeio",
)
_MIXED_WORD = re.compile(r"\b(?=\w*[A-Za-z])(?=\w*[\u0370-\u03ff\u0400-\u04ff])\w+\b")
_PUNCTUATION = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "\u00ad": None})


def normalise_unicode(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    text = _MIXED_WORD.sub(lambda m: m.group(0).translate(_HOMOGLYPHS), text)
    text = re.sub(r"[^\S\n]+", " ", text)  # NBSP, tabs and runs of spaces -> one space
    return text


_AGENCIES = r"(?:Reuters|AFP|AP|Associated Press|Agence France-Presse|Bloomberg|Xinhua|Yonhap|TASS|UNB|BSS)"

# (pattern, metadata key or None): a header line matching the pattern is removed and, with a key, recorded.
_HEADER_LINES: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(r"^date\s+(\d{4}-\d{2}-\d{2})\b.*$", re.I), "published"),
    (re.compile(r"^(?:Published|Posted|First published)\s*:?\s*(.+)$", re.I), "published"),
    (re.compile(r"^(?:Updated|Last updated|Modified)\s*:?\s*(.+)$", re.I), None),
    (re.compile(r"^Source\s*:\s*(.{2,80})$", re.I), "outlet"),
    (re.compile(rf"^(?:By\s+)?({_AGENCIES})$"), "agency"),
    (re.compile(r"^By\s+([A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})$"), "author"),
]

_DROP_LINES = re.compile(
    r"^(?:skip to (?:main )?content|share(?: this (?:article|story))?:?|tweet|advertisement|"
    r"\S+\.(?:jpe?g|png|gif|webp|svg)|[^A-Za-z0-9]+)$",
    re.I,
)
# A line that starts the page furniture after the article: the rest of the page is dropped.
_TAIL_MARKERS = re.compile(
    r"^(?:related stories|related articles|related|read more|more from .{1,40}|more stories|opinion|"
    r"most popular|most read|trending|you may also like|recommended|share this (?:article|story):?)$",
    re.I,
)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and value.strip():
            meta[key.strip().lower()] = value.strip().strip('"')
    return meta, text[match.end():]


def _strip_page_furniture(lines: list[str], meta: dict[str, str]) -> list[str]:
    kept: list[str] = []
    for line in lines:
        if not line:
            kept.append(line)
            continue
        if _TAIL_MARKERS.match(line) and sum(len(k) for k in kept) >= MIN_BODY_CHARS:
            break
        for pattern, key in _HEADER_LINES:
            match = pattern.match(line)
            if match:
                if key and key not in meta:
                    meta[key] = match.group(1).strip()
                break
        else:
            if not _DROP_LINES.match(line):
                kept.append(line)
    return kept


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines + [""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def content_hash(article: Article) -> str:
    fields = article.model_dump(mode="json", exclude={"hash", "path"})
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def clean(document: RawDocument) -> Article:
    """Turn a loaded document into an Article, or raise NoArticleText."""
    meta, body = _front_matter(normalise_unicode(document.text))
    for key, value in document.hints.items():
        meta.setdefault(key, normalise_unicode(value).strip())
    lines = [line.strip() for line in body.splitlines()]
    paragraphs = _paragraphs(_strip_page_furniture(lines, meta))
    title = meta.get("title") or (paragraphs[0] if paragraphs else "")
    if paragraphs and paragraphs[0] != title and title:
        paragraphs.insert(0, title)
    text = "\n\n".join(paragraphs)
    if len(text) - len(title) < MIN_BODY_CHARS:
        raise NoArticleText(f"{document.path}: no article text found (under {MIN_BODY_CHARS} characters of body)")
    article = Article(
        id=document.id,
        title=title[:300],
        text=text,
        outlet=meta.get("outlet") or meta.get("agency"),
        url=meta.get("url"),
        author=meta.get("author") or meta.get("agency"),
        published=parse_date(meta.get("published")),
        lang=meta.get("lang") or meta.get("language") or detect_language(text),
        path=str(document.path.resolve()),
    )
    article.hash = content_hash(article)
    return article
