"""The real Gradio app, served on 127.0.0.1 and driven through gradio_client."""

import socket

import pytest
from gradio_client import Client

from ui.app import build_app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def client(sample_index):
    settings, _ = sample_index
    app = build_app(settings.model_copy(update={"llm": "extractive"}))
    port = _free_port()
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    app.close()


def test_chat_answers_with_citations_and_respects_as_of(client):
    reply = client.predict("When did Putin last visit Pyongyang?", "2024-01-21", api_name="/respond")
    assert "July 2000" in reply and "[1]" in reply and "**Sources**" in reply
    assert "19 Jun 2024" not in reply  # nothing published after the as-of date is cited


def test_bad_as_of_date_is_a_readable_message(client):
    reply = client.predict("When did Putin last visit Pyongyang?", "yesterday", api_name="/respond")
    assert reply.startswith("⚠") and "YYYY-MM-DD" in reply
