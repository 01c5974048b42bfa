"""Questions in other languages, measured on their own (#14): retrieval, then answers.

Retrieval: each public question's hand translation (evals/translations/, French, German and Spanish in turn) is
retrieved three ways over its set's corpus — the English original, the translation as written (what Dateline did
before it translated questions), and the translation the LLM makes (what it does now) — and hit@3 says how often a
gold article is among the first three. Answers: the sets' non-English questions (`language` in evals/datasets/) are
answered with translation on and off, beside their English originals, in one run, and scored as `make eval` scores
them. `news-test` (and its translations) form the `test` split: report only, never tune on it. Target (#14):
non-English accuracy within 0.1 of the same questions in English.

    python -m evals.bench_languages [--out bench-results/languages.json] [--split dev|test|all]
                                    [--part retrieval|answers|all]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from evals.dataset import PUBLIC_SETS, load_dataset, split_of_set
from evals.indexes import ScratchIndexes
from evals.metrics import ENGLISH_ORIGINALS, NON_ENGLISH, summarise_by_type
from evals.runner import run_eval
from index.loaders import json_lines
from rag.llms import load_llm
from rag.retrieve import retrieve
from rag.settings import load_settings, set_process_environment
from rag.translate import translate_question

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
TARGET_GAP = 0.1
HIT_AT = 3


def _rank(question: str, store, settings, gold: set[str], as_of, as_written: str | None = None) -> int | None:
    hits = retrieve(question, store, settings, as_of, as_written=as_written)
    ranked = list(dict.fromkeys(hit.article.id for hit in hits))
    return next((i for i, source in enumerate(ranked, start=1) if source in gold), None)


def retrieval(split: str, scratch: Path) -> list[dict]:
    settings = load_settings()
    llm = load_llm(settings.llm, settings)
    rows = []
    indexes = ScratchIndexes(settings, scratch)
    for name, (dataset, corpus) in PUBLIC_SETS.items():
        if split not in ("all", split_of_set(name)):
            continue
        originals = {q.id: q for q in load_dataset(dataset)}
        lines = (TRANSLATIONS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        store, local = indexes.for_set(name, corpus)
        for _number, line in json_lines(["" if line.startswith("#") else line for line in lines], name, ValueError):
            original = originals[line["id"]]
            if original.type == "unanswerable" or not original.sources:
                continue
            gold = set(original.sources)
            started = time.perf_counter()
            translation = translate_question(line["question"], line["language"], llm)
            seconds = time.perf_counter() - started
            english = translation.question if translation else line["question"]
            rows.append({
                "id": line["id"], "set": name, "split": split_of_set(name), "language": line["language"],
                "question": line["question"], "translated": english, "translate_s": round(seconds, 3),
                "english_rank": _rank(original.question, store, local, gold, original.as_of),
                "as_written_rank": _rank(line["question"], store, local, gold, original.as_of),
                "translated_rank": _rank(english, store, local, gold, original.as_of, line["question"]),
            })
    return rows


def _hits(rows: list[dict], key: str) -> float | None:
    return round(sum(1 for r in rows if r[key] and r[key] <= HIT_AT) / len(rows), 4) if rows else None


def retrieval_summary(rows: list[dict]) -> dict:
    summary = {}
    for split in ("dev", "test"):
        chosen = [r for r in rows if r["split"] == split]
        if not chosen:
            continue
        summary[split] = {"n": len(chosen), **{f"{way}_hit@{HIT_AT}": _hits(chosen, f"{way}_rank")
                                                 for way in ("english", "as_written", "translated")}}
        for language in sorted({r["language"] for r in chosen}):
            of_language = [r for r in chosen if r["language"] == language]
            summary[split][language] = {f"{way}_hit@{HIT_AT}": _hits(of_language, f"{way}_rank")
                                        for way in ("english", "as_written", "translated")}
        seconds = sorted(r["translate_s"] for r in chosen)
        summary[split]["translate_s_p50"] = seconds[len(seconds) // 2]
    return summary


def answers(split: str, scratch: Path) -> dict:
    """Per split: the non-English questions answered with and without translation, and their English originals."""
    settings = load_settings()
    by_split: dict[str, dict[str, list]] = {}
    rows = []
    for name, (dataset, corpus) in PUBLIC_SETS.items():
        if split not in ("all", split_of_set(name)):
            continue
        questions = load_dataset(dataset)
        foreign = [q for q in questions if q.language != "en"]
        originals = {q.translation_of for q in foreign}
        with_originals = [q for q in questions if q.language != "en" or q.id in originals]
        out = scratch / f"run-{corpus.name}"  # one index per corpus: news-dev and news-test share data/news
        alone = [q.model_copy(update={"translation_of": None}) for q in foreign]  # their originals are not asked
        for translate, chosen in ((True, with_originals), (False, alone)):
            subset = scratch / f"{name}-languages.jsonl"
            subset.write_text("".join(q.model_dump_json(exclude_defaults=True) + "\n" for q in chosen),
                              encoding="utf-8")
            run = run_eval(subset, [corpus], out, settings.model_copy(update={"translate_questions": translate}))
            group = by_split.setdefault(split_of_set(name), {}).setdefault("on" if translate else "off", [[], []])
            group[0] += run.questions
            group[1] += run.scores
            rows += [{"id": r["id"], "set": name, "translated": translate, "understood_as": r["understood_as"],
                      "answer": r["answer"], "correct": r["score"]["correct"],
                      "verified_wrong": r["score"]["verified_wrong"], "reason": r["reason"]} for r in run.results]
    summary = {}
    for name, runs in by_split.items():
        on = summarise_by_type(*runs["on"])
        off = summarise_by_type(*runs["off"])
        summary[name] = {"translated": on.get(NON_ENGLISH), "as_written": off.get(NON_ENGLISH),
                         "english_originals": on.get(ENGLISH_ORIGINALS)}
    return {"questions": rows, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results/languages.json"))
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--part", choices=("retrieval", "answers", "all"), default="all")
    args = parser.parse_args()
    set_process_environment()
    result: dict = {}
    with tempfile.TemporaryDirectory() as scratch:
        if args.part in ("retrieval", "all"):
            rows = retrieval(args.split, Path(scratch))
            result["retrieval"] = {"questions": rows, "summary": retrieval_summary(rows)}
            for split, summary in result["retrieval"]["summary"].items():
                print(f"retrieval {split}: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
        if args.part in ("answers", "all"):
            result["answers"] = answers(args.split, Path(scratch))
            for split, groups in result["answers"]["summary"].items():
                for way, metrics in groups.items():
                    if metrics:
                        print(f"answers {split} {way}: n {metrics['n']}, accuracy {metrics['accuracy']}, "
                              f"shown_precision {metrics['shown_precision']}, "
                              f"verified_wrong {metrics['verified_wrong']}, p50 {metrics['latency_p50_s']}s")
                translated, english = groups["translated"], groups["english_originals"]
                if translated and english and english["accuracy"] - translated["accuracy"] > TARGET_GAP:
                    print(f"  {split}: non-English accuracy is more than {TARGET_GAP} below the English originals'")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
