"""The chat page: Gradio Blocks over `rag.chat.answer_events`, the ingest pipeline and the eval runner.

Every event that touches the index or an LLM shares one queue slot (`concurrency_id="dateline"`): llama.cpp serves
one generation at a time, so questions from several browser sessions wait their turn instead of mixing.
Everything from articles or models is rendered through `ui.render.escape_text`.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path

import gradio as gr

from evals.dataset import PUBLIC_SETS
from index.loaders import LOADERS
from index.store import open_store
from rag.chat import AnswerEvent, SourcesEvent, TokenEvent, answer_events
from rag.followup import turn_of
from rag.llms import available_llms
from ui.render import answer_cards, answer_to_html, escape_text, passage_cards
from ui.uploads import save_uploads

EXAMPLES = [
    "When did Putin last visit Pyongyang?",
    "What treaty did Putin and Kim Jong Un sign, and what does it promise?",
    "Where did Kim Jong Un and Putin meet in September 2023?",
]
QUEUE = "dateline"
ARTICLE_COLUMNS = ["id", "title", "outlet", "published", "lang", "chunks", "duplicate of"]
EVAL_ROW_COLUMNS = ["id", "type", "question", "answer", "citations", "correct"]

STATIC = Path(__file__).resolve().parent / "static"
CSS = (STATIC / "dateline.css").read_text(encoding="utf-8")
CITATION_CLICKS = (STATIC / "citation_clicks.js").read_text(encoding="utf-8")  # [n] opens its source card

log = logging.getLogger(__name__)


def _parse_day(text: str | None, what: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"the {what} {text!r} is not a date: use YYYY-MM-DD, e.g. 2024-01-21") from None


def _message(text: str, css_class: str = "dl-error") -> str:
    return f'<div class="{css_class}">⚠️ {escape_text(text)}</div>'


def _sources_panel(turns: list[str]) -> str:
    """The newest turn's sources open, earlier turns folded (a citation click unfolds its turn)."""
    if not turns:
        return "<p>Sources appear here as soon as they are retrieved.</p>"
    newest, *older = reversed(turns)
    folded = "".join(f"<details><summary>earlier question</summary>{t}</details>" for t in older)
    return newest + folded


def _example_text(event: gr.SelectData) -> str:
    return event.value["text"]


def _articles_table(store) -> list[list]:
    return [[row.article.id, row.article.title, row.article.outlet or "", str(row.article.published or "unknown"),
             row.article.lang or "", row.chunks, row.duplicate_of or ""] for row in store.articles()]


def _articles_view(store) -> tuple[list[list], dict]:
    """The Articles tab's table and its delete picker's choices, from the store."""
    table = _articles_table(store)
    return table, gr.update(choices=[row[0] for row in table])


def _files_bar(progress: gr.Progress):
    """Ingest progress as the page's progress bar, one step per file."""
    return lambda kind, done, total: progress((done, total), desc="files") if kind == "files" else None


def build_app(settings) -> gr.Blocks:
    store = open_store(settings)
    uploads_dir = settings.index_dir / "uploads"
    llm_choices = available_llms(settings)

    def respond(question, history, session, as_of_text, from_text, to_text, llm_spec, top_k):
        history = list(history or [])
        turns = list(session["cards"])  # this browser session's source panels, one per question
        asked = list(session["asked"])  # and what a follow-up may refer back to
        turn = len(turns) + 1
        question = (question or "").strip()
        history.append({"role": "user", "content": escape_text(question)})
        try:
            as_of = _parse_day(as_of_text, "as-of date")
            window = (_parse_day(from_text, "'published from' date"), _parse_day(to_text, "'published to' date"))
        except ValueError as exc:
            history.append({"role": "assistant", "content": _message(str(exc))})
            yield history, session, _sources_panel(turns), ""
            return
        run_settings = settings.model_copy(update={"top_k": int(top_k)})
        history.append({"role": "assistant", "content": "<em>Retrieving…</em>"})
        yield history, session, _sources_panel(turns), ""
        written = ""
        try:
            for event in answer_events(question, store, run_settings, as_of, llm_spec, window, asked):
                if isinstance(event, SourcesEvent):
                    turns.append(passage_cards(turn, question, event.passages))
                    session = {"cards": turns, "asked": asked}
                    history[-1]["content"] = "<em>Reading the sources…</em>"
                    yield history, session, _sources_panel(turns), ""
                elif isinstance(event, TokenEvent):
                    written += event.text
                    history[-1]["content"] = escape_text(written) + " ▌"
                    yield history, session, _sources_panel(turns), ""
                elif isinstance(event, AnswerEvent):
                    answer = event.answer
                    articles = {c.source: store.article(c.source) for c in answer.citations + answer.closest}
                    turns[-1] = answer_cards(turn, question, answer, {k: v for k, v in articles.items() if v})
                    history[-1]["content"] = answer_to_html(answer, turn)
                    session = {"cards": turns, "asked": asked + [turn_of(answer)]}
                    yield history, session, _sources_panel(turns), ""
        except Exception as exc:  # a readable message in the chat; the page keeps working
            log.exception("answering failed")
            history[-1]["content"] = _message(f"Could not answer: {exc}. Try again, or pick another model.")
            yield history, session, _sources_panel(turns), ""

    def index_uploads(files, progress=gr.Progress()):
        from index.pipeline import ingest

        if not files:
            return "Choose files to upload first.", _articles_table(store), gr.update()
        saved, problems = save_uploads([str(f) for f in files], uploads_dir, int(settings.max_file_mb * 1e6))
        summary = None
        if saved:
            try:
                summary = ingest(saved, store, settings, report=problems.append, progress=_files_bar(progress))
            except Exception as exc:
                log.exception("indexing uploads failed")
                problems.append(f"indexing failed: {exc}")
        lines = [escape_text(p) for p in problems]
        if summary is not None:
            lines.insert(0, f"Indexed: added {summary.added}, updated {summary.updated}, unchanged "
                            f"{summary.unchanged}, skipped {summary.skipped}, failed {summary.failed}; "
                            f"{summary.chunks} chunks in {summary.seconds:.1f}s.")
        return "\n\n".join(lines), *_articles_view(store)

    def delete_articles(article_ids):
        removed = [aid for aid in article_ids or [] if store.remove(aid)]
        store.refresh_derived()
        table = _articles_table(store)
        return f"Removed {len(removed)} article(s).", table, gr.update(choices=[row[0] for row in table], value=[])

    def reindex(progress=gr.Progress()):
        from index.pipeline import ingest

        paths = sorted({Path(p) for p in store.paths().values() if p and Path(p).exists()})  # a feed: many articles
        summary = ingest(paths, store, settings, progress=_files_bar(progress))
        return (f"Re-indexed {len(paths)} file(s): updated {summary.updated}, unchanged {summary.unchanged}, "
                f"failed {summary.failed}.", *_articles_view(store))

    def run_evaluation(set_name, llm_spec, limit, progress=gr.Progress()):
        from evals.runner import run_eval
        from evals.report import metric_charts

        dataset, corpus = PUBLIC_SETS[set_name]
        out = settings.home.expanduser() / "eval-runs" / f"{set_name}-{time.strftime('%Y%m%d-%H%M%S')}"
        try:
            run = run_eval(dataset, [corpus], out, settings, llm_spec, int(limit) if limit else None,
                           progress=lambda done, total: progress((done, total), desc="asking"))
        except Exception as exc:  # e.g. the seeds corpus is not beside the repository, or the model is missing
            log.exception("evaluation run failed")
            return f"⚠️ The run failed: {escape_text(str(exc))}", gr.update(), gr.update(), gr.update()
        metrics = run.summary["metrics"]
        groups = list(metrics)
        names = list(metrics["overall"])
        table = [[name] + [metrics[g].get(name) for g in groups] for name in names]
        rows = [[r["id"], r["type"], r["question"], r["answer"],
                 "; ".join(f"[{c['n']}] {c['source']}: {c['text']}" for c in r["citations"]),
                 "yes" if r["score"]["correct"] else "no"] for r in run.results]
        status = (f"{len(run.results)} questions on {set_name} with {llm_spec}: accuracy "
                  f"{metrics['overall']['accuracy']:.3f}. Reports in {out}.")
        return status, gr.update(value=table, headers=["metric"] + groups), metric_charts(metrics), rows

    with gr.Blocks(title="Dateline") as app:
        gr.Markdown("# Dateline\nAnswers about the indexed news articles — every sentence cited; click a [n] "
                    "to see the passage.")
        session = gr.State({"cards": [], "asked": []})
        with gr.Tab("Chat"):
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
                    sources = gr.HTML(_sources_panel([]), elem_id="dl-sources", label="Sources")
            with gr.Accordion("Answer settings", open=False):
                with gr.Row():
                    as_of = gr.Textbox(label="As of (YYYY-MM-DD)", placeholder="answer as if today were…",
                                       elem_id="dl-as-of")
                    published_from = gr.Textbox(label="Published from (YYYY-MM-DD)", elem_id="dl-from")
                    published_to = gr.Textbox(label="Published to (YYYY-MM-DD)", elem_id="dl-to")
                with gr.Row():
                    llm = gr.Dropdown(choices=llm_choices, value=settings.llm if settings.llm in
                                      [value for _, value in llm_choices] else llm_choices[-1][1],
                                      label="Model (backend:model)", allow_custom_value=True, elem_id="dl-llm")
                    top_k = gr.Slider(1, 10, value=settings.top_k, step=1, label="Sources (top-k)")
                gr.Markdown("Models not listed are not downloaded: `dateline models pull NAME`. "
                            "`extractive` answers without an LLM.")
            chat_inputs = [question, chatbot, session, as_of, published_from, published_to, llm, top_k]
            chat_outputs = [chatbot, session, sources, question]
            question.submit(respond, chat_inputs, chat_outputs, api_name="respond", concurrency_id=QUEUE,
                            concurrency_limit=1)
            chatbot.example_select(_example_text, None, question, api_visibility="private").then(
                respond, chat_inputs, chat_outputs, concurrency_id=QUEUE, api_visibility="private"
            )
        with gr.Tab("Articles"):
            upload = gr.File(label=f"Upload articles ({', '.join(sorted(LOADERS))}; up to "
                                   f"{settings.max_file_mb:g} MB each)", file_count="multiple",
                             file_types=sorted(LOADERS), elem_id="dl-upload")
            with gr.Row():
                index_button = gr.Button("Index uploaded files", variant="primary", elem_id="dl-index")
                reindex_button = gr.Button("Re-index all", elem_id="dl-reindex")
            articles_status = gr.Markdown(elem_id="dl-articles-status")
            initial = _articles_table(store)
            articles = gr.Dataframe(value=initial, headers=ARTICLE_COLUMNS, interactive=False, wrap=True,
                                    elem_id="dl-articles")
            with gr.Row():
                to_delete = gr.Dropdown(choices=[row[0] for row in initial], multiselect=True,
                                        label="Articles to delete")
                delete_button = gr.Button("Delete", variant="stop")
            index_button.click(index_uploads, upload, [articles_status, articles, to_delete],
                               concurrency_id=QUEUE, api_name="index_uploads")
            reindex_button.click(reindex, None, [articles_status, articles, to_delete], concurrency_id=QUEUE,
                                 api_name="reindex")
            delete_button.click(delete_articles, to_delete, [articles_status, articles, to_delete],
                                concurrency_id=QUEUE, api_name="delete_articles")
        with gr.Tab("Evaluation"):
            with gr.Row():
                eval_set = gr.Dropdown(choices=list(PUBLIC_SETS), value="sample", label="Eval set")
                eval_llm = gr.Dropdown(choices=llm_choices, value=llm.value, label="Model",
                                       allow_custom_value=True)
                eval_limit = gr.Number(value=None, precision=0, minimum=1, label="Only the first N questions",
                                       elem_id="dl-eval-limit")
                eval_button = gr.Button("Run", variant="primary", elem_id="dl-eval-run")
            eval_status = gr.Markdown(elem_id="dl-eval-status")
            eval_metrics = gr.Dataframe(label="Metrics by question type", interactive=False, elem_id="dl-metrics")
            eval_charts = gr.HTML(elem_id="dl-charts")
            eval_rows = gr.Dataframe(headers=EVAL_ROW_COLUMNS, label="Questions", interactive=False, wrap=True)
            eval_button.click(run_evaluation, [eval_set, eval_llm, eval_limit],
                              [eval_status, eval_metrics, eval_charts, eval_rows], concurrency_id=QUEUE,
                              api_name="run_evaluation")
    return app


def launch(app: gr.Blocks, settings, host: str, port: int, block: bool = True) -> None:
    app.queue(default_concurrency_limit=1).launch(
        server_name=host, server_port=port, show_error=False, css=CSS, js=CITATION_CLICKS,
        max_file_size=int(settings.max_file_mb * 1e6), prevent_thread_lock=not block, quiet=not block,
    )


def _warm_up(settings) -> None:
    """Load the embedding model and the default LLM while the page is already up, so the first question does not
    wait ~15 s for them. A model that cannot load is reported when someone asks, not here."""
    from index.embed import get_embedder
    from rag.llms import load_llm

    try:
        get_embedder(settings.embed_model).embed(["warm-up"])
        load_llm(settings.llm, settings)
    except Exception:  # reported when someone asks; the traceback is kept here
        log.warning("warm-up failed", exc_info=True)


def serve(settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    import threading

    threading.Thread(target=_warm_up, args=(settings,), daemon=True).start()
    launch(build_app(settings), settings, host, port)
