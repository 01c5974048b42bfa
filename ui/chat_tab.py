"""The Chat tab: a question in; the sources, the streamed words and then the verified answer out.

`ChatTab.respond` is a plain generator over typed session state, so tests call it directly with the scripted LLM;
`build_chat_tab` only lays out the components and wires them to it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace

import gradio as gr

from index.store import Store
from rag.chat import AnswerEvent, SourcesEvent, TokenEvent, answer_events
from rag.followup import Turn, turn_of
from rag.settings import SettingsError, parse_day
from ui.render import answer_cards, answer_to_html, escape_text, passage_cards

EXAMPLES = [
    "When did Putin last visit Pyongyang?",
    "What treaty did Putin and Kim Jong Un sign, and what does it promise?",
    "Where did Kim Jong Un and Putin meet in September 2023?",
]
NO_SOURCES_YET = "<p>Sources appear here as soon as they are retrieved.</p>"
RETRIEVING = "<em>Retrieving…</em>"
READING = "<em>Reading the sources…</em>"
WRITING_CURSOR = " ▌"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatSession:
    """One browser session's conversation: each question's source panel, and the answered turns a follow-up may
    refer back to. Immutable: every update is a new value that Gradio stores for that session only."""

    panels: tuple[str, ...] = ()
    turns: tuple[Turn, ...] = ()

    def sources_html(self) -> str:
        """The newest question's sources open, earlier ones folded (a citation click unfolds its question)."""
        if not self.panels:
            return NO_SOURCES_YET
        newest, *older = reversed(self.panels)
        return newest + "".join(f"<details><summary>earlier question</summary>{p}</details>" for p in older)


ChatUpdate = tuple[list[dict], ChatSession, str, str]
"""(chat history, session, sources panel HTML, question box): what every step of `respond` shows."""


def error_html(text: str) -> str:
    return f'<div class="dl-error">⚠️ {escape_text(text)}</div>'


class ChatTab:
    """The Chat tab's handlers over one store."""

    def __init__(self, store: Store, settings):
        self.store = store
        self.settings = settings

    def respond(self, question: str, history: list[dict] | None, session: ChatSession, as_of_text: str,
                from_text: str, to_text: str, llm_spec: str, top_k: int) -> Iterator[ChatUpdate]:
        question = (question or "").strip()
        asked = [*(history or []), {"role": "user", "content": escape_text(question)}]

        def show(content: str, state: ChatSession) -> ChatUpdate:
            """A new history each step: earlier steps' values are never changed under Gradio or a test."""
            return [*asked, {"role": "assistant", "content": content}], state, state.sources_html(), ""

        try:
            as_of = parse_day(as_of_text, "as-of date")
            window = (parse_day(from_text, "'published from' date"), parse_day(to_text, "'published to' date"))
        except SettingsError as exc:
            yield show(error_html(str(exc)), session)
            return
        yield show(RETRIEVING, session)
        turn = len(session.panels) + 1
        run_settings = self.settings.model_copy(update={"top_k": int(top_k)})
        state, written = session, ""
        try:
            for event in answer_events(question, self.store, run_settings, as_of, llm_spec, window,
                                       list(session.turns)):
                if isinstance(event, SourcesEvent):
                    state = replace(session, panels=session.panels + (passage_cards(turn, question, event.passages),))
                    yield show(READING, state)
                elif isinstance(event, TokenEvent):
                    written += event.text
                    yield show(escape_text(written) + WRITING_CURSOR, state)
                elif isinstance(event, AnswerEvent):
                    answer = event.answer
                    cited = {c.source: self.store.article(c.source) for c in answer.citations + answer.closest}
                    panel = answer_cards(turn, question, answer, {k: v for k, v in cited.items() if v})
                    state = ChatSession(panels=session.panels + (panel,), turns=session.turns + (turn_of(answer),))
                    yield show(answer_to_html(answer, turn), state)
        except Exception as exc:  # a readable message in the chat; the page keeps working
            log.exception("answering failed")
            yield show(error_html(f"Could not answer: {exc}. Try again, or pick another model."), state)


def _example_text(event: gr.SelectData) -> str:
    return event.value["text"]


def build_chat_tab(tab: ChatTab, llm_choices: list[tuple[str, str]], queue: str) -> gr.Dropdown:
    """The Chat tab's components inside the current Blocks; returns the model picker (the Evaluation tab starts
    from its value)."""
    settings = tab.settings
    session = gr.State(ChatSession())
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="Dateline", elem_id="dl-chat", height=520, sanitize_html=True,
                examples=[{"text": q} for q in EXAMPLES], feedback_options=None,
                placeholder="Ask about the news in the indexed articles.",
            )
            question = gr.Textbox(show_label=False, placeholder="Ask a question…", elem_id="dl-question",
                                  submit_btn=True)
        with gr.Column(scale=2):
            sources = gr.HTML(NO_SOURCES_YET, elem_id="dl-sources", label="Sources")
    with gr.Accordion("Answer settings", open=False):
        with gr.Row():
            as_of = gr.Textbox(label="As of (YYYY-MM-DD)", placeholder="answer as if today were…", elem_id="dl-as-of")
            published_from = gr.Textbox(label="Published from (YYYY-MM-DD)", elem_id="dl-from")
            published_to = gr.Textbox(label="Published to (YYYY-MM-DD)", elem_id="dl-to")
        with gr.Row():
            specs = [value for _, value in llm_choices]
            llm = gr.Dropdown(choices=llm_choices, value=settings.llm if settings.llm in specs else specs[-1],
                              label="Model (backend:model)", allow_custom_value=True, elem_id="dl-llm")
            top_k = gr.Slider(1, 10, value=settings.top_k, step=1, label="Sources (top-k)")
        gr.Markdown("Models not listed are not downloaded: `dateline models pull NAME`. "
                    "`extractive` answers without an LLM.")
    inputs = [question, chatbot, session, as_of, published_from, published_to, llm, top_k]
    outputs = [chatbot, session, sources, question]
    at_once = settings.concurrent_questions
    question.submit(tab.respond, inputs, outputs, api_name="respond", concurrency_id=queue, concurrency_limit=at_once)
    chatbot.example_select(_example_text, None, question, api_visibility="private").then(
        tab.respond, inputs, outputs, concurrency_id=queue, concurrency_limit=at_once, api_visibility="private"
    )
    return llm
