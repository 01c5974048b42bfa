"""The chat page: a Gradio app over `rag.chat.answer_events`; it renders records and never touches Chroma or an LLM."""

from __future__ import annotations

import html
from datetime import date

import gradio as gr

from index.store import open_store
from rag.chat import AnswerEvent, SourcesEvent, TokenEvent, answer_events
from ui.render import answer_to_markdown

EXAMPLES = [
    "When did Putin last visit Pyongyang?",
    "What treaty did Putin and Kim Jong Un sign, and what does it promise?",
    "Where did Kim Jong Un and Putin meet in September 2023?",
]


def _sources_preview(passages) -> str:
    lines = [f"**[{p.n}]** {html.escape(p.label())}" for p in passages]
    return "Reading sources…\n\n" + "\n\n".join(lines) if lines else "No relevant articles found."


def build_app(settings) -> gr.Blocks:
    store = open_store(settings)

    def respond(message: str, history: list, as_of_text: str):
        try:
            as_of = date.fromisoformat(as_of_text.strip()) if as_of_text and as_of_text.strip() else None
        except ValueError:
            yield f"⚠ The as-of date {html.escape(as_of_text)!s} is not a date: use YYYY-MM-DD, e.g. 2024-01-21."
            return
        shown = ""
        try:
            for event in answer_events(message, store, settings, as_of):
                if isinstance(event, SourcesEvent):
                    preview = _sources_preview(event.passages)
                    yield preview
                elif isinstance(event, TokenEvent):
                    shown += event.text
                    yield preview + "\n\n---\n" + html.escape(shown)
                elif isinstance(event, AnswerEvent):
                    yield answer_to_markdown(event.answer)
        except Exception as exc:  # a readable message in the chat; the page keeps working
            yield f"⚠ Could not answer: {html.escape(str(exc))}"

    as_of = gr.Textbox(label="As of (YYYY-MM-DD, optional)", placeholder="e.g. 2024-01-21")
    with gr.Blocks(title="Dateline") as app:
        gr.Markdown("# Dateline\nAnswers about the indexed news articles, every sentence cited.")
        gr.ChatInterface(
            respond,
            additional_inputs=[as_of],
            examples=[[q, ""] for q in EXAMPLES],
            cache_examples=False,
        )
    return app


def serve(settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    app = build_app(settings)
    app.queue(default_concurrency_limit=1).launch(server_name=host, server_port=port, show_error=False)
