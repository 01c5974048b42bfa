"""The Articles tab: upload and index files, re-index, delete; the table of what is indexed; the facts the articles
about a topic disagree on.

`ArticlesTab`'s handlers are plain methods over the store (tests call them directly); `build_articles_tab` lays out
the components and wires them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import gradio as gr

from index.loaders import LOADERS
from index.pipeline import IngestSummary, ingest
from index.store import Store
from rag.chat import QuestionError, check_question
from rag.conflicts import disagreements
from ui.render import disagreements_to_html, escape_text
from ui.uploads import save_uploads

ARTICLE_COLUMNS = ["id", "title", "outlet", "published", "lang", "chunks", "duplicate of"]
CHOOSE_FILES_FIRST = "Choose files to upload first."
NAME_A_TOPIC = "Name a topic first, e.g. \"Serrat earthquake\"."

log = logging.getLogger(__name__)

ArticlesUpdate = tuple[str, list[list], dict]
"""(status Markdown, the articles table, the delete picker's update): what every Articles handler shows."""


def _files_bar(progress: gr.Progress):
    """Ingest progress as the page's progress bar, one step per file."""
    return lambda kind, done, total: progress((done, total), desc="files") if kind == "files" else None


def _summary_line(summary: IngestSummary) -> str:
    return (f"Indexed: added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, skipped "
            f"{summary.skipped}, failed {summary.failed}; {summary.chunks} chunks in {summary.seconds:.1f}s.")


class ArticlesTab:
    """The Articles tab's handlers over one store."""

    def __init__(self, store: Store, settings):
        self.store = store
        self.settings = settings
        self.uploads_dir = settings.index_dir / "uploads"

    def table(self) -> list[list]:
        return [[row.article.id, row.article.title, row.article.outlet or "", str(row.article.published or "unknown"),
                 row.article.lang or "", row.chunks, row.duplicate_of or ""] for row in self.store.articles()]

    def _show(self, status: str, **picker) -> ArticlesUpdate:
        table = self.table()
        return status, table, gr.update(choices=[row[0] for row in table], **picker)

    def index_uploads(self, files: list | None, progress=gr.Progress()) -> ArticlesUpdate:
        if not files:
            return self._show(CHOOSE_FILES_FIRST)
        saved, problems = save_uploads([str(f) for f in files], self.uploads_dir,
                                       int(self.settings.max_file_mb * 1e6))
        lines = []
        if saved:
            try:
                summary = ingest(saved, self.store, self.settings, report=problems.append,
                                 progress=_files_bar(progress))
                lines.append(_summary_line(summary))
            except Exception as exc:
                log.exception("indexing uploads failed")
                problems.append(f"indexing failed: {exc}")
        return self._show("\n\n".join(lines + [escape_text(p) for p in problems]))

    def delete(self, article_ids: list[str] | None) -> ArticlesUpdate:
        removed = [aid for aid in article_ids or [] if self.store.remove(aid)]
        self.store.refresh_derived()
        return self._show(f"Removed {len(removed)} article(s).", value=[])

    def reindex(self, progress=gr.Progress()) -> ArticlesUpdate:
        paths = sorted({Path(p) for p in self.store.paths().values() if p and Path(p).exists()})  # a feed: many
        summary = ingest(paths, self.store, self.settings, progress=_files_bar(progress))
        return self._show(f"Re-indexed {len(paths)} file(s): updated {summary.updated}, unchanged "
                          f"{summary.unchanged}, failed {summary.failed}.")


    def disagreements(self, topic: str) -> str:
        """The facts the articles about `topic` disagree on, as HTML (`dateline sources disagreements`)."""
        try:
            topic = check_question(topic or "")
        except QuestionError:
            return f'<div class="dl-warning">⚠️ {escape_text(NAME_A_TOPIC)}</div>'
        if self.store.article_count() == 0:
            return '<div class="dl-warning">⚠️ Nothing is indexed yet: upload articles first.</div>'
        return disagreements_to_html(disagreements(topic, self.store, self.settings))


def build_articles_tab(tab: ArticlesTab, queue: str) -> None:
    """The Articles tab's components inside the current Blocks."""
    upload = gr.File(label=f"Upload articles ({', '.join(sorted(LOADERS))}; up to "
                           f"{tab.settings.max_file_mb:g} MB each)", file_count="multiple",
                     file_types=sorted(LOADERS), elem_id="dl-upload")
    with gr.Row():
        index_button = gr.Button("Index uploaded files", variant="primary", elem_id="dl-index")
        reindex_button = gr.Button("Re-index all", elem_id="dl-reindex")
    status = gr.Markdown(elem_id="dl-articles-status")
    initial = tab.table()
    articles = gr.Dataframe(value=initial, headers=ARTICLE_COLUMNS, interactive=False, wrap=True,
                            elem_id="dl-articles")
    with gr.Row():
        to_delete = gr.Dropdown(choices=[row[0] for row in initial], multiselect=True, label="Articles to delete")
        delete_button = gr.Button("Delete", variant="stop")
    with gr.Row():
        topic = gr.Textbox(label="Where do the articles disagree? Topic", placeholder="e.g. Serrat earthquake",
                           elem_id="dl-disagree-topic", scale=4)
        disagree_button = gr.Button("List disagreements", elem_id="dl-disagree")
    found = gr.HTML(elem_id="dl-disagreements")
    outputs = [status, articles, to_delete]
    disagree_button.click(tab.disagreements, topic, found, concurrency_id=queue, api_name="disagreements")
    topic.submit(tab.disagreements, topic, found, concurrency_id=queue)
    index_button.click(tab.index_uploads, upload, outputs, concurrency_id=queue, api_name="index_uploads")
    reindex_button.click(tab.reindex, None, outputs, concurrency_id=queue, api_name="reindex")
    delete_button.click(tab.delete, to_delete, outputs, concurrency_id=queue, api_name="delete_articles")
