"""The real Gradio app on 127.0.0.1 over the real sample index, driven through gradio_client: the wiring of the tabs'
handlers (tested one by one in test_*_tab.py), per-session state, and several sessions answered at once.

Most tests answer extractively. The several-readers tests answer through LLM servers:
- llama.cpp's own server with four parallel slots (`llama-server --parallel 4`, which `make test` builds once) and
  smollm2-135m: the real thing a team would run;
- a scripted OpenAI-compatible server that takes 2 s per answer, for Dateline's own logic only: on this 2-core
  machine a real server has no spare compute, so four questions at once cannot finish sooner there; a server with
  spare compute (a GPU, more cores) is what the scripted one stands in for.
"""

import html
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.request import urlopen

import gradio as gr
import pytest
from gradio_client import Client

from evals.servers import ServerDidNotStart, llama_server_binary, start_llama_server
from rag.compose import compose
from rag.models import ModelCache, get_preset
from rag.retrieve import retrieve
from tests.conftest import free_port, stop_server
from ui.app import build_app, launch

PUTIN = "When did Putin last visit Pyongyang?"
pytestmark = pytest.mark.slow  # a real web server and its clients


def _served(settings) -> tuple[gr.Blocks, str]:
    """The real app on a free port of 127.0.0.1, not blocking: (app, its URL)."""
    app = build_app(settings)
    port = free_port()
    launch(app, settings, "127.0.0.1", port, block=False)
    return app, f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def url(sample_index):
    settings, _ = sample_index
    app, url = _served(settings.model_copy(update={"llm": "extractive"}))
    yield url
    app.close()


def _ask(client, question, as_of="", published_from="", published_to="", llm="extractive"):
    history, sources, _ = client.predict(question, [], as_of, published_from, published_to, llm, 4,
                                         api_name="/respond")
    return [part["text"] for message in history for part in message["content"]], sources


def test_answer_links_its_citations_to_source_cards_with_the_span_highlighted(url):
    (asked, answer), sources = _ask(Client(url, verbose=False), PUTIN)
    assert asked == PUTIN
    assert "June 2024" in answer and '<a class="dl-cite" href="#dl-src-1-1">[1]</a>' in answer
    assert 'id="dl-src-1-1"' in sources and "<mark>" in sources


def test_as_of_and_the_publication_window_filter_what_is_cited(url):
    client = Client(url, verbose=False)
    (_, answer), sources = _ask(client, PUTIN, as_of="2024-01-21")
    assert "19 Jun 2024" not in sources
    assert "July 2000" in answer or "dl-abstain" in answer  # the right date, or an abstention: never a later one
    assert "2024" not in answer.split("):", 1)[-1].replace("Jan 2024", "")
    (_, answer), sources = _ask(client, "What did Putin and Kim sign?", published_from="2024-06-01",
                                published_to="2024-06-30")
    assert "2023" not in sources.split('class="dl-turn-h"')[1]  # the final cards, cited or closest


def test_bad_dates_and_a_missing_model_are_readable_messages_not_errors(url):
    client = Client(url, verbose=False)
    (_, reply), _ = _ask(client, PUTIN, as_of="yesterday")
    assert "dl-error" in reply and "YYYY-MM-DD" in reply
    (_, reply), _ = _ask(client, PUTIN, llm="llamacpp:/nowhere/model.gguf")
    assert "dl-error" in reply and "/nowhere/model.gguf" in reply
    (_, reply), _ = _ask(client, PUTIN)  # the page keeps working
    assert "dl-cite" in reply


def test_eight_concurrent_sessions_each_get_the_answer_to_their_own_question(url):
    questions = {
        "When did Putin last visit Pyongyang?": "2024",
        "Where did Kim Jong Un and Putin meet in September 2023?": "Vostochny",
        "When did Lavrov visit Pyongyang?": "October",
        "Who is Choe Son Hui?": "Choe",
        "Where did Putin go after Pyongyang?": "Vietnam",
        "When did Putin first visit North Korea?": "2000",
        "How did Seoul react to the treaty?": "Seoul",
        "What did the Kremlin announce on 17 June 2024?": "Kremlin",
    }

    def session(question):
        return question, _ask(Client(url, verbose=False), question)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(session, questions))
    for question, ((asked, answer), sources) in results:
        assert asked == question  # each history holds only its own question
        assert f"Q1: {question}".replace("?", "") in sources.replace("&#63;", "")
        # Its own answer, or its own abstention (the verifier may refuse an extractive quote that answers loosely).
        assert "dl-abstain" in answer or questions[question].lower() in (answer + sources).lower(), (question, answer)


def test_a_follow_up_is_answered_with_the_conversation_in_mind(url):
    client = Client(url, verbose=False)  # one client: one browser session with its own history
    _ask(client, PUTIN)
    (_, answer), sources = _ask(client, "And before that?")
    assert "Understood as: When did Putin last visit Pyongyang" in answer.replace("&#63;", "?")
    assert "Q2:" in sources and "19 Jun 2024" not in sources.split("Q2:")[1].split("Q1:")[0]
    other = Client(url, verbose=False)  # another session has no history to lean on
    (_, answer), _ = _ask(other, "And before that?")
    assert "Understood as" not in answer


# -- several readers ---------------------------------------------------------------------------------------------
FOUR_QUESTIONS = [  # each answered from different articles of the sample, so a mix-up would show
    "Where did Kim Jong Un and Putin meet in September 2023?",
    "When did Lavrov visit Pyongyang?",
    "Where did Putin go after Pyongyang?",
    "How did Seoul react to the treaty?",
]


@pytest.fixture(scope="module")
def parallel_llama_server():
    """llama.cpp's llama-server with four slots and smollm2-135m; yields its /v1 URL."""
    from rag.settings import load_settings

    binary = llama_server_binary()
    assert binary.is_file(), f"no llama-server at {binary}: run `make llama-server` (make test builds it)"
    model = ModelCache(load_settings().model_cache).path_of(get_preset("smollm2-135m"))
    try:
        server, url = start_llama_server(model, slots=4, timeout_s=60)
    except ServerDidNotStart as exc:
        pytest.fail(str(exc))
    yield url
    stop_server(server)


def _card_sources(sources_html: str) -> set[str]:
    """The article (id or URL) of every card in a sources panel."""
    return {html.unescape(re.sub(r"<[^>]+>", "", card))
            for card in re.findall(r'class="dl-card-id">(.*?)</div>', sources_html)}


def test_four_sessions_at_once_share_a_parallel_llm_server_and_each_gets_its_own_answer(
        sample_index, parallel_llama_server):
    settings, store = sample_index
    settings = settings.model_copy(update={"llm_base_url": f"{parallel_llama_server}/v1", "concurrent_questions": 4})
    app, url = _served(settings)
    busy, done = [], threading.Event()

    def watch_slots():
        while not done.is_set():
            slots = json.load(urlopen(f"{parallel_llama_server}/slots", timeout=5))
            busy.append(sum(slot["is_processing"] for slot in slots))
            time.sleep(0.05)

    def session(question):
        return _ask(Client(url, verbose=False), question, llm="openai:smollm2")

    watcher = threading.Thread(target=watch_slots)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(session, FOUR_QUESTIONS))
    finally:
        done.set()
        watcher.join()
        app.close()
    assert max(busy) >= 2, f"the server never worked on two sessions' requests at once (busy slots: {set(busy)})"
    for question, ((asked, answer), sources) in zip(FOUR_QUESTIONS, results):
        assert asked == question  # each history holds only its own question
        own = {p.article.url if (p.article.url or "").startswith("http") else p.article.id
               for p in compose(question, retrieve(question, store, settings), settings)}
        assert _card_sources(sources) and _card_sources(sources) <= own, (question, _card_sources(sources), own)
        assert "dl-error" not in answer


class _SlowScriptedLLM(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint that thinks for 2 s, then streams "You asked: QUESTION" (scripted)."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        question = body["messages"][-1]["content"].rsplit("Question:", 1)[-1].strip()
        time.sleep(2.0)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for delta, finish in (({"role": "assistant", "content": f"You asked: {question}"}, None), ({}, "stop")):
            chunk = {"id": "scripted", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass


def test_four_sessions_at_once_finish_sooner_than_four_in_a_row(sample_index):
    settings, _ = sample_index
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowScriptedLLM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = settings.model_copy(update={
        "llm_base_url": f"http://127.0.0.1:{server.server_port}/v1", "second_reading": False,
        "concurrent_questions": 4})
    app, url = _served(settings)
    try:
        _ask(Client(url, verbose=False), FOUR_QUESTIONS[0], llm="openai:scripted")  # warm: models loaded
        started = time.monotonic()
        in_a_row = [_ask(Client(url, verbose=False), q, llm="openai:scripted") for q in FOUR_QUESTIONS]
        in_a_row_s = time.monotonic() - started
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            at_once = list(pool.map(lambda q: _ask(Client(url, verbose=False), q, llm="openai:scripted"),
                                    FOUR_QUESTIONS))
        at_once_s = time.monotonic() - started
    finally:
        app.close()
        server.shutdown()
    assert at_once_s < 0.6 * in_a_row_s, (at_once_s, in_a_row_s)
    for question, together, alone in zip(FOUR_QUESTIONS, at_once, in_a_row):
        assert together[0][0] == question
        assert together == alone  # the same answer and sources as when asked alone: nothing mixed in
