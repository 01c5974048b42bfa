"""Reports of an eval run: a terminal table, report.md, report.html with a chart per metric, and run comparison."""

from __future__ import annotations

import html
import json
from pathlib import Path

from rich.table import Table

from evals.metrics import ENGLISH_ORIGINALS, NON_ENGLISH, TIMELINE_METRICS

METRICS = [
    "accuracy", "shown_precision", "verified_wrong", "answer_f1", "abstention_accuracy", "false_abstention_rate",
    "citation_precision", "citation_recall", "faithfulness", "hit@1", "hit@3", "hit@5", "mrr", "latency_p50_s",
    "latency_p90_s",
    *TIMELINE_METRICS, "sides_cited",
]
# Not shares: charts scale to their largest value.
COUNTS = {"verified_wrong", "duplicate_items", "latency_p50_s", "latency_p90_s"}
LOWER_IS_BETTER = {"verified_wrong", "duplicate_items", "false_abstention_rate", "latency_p50_s", "latency_p90_s"}
COLOURS = {"overall": "#334155", "factoid": "#2563eb", "temporal": "#d97706", "multi": "#7c3aed",
           "unanswerable": "#059669", "timeline": "#db2777", "conflict": "#dc2626", NON_ENGLISH: "#0891b2",
           ENGLISH_ORIGINALS: "#64748b"}


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def metrics_tables(metrics: dict) -> list[Table]:
    """The terminal's tables: overall and per type, then, when the set has translated questions, those beside their
    English originals (one table with every group is too wide for a terminal)."""
    languages = [g for g in (NON_ENGLISH, ENGLISH_ORIGINALS) if g in metrics]
    tables = [_table([g for g in metrics if g not in languages], metrics, "Dateline eval")]
    if languages:
        tables.append(_table(languages, metrics, "Questions in other languages"))
    return tables


def _table(groups: list[str], metrics: dict, title: str) -> Table:
    table = Table("metric", *groups, title=title)
    table.add_row("questions", *[str(metrics[g]["n"]) for g in groups])
    for name in METRICS:
        table.add_row(name, *[_fmt(metrics[g].get(name)) for g in groups])
    return table


def misses_line(summary: dict) -> str:
    """"missed: 3 retrieval_miss, 1 model_abstained" (causes with none left out), for the terminal."""
    missed = [f"{count} {cause}" for cause, count in summary.get("misses", {}).items() if count]
    return "missed: " + (", ".join(missed) if missed else "none")


def _markdown(summary: dict, results: list[dict]) -> str:
    metrics = summary["metrics"]
    groups = list(metrics)
    lines = [
        "# Dateline eval report", "",
        f"- dataset: `{summary['dataset']}`", f"- corpus: {', '.join(f'`{c}`' for c in summary['corpus'])}",
        f"- LLM: `{summary['llm']}`" + (f", judge: `{summary['judge']}`" if summary.get("judge") else ""),
        f"- questions: {summary['questions']}", "",
        "| metric | " + " | ".join(groups) + " |", "|---|" + "---|" * len(groups),
    ]
    lines += [f"| {name} | " + " | ".join(_fmt(metrics[g].get(name)) for g in groups) + " |" for name in METRICS]
    lines += ["", "## Why questions were missed", "", "| cause | questions |", "|---|---|"]
    lines += [f"| {cause} | {count} |" for cause, count in summary.get("misses", {}).items()]
    wrong = verified_wrong(results)
    lines += ["", f"## Shown as verified, and wrong ({len(wrong)})", ""]
    for r in wrong:
        lines.append(f"- **{r['id']}** {r['question']} → {r['answer']}")
        lines += [f"  - [{c['n']}] {c['source']}: “{c['text']}”" for c in r["citations"]]
    lines += ["", "## Questions", "", "| id | type | correct | missed because | answer | citations |",
              "|---|---|---|---|---|---|"]
    for r in wrong + [r for r in results if r not in wrong]:
        cites = "; ".join(f"[{c['n']}] {c['source']}" for c in r["citations"])
        answer = r["answer"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {r['id']} | {r['type']} | {'yes' if r['score']['correct'] else 'no'} | {r.get('miss') or ''} "
                     f"| {answer} | {cites} |")
    return "\n".join(lines) + "\n"


def verified_wrong(results: list[dict]) -> list[dict]:
    """The answers shown as verified that are wrong: listed first in every report."""
    return [r for r in results if r["score"].get("verified_wrong")]


def _bar_chart(name: str, metrics: dict) -> str:
    """An inline SVG bar chart of one metric per question type (values in 0..1 except latency)."""
    groups = [g for g in metrics if metrics[g].get(name) is not None]
    if not groups:
        return ""
    top = max(max(metrics[g][name] for g in groups), 1.0 if name not in COUNTS else 0.001)
    width, bar, gap, height = 60 + 90 * len(groups), 60, 30, 160
    parts = [f'<svg role="img" aria-label="{name}" width="{width}" height="{height + 48}">']
    for i, group in enumerate(groups):
        value = metrics[group][name]
        h = int(height * value / top)
        x = 30 + i * (bar + gap)
        parts.append(f'<rect x="{x}" y="{height - h + 18}" width="{bar}" height="{h}" fill="{COLOURS[group]}"/>')
        parts.append(f'<text x="{x + bar / 2}" y="{height - h + 13}" text-anchor="middle" font-size="12">'
                     f"{_fmt(value)}</text>")
        parts.append(f'<text x="{x + bar / 2}" y="{height + 36}" text-anchor="middle" font-size="12">{group}</text>')
    parts.append("</svg>")
    return f"<figure><figcaption>{name}</figcaption>{''.join(parts)}</figure>"


def metric_charts(metrics: dict) -> str:
    """One SVG bar chart per metric, bars per question type (for report.html and the chat page's Evaluation tab)."""
    return "".join(_bar_chart(name, metrics) for name in METRICS)


def _html(summary: dict, results: list[dict]) -> str:
    metrics = summary["metrics"]
    esc = html.escape
    charts = metric_charts(metrics)
    misses = "".join(f"<tr><td>{cause}</td><td>{count}</td></tr>" for cause, count in summary.get("misses", {}).items())
    wrong = verified_wrong(results)
    wrong_items = "".join(
        f"<li><b>{esc(r['id'])}</b> {esc(r['question'])} → {esc(r['answer'])}<ul>"
        + "".join(f"<li>[{c['n']}] {esc(c['source'])}: “{esc(c['text'])}”</li>" for c in r["citations"])
        + "</ul></li>" for r in wrong)
    rows = "".join(
        f"<tr class=\"{'ok' if r['score']['correct'] else 'bad'}\"><td>{esc(r['id'])}</td><td>{esc(r['type'])}</td>"
        f"<td>{esc(r['question'])}</td><td>{esc(r['answer'])}</td><td>"
        + "<br>".join(f"[{c['n']}] {esc(c['source'])}: “{esc(c['text'])}”" for c in r["citations"])
        + f"</td><td>{'yes' if r['score']['correct'] else 'no'}</td><td>{esc(r.get('miss') or '')}</td></tr>"
        for r in wrong + [r for r in results if r not in wrong]
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Dateline eval report</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px}}
figure{{display:inline-block;margin:0 1rem 1rem 0}}figcaption{{font-weight:600}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ddd;padding:4px;
vertical-align:top;font-size:14px}}tr.bad td:last-child{{color:#b91c1c}}tr.ok td:last-child{{color:#047857}}</style>
</head><body><h1>Dateline eval report</h1>
<p>Dataset <code>{esc(summary['dataset'])}</code>, LLM <code>{esc(summary['llm'])}</code>,
{summary['questions']} questions.</p><h2>Metrics by question type</h2>{charts}
<h2>Why questions were missed</h2><table><tr><th>cause</th><th>questions</th></tr>{misses}</table>
<h2>Shown as verified, and wrong ({len(wrong)})</h2><ul>{wrong_items}</ul>
<h2>Questions</h2><table><tr><th>id</th><th>type</th><th>question</th><th>answer</th><th>citations</th>
<th>correct</th><th>missed because</th></tr>{rows}</table></body></html>
"""


def write_reports(out_dir: Path, summary: dict, results: list[dict]) -> None:
    (out_dir / "report.md").write_text(_markdown(summary, results), encoding="utf-8")
    (out_dir / "report.html").write_text(_html(summary, results), encoding="utf-8")


def load_run(run_dir: Path) -> tuple[dict, list[dict]]:
    summary = json.loads((run_dir / "summary.json").read_text())
    results = [json.loads(line) for line in (run_dir / "results.jsonl").read_text().splitlines() if line.strip()]
    return summary, results


def compare_runs(run_a: Path, run_b: Path) -> tuple[Table, list[str]]:
    """Metric deltas (B - A) and per-question changes, regressions first."""
    summary_a, results_a = load_run(run_a)
    summary_b, results_b = load_run(run_b)
    table = Table("metric", "group", "A", "B", "delta", title=f"{run_a} -> {run_b}")
    for group, metrics_b in summary_b["metrics"].items():
        metrics_a = summary_a["metrics"].get(group, {})
        for name in METRICS:
            a, b = metrics_a.get(name), metrics_b.get(name)
            if a is None or b is None:
                continue
            delta = b - a
            worse = delta > 0 if name in LOWER_IS_BETTER else delta < 0
            style = "red" if worse and abs(delta) > 1e-9 else "green" if abs(delta) > 1e-9 else ""
            table.add_row(name, group, _fmt(a), _fmt(b), f"[{style}]{delta:+.3f}[/]" if style else "+0.000")
    misses_a = summary_a.get("misses", {})
    for cause, b in summary_b.get("misses", {}).items():
        a = misses_a.get(cause)
        if a is not None:
            style = "red" if b > a else "green" if b < a else ""
            table.add_row(cause, "missed", str(a), str(b), f"[{style}]{b - a:+d}[/]" if style else "+0")
    before = {r["id"]: r for r in results_a}
    regressions, fixes, changed = [], [], []
    for r in results_b:
        old = before.get(r["id"])
        if old is None:
            continue
        was, now = old["score"]["correct"], r["score"]["correct"]
        line = f"{r['id']}: {old['answer']!r} -> {r['answer']!r}"
        if was and not now:
            regressions.append("regression " + line)
        elif now and not was:
            fixes.append("fixed " + line)
        elif old["answer"] != r["answer"]:
            changed.append("changed " + line)
    return table, regressions + fixes + changed
