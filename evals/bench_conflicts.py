"""Conflicting reports on their own: the public conflict questions answered with the default preset, scored with
the other sides Dateline adds (rag/conflicts.py) and without them, from the same answers (the step only appends
sentences, so without them is what the answer path gave before it); and whether `dateline sources disagreements`,
asked with the question as its topic, lists the gold pair. `news-test` questions form the `test` split: report only,
never tune on them. Target (#14): both sides cited >= 0.7.

    python -m evals.bench_conflicts [--out bench-results/conflicts.json] [--split dev|test|all]
    python -m evals.bench_conflicts --rescore eval-runs/news-dev   # a finished `dateline eval` run, with and without
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from evals.dataset import PUBLIC_SETS, EvalQuestion, load_dataset, split_of_set
from evals.metrics import normalise, score_question, summarise_by_type
from evals.runner import run_eval
from index.store import open_store
from rag.conflicts import disagreements
from rag.settings import load_settings, set_process_environment

TARGET_SIDES_CITED = 0.7
SUMMARISED = ("n", "accuracy", "shown_precision", "verified_wrong", "sides_cited")


def without_sides(result: dict) -> dict:
    """A results line as it was before the other sides were added: without the side sentences and their citations."""
    sentences = [s for s in result["sentences"] if not s.get("side")]
    kept = {n for s in sentences for n in s["citations"]}
    return {**result, "sentences": sentences, "citations": [c for c in result["citations"] if c["n"] in kept]}


def rescore(questions: list[EvalQuestion], results: list[dict]) -> dict:
    """Metrics per type with the sides and without them, and how many answers of each type got a side."""
    by_id = {q.id: q for q in questions}
    chosen = [by_id[r["id"]] for r in results]
    report = {}
    for name, lines in (("with_sides", results), ("without_sides", [without_sides(r) for r in results])):
        metrics = summarise_by_type(chosen, [score_question(q, r) for q, r in zip(chosen, lines)])
        report[name] = {group: {k: m.get(k) for k in SUMMARISED} for group, m in metrics.items()}
    report["answers_with_a_side"] = {}
    for question, result in zip(chosen, results):
        if any(s.get("side") for s in result["sentences"]):
            report["answers_with_a_side"].setdefault(question.type, []).append(result["id"])
    return report


def _listed(question: EvalQuestion, found) -> bool:
    """Whether one listed disagreement holds every gold side's quote, each in a sentence of its own source."""
    def holds(citation, side) -> bool:
        return citation.source == side.source and " ".join(normalise(side.quote)) in " ".join(normalise(citation.text))
    return any(all(any(holds(c, side) for c in d.sides) for side in question.sides) for d in found)


def run(split: str) -> dict:
    settings = load_settings()
    report: dict = {"target_sides_cited": TARGET_SIDES_CITED}
    with tempfile.TemporaryDirectory() as scratch:
        for name, (dataset, corpus) in PUBLIC_SETS.items():
            question_split = split_of_set(name)
            questions = [q for q in load_dataset(dataset) if q.type == "conflict"]
            if not questions or split not in ("all", question_split):
                continue
            subset = Path(scratch) / f"{name}-conflicts.jsonl"
            subset.write_text("\n".join(q.model_dump_json(exclude_none=True) for q in questions), encoding="utf-8")
            run_dir = Path(scratch) / name
            finished = run_eval(subset, [corpus], run_dir, settings)
            store = open_store(settings.model_copy(update={"data_dir": run_dir / "index"}))
            listed = [q.id for q in questions if _listed(q, disagreements(q.question, store, settings))]
            report[question_split] = {
                **rescore(questions, finished.results),
                "listing_recall": round(len(listed) / len(questions), 4), "listed": listed,
                "latency_p50_s": _median([r["latency_s"] for r in finished.results]),
                "answers": [{k: r[k] for k in ("id", "answer", "miss")} for r in finished.results],
            }
    return report


def _median(values: list[float]) -> float | None:
    values = sorted(values)
    return values[len(values) // 2] if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results/conflicts.json"))
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--rescore", type=Path, help="a finished eval run's folder (results.jsonl, summary.json)")
    args = parser.parse_args()
    set_process_environment()
    if args.rescore:
        dataset = Path(json.loads((args.rescore / "summary.json").read_text())["dataset"])
        results = [json.loads(line) for line in (args.rescore / "results.jsonl").read_text().splitlines()]
        print(json.dumps(rescore(load_dataset(dataset), results), indent=2))
        return
    report = run(args.split)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    for split in ("dev", "test"):
        if split in report:
            part = report[split]
            print(f"{split}: with sides {part['with_sides'].get('conflict')}, without "
                  f"{part['without_sides'].get('conflict')}, listing recall {part['listing_recall']}")


if __name__ == "__main__":
    main()
