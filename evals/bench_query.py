"""`make bench-query`: Dateline against the llama-index script a user would otherwise write, same LLM, same embeddings.

Over the sample corpus and ../shared/seeds, for questions of the public eval sets, each set over its own corpus as
in `make eval` (one index of both would make the seeds set's "last visit" answers wrong): Dateline's answer path
(`rag.chat.answer_events`) and llama-index's `CitationQueryEngine` (similarity_top_k=3, otherwise defaults, streamed
so the first token can be timed) over a `VectorStoreIndex` of the same cleaned articles, embedded with the same
MiniLM. Both read the same GGUF through llama.cpp on the CPU; the baseline gets a 4,096-token context because its
prompts do not fit in Dateline's 2,048. Correctness is the eval suite's string match (an as-of question gets its
date in Dateline; the baseline has no such notion and sees only the question). Writes bench-results/query.json.
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from evals.dataset import PUBLIC_SETS, EvalQuestion, load_dataset
from evals.metrics import score_question
from index.embed import embedder_for
from index.pipeline import ingest
from index.store import open_store
from rag.chat import AnswerEvent, TokenEvent, answer_events
from rag.llms import load_llm
from rag.settings import load_settings, set_process_environment

BASELINE_TOP_K = 3
BASELINE_CONTEXT_WINDOW = 4096
TARGETS = {"p50_ttft_s": 5.0, "p50_total_s": 10.0}
MIN_SPEEDUP = 5.0
_BASELINE_DONT_KNOW = re.compile(
    r"\b(?:i (?:do not|don't) know|(?:does|do) not (?:say|mention|provide|contain)|no information|not mentioned|"
    r"cannot (?:be )?(?:answer|determine)|not provided)\b",
    re.I,
)


def _spread(questions: list[EvalQuestion], count: int | None) -> list[EvalQuestion]:
    """`count` questions spread evenly over the set (all question types get their share), or all of them."""
    if not count or count >= len(questions):
        return questions
    step = len(questions) / count
    return [questions[int(i * step)] for i in range(count)]


def _minilm_for_llama_index(settings):
    """The same sentence-transformers model Dateline uses, as a llama-index embedding."""
    from llama_index.core.embeddings import BaseEmbedding

    embedder = embedder_for(settings)

    class SameMiniLM(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed([query])[0]

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(texts)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return SameMiniLM(model_name=name, embed_batch_size=64)


def _ask_dateline(question: EvalQuestion, store, settings, spec: str) -> dict:
    started = time.perf_counter()
    ttft = None
    for event in answer_events(question.question, store, settings, question.as_of, spec):
        if isinstance(event, TokenEvent) and ttft is None:
            ttft = time.perf_counter() - started
        elif isinstance(event, AnswerEvent):
            answer = event.answer
    total = time.perf_counter() - started
    public = answer.to_public_json()
    result = {"answer": answer.answer, "abstained": answer.abstained, "citations": public["citations"],
              "retrieved": public["retrieved"], "sentences": public["sentences"], "latency_s": total}
    return {"id": question.id, "total_s": total, "ttft_s": ttft if ttft is not None else total,
            "retrieval_ms": answer.timings.get("retrieve_s", 0) * 1000, "prompt_tokens": answer.prompt_tokens or 0,
            "correct": score_question(question, result)["correct"], "answer": answer.answer}


def _ask_baseline(question: EvalQuestion, engine, prompt_tokens) -> dict:
    started = time.perf_counter()
    response = engine.query(question.question)
    retrieval_ms = (time.perf_counter() - started) * 1000
    pieces, ttft = [], None
    for piece in response.response_gen:
        if ttft is None:
            ttft = time.perf_counter() - started
        pieces.append(piece)
    total = time.perf_counter() - started
    text = "".join(pieces).strip()
    abstained = not text or bool(_BASELINE_DONT_KNOW.search(text))
    result = {"answer": text, "abstained": abstained, "latency_s": total}
    return {"id": question.id, "total_s": total, "ttft_s": ttft if ttft is not None else total,
            "retrieval_ms": retrieval_ms, "prompt_tokens": prompt_tokens(),
            "correct": score_question(question, result)["correct"], "answer": text}


def _summary(rows: list[dict]) -> dict:
    totals = [r["total_s"] for r in rows]
    return {
        "questions": len(rows),
        "p50_total_s": round(statistics.median(totals), 2),
        "p90_total_s": round(statistics.quantiles(totals, n=10, method="inclusive")[8], 2),
        "p50_ttft_s": round(statistics.median(r["ttft_s"] for r in rows), 2),
        "p50_prompt_tokens": round(statistics.median(r["prompt_tokens"] for r in rows)),
        "p50_retrieval_ms": round(statistics.median(r["retrieval_ms"] for r in rows)),
        "accuracy": round(sum(r["correct"] for r in rows) / len(rows), 3),
    }


def main(
    per_set: int = typer.Option(0, help="Questions per public set, spread over the set (0: all of them, 71 in "
                                        "all, ~12 min on 2 cores)."),
    llm: str = typer.Option(None, help="LLM spec (default: the settings' llm, i.e. the default preset)."),
    out: Path = typer.Option(Path("bench-results/query.json"), help="Where to write the results."),
) -> None:
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core.llms import ChatMessage, MessageRole
    from llama_index.core.query_engine import CitationQueryEngine

    base_settings = load_settings()
    spec = llm or base_settings.llm
    console = Console()
    dateline_rows, baseline_rows = [], []
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
        dateline_llm = load_llm(spec, base_settings)  # both models are loaded before any clock starts
        baseline_llm = load_llm(spec, base_settings.model_copy(update={"context_window": BASELINE_CONTEXT_WINDOW}))
        if baseline_llm is None or dateline_llm is None:
            raise typer.BadParameter("the benchmark compares LLM answers: use an LLM backend, not extractive")
        # The engine sends one text prompt; wrap it in the model's own chat template, as a careful user would
        # (LlamaCPP's default wraps it in Llama 2's [INST] format, which the default Qwen model does not know).
        chat_template = baseline_llm.messages_to_prompt
        last_prompt = [""]

        def completion_to_prompt(text: str) -> str:
            last_prompt[0] = chat_template([ChatMessage(role=MessageRole.USER, content=text)])
            return last_prompt[0]

        baseline_llm.completion_to_prompt = completion_to_prompt

        def prompt_tokens() -> int:
            return len(baseline_llm._model.tokenize(last_prompt[0].encode(), add_bos=False, special=True))

        for set_name, (dataset, corpus) in PUBLIC_SETS.items():
            settings = base_settings.model_copy(update={"data_dir": Path(tmp) / set_name})
            store = open_store(settings)
            ingest([corpus], store, settings)
            questions = _spread(load_dataset(dataset), per_set)
            _ask_dateline(questions[0], store, settings, spec)  # warm-up: first-call costs are not per question
            for i, question in enumerate(questions, start=1):
                dateline_rows.append(_ask_dateline(question, store, settings, spec))
                console.print(f"{set_name} dateline {i}/{len(questions)} {dateline_rows[-1]['total_s']:.1f}s",
                              highlight=False)
            documents = [Document(text=row.article.text, metadata={
                "title": row.article.title, "outlet": row.article.outlet or "",
                "published": str(row.article.published or "unknown")}) for row in store.articles()]
            index = VectorStoreIndex.from_documents(documents,
                                                    embed_model=_minilm_for_llama_index(settings))
            engine = CitationQueryEngine.from_args(index, llm=baseline_llm, similarity_top_k=BASELINE_TOP_K,
                                                   streaming=True)
            for i, question in enumerate(questions, start=1):
                baseline_rows.append(_ask_baseline(question, engine, prompt_tokens))
                console.print(f"{set_name} baseline {i}/{len(questions)} {baseline_rows[-1]['total_s']:.1f}s",
                              highlight=False)

    result = {"llm": spec, "questions": len(dateline_rows), "dateline": _summary(dateline_rows),
              "baseline": _summary(baseline_rows)}
    result["speedup_p50"] = round(result["baseline"]["p50_total_s"] / result["dateline"]["p50_total_s"], 2)
    result["targets"] = {**{k: f"<= {v}" for k, v in TARGETS.items()}, "speedup_p50": f">= {MIN_SPEEDUP}",
                         "accuracy": ">= baseline"}
    result["met"] = {
        **{k: result["dateline"][k] <= v for k, v in TARGETS.items()},
        "speedup_p50": result["speedup_p50"] >= MIN_SPEEDUP,
        "accuracy": result["dateline"]["accuracy"] >= result["baseline"]["accuracy"],
    }
    result["per_question"] = [{"id": d["id"], "dateline": {k: d[k] for k in ("total_s", "correct", "answer")},
                               "baseline": {k: b[k] for k in ("total_s", "correct", "answer")}}
                              for d, b in zip(dateline_rows, baseline_rows)]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    table = Table("measure", "dateline", "baseline (CitationQueryEngine)", title=f"query benchmark, {spec} ({out})")
    for name in result["dateline"]:
        table.add_row(name, str(result["dateline"][name]), str(result["baseline"][name]))
    table.add_row("speedup_p50", str(result["speedup_p50"]), "")
    console.print(table)
    console.print("targets met: " + ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in result["met"].items()))


if __name__ == "__main__":
    set_process_environment()
    typer.run(main)
