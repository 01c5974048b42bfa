"""The `dateline` command: a thin layer over the library that renders its records."""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
import time
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn,
)
from rich.table import Table

from evals.dataset import DatasetError
from index.embed import EmbeddingModelError
from index.loaders import LOADERS, LoadError
from index.store import StoreError
from rag.chat import QuestionError
from rag.llms import LLMError
from rag.logs import log_path, setup_logging
from rag.models import PRESETS, ModelCache, ModelError, get_preset
from rag.settings import (
    DEFAULT_HOME, Settings, SettingsError, load_settings, parse_day, set_process_environment,
)

app = typer.Typer(help="Dateline: answers about news articles, with citations you can check.", no_args_is_help=True)
models_app = typer.Typer(help="List and download LLM model presets.", no_args_is_help=True)
app.add_typer(models_app, name="models")
eval_app = typer.Typer(help="Run an eval set against the product, or compare two runs.")
app.add_typer(eval_app, name="eval")
console = Console()
err = Console(stderr=True)
log = logging.getLogger(__name__)

USER_ERRORS = (
    SettingsError, ModelError, LLMError, LoadError, QuestionError, StoreError, EmbeddingModelError, DatasetError,
    FileNotFoundError,
)

DataDir = Annotated[Optional[Path], typer.Option("--data-dir", help="Index directory [default: HOME/index].")]
ChromaUrl = Annotated[Optional[str], typer.Option("--chroma-url", help="Use a Chroma server at http://HOST:PORT.")]
LlmSpec = Annotated[
    Optional[str], typer.Option("--llm", help="BACKEND[:MODEL], e.g. llamacpp:smollm2-135m, extractive.")
]
LlmBaseUrl = Annotated[
    Optional[str], typer.Option("--llm-base-url", help="Server URL for the ollama and openai backends.")
]
TopK = Annotated[Optional[int], typer.Option("--top-k", help="Sources handed to the model.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def user_errors(command):
    """Known problems become one line on stderr and exit status 2, anything else one line and exit status 1 --
    never a traceback on screen: it goes to the log (HOME/logs/dateline.log)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        log.info("command %s started", command.__name__)
        try:
            return command(*args, **kwargs)
        except USER_ERRORS as exc:
            log.warning("command %s: %s", command.__name__, type(exc).__name__, exc_info=True)
            err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug: one line for the user, the traceback for the report
            log.exception("command %s failed", command.__name__)
            err.print(f"[bold red]error:[/] unexpected {type(exc).__name__}: {escape(str(exc))} (the traceback is "
                      f"in {escape(str(_log_file))}; please attach it to a bug report)", soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


_log_file = log_path(DEFAULT_HOME)


@app.callback()
def _options(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print the log on stderr.")] = False):
    """Dateline: answers about news articles, with citations you can check."""
    global _log_file
    try:
        home = load_settings().home
    except SettingsError:  # reported by the command itself
        home = DEFAULT_HOME
    _log_file = setup_logging(home, verbose) or log_path(home)


def _warn(line: str) -> None:
    """One problem line on stderr, never wrapped, never read as markup."""
    err.print(line, style="yellow", soft_wrap=True, markup=False)


def _error_kind(exc: Exception) -> str:
    """What went wrong, as a word a script can branch on."""
    kinds = {QuestionError: "bad_question", StoreError: "index", SettingsError: "bad_setting"}
    return getattr(exc, "kind", None) or next((k for t, k in kinds.items() if isinstance(exc, t)), "error")


def _store(settings: Settings):
    from index.store import open_store

    return open_store(settings)


def _store_to_answer_from(settings: Settings):
    """The store, refused when it holds no article: there is nothing to answer from yet."""
    store = _store(settings)
    if store.article_count() == 0:
        raise StoreError(f"the index at {settings.index_dir} is empty: run `dateline ingest PATH` first")
    return store


def _print_json_error(exc: Exception) -> None:
    """With --json, the result says what went wrong, on stdout like an answer (the one-line error still goes to
    stderr)."""
    print(json.dumps({"error": str(exc), "error_kind": _error_kind(exc)}, ensure_ascii=False))


def _plain_ingest_progress(kind: str, done: int, total: int) -> None:
    """Progress as plain lines where stderr is not a terminal: every 100 files, and each embedded batch."""
    if kind == "chunks" or done % 100 == 0 and done:
        err.print(f"{kind}: {done}/{total}", markup=False, highlight=False)


@app.command()
@user_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(
        help=f"Files or directories of them ({' '.join(sorted(LOADERS))}); a .urls file lists pages to fetch, "
        "a .feeds file RSS/Atom feeds whose entries' pages are fetched.")],
    data_dir: DataDir = None,
    chroma_url: ChromaUrl = None,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing if the index already has articles.")] = False,
    as_json: AsJson = False,
):
    """Index articles; unchanged ones are not embedded again."""
    from index.pipeline import ingest as run_ingest

    settings = load_settings(data_dir=data_dir, chroma_url=chroma_url)
    store = _store(settings)
    if if_empty and store.article_count():
        console.print(f"the index at {settings.index_dir} already has {store.article_count()} articles; not ingesting")
        return
    if err.is_terminal:
        with Progress(TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err) as bars:
            tasks = {"files": bars.add_task("files read", total=None),
                     "chunks": bars.add_task("chunks embedded", total=None)}
            summary = run_ingest(
                paths, store, settings, report=_warn,
                progress=lambda kind, done, total: bars.update(tasks[kind], completed=done, total=total),
            )
    else:
        summary = run_ingest(paths, store, settings, report=_warn, progress=_plain_ingest_progress)
    if as_json:
        print(json.dumps(summary.as_dict()))
    else:
        console.print(
            f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
            f"skipped {summary.skipped}, failed {summary.failed}; {summary.chunks} chunks in {summary.seconds:.1f}s"
        )
    if summary.failed:
        raise typer.Exit(1)


_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh])\s*$")
_SECONDS_PER = {"s": 1, "m": 60, "h": 3600}


def _interval_s(text: str) -> float:
    match = _INTERVAL.match(text)
    if not match or float(match[1]) <= 0:
        raise SettingsError(f"bad --every {text!r}: use a number and s, m or h, e.g. 15m")
    return float(match[1]) * _SECONDS_PER[match[2]]


@app.command()
@user_errors
def watch(
    paths: Annotated[list[Path], typer.Argument(
        help="Folders, files, .feeds lists of RSS/Atom feed URLs, .rss/.atom feed files and .urls lists to re-read.")],
    every: Annotated[str, typer.Option("--every", help="Time between rounds: 30s, 15m, 1h.")] = "15m",
    rounds: Annotated[Optional[int], typer.Option("--rounds", min=1, help="Stop after N rounds [default: never].")]
    = None,
    data_dir: DataDir = None,
    chroma_url: ChromaUrl = None,
):
    """Ingest PATHS now and again every --every: only what is new or changed is embedded, pages the server says
    are unchanged are not downloaded, and a feed or page that fails is reported and tried again next round.
    One line per round; Ctrl-C stops."""
    from index.pipeline import ingest as run_ingest

    interval = _interval_s(every)
    settings = load_settings(data_dir=data_dir, chroma_url=chroma_url)
    store = _store(settings)
    done = 0
    try:
        while True:
            try:
                summary = run_ingest(paths, store, settings, report=_warn)
                line = (f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
                        f"failed {summary.failed}; {summary.chunks} chunks in {summary.seconds:.1f}s")
            except LoadError as exc:  # a path gone for now: report it and try again next round
                log.warning("watch round failed: %s", exc)
                line = f"failed: {exc}"
            done += 1
            console.print(f"{datetime.now().isoformat(timespec='seconds')} round {done}: {line}", markup=False,
                          highlight=False)
            if rounds is not None and done >= rounds:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        console.print(f"stopped after {done} round(s)")


@app.command()
@user_errors
def ask(
    question: Annotated[str, typer.Argument(help="Your question.")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Answer as if today were YYYY-MM-DD.")] = None,
    llm: LlmSpec = None,
    llm_base_url: LlmBaseUrl = None,
    top_k: TopK = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Only articles published on or after.")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Only articles published on or before.")] = None,
    data_dir: DataDir = None,
    chroma_url: ChromaUrl = None,
    as_json: AsJson = False,
):
    """Answer a question from the indexed articles, citing the passages."""
    from rag.chat import ask as run_ask

    try:
        settings = load_settings(data_dir=data_dir, chroma_url=chroma_url, llm=llm, top_k=top_k,
                                 llm_base_url=llm_base_url)
        store = _store_to_answer_from(settings)
        when = parse_day(as_of, "--as-of")
        window = (parse_day(since, "--since"), parse_day(until, "--until"))
        with err.status("Thinking…", spinner="dots") if err.is_terminal and not as_json else nullcontext():
            answer = run_ask(question, store, settings, when, published=window)
    except USER_ERRORS as exc:
        if as_json:
            _print_json_error(exc)
        raise
    if as_json:
        print(json.dumps(answer.to_public_json(), ensure_ascii=False))
        return
    from ui.render import answer_to_terminal

    console.print(answer_to_terminal(answer))


@app.command("timeline")
@user_errors
def timeline_command(
    topic: Annotated[str, typer.Argument(help="What the timeline is about, e.g. \"Russia North Korea\".")],
    since: Annotated[Optional[str], typer.Option("--since", help="Only events on or after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Only events on or before YYYY-MM-DD.")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Only articles published by YYYY-MM-DD.")] = None,
    data_dir: DataDir = None,
    chroma_url: ChromaUrl = None,
    as_json: AsJson = False,
):
    """The dated events the articles report about TOPIC, earliest first, each cited to the sentence that states it."""
    from rag.chat import check_question
    from rag.timeline import timeline

    try:
        settings = load_settings(data_dir=data_dir, chroma_url=chroma_url)
        bounds = parse_day(since, "--since"), parse_day(until, "--until")
        when = parse_day(as_of, "--as-of")
        topic = check_question(topic)
        store = _store_to_answer_from(settings)
        answer = timeline(topic, store, settings, when, since=bounds[0], until=bounds[1])
    except USER_ERRORS as exc:
        if as_json:
            _print_json_error(exc)
        raise
    if as_json:
        print(json.dumps({"topic": topic, "items": [item.to_public_json() for item in answer.timeline],
                          "citations": [c.to_public_json() for c in answer.citations],
                          "timings": answer.timings}, ensure_ascii=False))
        return
    from ui.render import answer_to_terminal

    console.print(answer_to_terminal(answer))


sources_app = typer.Typer(help="List indexed articles, show one, or list the facts they disagree on.")
app.add_typer(sources_app, name="sources")


@sources_app.callback(invoke_without_command=True)
@user_errors
def sources(ctx: typer.Context, data_dir: DataDir = None, chroma_url: ChromaUrl = None, as_json: AsJson = False):
    """List the indexed articles (id, title, outlet, date, chunks)."""
    if ctx.invoked_subcommand:
        return
    settings = load_settings(data_dir=data_dir, chroma_url=chroma_url)
    rows = _store(settings).articles()
    if as_json:
        print(json.dumps([
            {"id": row.article.id, "title": row.article.title, "outlet": row.article.outlet,
             "published": row.article.published.isoformat() if row.article.published else None,
             "lang": row.article.lang, "chunks": row.chunks, "duplicate_of": row.duplicate_of}
            for row in rows
        ], ensure_ascii=False))
        return
    table = Table("id", "title", "outlet", "published", "lang", "chunks", "duplicate of")
    for row in rows:
        article = row.article
        table.add_row(article.id, article.title, article.outlet or "", str(article.published or "unknown"),
                      article.lang or "", str(row.chunks), row.duplicate_of or "")
    console.print(table)


@sources_app.command("show")
@user_errors
def sources_show(
    article_id: Annotated[str, typer.Argument(help="Article id (file name, or the record's id).")],
    data_dir: DataDir = None,
    chroma_url: ChromaUrl = None,
    as_json: AsJson = False,
):
    """An article's metadata, its cleaned text and its chunks with their offsets."""
    store = _store(load_settings(data_dir=data_dir, chroma_url=chroma_url))
    article = store.article(article_id)
    if article is None:
        raise StoreError(f"no article {article_id!r} in the index: see `dateline sources`")
    chunks = store.article_chunks(article_id)
    if as_json:
        record = article.model_dump(mode="json")
        record["duplicate_of"] = store.duplicate_of(article_id)
        record["chunks"] = [{"id": c.id, "start": c.start, "end": c.end, "text": c.text} for c in chunks]
        print(json.dumps(record, ensure_ascii=False))
        return
    for field in ("id", "title", "outlet", "published", "author", "url", "lang", "path", "hash"):
        console.print(f"[bold]{field}:[/] {escape(str(getattr(article, field) or ''))}")
    console.print(f"[bold]duplicate of:[/] {escape(store.duplicate_of(article_id) or '')}")
    console.print("")
    console.print(article.text, markup=False)
    for chunk in chunks:
        console.print(f"\n[bold]{escape(chunk.id)}[/] [{chunk.start}:{chunk.end}]")
        console.print(chunk.text, markup=False)


@sources_app.command("disagreements")
@user_errors
def sources_disagreements(
    topic: Annotated[str, typer.Argument(help="What to compare the articles on, e.g. \"Serrat earthquake\".")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Only articles published by YYYY-MM-DD.")] = None,
    data_dir: DataDir = None,
    chroma_url: ChromaUrl = None,
    as_json: AsJson = False,
):
    """The facts on which the articles about TOPIC disagree: pairs of sentences reporting one figure or date with
    different values, each cited, and whether they were published together or one is a newer report."""
    from rag.chat import check_question
    from rag.conflicts import disagreements

    try:
        settings = load_settings(data_dir=data_dir, chroma_url=chroma_url)
        when = parse_day(as_of, "--as-of")
        topic = check_question(topic)
        found = disagreements(topic, _store_to_answer_from(settings), settings, when)
    except USER_ERRORS as exc:
        if as_json:
            _print_json_error(exc)
        raise
    if as_json:
        print(json.dumps({"topic": topic, "disagreements": [d.to_public_json() for d in found]}, ensure_ascii=False))
        return
    from ui.render import disagreements_to_terminal

    console.print(disagreements_to_terminal(topic, found))


@app.command()
@user_errors
def remove(
    article_ids: Annotated[Optional[list[str]], typer.Argument(help="Article ids to remove.")] = None,
    missing: Annotated[bool, typer.Option("--missing", help="Remove articles whose file no longer exists.")] = False,
    data_dir: DataDir = None,
    chroma_url: ChromaUrl = None,
):
    """Delete articles from every store (vectors, BM25, manifest)."""
    if not article_ids and not missing:
        raise SettingsError("name article ids to remove, or use --missing (see `dateline sources`)")
    store = _store(load_settings(data_dir=data_dir, chroma_url=chroma_url))
    targets = list(article_ids or [])
    if missing:
        targets += [aid for aid, path in store.paths().items() if path and not Path(path).exists()]
    unknown = [aid for aid in targets if not store.remove(aid)]
    store.refresh_derived()
    console.print(f"removed {len(targets) - len(unknown)} article(s)")
    for aid in unknown:
        _warn(f"{aid}: not in the index")
    if unknown:
        raise typer.Exit(1)


@app.command()
@user_errors
def chat(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
    llm: LlmSpec = None,
    llm_base_url: LlmBaseUrl = None,
    data_dir: DataDir = None,
    chroma_url: ChromaUrl = None,
):
    """Serve the chat page."""
    from ui.app import serve

    settings = load_settings(data_dir=data_dir, chroma_url=chroma_url, llm=llm, llm_base_url=llm_base_url)
    serve(settings, host=host, port=port)


@models_app.command("list")
@user_errors
def models_list(as_json: AsJson = False):
    """Presets with their size, sha256 and whether they are downloaded."""
    cache = ModelCache(load_settings().model_cache)
    rows = [
        {"name": p.name, "size": p.size, "sha256": p.sha256, "present": cache.is_present(p),
         "path": str(cache.path_of(p)), "description": p.description}
        for p in PRESETS.values()
    ]
    if as_json:
        print(json.dumps(rows))
        return
    table = Table("name", "size", "sha256", "present", "description")
    for row in rows:
        table.add_row(row["name"], f"{row['size'] / 1e6:,.0f} MB", row["sha256"][:16] + "…",
                      "yes" if row["present"] else "no", row["description"])
    console.print(table)


@models_app.command("pull")
@user_errors
def models_pull(names: Annotated[list[str], typer.Argument(help="Preset names (see `dateline models list`).")]):
    """Download presets into the model cache and verify their sha256 (a present, verified one is not fetched again)."""
    cache = ModelCache(load_settings().model_cache)
    for preset in [get_preset(name) for name in names]:  # every name checked before anything is fetched
        path = _pull_with_progress(cache, preset)
        console.print(f"{preset.name}: ready at {path} (sha256 verified)", soft_wrap=True)


def _pull_with_progress(cache: ModelCache, preset) -> Path:
    if sys.stderr.isatty():
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                      console=err) as progress:
            task = progress.add_task(preset.name, total=preset.size)

            def show(what: str, done: int, total: int) -> None:
                progress.update(task, description=f"{preset.name}: {what}", completed=done, total=total)

            return cache.pull(preset, show)
    last = {"what": None, "tenth": -1}  # a log or `make`'s output: a line per step and per tenth, not a redrawn bar

    def show(what: str, done: int, total: int) -> None:
        tenth = 10 * done // total if total else 0
        if what != last["what"] or tenth > last["tenth"]:
            last.update(what=what, tenth=tenth)
            err.print(f"{preset.name}: {what} {done / 1e6:,.0f}/{total / 1e6:,.0f} MB ({10 * tenth}%)")

    return cache.pull(preset, show)


@eval_app.callback(invoke_without_command=True)
@user_errors
def eval_run(
    ctx: typer.Context,
    dataset: Annotated[Optional[Path], typer.Option("--dataset", help="JSONL eval set.")] = None,
    corpus: Annotated[
        Optional[list[Path]], typer.Option("--corpus", help="Corpus file or directory (repeatable).")
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Run directory for results and reports.")] = None,
    llm: LlmSpec = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Only the first N questions.")] = None,
    min_accuracy: Annotated[Optional[float], typer.Option("--min-accuracy", min=0, max=1,
                                                          help="Exit 1 if overall accuracy is below this.")] = None,
    judge: Annotated[Optional[str], typer.Option("--judge", help="LLM spec of an optional correctness judge.")] = None,
    top_k: TopK = None,
    llm_base_url: LlmBaseUrl = None,
):
    """Index the corpus, ask every question, write results.jsonl, summary.json, report.md and report.html."""
    if ctx.invoked_subcommand:
        return
    missing = [flag for flag, value in (("--dataset", dataset), ("--corpus", corpus), ("--out", out)) if not value]
    if missing:
        raise SettingsError(f"dateline eval needs {', '.join(missing)} (see `dateline eval --help`)")
    from evals.report import metrics_tables, misses_line
    from evals.runner import run_eval

    settings = load_settings(llm=llm, top_k=top_k, llm_base_url=llm_base_url)
    if err.is_terminal:
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      console=err, transient=True) as bar:
            task = bar.add_task("asking", total=None)
            run = run_eval(dataset, corpus, out, settings, llm, limit, judge, _warn,
                           lambda done, total: bar.update(task, completed=done, total=total))
    else:
        run = run_eval(dataset, corpus, out, settings, llm, limit, judge, _warn,
                       lambda done, total: err.print(f"{done}/{total}") if done % 10 == 0 or done == total else None)
    for table in metrics_tables(run.summary["metrics"]):
        console.print(table)
    console.print(misses_line(run.summary))
    console.print(f"wrote {out}/results.jsonl, summary.json, report.md, report.html")
    accuracy = run.summary["metrics"]["overall"]["accuracy"]
    if min_accuracy is not None and accuracy < min_accuracy:
        err.print(f"accuracy {accuracy:.3f} is below --min-accuracy {min_accuracy}", style="bold red")
        raise typer.Exit(1)


@eval_app.command("compare")
@user_errors
def eval_compare(
    run_a: Annotated[Path, typer.Argument(help="Earlier run directory.")],
    run_b: Annotated[Path, typer.Argument(help="Later run directory.")],
):
    """Metric deltas and per-question changes between two runs, regressions first."""
    from evals.report import compare_runs

    table, changes = compare_runs(run_a, run_b)
    console.print(table)
    for line in changes or ["no per-question changes"]:
        console.print(line, markup=False, soft_wrap=True)


def main() -> None:
    set_process_environment()
    app()
