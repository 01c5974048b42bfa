"""Fetch pages and feeds over HTTP(S), conditionally: a page or feed fetched before is asked for with its ETag /
Last-Modified, and one the server says is unchanged (304) is neither downloaded nor read again.

The validators live in the manifest (`Store.validators`), so every round of `dateline watch` and every process shares
them. A problem with one page or feed is reported through `problem` and the rest go on.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

FETCH_TIMEOUT_S = 20
MAX_PAGE_BYTES = 20_000_000
USER_AGENT = "Dateline (news article indexer)"


class FetchError(Exception):
    """A page or feed that could not be fetched; the message names it and says why."""


@dataclass(frozen=True)
class Fetched:
    url: str
    data: bytes
    etag: str | None
    last_modified: str | None


class Web:
    """HTTP for the loaders of one ingest: conditional GETs for what the index already holds."""

    def __init__(self, validators: Callable[[str], tuple[str | None, str | None] | None] = lambda url: None,
                 remember: Callable[[Fetched, bool], None] = lambda fetched, is_feed: None,
                 report: Callable[[str], None] = lambda line: None):
        """`validators(url)`: what the last fetch of a feed, or of a page still indexed, returned; `remember(fetched,
        is_feed)` keeps them once what was fetched has been read; `report` gets each problem."""
        self._validators = validators
        self.remember = remember
        self._report = report
        self.problems = 0  # pages and feeds that failed while the rest went on
        self.unchanged_pages = 0  # indexed pages the server said are unchanged (not downloaded again)

    def problem(self, line: str) -> None:
        self.problems += 1
        self._report(line)

    def fetch(self, url: str, where: str, conditional: bool) -> Fetched | None:
        """The page at `url`; None when `conditional` and the server says it has not changed since last time."""
        headers = {"User-Agent": USER_AGENT}
        known = self._validators(url) if conditional else None
        if known:
            etag, last_modified = known
            headers.update({k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v})
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=FETCH_TIMEOUT_S) as reply:
                data = reply.read(MAX_PAGE_BYTES + 1)
                etag, last_modified = reply.headers.get("ETag"), reply.headers.get("Last-Modified")
        except urllib.error.HTTPError as exc:
            if exc.code == 304 and known:
                return None
            raise FetchError(f"{where}: {url} answered HTTP {exc.code} ({exc.reason})") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(
                f"{where}: cannot fetch {url} ({reason}): no network here? Save the page as .html and ingest that"
            ) from None
        if len(data) > MAX_PAGE_BYTES:
            raise FetchError(f"{where}: {url} is over {MAX_PAGE_BYTES / 1e6:.0f} MB")
        return Fetched(url, data, etag, last_modified)
