"""The Evaluation tab: run a public eval set with a chosen model; metrics, charts and per-question rows.

`EvaluationTab.run` is a plain method (tests call it with the scripted LLM); `build_evaluation_tab` lays out the
components and wires them.
"""

from __future__ import annotations

import logging
import time

import gradio as gr

from evals.dataset import PUBLIC_SETS
from evals.report import metric_charts, misses_line
from evals.runner import EvalRun, run_eval
from ui.render import escape_text

EVAL_ROW_COLUMNS = ["id", "type", "question", "answer", "citations", "correct"]

log = logging.getLogger(__name__)

EvaluationUpdate = tuple[str, dict, str | dict, list[list] | dict]
"""(status Markdown, metrics table update, charts HTML, per-question rows): what a run shows."""


def metrics_table(run: EvalRun) -> dict:
    """One row per metric, one column per question type ("overall" first)."""
    metrics = run.summary["metrics"]
    groups = list(metrics)
    rows = [[name] + [metrics[group].get(name) for group in groups] for name in metrics["overall"]]
    return gr.update(value=rows, headers=["metric"] + groups)


def question_rows(run: EvalRun) -> list[list]:
    return [[r["id"], r["type"], r["question"], r["answer"],
             "; ".join(f"[{c['n']}] {c['source']}: {c['text']}" for c in r["citations"]),
             "yes" if r["score"]["correct"] else "no"] for r in run.results]


class EvaluationTab:
    """The Evaluation tab's handler: runs land in HOME/eval-runs/SET-TIMESTAMP."""

    def __init__(self, settings):
        self.settings = settings

    def run(self, set_name: str, llm_spec: str, limit: float | None, progress=gr.Progress()) -> EvaluationUpdate:
        dataset, corpus = PUBLIC_SETS[set_name]
        out = self.settings.home.expanduser() / "eval-runs" / f"{set_name}-{time.strftime('%Y%m%d-%H%M%S')}"
        try:
            run = run_eval(dataset, [corpus], out, self.settings, llm_spec, int(limit) if limit else None,
                           progress=lambda done, total: progress((done, total), desc="asking"))
        except Exception as exc:  # e.g. the seeds corpus is not beside the repository, or the model is missing
            log.exception("evaluation run failed")
            return f"⚠️ The run failed: {escape_text(str(exc))}", gr.update(), gr.update(), gr.update()
        accuracy = run.summary["metrics"]["overall"]["accuracy"]
        status = (f"{len(run.results)} questions on {set_name} with {llm_spec}: accuracy {accuracy:.3f}; "
                  f"{misses_line(run.summary)}. Reports in {out}.")
        return status, metrics_table(run), metric_charts(run.summary["metrics"]), question_rows(run)


def build_evaluation_tab(tab: EvaluationTab, llm_choices: list[tuple[str, str]], default_llm: str,
                         queue: str) -> None:
    """The Evaluation tab's components inside the current Blocks."""
    with gr.Row():
        eval_set = gr.Dropdown(choices=list(PUBLIC_SETS), value="sample", label="Eval set")
        llm = gr.Dropdown(choices=llm_choices, value=default_llm, label="Model", allow_custom_value=True)
        limit = gr.Number(value=None, precision=0, minimum=1, label="Only the first N questions",
                          elem_id="dl-eval-limit")
        run_button = gr.Button("Run", variant="primary", elem_id="dl-eval-run")
    status = gr.Markdown(elem_id="dl-eval-status")
    metrics = gr.Dataframe(label="Metrics by question type", interactive=False, elem_id="dl-metrics")
    charts = gr.HTML(elem_id="dl-charts")
    rows = gr.Dataframe(headers=EVAL_ROW_COLUMNS, label="Questions", interactive=False, wrap=True)
    run_button.click(tab.run, [eval_set, llm, limit], [status, metrics, charts, rows], concurrency_id=queue,
                     api_name="run_evaluation")
