"""Two processes, one index: `dateline ingest` in a terminal (a real subprocess) while this process, standing for the
chat page, keeps answering from the same data dir (the page's own answer function, the extractive backend, the real
embedded Chroma, MiniLM and manifest)."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEEDS

NEWS = ROOT / "data" / "news"


@pytest.mark.slow
def test_an_ingest_from_another_process_while_answering_leaves_agreeing_stores_and_fresh_answers(tmp_path):
    from index.pipeline import ingest
    from index.store import Store, open_store
    from rag.chat import ask
    from rag.settings import load_settings

    settings = load_settings(data_dir=tmp_path / "index", llm="extractive")
    store = open_store(settings)  # the serving process's store, kept open throughout
    ingest([SEEDS], store, settings)
    before = ask("When did Putin visit Pyongyang?", store, settings)
    assert not before.abstained

    new = tmp_path / "new"  # a dozen of the news set's articles, the Kestrel launch among them
    new.mkdir()
    for article in sorted(NEWS.glob("*.md"))[:12]:
        shutil.copy(article, new)
    log = (tmp_path / "ingest.log").open("w")
    terminal = subprocess.Popen(
        [sys.executable, "-m", "rag", "ingest", str(new), "--data-dir", str(tmp_path / "index"), "--json"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
    answered = 0
    while terminal.poll() is None:  # questions answered while the other process writes
        during = ask("When did Putin visit Pyongyang?", store, settings)
        assert during.retrieved, "the page stopped finding the seed articles"
        answered += 1
    output = terminal.communicate()[0]
    assert terminal.returncode == 0, (tmp_path / "ingest.log").read_text()
    added = json.loads(output)["added"]
    assert added == 12 and answered >= 1

    # The serving process sees the new articles through its open store: dense hits, not only words.
    fresh = ask("How heavy is the Kestrel probe?", store, settings)
    assert any(source.source.startswith("2025-03-18-kestrel") for source in fresh.retrieved), fresh.retrieved
    from index.embed import embedder_for

    vector = embedder_for(settings).embed(["Kestrel spacecraft launch to asteroid Ondine"])[0]
    dense = store.chunks([hit.chunk_id for hit in store.dense_search(vector, 3)])
    assert any(article.id.startswith("2025-03-18-kestrel") for _, article in dense.values())

    # Manifest, vectors and lexical index agree, seen from a third opening of the index.
    check = Store(tmp_path / "index", settings.embed_model)
    listed = {row[0] for row in check.db.execute("SELECT id FROM chunks")}
    assert set(check.collection.get(include=[])["ids"]) == listed
    lexical = check.lexical_chunk_ids()
    assert len(lexical) == len(listed) and set(lexical) == listed
    assert check.article_count() == 2 + added


@pytest.mark.slow
def test_a_second_writer_waits_for_the_first_and_says_so(tmp_path):
    from index.pipeline import ingest
    from index.store import open_store
    from rag.settings import load_settings

    settings = load_settings(data_dir=tmp_path / "index")
    store = open_store(settings)
    with store.writing():  # this process is writing; a terminal's ingest starts meanwhile
        terminal = subprocess.Popen(
            [sys.executable, "-m", "rag", "ingest", str(SEEDS), "--data-dir", str(tmp_path / "index")],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seen = []
        for line in terminal.stdout:  # until it says it waits (or ends, which fails below)
            seen.append(line)
            if "waiting for another Dateline process that is writing to" in line:
                break
        assert terminal.poll() is None, "".join(seen)  # still waiting for the lock
        assert store.article_count() == 0  # and it has written nothing
    output = "".join(seen) + terminal.communicate(timeout=300)[0]
    assert terminal.returncode == 0, output
    assert "waiting for another Dateline process that is writing to" in output
    assert store.article_count() == 2
    assert ingest([SEEDS], store, settings).unchanged == 2
