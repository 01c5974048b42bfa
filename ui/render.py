"""Rendering answers for people: the terminal (rich) and the chat page (escaped HTML/markdown)."""

from __future__ import annotations

import html

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from index.records import Article
from rag.labels import NO_DISAGREEMENTS
from rag.records import Answer, Citation, Disagreement
from rag.verify import with_markers


COMPUTED = "computed by Dateline from the cited values"  # a difference of two verified values (rag/compute.py)
CHECKED_IN_ENGLISH = "Checked in English:"  # before the sentence a translated one was verified as
# Before a quoted sentence of another source that answers otherwise: a conflict, or a change over time.
SIDE_MARKS = {"differs": "⚖️", "newer": "🕒", "earlier": "🕒"}
SIDE_STYLES = {"differs": "yellow", "newer": "cyan", "earlier": "cyan"}
RELATION_LABELS = {"differs": "reported differently at the same time", "newer": "changed: the second is newer"}


def citation_label(citation: Citation) -> str:
    return f"{citation.outlet or citation.title}, {_when(citation.published)} — {citation.source}"


def answer_to_terminal(answer: Answer) -> Group:
    lines: list = [Text(f"⚠ {warning}", style="yellow") for warning in answer.warnings]
    if answer.understood_as:
        lines.append(Text(f"Understood as: {answer.understood_as}", style="dim"))
    if answer.abstained:
        lines.append(Text(answer.answer, style="bold yellow"))
    elif answer.timeline:
        lines.append(timeline_table(answer))
    else:
        body = Text(f"{answer.note} " if answer.note else "")
        for sentence in answer.sentences:
            if sentence.side:  # another source's answer, on a line of its own
                body.append(f"\n{SIDE_MARKS[sentence.side]} {with_markers(sentence)}", style=SIDE_STYLES[sentence.side])
            elif sentence.verified:
                body.append(with_markers(sentence) + " ")
                if sentence.computed:
                    body.append(f"({COMPUTED}) ", style="dim")
            else:
                body.append(sentence.text + " ", style="dim")
                body.append("(unverified) ", style="bold red")
        lines.append(body)
        lines += [Text(f"  {CHECKED_IN_ENGLISH} {s.original}", style="dim") for s in answer.sentences if s.original]
    if answer.citations:
        lines += _terminal_sources("Sources", answer.citations, "italic")
    if answer.closest:
        lines += _terminal_sources(CLOSEST_HEADING, answer.closest, "italic dim")
    return Group(*lines)


def timeline_table(answer: Answer) -> Table:
    """A timeline as a table: the event's date, then the sentence that states it with its [n] markers."""
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2, 0, 0))
    table.add_column("Date", no_wrap=True)
    table.add_column("Event")
    for item in answer.timeline:
        when = f"{item.date}\n(planned)" if item.planned else item.date
        table.add_row(Text(when), Text(item.text + "".join(f" [{n}]" for n in item.citations)))  # never markup
    return table


def _terminal_sources(heading: str, citations: list[Citation], quote_style: str) -> list[Text]:
    """A heading, then each citation's label and its quoted span."""
    lines = [Text(f"\n{heading}:", style="bold")]
    for c in citations:
        lines.append(Text.from_markup(f"[bold][{c.n}][/] {escape(citation_label(c))}"))
        lines.append(Text(f'    "{c.text}"', style=quote_style))
    return lines


# HTML's own characters and Markdown's syntax, each as a numeric character reference: shown, never interpreted.
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]()*_`#|~!\\{}"})


def escape_text(text: str) -> str:
    """Article or model text as inert page text: no HTML, no Markdown (links, emphasis, code) survives."""
    return text.translate(_INERT)


def card_id(turn: int, n: int) -> str:
    return f"dl-src-{turn}-{n}"


def _cite_link(turn: int, n: int) -> str:
    return f'<a class="dl-cite" href="#{card_id(turn, n)}">[{n}]</a>'


def answer_to_html(answer: Answer, turn: int) -> str:
    """The answer for the chat page: [n] markers link to source cards of this turn; unverified sentences marked."""
    warnings = "".join(f'<div class="dl-warning">⚠️ {escape_text(w)}</div>' for w in answer.warnings)
    if answer.understood_as:
        warnings += f'<div class="dl-understood">Understood as: {escape_text(answer.understood_as)}</div>'
    if answer.abstained:
        reason = f' <span class="dl-reason">({escape_text(answer.reason)})</span>' if answer.reason else ""
        return f'{warnings}<div class="dl-abstain">ℹ️ {escape_text(answer.answer)}{reason}</div>'
    if answer.timeline:
        return warnings + timeline_to_html(answer, turn)
    parts = [f'<span class="dl-note">{escape_text(answer.note)}</span>'] if answer.note else []
    for sentence in answer.sentences:
        text = sentence.text
        end = text[-1] if text[-1] in ".!?" else ""
        links = "".join(" " + _cite_link(turn, n) for n in sentence.citations)
        body = escape_text(text[: len(text) - len(end)]) + links + escape_text(end)
        if sentence.original:  # a translation: the sentence the verifier checked is one hover away
            body = (f'<span class="dl-translated" title="{CHECKED_IN_ENGLISH} {escape_text(sentence.original)}">'
                    f"{body}</span>")
        if sentence.side:
            parts.append(f'<span class="dl-side dl-side-{sentence.side}">{SIDE_MARKS[sentence.side]} {body}</span>')
        elif sentence.computed:
            parts.append(f'<span class="dl-computed" title="{COMPUTED}">{body}</span>')
        elif sentence.verified:
            parts.append(body)
        else:
            parts.append(f'<span class="dl-unverified" title="no source supports this sentence">⚠️ {body} '
                         "<strong>(unverified)</strong></span>")
    return warnings + " ".join(parts)


def timeline_to_html(answer: Answer, turn: int) -> str:
    """A timeline for the chat page: dates on the left, events on the right, [n] linked to their source cards."""
    rows = []
    for item in answer.timeline:
        planned = '<div class="dl-tl-planned">planned</div>' if item.planned else ""
        links = "".join(" " + _cite_link(turn, n) for n in item.citations)
        rows.append(f'<tr><td class="dl-tl-date">{escape_text(item.date)}{planned}</td>'
                    f'<td class="dl-tl-event">{escape_text(item.text)}{links}</td></tr>')
    return f'<table class="dl-timeline"><tbody>{"".join(rows)}</tbody></table>'


def disagreements_to_terminal(topic: str, found: list[Disagreement]) -> Group | Text:
    """Each disagreement: the kind of value, how the two reports relate in time, and the two cited sentences."""
    if not found:
        return Text(f"{NO_DISAGREEMENTS} ({topic})", style="bold yellow")
    table = Table("kind", "relation", "reports", show_lines=True)
    for d in found:
        reports = Text()
        for c in d.sides:
            reports.append(f"{citation_label(c)}\n", style="bold")
            reports.append(f'"{c.text}"\n', style="italic")
        table.add_row(d.kind, RELATION_LABELS[d.relation], reports)
    return Group(Text(f"Disagreements about: {topic}", style="bold"), table)


def disagreements_to_html(found: list[Disagreement]) -> str:
    """The Articles tab's list: per disagreement, its kind and relation, then each side's label and sentence."""
    if not found:
        return f'<div class="dl-abstain">ℹ️ {escape_text(NO_DISAGREEMENTS)}</div>'
    items = []
    for d in found:
        sides = "".join(f'<blockquote class="dl-passage"><b>{escape_text(citation_label(c))}</b><br>'
                        f"{escape_text(c.text)}</blockquote>" for c in d.sides)
        items.append(f'<div class="dl-disagreement dl-relation-{d.relation}">'
                     f'<div class="dl-card-head">{SIDE_MARKS[d.relation]} {escape_text(d.kind)}: '
                     f"{escape_text(RELATION_LABELS[d.relation])}</div>{sides}</div>")
    return "".join(items)


def _when(published) -> str:
    return published.strftime("%d %b %Y") if published else "date unknown"


def _card(element_id: str, n: int, article: Article, before: str, marked: str, after: str, cited: bool) -> str:
    if article.url and article.url.startswith(("http://", "https://")):
        link = (f'<a href="{html.escape(article.url)}" target="_blank" rel="noopener noreferrer">'
                f"{escape_text(article.url)}</a>")
    else:
        link = f"<code>{escape_text(article.id)}</code>"
    mark = f"<mark>{escape_text(marked)}</mark>" if marked else ""
    return (
        f'<div class="dl-card{" dl-cited" if cited else ""}" id="{element_id}">'
        f'<div class="dl-card-head"><b>[{n}]</b> {escape_text(article.outlet or "unknown outlet")} · '
        f"{_when(article.published)}</div>"
        f'<div class="dl-card-title">{escape_text(article.title)}</div><div class="dl-card-id">{link}</div>'
        f'<blockquote class="dl-passage">…{escape_text(before)}{mark}{escape_text(after)}…</blockquote></div>'
    )


CONTEXT_CHARS = 240  # article text shown around a highlighted span


CLOSEST_HEADING = "Closest passages (not verified as an answer)"


def answer_cards(turn: int, question: str, answer: Answer, articles: dict[str, Article]) -> str:
    """An answer's cited spans, or, when it abstained, the closest passage of each source, not marked as cited."""
    if answer.citations:
        return citation_cards(turn, question, answer.citations, articles)
    return citation_cards(turn, question, answer.closest, articles, heading=CLOSEST_HEADING, cited=False)


def citation_cards(turn: int, question: str, citations: list[Citation], articles: dict[str, Article],
                   heading: str = "Sources cited", cited: bool = True) -> str:
    """Cards for an answer's citations: the passage around each supporting span, the span highlighted."""
    cards = []
    for c in citations:
        article = articles.get(c.source)
        if article is None:  # removed since: show what the citation itself carries
            article = Article(id=c.source, title=c.title, text=c.text, outlet=c.outlet, published=c.published,
                              url=c.url)
            before, after = "", ""
        else:
            before = article.text[max(0, c.start - CONTEXT_CHARS):c.start]
            after = article.text[c.end:c.end + CONTEXT_CHARS]
        cards.append(_card(card_id(turn, c.n), c.n, article, before, c.text, after, cited=cited))
    return _turn(turn, question, cards, heading)


def passage_cards(turn: int, question: str, passages) -> str:
    """Cards for what retrieval found, shown while the model is still writing."""
    cards = [
        _card(card_id(turn, p.n), p.n, p.article, p.text[:2 * CONTEXT_CHARS], "", "", cited=False)
        for p in passages
    ]
    return _turn(turn, question, cards, "Reading these sources…" if cards else "No relevant articles found.")


def _turn(turn: int, question: str, cards: list[str], heading: str) -> str:
    return (f'<section class="dl-turn" data-turn="{turn}"><div class="dl-turn-q">Q{turn}: {escape_text(question)}'
            f'</div><div class="dl-turn-h">{heading}</div>{"".join(cards)}</section>')
