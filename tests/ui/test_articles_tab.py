"""The Articles tab's handlers called directly: real Chroma on disk in a temp dir, real MiniLM embeddings."""

from index.store import open_store
from ui.articles_tab import CHOOSE_FILES_FIRST, ArticlesTab

ARTICLE = """---
title: Kelmora harbour bridge opens
outlet: Kelmora Post
published: 2025-03-03
---

The Kelmora harbour bridge opened to traffic on 3 March 2025 after six years of work, the city's engineers said.
The first cars crossed at dawn, and the ferry that had carried commuters across the harbour for forty years made
its last trip the same evening. The bridge cost 410 million euros, a third more than planned, the council said.
"""


def _tab(settings):
    return ArticlesTab(open_store(settings), settings)


def test_uploads_are_indexed_listed_and_offered_for_deletion(settings, tmp_path):
    upload = tmp_path / "bridge.md"
    upload.write_text(ARTICLE)
    refused = tmp_path / "notes.exe"
    refused.write_text("x")
    status, table, picker = _tab(settings).index_uploads([str(upload), str(refused)])
    assert status.startswith("Indexed: added 1,") and "notes.exe: unsupported file type" in status
    assert [row[:4] for row in table] == [["bridge.md", "Kelmora harbour bridge opens", "Kelmora Post", "2025-03-03"]]
    assert picker["choices"] == ["bridge.md"]
    assert (settings.index_dir / "uploads" / "bridge.md").read_text() == ARTICLE


def test_nothing_chosen_is_a_hint_not_an_error(settings):
    status, table, _ = _tab(settings).index_uploads(None)
    assert (status, table) == (CHOOSE_FILES_FIRST, [])


def test_reindex_finds_nothing_changed_and_delete_empties_table_picker_and_choice(settings, tmp_path):
    upload = tmp_path / "bridge.md"
    upload.write_text(ARTICLE)
    tab = _tab(settings)
    tab.index_uploads([str(upload)])
    status, table, _ = tab.reindex()
    assert status == "Re-indexed 1 file(s): updated 0, unchanged 1, failed 0." and len(table) == 1
    status, table, picker = tab.delete(["bridge.md", "never-indexed.md"])
    assert status == "Removed 1 article(s)." and table == [] and picker == {
        "__type__": "update", "choices": [], "value": []}
    assert _tab(settings).table() == []  # gone from the store itself, not only from the page
