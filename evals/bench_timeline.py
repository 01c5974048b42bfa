"""Timelines on their own: every public timeline question, asked over its corpus, scored against its gold events.

Timelines need no LLM, so this runs in about a minute and reports what `make eval` reports for them (event
precision and recall, date accuracy, order, duplicates) plus the time a timeline takes (retrieval, the stored events'
lookup, embedding the candidate sentences), per split. `news-test` questions form the `test` split: report only,
never tune on them. Targets (#14): event precision >= 0.9.

    python -m evals.bench_timeline [--out bench-results/timeline.json] [--split dev|test|all]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from evals.indexes import ScratchIndexes
from evals.metrics import score_timeline, summarise_timelines
from rag.settings import load_settings, set_process_environment
from rag.timeline import timeline

TARGET_PRECISION = 0.9


def run(split: str) -> dict:
    settings = load_settings()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        indexes = ScratchIndexes(settings, Path(scratch))
        for name, question_split, question, store, local in indexes.questions(split, lambda q: q.type == "timeline"):
            started = time.perf_counter()
            answer = timeline(question.question, store, local)
            seconds = time.perf_counter() - started
            public = answer.to_public_json()
            scores = score_timeline(question, {"timeline": public["timeline"], "citations": public["citations"]})
            rows.append({"id": question.id, "set": name, "split": question_split, "seconds": round(seconds, 3),
                         "items": len(answer.timeline), "gold_events": len(question.events), **scores})
    return {"questions": rows, "summary": {s: _summary([r for r in rows if r["split"] == s]) for s in ("dev", "test")
                                           if any(r["split"] == s for r in rows)}}


def _summary(rows: list[dict]) -> dict:
    seconds = sorted(r["seconds"] for r in rows[1:] or rows)  # the first question also loads the embedding model
    return {"n": len(rows), **summarise_timelines(rows), "passes": sum(r["passes"] for r in rows),
            "seconds_p50": round(statistics.median(seconds), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results/timeline.json"))
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    args = parser.parse_args()
    set_process_environment()
    result = run(args.split)
    for row in result["questions"]:
        print(f"{row['id']:<14} {row['split']:<5} items {row['items']:>3} gold {row['gold_events']:>3}  "
              f"precision {row['event_precision']:.2f} recall {row['event_recall']:.2f}  {row['seconds']:.2f}s")
    for split, summary in result["summary"].items():
        print(f"{split}: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
        if summary["event_precision"] is not None and summary["event_precision"] < TARGET_PRECISION:
            print(f"  event precision is below the target {TARGET_PRECISION}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
