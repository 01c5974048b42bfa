"""The real chat page in a real browser: `dateline chat` with smollm2-135m over a real index, driven by Playwright
in Debian's headless Chromium (/usr/bin/chromium, installed by `make test`)."""

import os
import re
import sys

import pytest
from playwright.sync_api import expect, sync_playwright

from rag.settings import load_settings
from tests.conftest import ROOT, SAMPLE, free_port, invoke_cli, start_server, stop_server

pytestmark = pytest.mark.slow  # a real server process with a real model and a real browser

CHROMIUM = "/usr/bin/chromium"
ANSWER_DONE = "#dl-chat .dl-cite, #dl-chat .dl-abstain, #dl-chat .dl-error"
INJECTION = ("The Kelmora harbour bridge opened to traffic on 3 March 2025 after six years of work. "
             'Vandals wrote <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> '
             "on its first pillar, the city's engineers said.")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`dateline chat` in a subprocess on 127.0.0.1 with smollm2-135m; yields its URL."""
    home = tmp_path_factory.mktemp("home")
    data_dir = home / "index"
    assert invoke_cli("ingest", str(SAMPLE), "--data-dir", str(data_dir)).exit_code == 0
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DATELINE_HOME": str(home),
           "DATELINE_MODELS_DIR": str(load_settings().model_cache)}
    url = f"http://127.0.0.1:{port}/"
    process = start_server(
        [sys.executable, "-m", "rag", "chat", "--port", str(port), "--llm", "llamacpp:smollm2-135m",
         "--data-dir", str(data_dir)],
        url, "the chat page", cwd=ROOT, env=env,
    )
    yield url
    stop_server(process)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(server)
    expect(page.locator("#dl-question textarea")).to_be_visible(timeout=30_000)
    yield page
    page.close()


def _ask(page, question: str) -> None:
    box = page.locator("#dl-question textarea")
    box.fill(question)
    box.press("Enter")
    page.locator(ANSWER_DONE).last.wait_for(timeout=180_000)


def test_sources_come_first_then_the_answer_and_a_citation_opens_its_passage(page):
    page.evaluate("""() => {
        window.__seen = {};
        new MutationObserver(() => {
            if (!window.__seen.card && document.querySelector('#dl-sources .dl-card')) window.__seen.card = Date.now();
            if (!window.__seen.cite && document.querySelector('#dl-chat .dl-cite')) window.__seen.cite = Date.now();
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    }""")
    _ask(page, "When did Putin last visit Pyongyang?")
    seen = page.evaluate("window.__seen")
    assert seen.get("card"), "the sources never appeared"
    # smollm2's words depend on the CPU llama.cpp was built for: a cited answer or an abstention is right on any
    # machine, a citation of anything but the June 2024 visit never is.
    if page.locator("#dl-chat .dl-cite").count() == 0:
        expect(page.locator("#dl-chat .dl-abstain").last).to_be_visible()
        return
    assert seen.get("cite") and seen["card"] < seen["cite"]
    expect(page.locator("#dl-chat")).to_contain_text("As of the newest article here")
    page.locator("#dl-chat a.dl-cite").first.click()
    card = page.locator("#dl-src-1-1")
    expect(card).to_have_class(re.compile(r"\bdl-open\b"))
    expect(card).to_be_in_viewport()
    marked = card.locator("mark").inner_text()
    assert "June 2024" in marked or "19 June" in marked, marked
    expect(card).to_contain_text("2024")


def test_an_uploaded_article_is_answered_from_and_its_markup_never_runs(page, tmp_path):
    article = tmp_path / "kelmora bridge <x>.txt"
    article.write_text(f"Kelmora bridge opens\n\n{INJECTION}\n\n" + "Traffic was light on the first day. " * 8)
    page.get_by_role("tab", name="Articles").click()
    page.locator("#dl-upload input[type=file]").set_input_files(str(article))
    page.locator("#dl-index").click()
    expect(page.locator("#dl-articles-status")).to_contain_text("added 1", timeout=120_000)
    expect(page.locator("#dl-articles")).to_contain_text("kelmora_bridge_x.txt")
    page.get_by_role("tab", name="Chat").click()
    _ask(page, "When did the Kelmora harbour bridge open to traffic?")
    expect(page.locator("#dl-sources")).to_contain_text("Kelmora harbour bridge opened")
    expect(page.locator("#dl-sources")).to_contain_text('<img src=x onerror="window.__pwned=1">')
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#dl-sources img, #dl-chat img[src=x], #dl-sources script").count() == 0


def test_the_evaluation_tab_runs_a_public_set_and_draws_the_charts(page):
    page.get_by_role("tab", name="Evaluation").click()
    page.locator("#dl-eval-limit input").fill("3")
    page.locator("#dl-eval-run").click()
    expect(page.locator("#dl-eval-status")).to_contain_text("3 questions on sample", timeout=300_000)
    expect(page.locator("#dl-charts svg").first).to_be_visible()
    expect(page.locator("#dl-metrics")).to_contain_text("accuracy")


def test_a_timeline_question_is_shown_as_a_timeline_whose_citations_open_their_passages(page):
    _ask(page, "Timeline of Putin's visits to North Korea")
    timeline = page.locator("#dl-chat table.dl-timeline").last
    expect(timeline).to_be_visible()
    dates = timeline.locator("td.dl-tl-date").all_inner_texts()
    assert len(dates) >= 2 and any("2000" in d for d in dates) and any("2024" in d for d in dates), dates
    first_event = timeline.locator("td.dl-tl-event").first.inner_text()
    timeline.locator("a.dl-cite").first.click()
    card = page.locator("#dl-src-1-1")
    expect(card).to_have_class(re.compile(r"\bdl-open\b"))
    marked = card.locator("mark").inner_text()
    assert marked and marked in first_event, (marked, first_event)  # the event is the sentence it cites


def test_a_french_question_is_translated_and_answered_in_french_or_abstains_in_french(page):
    """What holds with any model (here the tiny smollm2-135m): the page says how it understood the question, and
    what it shows in French is either a translated sentence (its checked English sentence on hover) or the French
    abstention; a translation that changed a fact would be shown in English with a warning."""
    _ask(page, "Quand Poutine a-t-il visité Pyongyang pour la dernière fois ?")
    turn = page.locator("#dl-chat .dl-understood").last
    expect(turn).to_contain_text("Understood as:")
    chat = page.locator("#dl-chat").inner_html()
    translated = page.locator("#dl-chat .dl-translated")
    if translated.count():
        assert translated.last.get_attribute("title").startswith("Checked in English: ")
    else:
        assert "Les articles ici" in chat or "shown in English" in chat, chat[-2000:]


@pytest.fixture(scope="module")
def extractive_page(browser, tmp_path_factory):
    """The chat page with the extractive preset (no model: its answer is the best-matching sentence, the same on
    every machine) over the conflict corpus of tests/conflict_corpus.py."""
    from tests.conflict_corpus import write_corpus

    home = tmp_path_factory.mktemp("conflicts")
    data_dir = home / "index"
    assert invoke_cli("ingest", str(write_corpus(home / "corpus")), "--data-dir", str(data_dir)).exit_code == 0
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    process = start_server([sys.executable, "-m", "rag", "chat", "--port", str(port), "--llm", "extractive",
                            "--data-dir", str(data_dir)], url, "the chat page", cwd=ROOT,
                           env={**os.environ, "HF_HUB_OFFLINE": "1", "DATELINE_HOME": str(home)})
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    expect(page.locator("#dl-question textarea")).to_be_visible(timeout=30_000)
    yield page
    page.close()
    stop_server(process)


def test_another_outlet_s_different_toll_is_quoted_under_the_answer_and_its_citation_opens_it(extractive_page):
    from tests.conflict_corpus import QUESTION

    page = extractive_page
    _ask(page, QUESTION)
    side = page.locator("#dl-chat .dl-side-differs").last
    expect(side).to_contain_text("reports otherwise", timeout=60_000)
    link = side.locator("a.dl-cite")
    card = page.locator(link.get_attribute("href"))
    link.click()
    expect(card).to_have_class(re.compile(r"\bdl-open\b"))
    marked = card.locator("mark").inner_text()
    assert "killed 31 people" in marked and marked in side.inner_text()  # the side is its source's own words


def test_the_articles_tab_lists_what_the_articles_disagree_on(extractive_page):
    from tests.conflict_corpus import TOPIC

    page = extractive_page
    page.get_by_role("tab", name="Articles").click()
    page.locator("#dl-disagree-topic textarea").fill(TOPIC)
    page.locator("#dl-disagree").click()
    listed = page.locator("#dl-disagreements .dl-relation-differs").first
    expect(listed).to_contain_text("reported differently at the same time", timeout=60_000)
    expect(listed).to_contain_text("killed 23 people")
    expect(listed).to_contain_text("killed 31 people")
    page.get_by_role("tab", name="Chat").click()
