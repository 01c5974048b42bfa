"""The records the read path returns: Citation and Answer."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from index.records import Article


class Citation(BaseModel):
    """Source [n] of an answer: the exact supporting span of one article (offsets into its cleaned text)."""

    n: int
    source: str
    title: str
    outlet: str | None = None
    published: date | None = None
    url: str | None = None
    start: int
    end: int
    text: str

    @classmethod
    def of_span(cls, n: int, article: Article, start: int, end: int) -> Citation:
        """Source [n]: the span article.text[start:end], with the article's title, outlet, date and URL."""
        return cls(n=n, source=article.id, title=article.title, outlet=article.outlet, published=article.published,
                   url=article.url, start=start, end=end, text=article.text[start:end])

    def to_public_json(self) -> dict:
        return {"n": self.n, "source": self.source, "title": self.title, "outlet": self.outlet,
                "published": self.published.isoformat() if self.published else None, "text": self.text,
                "start": self.start, "end": self.end}


class AnswerSentence(BaseModel):
    text: str
    citations: list[int] = Field(default_factory=list)
    verified: bool = False
    # The English sentence the verifier checked, when `text` is its translation into the question's language.
    original: str | None = None
    # Set on a quoted sentence of another source that answers otherwise (rag/conflicts.py): "differs" (published at
    # about the same time), "newer" or "earlier" (a change over time).
    side: str | None = None
    # Computed by Dateline from the verified values of the sentences before it (rag/compute.py): "That is a
    # difference of 28: 40 against 12 [1] [2]." Its citations are those values' spans.
    computed: bool = False


class TimelineItem(BaseModel):
    """One dated event of a timeline: the sentence that states it (verbatim, so the citation is the item itself), the
    event's own date as precisely as that sentence gives it, and every source that reports it."""

    date: str  # as precisely as known: "18 Jun 2024", "September 2023", "mid-June 2024", "2000"
    day: date  # the first day that date may mean, for sorting and bounds
    precision: str  # "day" | "month" | "year"
    text: str
    citations: list[int]
    planned: bool = False  # after its article's publication: announced, not (yet) reported as done

    def to_public_json(self) -> dict:
        return {"date": self.date, "day": self.day.isoformat(), "precision": self.precision, "text": self.text,
                "citations": self.citations, "planned": self.planned}


class Disagreement(BaseModel):
    """Two articles' sentences reporting one fact with different values (`dateline sources disagreements`): the
    older first; "differs" when published at about the same time, "newer" when the second is a later report."""

    kind: str  # "number" | "date"
    relation: str  # "differs" | "newer"
    similarity: float
    sides: list[Citation]

    def to_public_json(self) -> dict:
        return {"kind": self.kind, "relation": self.relation, "similarity": self.similarity,
                "sides": [c.to_public_json() for c in self.sides]}


class RetrievedSource(BaseModel):
    """An article retrieval returned, in rank order, with its best fused score."""

    source: str
    score: float


class Answer(BaseModel):
    question: str
    answer: str
    sentences: list[AnswerSentence] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    retrieved: list[RetrievedSource] = Field(default_factory=list)
    abstained: bool = False
    note: str | None = None  # framing said before the sentences, e.g. "As of the newest article here (19 Jun 2024):"
    reason: str | None = None
    warnings: list[str] = Field(default_factory=list)  # shown with the answer, e.g. a question in another language
    question_language: str | None = None
    understood_as: str | None = None  # a follow-up's standalone question, when the conversation changed it
    as_of: date | None = None
    llm: str = ""
    timings: dict[str, float] = Field(default_factory=dict)
    prompt_tokens: int | None = None
    model_answer: str | None = None  # what the model wrote, before verification (kept for failure attribution)
    # When it abstained after retrieval: each source's best-matching passage, shown as such, never as a citation.
    closest: list[Citation] = Field(default_factory=list)
    timeline: list[TimelineItem] = Field(default_factory=list)  # a timeline question's dated events, earliest first

    def to_public_json(self) -> dict:
        """The documented `ask --json` shape."""
        return {
            "answer": self.answer,
            "abstained": self.abstained,
            "note": self.note,
            "reason": self.reason,
            "warnings": self.warnings,
            "question_language": self.question_language,
            "understood_as": self.understood_as,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "llm": self.llm,
            "citations": [c.to_public_json() for c in self.citations],
            "closest": [c.to_public_json() for c in self.closest],
            "timeline": [item.to_public_json() for item in self.timeline],
            "sentences": [s.model_dump() for s in self.sentences],
            "retrieved": [r.model_dump() for r in self.retrieved],
            "timings": self.timings,
            "prompt_tokens": self.prompt_tokens,
        }
