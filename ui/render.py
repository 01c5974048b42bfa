"""Rendering answers for people: the terminal (rich) and the chat page (escaped HTML/markdown)."""

from __future__ import annotations

import html

from rich.console import Group
from rich.markup import escape
from rich.text import Text

from rag.records import Answer, Citation
from rag.verify import with_markers


def citation_label(citation: Citation) -> str:
    when = citation.published.strftime("%d %b %Y") if citation.published else "date unknown"
    return f"{citation.outlet or citation.title}, {when} — {citation.source}"


def answer_to_terminal(answer: Answer) -> Group:
    lines: list = []
    if answer.abstained:
        lines.append(Text(answer.answer, style="bold yellow"))
    else:
        body = Text(f"{answer.note} " if answer.note else "")
        for sentence in answer.sentences:
            if sentence.verified:
                body.append(with_markers(sentence) + " ")
            else:
                body.append(sentence.text + " ", style="dim")
                body.append("(unverified) ", style="bold red")
        lines.append(body)
    if answer.citations:
        lines.append(Text("\nSources:", style="bold"))
        for c in answer.citations:
            lines.append(Text.from_markup(f"[bold][{c.n}][/] {escape(citation_label(c))}"))
            lines.append(Text(f'    "{c.text}"', style="italic"))
    return Group(*lines)


def answer_to_markdown(answer: Answer) -> str:
    """Answer text for the chat page: every piece of article or model text is HTML-escaped."""
    if answer.abstained:
        return f"<em>{html.escape(answer.answer)}</em>"
    parts = [html.escape(answer.note)] if answer.note else []
    for sentence in answer.sentences:
        if sentence.verified:
            parts.append(html.escape(with_markers(sentence)))
        else:
            text = html.escape(sentence.text)
            parts.append(f"<span title='no source supports this sentence'>⚠ {text} (unverified)</span>")
    sources = "\n".join(
        f"\n**[{c.n}]** {html.escape(citation_label(c))}  \n> {html.escape(c.text)}" for c in answer.citations
    )
    return " ".join(parts) + ("\n\n**Sources**\n" + sources if sources else "")
