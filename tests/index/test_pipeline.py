"""Ingestion through the real store: Chroma on disk, BM25, SQLite manifest, real MiniLM embeddings."""

import shutil

from index.pipeline import ingest
from index.store import open_store
from tests.conftest import SAMPLE, SEEDS


def _vector_ids(store):
    return set(store.collection.get(include=[])["ids"])


def _manifest_chunk_ids(store):
    return {row[0] for row in store.db.execute("SELECT id FROM chunks")}


def test_reingesting_unchanged_files_embeds_nothing(settings):
    store = open_store(settings)
    first = ingest([SEEDS], store, settings)
    assert (first.added, first.failed, first.unchanged) == (2, 0, 0)
    assert first.chunks > 2
    second = ingest([SEEDS], store, settings)
    assert (second.added, second.updated, second.unchanged, second.chunks) == (0, 0, 2, 0)
    assert _vector_ids(store) == _manifest_chunk_ids(store)


def test_changed_file_replaces_its_chunks_everywhere(settings, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE, corpus)
    store = open_store(settings)
    ingest([corpus], store, settings)
    path = corpus / "2024-06-20-putin-hanoi.md"
    old_ids = {cid for cid in _manifest_chunk_ids(store) if cid.startswith(path.name)}
    path.write_text(path.read_text().replace("about a dozen agreements", "eleven agreements"))
    summary = ingest([corpus], store, settings)
    assert (summary.updated, summary.added, summary.unchanged) == (1, 0, 9)
    new_ids = {cid for cid in _manifest_chunk_ids(store) if cid.startswith(path.name)}
    assert new_ids and not (new_ids & old_ids)
    assert _vector_ids(store) == _manifest_chunk_ids(store)
    assert "eleven agreements" in store.article(path.name).text
    hits = store.lexical_search("eleven agreements Hanoi", 3)
    assert hits and hits[0].chunk_id in new_ids


def test_vectors_left_by_a_crash_are_removed_and_ignored(settings):
    store = open_store(settings)
    ingest([SEEDS], store, settings)
    store.collection.upsert(ids=["ghost#0"], embeddings=[[0.1] * 384], documents=["ghost"],
                            metadatas=[{"article_id": "ghost", "start": 0, "end": 5, "published_day": 1}])
    assert "ghost#0" not in store.chunks(["ghost#0"])  # readers only trust what the manifest lists
    ingest([SEEDS], store, settings)
    assert "ghost#0" not in _vector_ids(store)


def test_bad_files_are_reported_and_the_rest_ingested(settings, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / "000_2391c0ab0d5c219e.txt", corpus / "good.txt")
    (corpus / "binary.txt").write_bytes(b"\x00\xff" * 300)
    (corpus / "empty.md").write_text("")
    (corpus / "notes.docx").write_bytes(b"PK")
    lines = []
    summary = ingest([corpus], open_store(settings), settings, report=lines.append)
    assert (summary.added, summary.failed, summary.skipped) == (1, 2, 1)
    assert len(lines) == 3 and all("\n" not in line for line in lines)


def test_a_wire_story_run_by_two_outlets_is_kept_twice_and_marked(settings, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    wire = (corpus / "000_2391c0ab0d5c219e.txt").read_text(encoding="utf-8")
    (corpus / "rerun.txt").write_text(wire.replace("Reuters", "Source: Korea Wire Daily"), encoding="utf-8")
    store = open_store(settings)
    summary = ingest([corpus], store, settings)
    assert summary.added == 3
    marks = {row.article.id: row.duplicate_of for row in store.articles()}
    assert marks == {"000_2391c0ab0d5c219e.txt": None, "rerun.txt": "000_2391c0ab0d5c219e.txt",
                     "003_26919875a749789e.txt": None}
    assert store.article("rerun.txt").outlet == "Korea Wire Daily"
    store.remove("000_2391c0ab0d5c219e.txt")
    store.refresh_derived()
    assert store.duplicate_of("rerun.txt") is None  # the copy left is now nobody's duplicate


def test_progress_reports_files_and_embedded_chunks(settings):
    seen = []
    summary = ingest([SEEDS], open_store(settings), settings, progress=lambda *event: seen.append(event))
    assert ("files", 2, 2) in seen
    assert ("chunks", summary.chunks, summary.chunks) in seen
    assert [done for kind, done, _ in seen if kind == "files"] == [0, 1, 2]
