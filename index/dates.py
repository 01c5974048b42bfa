"""Dates: publication dates from whatever a page or header line says, and the relative dates inside an article
("on Sunday", "last September") read against its publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from index.lexicon import FUTURE_CUES, MONTHS, WEEKDAYS

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@lru_cache(maxsize=1)
def _dateparser():
    import dateparser

    return dateparser


def parse_date(value: str | None) -> date | None:
    """An absolute date written in any common news style ("2024-01-21", "21 Jan 2024, 06:57 AM"); else None."""
    if not value:
        return None
    value = value.strip()
    if match := _ISO.match(value):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    parsed = _dateparser().parse(
        value,
        languages=["en"],
        settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return parsed.date() if isinstance(parsed, datetime) else None


@dataclass(frozen=True)
class RelativeDate:
    """A date an article gives relative to its own publication ("on Sunday", "last September"), resolved."""

    start: int
    end: int
    label: str  # "21 January 2024", "September 2023", "2023"


FUTURE_LOOKBACK_CHARS = 80  # how far before a weekday its sentence's "will" may stand
_RELATIVE = re.compile(
    r"\b(?:(?P<day_word>yesterday|today|tomorrow)"
    rf"|(?P<day_when>last|this|next|on)\s+(?P<weekday>{'|'.join(WEEKDAYS)})"
    rf"|(?P<month_when>last|this|next|in|since)\s+(?P<month>{'|'.join(MONTHS)})\b(?!\s*,?\s*\d)"
    r"|(?P<period_when>last|this|next)\s+(?P<period>year|month))\b",
    re.I,
)


def _day_label(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _told_as_future(text: str, start: int) -> bool:
    """Whether the sentence before position `start` says what will happen ("a strike will begin at 6am on Monday"),
    so its weekday is the next one after publication, not the last."""
    before = text[max(0, start - FUTURE_LOOKBACK_CHARS):start]
    return bool(FUTURE_CUES.search(re.split(r"[.!?]\s", before)[-1]))


def relative_dates(text: str, published: date | None) -> list[RelativeDate]:
    """The relative dates in an article, read against its publication date (none when it has no date).

    News style: a bare weekday is the most recent one on or before publication ("KCNA reported on Sunday" in a Sunday
    paper is that Sunday) unless its sentence says it will happen ("will begin on Monday": the next Monday after
    publication); "last September" is the most recent September before the publication month, "in September" the
    most recent one too unless its sentence says it will happen ("is expected to vote in September": the next one).
    """
    if published is None:
        return []
    found = []
    for match in _RELATIVE.finditer(text):
        when = (match["day_when"] or match["month_when"] or match["period_when"] or "").lower()
        if match["day_word"]:
            shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[match["day_word"].lower()]
            label = _day_label(published + timedelta(days=shift))
        elif match["weekday"]:
            target = WEEKDAYS.index(match["weekday"].lower())
            back = (published.weekday() - target) % 7
            if when == "last" and back == 0:
                back = 7
            if when == "next" or (when == "on" and _told_as_future(text, match.start())):
                day = published + timedelta(days=(target - published.weekday()) % 7 or 7)
            else:
                day = published - timedelta(days=back)
            label = _day_label(day)
        elif match["month"]:
            month = MONTHS.index(match["month"].lower()) + 1
            if when == "next" or (when == "in" and month != published.month and _told_as_future(text, match.start())):
                year = published.year + (month <= published.month)
            elif when == "this":
                year = published.year
            else:  # last / in / since: the most recent such month, the publication month itself for "in"
                year = published.year - (month > published.month or (when == "last" and month == published.month))
            label = f"{match['month'].capitalize()} {year}"
        else:
            offset = {"last": -1, "this": 0, "next": 1}[when]
            if match["period"].lower() == "year":
                label = str(published.year + offset)
            else:
                first = published.replace(day=1)
                shifted = (first - timedelta(days=1)).replace(day=1) if offset < 0 else \
                    (first + timedelta(days=32)).replace(day=1) if offset > 0 else first
                label = f"{shifted:%B %Y}"
        if label not in text[match.end():match.end() + len(label) + 8]:  # "on Monday, 17 June 2024" says it already
            found.append(RelativeDate(match.start(), match.end(), label))
    return found
