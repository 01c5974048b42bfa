"""The records the write path produces and the store keeps: Article, Chunk and DatedEvent."""

from __future__ import annotations

from datetime import date

from typing import Literal

from pydantic import BaseModel


class Article(BaseModel):
    """One cleaned news article. `text` is the cleaned body every offset points into."""

    id: str
    title: str
    text: str
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    published: date | None = None
    lang: str | None = None
    path: str | None = None
    hash: str = ""

    @property
    def published_day(self) -> int:
        """Days since 0001-01-01, so Chroma can filter publication dates as a number (-1: unknown)."""
        return self.published.toordinal() if self.published else -1


class Chunk(BaseModel):
    """A slice of an article: `text == article.text[start:end]`; `header` names its article for embedding."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    header: str

    @property
    def embed_text(self) -> str:
        return f"{self.header}\n{self.text}"


class DatedEvent(BaseModel):
    """A sentence of an article that says when something happened: `article.text[start:end]`, and that event's date
    as the sentence gives it (`day` is the first day it may mean: 1 September 2023 for "last September")."""

    article_id: str
    start: int
    end: int
    day: date
    precision: Literal["day", "month", "year"]
    said: str  # the words that date it, as written ("last September", "18-19 June", "mid-June 2024"): the label keeps
    # an approximate date's "mid-", "early" or "late"
