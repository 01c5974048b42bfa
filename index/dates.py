"""Publication dates: from whatever a page or header line says to a `date`."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

MONTHS = tuple("january february march april may june july august september october november december".split())
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
