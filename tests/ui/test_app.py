"""The real Gradio app on 127.0.0.1 (extractive answers over the real sample index), driven through gradio_client:
the wiring of the tabs' handlers (tested one by one in test_*_tab.py), per-session state and the shared queue."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

from tests.conftest import free_port
from ui.app import build_app, launch

PUTIN = "When did Putin last visit Pyongyang?"
pytestmark = pytest.mark.slow  # a real web server and its clients


@pytest.fixture(scope="module")
def url(sample_index):
    settings, _ = sample_index
    settings = settings.model_copy(update={"llm": "extractive"})
    app = build_app(settings)
    port = free_port()
    launch(app, settings, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}/"
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
