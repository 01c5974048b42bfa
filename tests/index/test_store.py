"""The store on a real Chroma server (`chroma run` on 127.0.0.1) through the same code path as the embedded one."""

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS, free_port, invoke_cli, start_server, stop_server


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real Chroma server process; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(
        [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")),
         "--host", "127.0.0.1", "--port", str(port)],
        f"{url}/api/v2/heartbeat", "the Chroma server", timeout_s=60,
    )
    yield url
    stop_server(server)


def test_ingest_sources_and_ask_through_a_chroma_server(tmp_path, chroma_server):
    import chromadb

    data_dir = str(tmp_path / "index")
    ingested = invoke_cli("ingest", str(SEEDS), "--data-dir", data_dir, "--chroma-url", chroma_server, "--json")
    assert ingested.exit_code == 0, ingested.output
    chunks = json.loads(ingested.stdout)["chunks"]
    server_side = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.rsplit(":", 1)[1]))
    assert server_side.get_collection("dateline").count() == chunks
    assert not (tmp_path / "index" / "chroma").exists()  # no embedded Chroma was used
    listed = json.loads(invoke_cli("sources", "--data-dir", data_dir, "--chroma-url", chroma_server, "--json").stdout)
    assert {row["id"] for row in listed} == {"000_2391c0ab0d5c219e.txt", "003_26919875a749789e.txt"}
    answer = invoke_cli("ask", "When did Putin visit Pyongyang?", "--as-of", "2024-01-21", "--llm", "extractive",
                        "--data-dir", data_dir, "--chroma-url", chroma_server, "--json")
    result = json.loads(answer.stdout)
    assert "July 2000" in result["answer"]
    assert result["citations"][0]["source"] == "000_2391c0ab0d5c219e.txt"
    removed = invoke_cli("remove", "003_26919875a749789e.txt", "--data-dir", data_dir, "--chroma-url", chroma_server)
    assert removed.exit_code == 0
    remaining = server_side.get_collection("dateline").get(include=["metadatas"])["metadatas"]
    assert {m["article_id"] for m in remaining} == {"000_2391c0ab0d5c219e.txt"}


def test_unreachable_chroma_server_is_one_line_naming_it(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    result = invoke_cli("sources", "--data-dir", str(tmp_path / "index"), "--chroma-url", url)
    assert result.exit_code == 2
    assert f"cannot reach the Chroma server at {url}" in result.output
    assert "Traceback" not in result.output


# The lexical index (FTS5 in the manifest). Dateline's own logic: the vectors are fixed numbers, not embeddings, since
# only the manifest's words are under test; Chroma is the real embedded one.
def _entry(article_id: str, text: str, version: str = "1"):
    from index.records import Article, Chunk
    from index.store import Indexed

    article = Article(id=article_id, title=article_id, text=text, hash=version * 64)
    chunk = Chunk(id=f"{article_id}#{version}#0", article_id=article_id, start=0, end=len(text), text=text,
                  header=f"{article_id} | Wire")
    return Indexed(article, [chunk], [[1.0] + [0.0] * 383], b"")


def _found(store, query: str) -> set[str]:
    return {hit.chunk_id.split("#")[0] for hit in store.lexical_search(query, 10)}


def test_the_lexical_index_changes_with_the_manifest_in_one_transaction(tmp_path):
    from index.store import Store

    store = Store(tmp_path / "index", "all-MiniLM-L6-v2")
    store.put_many([_entry("a", "Flooding closed the Danube ferry."), _entry("b", "The court fined Velmar Steel.")],
                   "chunking")
    assert _found(store, "Which ferry closed?") == {"a"}
    assert _found(store, "the and of") == set()  # stop words alone match nothing
    store.put_many([_entry("a", "Ferries are running again on the Danube.", "2")], "chunking")  # a's new version
    assert _found(store, "flooding") == set() and _found(store, "running") == {"a"}
    store.remove("b")
    assert _found(store, "Velmar") == set()
    assert store.lexical_chunk_ids() == ["a#2#0"]  # no entry outlives its chunk

    reopened = Store(tmp_path / "index", "all-MiniLM-L6-v2")  # another process opening the same index sees it all
    assert _found(reopened, "Danube ferries") == {"a"}


def test_dated_events_are_written_replaced_and_removed_with_their_article_and_found_for_an_older_index(tmp_path):
    from index.store import Store

    store = Store(tmp_path / "index", "all-MiniLM-L6-v2")
    store.put_many([_entry("a", "The Danube ferry was closed by flooding on 3 March 2025."),
                    _entry("b", "The court fined Velmar Steel in July 2024 over the spill.")], "chunking")
    assert [(e.article_id, e.day.isoformat()) for e, _ in store.events(["a", "b"])] == [
        ("b", "2024-07-01"), ("a", "2025-03-03")]  # earliest first
    store.put_many([_entry("a", "Ferries ran again on the Danube from 9 April 2025 onwards.", "2")], "chunking")
    assert [e.day.isoformat() for e, _ in store.events(["a"])] == ["2025-04-09"]  # the old version's event is gone
    store.remove("b")
    assert store.events(["b"]) == []
    with store.db:  # as a Dateline from before dated events left it
        store.db.execute("DELETE FROM events")
        store.db.execute("DELETE FROM meta WHERE key = 'events'")
    reopened = Store(tmp_path / "index", "all-MiniLM-L6-v2")
    assert [e.day.isoformat() for e, _ in reopened.events(["a"])] == ["2025-04-09"]


def test_an_index_from_before_the_lexical_table_is_converted_once_when_opened(tmp_path):
    from index.store import Store

    store = Store(tmp_path / "index", "all-MiniLM-L6-v2")
    store.put_many([_entry("a", "Flooding closed the Danube ferry.")], "chunking")
    with store.db:  # as an older Dateline left it: no lexical entries in the manifest, a bm25s folder beside it
        store.db.execute("DELETE FROM chunk_text")
        store.db.execute("DELETE FROM meta WHERE key = 'lexical'")
    (tmp_path / "index" / "bm25").mkdir()
    assert _found(store, "ferry") == set()

    reopened = Store(tmp_path / "index", "all-MiniLM-L6-v2")
    assert _found(reopened, "ferry") == {"a"}
    assert not (tmp_path / "index" / "bm25").exists()


def test_a_word_in_more_chunks_than_the_lexical_budget_is_left_out_of_the_query(tmp_path, monkeypatch):
    """The cost bound of a big archive, shown with a budget of 3 chunks instead of 5,000."""
    import index.store
    from index.store import Store

    store = Store(tmp_path / "index", "all-MiniLM-L6-v2")
    store.put_many([_entry(f"{n}", f"The ministry said on day {n} that talks went on.") for n in range(4)]
                   + [_entry("rare", "The ministry named Velmar Steel in the report.")], "chunking")
    monkeypatch.setattr(index.store, "LEXICAL_MATCH_BUDGET", 3)
    assert _found(store, "ministry") == set()  # in 5 chunks: over the budget alone
    assert _found(store, "Which ministry named Velmar?") == {"rare"}  # the rare words still find their chunk
    assert _found(store, "Velmar named the talks") == {"rare"}  # named + velmar fit the budget (2), talks (4) not
    monkeypatch.setattr(index.store, "LEXICAL_MATCH_BUDGET", 5000)
    assert len(_found(store, "ministry")) == 5


# Duplicate marks and the vector journal: Dateline's own bookkeeping, with real signatures and the embedded Chroma.
def _signed(article_id: str, text: str, published: str):
    from dataclasses import replace
    from datetime import date

    from index.dedupe import signature

    entry = _entry(article_id, text)
    return replace(entry, article=entry.article.model_copy(update={"published": date.fromisoformat(published)}),
                   signature=signature(text))


def test_an_older_copy_ingested_later_becomes_the_original_of_the_whole_group(tmp_path):
    from index.store import Store
    from tests.conftest import REUTERS_SEED

    wire = REUTERS_SEED.read_text(encoding="utf-8")
    store = Store(tmp_path / "index", "all-MiniLM-L6-v2")
    store.put_many([_signed("b", wire.replace("Reuters", "Wire B"), "2024-01-22"),
                    _signed("c", wire.replace("Reuters", "Wire C"), "2024-01-23")], "chunking")
    store.refresh_derived()
    assert (store.duplicate_of("b"), store.duplicate_of("c")) == (None, "b")
    store.put_many([_signed("a", wire, "2024-01-21")], "chunking")  # the first report, backfilled
    store.refresh_derived()
    assert (store.duplicate_of("a"), store.duplicate_of("b"), store.duplicate_of("c")) == (None, "a", "a")
    store.remove("a")
    store.refresh_derived()
    assert (store.duplicate_of("b"), store.duplicate_of("c")) == (None, "b")


def test_reconcile_removes_a_crash_leftover_from_the_journal_and_lost_vectors_from_a_full_comparison(tmp_path):
    from index.store import Store

    store = Store(tmp_path / "index", "all-MiniLM-L6-v2")
    store.put_many([_entry("a", "Flooding closed the Danube ferry.")], "chunking")
    with store.db:  # as a crash leaves it: journalled, written to Chroma, never listed
        store._journal(["ghost#1#0"])
    store.collection.upsert(ids=["ghost#1#0"], embeddings=[[0.0, 1.0] + [0.0] * 382])
    assert store.reconcile() == 1 and store.collection.count() == 1
    store.collection.upsert(ids=["unjournalled#1#0"], embeddings=[[0.0, 1.0] + [0.0] * 382])  # an older Dateline's
    assert store.reconcile() == 1 and set(store.collection.get(include=[])["ids"]) == {"a#1#0"}
    assert store.db.execute("SELECT count(*) FROM vector_journal").fetchone()[0] == 0
