"""The `dateline` command through typer's runner, in this process (the real CLI code; `dateline` in a subprocess
is tested in test_logs.py and test_browser.py). Scripted LLM and extractive answers, then the default model, marked
slow."""

import json

import pytest

from rag.labels import UNCLEAR

from tests.conftest import SAMPLE, SEEDS, invoke_cli

QUESTION = "When did Putin last visit Pyongyang?"


@pytest.fixture(scope="module")
def seeds_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cli") / "index"
    result = invoke_cli("ingest", str(SEEDS), "--data-dir", str(data_dir), "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {k: summary[k] for k in ("added", "updated", "unchanged", "skipped", "failed")} == {
        "added": 2, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    assert summary["chunks"] > 2 and summary["seconds"] > 0
    return data_dir


def _ask(data_dir, *extra):
    """`dateline ask QUESTION --json`."""
    result = invoke_cli("ask", QUESTION, "--data-dir", str(data_dir), "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _assert_citations_quote_their_articles(answer, corpus_dir, data_dir):
    """Each citation is the exact slice of the cleaned article its offsets name, and its words are in the file."""
    for citation in answer["citations"]:
        assert set(citation) >= {"n", "source", "title", "published", "text", "start", "end"}
        shown = json.loads(invoke_cli("sources", "show", citation["source"], "--data-dir", str(data_dir),
                                      "--json").stdout)
        assert shown["text"][citation["start"]:citation["end"]] == citation["text"]
        raw = " ".join((corpus_dir / citation["source"]).read_text().split())
        assert " ".join(citation["text"].split(",")[0].split()[-6:]) in raw


def test_extractive_answer_over_the_seeds_cites_july_2000(seeds_dir):
    answer = _ask(seeds_dir, "--llm", "extractive")
    assert not answer["abstained"]
    assert "July 2000" in answer["answer"] and "[1]" in answer["answer"]
    assert "July 2000" in answer["citations"][0]["text"]
    assert answer["citations"][0]["source"] == "000_2391c0ab0d5c219e.txt"
    _assert_citations_quote_their_articles(answer, SEEDS, seeds_dir)


def test_an_answer_that_does_not_verify_still_shows_the_closest_passages_never_as_citations(seeds_dir):
    """Dateline's own logic with the deterministic extractive backend: its best sentence gives no number, so the
    answer to "how many" abstains, and the closest passages are listed as such, each an exact slice of its article."""
    result = invoke_cli("ask", "How many people live in Pyongyang?", "--data-dir", str(seeds_dir), "--llm",
                        "extractive", "--json")
    answer = json.loads(result.stdout)
    assert answer["abstained"] and answer["answer"] == UNCLEAR and answer["citations"] == []
    assert answer["closest"]
    for passage in answer["closest"]:
        shown = json.loads(invoke_cli("sources", "show", passage["source"], "--data-dir", str(seeds_dir),
                                      "--json").stdout)
        assert shown["text"][passage["start"]:passage["end"]] == passage["text"]
    printed = invoke_cli("ask", "How many people live in Pyongyang?", "--data-dir", str(seeds_dir), "--llm",
                         "extractive").stdout
    assert "Closest passages (not verified as an answer):" in printed and "Sources:" not in printed


def test_ask_json_with_the_scripted_llm_gives_the_verified_sentence_and_its_citation(seeds_dir, scripted_llm):
    """The CLI in-process with the scripted LLM (not a model): the exact reply, checked and rendered as JSON."""
    scripted_llm.reply("Putin last visited Pyongyang in July 2000 [1].", "July 2000")
    result = invoke_cli("ask", QUESTION, "--data-dir", str(seeds_dir), "--llm", "scripted", "--json")
    answer = json.loads(result.stdout)
    assert result.exit_code == 0 and answer["llm"] == "scripted" and not answer["abstained"]
    assert answer["answer"].endswith("Putin last visited Pyongyang in July 2000 [1].")
    assert answer["sentences"][0]["verified"] and "July 2000" in answer["citations"][0]["text"]


@pytest.mark.slow
def test_default_preset_answers_july_2000_with_a_citation_that_contains_it_or_abstains(seeds_dir):
    """On any machine: July 2000 cited to a span that says so, or an abstention; never another date verified."""
    answer = _ask(seeds_dir)
    assert answer["llm"] == "llamacpp:qwen2.5-coder-1.5b"
    assert answer["timings"]["ttft_s"] > 0 and answer["prompt_tokens"] > 50  # the model itself read the prompt
    if answer["abstained"]:
        assert answer["citations"] == [] and answer["reason"], answer
        return
    verified = " ".join(s["text"] for s in answer["sentences"] if s["verified"])
    assert "July 2000" in verified and "September" not in verified, answer
    assert any("July 2000" in c["text"] for c in answer["citations"])
    _assert_citations_quote_their_articles(answer, SEEDS, seeds_dir)


def test_unanswerable_question_abstains_without_citations(seeds_dir):
    result = invoke_cli("ask", "Who won the 2018 football World Cup final?", "--data-dir", str(seeds_dir),
                        "--llm", "extractive", "--json")
    assert result.exit_code == 0
    answer = json.loads(result.stdout)
    assert answer["abstained"] and answer["citations"] == []


def test_human_output_has_markers_and_a_numbered_source_list(seeds_dir):
    result = invoke_cli("ask", QUESTION, "--data-dir", str(seeds_dir), "--llm", "extractive")
    assert result.exit_code == 0
    assert "[1]" in result.stdout and "Sources:" in result.stdout
    assert "Reuters, 21 Jan 2024" in result.stdout and "000_2391c0ab0d5c219e.txt" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "no/such/dir"], "no/such/dir: no such file or directory"),
        (["ask", QUESTION, "--llm", "gpt9"], "unknown LLM backend 'gpt9'"),
        (["ask", QUESTION, "--llm", "llamacpp:nope"], "unknown model preset 'nope'"),
        (["ask", QUESTION, "--llm", "llamacpp:/tmp/missing.gguf"], "does not exist"),
        (["ask", "   ", "--llm", "extractive"], "the question is empty"),
        (["ask", QUESTION, "--as-of", "June 2024"], "bad --as-of"),
        (["ask", QUESTION, "--top-k", "0"], "bad setting 'top_k'"),
    ],
)
def test_bad_input_is_one_line_exit_2_no_traceback(seeds_dir, args, message):
    if args[0] == "ask":
        args = [*args, "--data-dir", str(seeds_dir)]
    result = invoke_cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


def test_a_corrupt_gguf_is_refused_with_a_clear_message(seeds_dir, tmp_path):
    fake = tmp_path / "broken.gguf"
    fake.write_bytes(b"GGUF" + b"\x00" * 1000)
    result = invoke_cli("ask", QUESTION, "--data-dir", str(seeds_dir), "--llm", f"llamacpp:{fake}")
    assert result.exit_code == 2 and "cannot load" in result.stderr and "Traceback" not in result.stderr


def test_failed_files_make_ingest_exit_1_after_ingesting_the_rest(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text((SAMPLE / "2024-06-20-putin-hanoi.md").read_text())
    (corpus / "bad.jsonl").write_text('{"id": 1, "text": "x"}\n{oops\n')
    result = invoke_cli("ingest", str(corpus), "--data-dir", str(tmp_path / "index"), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["added"] == 1
    assert "bad.jsonl:2: malformed JSON" in result.stderr


def test_sources_show_and_remove_keep_every_store_in_step(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("2024-06-20-putin-hanoi.md", "2024-06-17-kremlin-announces-trip.md"):
        (corpus / name).write_text((SAMPLE / name).read_text())
    data_dir = str(tmp_path / "index")
    assert invoke_cli("ingest", str(corpus), "--data-dir", data_dir).exit_code == 0
    shown = invoke_cli("sources", "show", "2024-06-20-putin-hanoi.md", "--data-dir", data_dir, "--json")
    record = json.loads(shown.stdout)
    assert record["outlet"] == "Pacific Monitor" and record["published"] == "2024-06-20"
    assert all(record["text"][c["start"]:c["end"]] == c["text"] for c in record["chunks"])
    assert invoke_cli("sources", "show", "nope.md", "--data-dir", data_dir).exit_code == 2

    removed = invoke_cli("remove", "2024-06-20-putin-hanoi.md", "ghost.md", "--data-dir", data_dir)
    assert removed.exit_code == 1 and "ghost.md: not in the index" in removed.stderr
    (corpus / "2024-06-17-kremlin-announces-trip.md").unlink()
    assert invoke_cli("remove", "--missing", "--data-dir", data_dir).exit_code == 0
    listed = json.loads(invoke_cli("sources", "--data-dir", data_dir, "--json").stdout)
    assert listed == []

    from index.store import Store

    store = Store(tmp_path / "index", "all-MiniLM-L6-v2")
    assert store.collection.count() == 0 and store.lexical_search("Hanoi Putin", 5) == []


def test_watch_ingests_each_round_what_is_new_in_a_changing_feed(tmp_path, site):
    from tests.local_site import DAY, feed, page

    site.files = {"/a1.html": page("The northern bridge"), "/a2.html": page("The harbour tunnel"),
                  "/feed.xml": [feed(site.base, [("a1", DAY)]), feed(site.base, [("a1", DAY), ("a2", DAY)])]}
    feeds = tmp_path / "wires.feeds"
    feeds.write_text(f"{site.base}/feed.xml\n")
    result = invoke_cli("watch", str(feeds), "--every", "1s", "--rounds", "3", "--data-dir", str(tmp_path / "index"))
    assert result.exit_code == 0, result.output
    rounds = [line for line in result.stdout.splitlines() if " round " in line]
    assert len(rounds) == 3
    assert "round 1: added 1, updated 0, unchanged 0, failed 0" in rounds[0]
    assert "round 2: added 1, updated 0, unchanged 1, failed 0" in rounds[1]  # a1: the server said unchanged
    assert "round 3: added 0, updated 0, unchanged 0, failed 0" in rounds[2]  # the feed itself unchanged
    assert site.statuses("/a1.html") == [200, 304]


def test_watch_with_a_bad_interval_is_one_line(tmp_path):
    result = invoke_cli("watch", str(tmp_path), "--every", "soon", "--data-dir", str(tmp_path / "index"))
    assert result.exit_code == 2
    assert "bad --every 'soon': use a number and s, m or h, e.g. 15m" in result.output
    assert "Traceback" not in result.output


def test_timeline_json_lists_dated_events_in_order_each_citing_its_sentence(tmp_path):
    data_dir = tmp_path / "index"
    assert invoke_cli("ingest", str(SAMPLE), "--data-dir", str(data_dir)).exit_code == 0
    result = invoke_cli("timeline", "Putin visits to North Korea", "--since", "2000-01-01", "--until", "2024-12-31",
                        "--data-dir", str(data_dir), "--json")
    assert result.exit_code == 0, result.stderr
    timeline = json.loads(result.stdout)
    items, citations = timeline["items"], {c["n"]: c for c in timeline["citations"]}
    assert len(items) >= 2 and [i["day"] for i in items] == sorted(i["day"] for i in items)
    assert all("2000-01-01" <= i["day"] <= "2024-12-31" for i in items)
    for item in items:
        assert set(item) == {"date", "day", "precision", "text", "citations", "planned"}
        assert citations[item["citations"][0]]["text"] == item["text"]
    human = invoke_cli("timeline", "Putin visits to North Korea", "--data-dir", str(data_dir))
    assert "July 2000" in human.stdout or "19 Jul 2000" in human.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["timeline", ""], "the question is empty"),
    (["timeline", "Putin", "--since", "last week"], "--since"),
])
def test_timeline_bad_input_is_one_line_exit_2(seeds_dir, args, message):
    result = invoke_cli(*args, "--data-dir", str(seeds_dir))
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
