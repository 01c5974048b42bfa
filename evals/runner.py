"""Run an eval: index the corpus into an index of its own, ask every question, score, and write the run."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evals.attribution import count_causes, miss_cause
from evals.dataset import EvalQuestion, load_dataset
from evals.metrics import score_question, summarise_by_type
from evals.report import write_reports
from index.pipeline import ingest
from index.store import open_store
from rag.chat import AnswerEvent, SourcesEvent, answer_events
from rag.records import Answer
from rag.llms import LLMError, build_info, load_llm

JUDGE_PROMPT = (
    "Question: {question}\nAccepted answers: {answers}\nCandidate answer: {answer}\n"
    "Does the candidate answer give one of the accepted answers (same meaning, any wording)? Reply yes or no."
)


@dataclass
class EvalRun:
    out_dir: Path
    questions: list[EvalQuestion]
    results: list[dict]
    scores: list[dict]
    summary: dict


def _judge(llm, question: EvalQuestion, answer: str) -> bool:
    from llama_index.core.llms import ChatMessage

    answers = "; ".join(" and ".join(a) if isinstance(a, list) else a for a in question.answers)
    prompt = JUDGE_PROMPT.format(question=question.question, answers=answers, answer=answer)
    reply = llm.chat([ChatMessage(role="user", content=prompt)]).message.content or ""
    return reply.strip().lower().startswith("yes")


def _ask(question: EvalQuestion, store, settings, spec: str) -> tuple[Answer, str]:
    """The answer, and the article sentences the model read, as the articles write them (for attributing a miss:
    the prompt's own text adds dates after relative ones, which would split an evidence quote); a question asked in
    parts (rag/decompose.py) has one prompt per part."""
    prompt_sources = []
    for event in answer_events(question.question, store, settings, question.as_of, spec):
        if isinstance(event, SourcesEvent):
            prompt_sources += [p.article.text[start:end] for p in event.passages for start, end in p.spans]
        elif isinstance(event, AnswerEvent):
            return event.answer, "\n".join(prompt_sources)
    raise AssertionError("answer_events always ends with an AnswerEvent")


def run_eval(
    dataset: Path,
    corpus: list[Path],
    out_dir: Path,
    settings,
    llm_spec: str | None = None,
    limit: int | None = None,
    judge_spec: str | None = None,
    warn: Callable[[str], None] = lambda line: None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> EvalRun:
    questions = load_dataset(dataset, warn)[:limit]
    judge = None
    if judge_spec:
        judge = load_llm(judge_spec, settings)
        if judge is None:
            raise LLMError(f"--judge {judge_spec}: the judge must be an LLM backend, not extractive")
    out_dir.mkdir(parents=True, exist_ok=True)
    eval_settings = settings.model_copy(update={"data_dir": out_dir / "index"})
    store = open_store(eval_settings)
    summary = ingest(corpus, store, eval_settings, report=warn)  # unchanged corpus: nothing is embedded again
    indexed = set(store.paths())
    missing = sorted({s for q in questions for s in q.sources} - indexed)
    if missing:
        warn(f"{len(missing)} source(s) named in the dataset are not in the corpus: {', '.join(missing)}")
    spec = llm_spec or settings.llm
    results, scores = [], []
    with (out_dir / "results.jsonl.partial").open("w", encoding="utf-8") as partial:
        for done, question in enumerate(questions, start=1):
            started = time.perf_counter()
            answer, prompt_sources = _ask(question, store, eval_settings, spec)
            public = answer.to_public_json()
            result = {
                "id": question.id,
                "question": question.question,
                "type": question.type,
                "as_of": question.as_of.isoformat() if question.as_of else None,
                "answer": answer.answer,
                "abstained": answer.abstained,
                "citations": public["citations"],
                "retrieved": public["retrieved"],
                "sentences": public["sentences"],
                "timeline": public["timeline"],
                "understood_as": answer.understood_as,
                "model_answer": answer.model_answer,
                "reason": answer.reason,
                "latency_s": round(time.perf_counter() - started, 3),
                "ttft_s": answer.timings.get("ttft_s"),
                "prompt_tokens": answer.prompt_tokens,
            }
            verdict = None
            if judge is not None and question.type != "unanswerable" and not answer.abstained:
                verdict = _judge(judge, question, answer.answer)
                result["judge_correct"] = verdict
            result["score"] = score_question(question, result, verdict)
            result["miss"] = miss_cause(question, result, prompt_sources)
            partial.write(json.dumps(result, ensure_ascii=False) + "\n")
            partial.flush()
            results.append(result)
            scores.append(result["score"])
            progress(done, len(questions))
    (out_dir / "results.jsonl.partial").replace(out_dir / "results.jsonl")
    run_summary = {
        "dataset": str(dataset),
        "corpus": [str(p) for p in corpus],
        "llm": spec,
        "judge": judge_spec,
        "build": build_info(spec, settings),
        "second_reading": settings.second_reading,
        "questions": len(questions),
        "ingest": {k: v for k, v in summary.as_dict().items() if k != "problems"},
        "metrics": summarise_by_type(questions, scores),
        "misses": count_causes(results),
    }
    (out_dir / "summary.json").write_text(json.dumps(run_summary, indent=2))
    write_reports(out_dir, run_summary, results)
    return EvalRun(out_dir, questions, results, scores, run_summary)
