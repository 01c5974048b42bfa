"""Shared fixtures. Real parts: Chroma on disk in a temp dir, the real MiniLM embeddings, real llama.cpp models
from the model cache (`make test` pulls them first)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals import servers
from evals.servers import free_port, stop_server  # noqa: F401 (tests import them from here)
from rag.settings import set_process_environment

set_process_environment()  # the test run is an entry point, like the CLI

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLE = ROOT / "data" / "sample"
REUTERS_SEED = SEEDS / "000_2391c0ab0d5c219e.txt"
PARISIEN_SEED = SEEDS / "003_26919875a749789e.txt"


@pytest.fixture
def scripted_llm():
    """The scripted LLM (tests/scripted_llm.py, not a model), registered as the backend `scripted` for one test:
    queue replies with `scripted_llm.reply(...)`, read the prompts it got from `scripted_llm.prompts`."""
    from rag.llms import BACKENDS, register_backend
    from tests.scripted_llm import ScriptedLLM

    llm = ScriptedLLM()
    register_backend("scripted", "replies queued by a test")(lambda model, settings: llm)
    yield llm
    BACKENDS.pop("scripted", None)


@pytest.fixture
def settings(tmp_path):
    from rag.settings import load_settings

    return load_settings(data_dir=tmp_path / "index")


def ingested_index(tmp_path_factory, name: str, paths: list[Path]):
    from index.pipeline import ingest
    from index.store import open_store
    from rag.settings import load_settings

    settings = load_settings(data_dir=tmp_path_factory.mktemp(name) / "index")
    store = open_store(settings)
    summary = ingest(paths, store, settings)
    assert summary.failed == 0, summary.problems
    return settings, store


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory):
    """(settings, store) over ../shared/seeds, ingested once per test session."""
    return ingested_index(tmp_path_factory, "seeds", [SEEDS])


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory):
    """(settings, store) over the bundled sample corpus, ingested once per test session."""
    return ingested_index(tmp_path_factory, "sample", [SAMPLE])


def run_cli(*args: str, env: dict | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run the real `dateline` command in a subprocess, as a user would."""
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "rag", *args], capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=600
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def invoke_cli(*args: str):
    """Run the real CLI code in this process (faster than a subprocess); returns click's Result."""
    from typer.testing import CliRunner

    from rag.cli import app

    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def start_server(command: list[str], ready_url: str, what: str, timeout_s: float = 120, **popen) -> subprocess.Popen:
    """Start a real server process and wait until `ready_url` answers; fail the test naming `what` if it never does."""
    try:
        return servers.start_server(command, ready_url, what, timeout_s, **popen)
    except servers.ServerDidNotStart as exc:
        pytest.fail(str(exc))


@pytest.fixture
def site():
    """A real HTTP server whose pages and feeds a test sets and changes (tests/local_site.py)."""
    from tests.local_site import Site

    site = Site()
    yield site
    site.server.shutdown()
