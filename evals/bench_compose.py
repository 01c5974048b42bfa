"""Composition on its own: for every answerable public question, is its answer in the sentences the model reads?

Retrieval and composition need no LLM, so this runs in about a minute. A question counts as composed when one of its
evidence quotes (or, without quotes, one of its answers) is in the prompt's article sentences, matched as
`evals/attribution.py` matches it for a `composition_miss`. Timeline, unanswerable and translated questions are left
out (timelines compose nothing; a translated question needs the LLM to translate it). `news-test` questions form the
`test` split: report only, never tune on them.

    python -m evals.bench_compose [--out bench-results/compose.json] [--split dev|test|all]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from evals.attribution import answer_in
from evals.indexes import ScratchIndexes
from rag.compose import compose
from rag.retrieve import retrieve
from rag.settings import load_settings, set_process_environment

SKIPPED_TYPES = ("timeline", "unanswerable")


def run(split: str) -> dict:
    settings = load_settings()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        indexes = ScratchIndexes(settings, Path(scratch))
        asked = indexes.questions(split, lambda q: q.type not in SKIPPED_TYPES and not q.translation_of)
        for name, question_split, question, store, local in asked:
            started = time.perf_counter()
            passages = compose(question.question, retrieve(question.question, store, local, question.as_of), local)
            seconds = time.perf_counter() - started
            prompt = "\n".join(p.article.text[s:e] for p in passages for s, e in p.spans)
            rows.append({"id": question.id, "set": name, "split": question_split, "type": question.type,
                         "composed": answer_in(prompt, question), "sources": len(passages),
                         "chars": len(prompt), "seconds": round(seconds, 3)})
    summary = {}
    for name in dict.fromkeys(r["set"] for r in rows):
        chosen = [r for r in rows if r["set"] == name]
        summary[name] = {"split": chosen[0]["split"], "n": len(chosen),
                         "composed": round(sum(r["composed"] for r in chosen) / len(chosen), 3),
                         "chars_p50": statistics.median(r["chars"] for r in chosen),
                         "seconds_p50": statistics.median(r["seconds"] for r in chosen[1:] or chosen)}
    return {"questions": rows, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results/compose.json"))
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    args = parser.parse_args()
    set_process_environment()
    result = run(args.split)
    print(f"{'set':<10} {'split':<5} {'questions':>9} {'answer in prompt':>17} {'prompt chars p50':>17} "
          f"{'retrieve+compose p50':>21}")
    for name, s in result["summary"].items():
        print(f"{name:<10} {s['split']:<5} {s['n']:>9} {s['composed']:>17} {s['chars_p50']:>17} "
              f"{s['seconds_p50']:>20}s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
