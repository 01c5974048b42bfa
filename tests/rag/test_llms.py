"""Remote LLM backends through llama-index: the OpenAI-compatible path against a real llama.cpp server
(`python -m llama_cpp.server` with smollm2-135m) on 127.0.0.1, and what users see when a server is down or slow."""

import json
import socket
import sys
import threading
import time

import pytest

from rag.chat import AnswerEvent, TokenEvent, answer_events
from rag.models import ModelCache, get_preset
from tests.conftest import free_port, invoke_cli, start_server, stop_server

PUTIN = "When did Putin last visit Pyongyang?"


@pytest.fixture(scope="module")
def llama_server():
    """llama-cpp-python's own OpenAI-compatible server with smollm2-135m; yields its /v1 URL."""
    from rag.settings import load_settings

    model = ModelCache(load_settings().model_cache).path_of(get_preset("smollm2-135m"))
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    server = start_server(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "2048"],
        f"{url}/models", "llama_cpp.server", timeout_s=60,
    )
    yield url
    stop_server(server)


@pytest.fixture
def silent_server():
    """A server that accepts connections and never answers: a backend that is too slow."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    listener.close()
    for connection in held:
        connection.close()


@pytest.mark.slow
def test_openai_backend_streams_from_a_real_llama_cpp_server(sample_index, llama_server):
    settings, store = sample_index
    settings = settings.model_copy(update={"llm_base_url": llama_server})
    events = list(answer_events(PUTIN, store, settings, llm_spec="openai:smollm2"))
    tokens = [e for e in events if isinstance(e, TokenEvent)]
    answer = events[-1].answer
    assert isinstance(events[-1], AnswerEvent) and answer.llm == "openai:smollm2"
    assert len(tokens) > 3  # streamed, not one block
    assert answer.abstained or all(c.text in store.article(c.source).text for c in answer.citations)


@pytest.mark.slow
def test_ask_json_through_the_server_and_an_unreachable_one(sample_index, llama_server):
    settings, _ = sample_index
    data_dir = str(settings.index_dir)
    ok = invoke_cli("ask", PUTIN, "--llm", "openai:smollm2", "--llm-base-url", llama_server, "--data-dir", data_dir,
                    "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["llm"] == "openai:smollm2"
    down = f"http://127.0.0.1:{free_port()}/v1"
    failed = invoke_cli("ask", PUTIN, "--llm", "openai:smollm2", "--llm-base-url", down, "--data-dir", data_dir,
                        "--json")
    assert failed.exit_code == 2
    result = json.loads(failed.stdout)
    assert result["error_kind"] == "unreachable" and down in result["error"]


def test_a_backend_that_never_answers_is_cut_off_at_the_timeout(sample_index, silent_server, monkeypatch):
    settings, _ = sample_index
    monkeypatch.setenv("DATELINE_LLM_TIMEOUT_S", "2")
    started = time.monotonic()
    result = invoke_cli("ask", PUTIN, "--llm", "openai:slow", "--llm-base-url", silent_server,
                        "--data-dir", str(settings.index_dir), "--json")
    assert time.monotonic() - started < 30
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert error["error_kind"] == "timeout" and "no answer within 2 s" in error["error"]
    assert silent_server in error["error"]


def test_ollama_down_names_its_url(sample_index):
    settings, _ = sample_index
    url = f"http://127.0.0.1:{free_port()}"
    result = invoke_cli("ask", PUTIN, "--llm", "ollama:qwen2.5:1.5b", "--llm-base-url", url,
                        "--data-dir", str(settings.index_dir), "--json")
    assert result.exit_code == 2 and json.loads(result.stdout)["error_kind"] == "unreachable"
    assert url in json.loads(result.stdout)["error"]


def test_a_question_in_another_language_is_answered_with_a_warning(sample_index):
    settings, store = sample_index
    events = list(answer_events("Quand Poutine a-t-il visité Pyongyang pour la dernière fois ?", store, settings,
                                llm_spec="extractive"))
    answer = events[-1].answer
    assert answer.question_language == "fr"
    assert answer.warnings and "'fr'" in answer.warnings[0] and "en" in answer.warnings[0]
    english = list(answer_events(PUTIN, store, settings, llm_spec="extractive"))[-1].answer
    assert english.warnings == []


@pytest.mark.slow
def test_in_process_llama_cpp_answers_questions_from_two_threads_in_turn(sample_index):
    """The chat page answers several sessions at once; in-process llama.cpp has one context, so they take turns."""
    from concurrent.futures import ThreadPoolExecutor

    from rag.chat import ask

    settings, store = sample_index
    questions = [PUTIN, "Where did Putin go after Pyongyang?"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda q: ask(q, store, settings, llm_spec="llamacpp:smollm2-135m"), questions))
    for question, answer in zip(questions, answers):
        assert answer.question == question and answer.model_answer  # each thread got a whole answer of its own
        assert answer.abstained or all(c.text in store.article(c.source).text for c in answer.citations)
