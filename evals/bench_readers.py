"""`make bench-readers`: do four questions asked at once finish sooner than the same four asked in a row, against
llama.cpp's own server with four slots (`llama-server --parallel 4`, from `make llama-server`) and a real model?

The server keeps each slot's last prompt and reuses it, so a question asked a second time is cheaper. Each round
therefore starts a fresh server and asks two different sets of four questions over the sample articles: one set in
a row, the other at once; the next round swaps the sets. The totals over both rounds compare the same eight questions
each way. Writes bench-results/readers.json and prints a table.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from evals.servers import ServerDidNotStart, llama_server_binary, start_llama_server, stop_server
from index.pipeline import ingest
from index.store import open_store
from rag.chat import ask
from rag.models import ModelCache, get_preset
from rag.settings import load_settings, set_process_environment

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
SLOTS = 4
SETS = (
    ["When did Putin last visit Pyongyang?", "Where did Kim Jong Un and Putin meet in September 2023?",
     "When did Lavrov visit Pyongyang?", "Where did Putin go after Pyongyang?"],
    ["When did Putin first visit North Korea?", "How did Seoul react to the treaty?",
     "What did the Kremlin announce on 17 June 2024?", "Who is Choe Son Hui?"],
)


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main(
    model: str = typer.Option("qwen2.5-coder-1.5b", help="Model preset the server runs."),
    out: Path = typer.Option(Path("bench-results/readers.json"), help="Where to write the results."),
) -> None:
    binary = llama_server_binary()
    if not binary.is_file():
        raise SystemExit(f"error: no llama-server at {binary}: run `make llama-server`")
    settings = load_settings()
    model_path = ModelCache(settings.model_cache).path_of(get_preset(model))
    console = Console(width=120)
    rounds = []
    with tempfile.TemporaryDirectory(prefix="dateline-readers-") as tmp:
        settings = load_settings(data_dir=Path(tmp) / "index")
        store = open_store(settings)
        ingest([SAMPLE], store, settings)
        for in_a_row, at_once in (SETS, SETS[::-1]):
            try:
                server, url = start_llama_server(model_path, SLOTS)
            except ServerDidNotStart:
                raise SystemExit(f"error: llama-server at {binary} did not start; run `make llama-server`") from None
            try:
                run_settings = settings.model_copy(update={"llm_base_url": f"{url}/v1"})

                def one(question: str) -> None:
                    ask(question, store, run_settings, llm_spec=f"openai:{model}")

                one("What happened?")  # loads the embedding model and warms the server's instructions prefix
                row = {"in_a_row_s": _timed(lambda: [one(q) for q in in_a_row])}
                with ThreadPoolExecutor(max_workers=SLOTS) as pool:
                    row["at_once_s"] = _timed(lambda: list(pool.map(one, at_once)))
                rounds.append({key: round(value, 2) for key, value in row.items()})
            finally:
                stop_server(server)
    in_a_row_s = sum(r["in_a_row_s"] for r in rounds)
    at_once_s = sum(r["at_once_s"] for r in rounds)
    result = {"model": model, "slots": SLOTS, "cpus": os.cpu_count(), "rounds": rounds,
              "in_a_row_s": round(in_a_row_s, 2), "at_once_s": round(at_once_s, 2),
              "at_once_over_in_a_row": round(at_once_s / in_a_row_s, 2)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    table = Table("round", "4 in a row s", "4 at once s", title=f"several readers, {model} on llama-server "
                  f"--parallel {SLOTS} ({out})")
    for n, r in enumerate(rounds, start=1):
        table.add_row(str(n), str(r["in_a_row_s"]), str(r["at_once_s"]))
    table.add_row("both", str(result["in_a_row_s"]), f"{result['at_once_s']} ({result['at_once_over_in_a_row']}×)")
    console.print(table)


if __name__ == "__main__":
    set_process_environment()
    typer.run(main)
