"""The chat page: three tabs (ui/chat_tab.py, ui/articles_tab.py, ui/evaluation_tab.py) over one store.

Questions from several browser sessions are answered at once, up to `settings.concurrent_questions` (queue
ANSWERS): each keeps its own session state, in-process llama.cpp lets one of them write at a time, and an LLM server
with several slots writes them together. Writes to the index (uploads, re-index, delete) run one at a time (queue
WRITES, and the store's write lock), and so do evaluation runs (queue EVALUATIONS).
Everything from articles or models is rendered through `ui.render.escape_text`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import gradio as gr

from index.store import open_store
from rag.llms import available_llms
from ui.articles_tab import ArticlesTab, build_articles_tab
from ui.chat_tab import ChatTab, build_chat_tab
from ui.evaluation_tab import EvaluationTab, build_evaluation_tab

ANSWERS, WRITES, EVALUATIONS = "answers", "writes", "evaluations"
STATIC = Path(__file__).resolve().parent / "static"
CSS = (STATIC / "dateline.css").read_text(encoding="utf-8")
CITATION_CLICKS = (STATIC / "citation_clicks.js").read_text(encoding="utf-8")  # [n] opens its source card

log = logging.getLogger(__name__)


def build_app(settings) -> gr.Blocks:
    store = open_store(settings)
    llm_choices = available_llms(settings)
    with gr.Blocks(title="Dateline") as app:
        gr.Markdown("# Dateline\nAnswers about the indexed news articles — every sentence cited; click a [n] "
                    "to see the passage.")
        with gr.Tab("Chat"):
            llm = build_chat_tab(ChatTab(store, settings), llm_choices, ANSWERS)
        with gr.Tab("Articles"):
            build_articles_tab(ArticlesTab(store, settings), WRITES)
        with gr.Tab("Evaluation"):
            build_evaluation_tab(EvaluationTab(settings), llm_choices, llm.value, EVALUATIONS)
    return app


def launch(app: gr.Blocks, settings, host: str, port: int, block: bool = True) -> None:
    app.queue(default_concurrency_limit=1).launch(
        server_name=host, server_port=port, show_error=False, css=CSS, js=CITATION_CLICKS,
        max_file_size=int(settings.max_file_mb * 1e6), prevent_thread_lock=not block, quiet=not block,
    )


def _warm_up(settings) -> None:
    """Load the embedding model and the default LLM while the page is already up, so the first question does not
    wait ~15 s for them. A model that cannot load is reported when someone asks, not here."""
    from index.embed import embedder_for
    from rag.llms import load_llm

    try:
        embedder_for(settings).embed(["warm-up"])
        load_llm(settings.llm, settings)
    except Exception:  # reported when someone asks; the traceback is kept here
        log.warning("warm-up failed", exc_info=True)


def serve(settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    import threading

    threading.Thread(target=_warm_up, args=(settings,), daemon=True).start()
    launch(build_app(settings), settings, host, port)
