"""kill -9 a real `dateline ingest` subprocess at several points; the stores must agree and a re-run must finish."""

import os
import signal
import subprocess
import sys
import time

import pytest

from evals.synthetic import write_corpus
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # real subprocesses killed mid-write: ~1 min

ARTICLES = 24  # ~160 chunks in batches of BATCH_CHUNKS: kills land between and inside store writes
BATCH_CHUNKS = 32


def _start_ingest(corpus, data_dir):
    return subprocess.Popen(
        [sys.executable, "-m", "rag", "ingest", str(corpus), "--data-dir", str(data_dir)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "DATELINE_INGEST_BATCH_CHUNKS": str(BATCH_CHUNKS)},
    )


def _kill_after_batches(corpus, data_dir, batches: int, extra_delay_s: float) -> None:
    """Start an ingest, wait for `batches` embedded batches (0: none), then SIGKILL it `extra_delay_s` later."""
    process = _start_ingest(corpus, data_dir)
    seen = 0
    while seen < batches:
        line = process.stderr.readline()
        if not line:
            pytest.fail(f"ingest ended before batch {batches}")
        seen += line.startswith("chunks:")
    time.sleep(extra_delay_s)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _assert_consistent(data_dir):
    """Every chunk the manifest lists has its vector; readers see nothing else; reconcile leaves them equal."""
    from index.store import Store

    store = Store(data_dir, "all-MiniLM-L6-v2")
    listed = {row[0] for row in store.db.execute("SELECT id FROM chunks")}
    stored = set(store.collection.get(include=[])["ids"])
    assert listed <= stored, f"{len(listed - stored)} manifest chunks have no vector"
    assert set(store.chunks(sorted(stored))) == listed  # vectors a crash left behind are invisible to readers
    store.reconcile()
    assert set(store.collection.get(include=[])["ids"]) == listed
    lexical = store.lexical_chunk_ids()
    assert len(lexical) == len(listed) and set(lexical) == listed  # the lexical index lists exactly the same chunks
    return store.article_count()


def test_killed_ingestion_leaves_consistent_stores_and_a_rerun_finishes(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, ARTICLES, chars=4000)
    data_dir = tmp_path / "index"
    counts = []
    for batches, delay in ((1, 0.0), (2, 0.3)):  # right after a batch is written, then inside a later one
        _kill_after_batches(corpus, data_dir, batches, delay)
        if (data_dir / "manifest.sqlite").exists():
            counts.append(_assert_consistent(data_dir))
    assert counts and counts[-1] > 0, "the kills should have left some articles indexed"
    finished = subprocess.run(
        [sys.executable, "-m", "rag", "ingest", str(corpus), "--data-dir", str(data_dir), "--json"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=600,
    )
    assert finished.returncode == 0, finished.stderr
    assert _assert_consistent(data_dir) == ARTICLES
