"""Dated events: the sentences of an article that say when something happened, each with that event's own date.

Found at ingest time and kept with the chunks (index/store.py), so a timeline question costs retrieval and a
lookup. The date is the event's, not the article's: "last September" in a 21 January 2024 article is September 2023,
"the last visit was in July 2000" is July 2000. A sentence gives one event, dated by the most precise date it states
(a day before a month before a year): "After taking over in 1999, Putin visited Pyongyang in July 2000" is July 2000.
Of equally precise dates, one of the sentence's own news comes before one of a clause that tells of something else
("certified the result on Monday, confirming a runoff on Sunday, 18 May" is Monday), then the first.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

from index.chunk import sentence_spans
from index.dates import relative_dates
from index.lexicon import (ADJUNCT_OPENERS, DATELINE_WORDS, MONTH_ABBREVIATIONS, MONTH_NUMBERS, SUBORDINATE_OPENERS,
                           YEAR, content_words)
from index.records import Article, DatedEvent

PRECISION_RANK = {"day": 0, "month": 1, "year": 2}  # lower is more precise
MIN_EVENT_WORDS = 2  # words besides its dates and a dateline's: "Published 21 Jan 2024, 06:57 AM" is no event
YEARLESS_LOOKAHEAD_DAYS = 183  # "on 18 June" in an article of January is this June; in an article of December, last

# Month names as news text writes them: capitalised, in full or abbreviated ("Sept.", "Jan").
_MONTH = "(?P<month>" + "|".join(
    [m.capitalize() for m in MONTH_NUMBERS] + [a.capitalize() + r"\.?" for a in MONTH_ABBREVIATIONS]) + r")\b"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*[-–]\s*[0-3]?\d(?:st|nd|rd|th)?)?"  # "18", "18-19", "1st"
_QUALIFIER = r"(?:(?P<qualifier>early|mid|late)[- ]?)?"
# Most precise first: a span taken by one pattern is not read again by a later one.
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("day", re.compile(r"\b(?P<year>\d{4})-(?P<month_number>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("day", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>{YEAR})\b")),
    ("day", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(?P<year>{YEAR})\b")),
    ("day", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}")),
    ("day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s*\d)")),
    ("month", re.compile(rf"\b{_QUALIFIER}{_MONTH},?\s+(?P<year>{YEAR})\b")),
    ("month", re.compile(rf"\b(?P<qualifier>early|mid|late)[- ]?{_MONTH}")),
    ("year", re.compile(rf"\b(?:(?:in|since|by|from|until|during|of|throughout)\s+(?:early\s+|late\s+|mid-)?|"
                        rf"(?P<qualifier>early|mid|late)[- ]?)(?P<year>{YEAR})\b(?![-–/]\d)")),
)


def _month_number(name: str) -> int:
    key = name.rstrip(".").lower()
    return MONTH_NUMBERS.get(key) or MONTH_NUMBERS[MONTH_ABBREVIATIONS[key[:4] if key[:4] == "sept" else key[:3]]]


def _with_year(month: int, day: int, published: date | None) -> date | None:
    """A day written without its year ("on 18 June"), in the year that puts it nearest the article's date."""
    if published is None:
        return None
    try:
        found = date(published.year, month, day)
    except ValueError:
        return None
    if (found - published).days > YEARLESS_LOOKAHEAD_DAYS:
        found = found.replace(year=found.year - 1)
    return found


def _read(precision: str, match: re.Match, published: date | None) -> date | None:
    groups = match.groupdict()
    month = int(groups["month_number"]) if groups.get("month_number") else \
        _month_number(groups["month"]) if groups.get("month") else 1
    year = int(groups["year"]) if groups.get("year") else None
    day = int(groups["day"]) if precision == "day" else 1
    if year is None:
        return _with_year(month, day, published)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _relative(label: str) -> tuple[date, str]:
    """A resolved relative date's label ("21 January 2024", "September 2023", "2023") as (first day, precision)."""
    parts = label.split()
    if len(parts) == 3:
        return date(int(parts[2]), MONTH_NUMBERS[parts[1].lower()], int(parts[0])), "day"
    if len(parts) == 2:
        return date(int(parts[1]), MONTH_NUMBERS[parts[0].lower()], 1), "month"
    return date(int(parts[0]), 1, 1), "year"


class DateMention(NamedTuple):
    position: int
    day: date  # the first day it may mean
    precision: str  # "day" | "month" | "year"
    relative: bool  # "last September", "on Sunday": resolved against the article's date
    said: str  # the words as written


def date_mentions(sentence: str, published: date | None) -> list[DateMention]:
    """Every date a sentence states, the relative ones resolved against `published`, in order."""
    taken: list[tuple[int, int]] = []
    found = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for relative in relative_dates(sentence, published):
        day, precision = _relative(relative.label)
        taken.append((relative.start, relative.end))
        found.append(DateMention(relative.start, day, precision, True, sentence[relative.start:relative.end]))
    for precision, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            if not free(match.start(), match.end()):
                continue
            day = _read(precision, match, published)
            if day is None:
                continue
            taken.append((match.start(), match.end()))
            found.append(DateMention(match.start(), day, precision, False, match.group(0)))
    return sorted(found)


def _news_words(sentence: str, mentions: list[DateMention]) -> set[str]:
    """The sentence's content words outside its dates, without dateline words and digits."""
    for mention in mentions:
        sentence = sentence.replace(mention.said, " ")
    return {w for w in content_words(sentence) if w not in DATELINE_WORDS and not w.isdigit()}


_CLAUSE_CUT = re.compile(r"[,;:()\u2013\u2014]|\s-\s")
_WORD = re.compile(r"[^\W\d_]+")
APPOSITION_WORDS = 4  # a piece this short between commas belongs to the clause before it ("on Sunday, 18 May")


def _subordinate(sentence: str, position: int) -> bool:
    """Whether the clause holding `position` tells of something besides the sentence's own news: it opens with a
    SUBORDINATE_OPENERS word or a participle ("confirming a runoff on Sunday"). A short piece such as a date in
    apposition belongs to the clause before it."""
    cuts = [0] + [match.end() for match in _CLAUSE_CUT.finditer(sentence)]
    pieces = [(start, end) for start, end in zip(cuts, cuts[1:] + [len(sentence)])]
    k = max(i for i, (start, _) in enumerate(pieces) if start <= position)
    while k > 0 and len(sentence[pieces[k][0]:pieces[k][1]].split()) <= APPOSITION_WORDS:
        k -= 1
    opener = next(iter(_WORD.findall(sentence[pieces[k][0]:pieces[k][1]].lower())), "")
    return opener in SUBORDINATE_OPENERS or (opener.endswith("ing") and len(opener) > 4
                                             and opener not in ADJUNCT_OPENERS)


_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")


def _quoted(sentence: str) -> list[tuple[int, int]]:
    """The spans of a sentence inside quotation marks."""
    return [match.span() for match in _QUOTED.finditer(sentence)]


def dated_events(article: Article) -> list[DatedEvent]:
    """One event per sentence that states a date, dated by its most precise date; of equals, one of the sentence's
    own news (`_subordinate`), then one written out in full before one relative to the article.
    A date inside a quotation is what someone said, not when something happened ("a job next year")."""
    events = []
    for start, end in sentence_spans(article.text):
        sentence = article.text[start:end]
        quoted = _quoted(sentence)
        mentions = [m for m in date_mentions(sentence, article.published)
                    if not any(s <= m.position < e for s, e in quoted)]
        if not mentions or len(_news_words(sentence, mentions)) < MIN_EVENT_WORDS:
            continue
        best = min(mentions, key=lambda m: (PRECISION_RANK[m.precision], _subordinate(sentence, m.position),
                                              m.relative, m.position))
        events.append(DatedEvent(article_id=article.id, start=start, end=end, day=best.day, precision=best.precision,
                                 said=best.said.strip()))
    return events


def event_label(event: DatedEvent) -> str:
    """The event's date as precisely as its sentence gives it: "18 Jun 2024", "mid-June 2024", "September 2023"."""
    if event.precision == "day":
        return f"{event.day.day} {event.day:%b %Y}"
    if event.precision == "month":
        qualifier = _qualifier(event.said)
        return f"{qualifier}{event.day:%B %Y}"
    return f"{_qualifier(event.said)}{event.day.year}"


def _qualifier(said: str) -> str:
    match = re.match(r"(early|mid|late)", said.lower())
    return f"{match[1]}-" if match and match[1] == "mid" else f"{match[1]} " if match else ""


def last_day(day: date, precision: str) -> date:
    """The last day a date of that precision may mean, `day` being its first: the day itself, the month's last, or
    the year's."""
    if precision == "day":
        return day
    if precision == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return day.replace(month=12, day=31)
