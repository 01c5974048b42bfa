"""The log a user can send: the real CLI in a subprocess with its home in a temp dir."""

import pytest

from rag.logs import LOG_BACKUPS, MAX_LOG_BYTES, PACKAGES, log_path, setup_logging
from tests.conftest import invoke_cli, run_cli


@pytest.mark.slow  # `dateline` in a subprocess
def test_a_user_error_is_one_line_on_screen_and_its_traceback_is_in_the_log(tmp_path):
    env = {"DATELINE_HOME": str(tmp_path)}
    result = run_cli("ask", "When did the Zorblat summit end?", "--data-dir", str(tmp_path / "empty"), env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "is empty" in result.stderr
    log = log_path(tmp_path).read_text()
    assert "Traceback" in log and "StoreError" in log
    assert "Zorblat" not in log  # no question text at INFO


@pytest.mark.slow  # `dateline` in a subprocess
def test_verbose_also_prints_the_log_on_stderr(tmp_path):
    result = run_cli("--verbose", "models", "list", "--json", env={"DATELINE_HOME": str(tmp_path)})
    assert result.returncode == 0 and "command models_list started" in result.stderr


def test_the_log_rotates_instead_of_growing(tmp_path):
    import logging

    setup_logging(tmp_path)
    logger = logging.getLogger("rag.test")
    try:
        for _ in range(2 * LOG_BACKUPS + 4):
            logger.info("x" * (MAX_LOG_BYTES // 2))
    finally:
        for name in PACKAGES:
            for handler in logging.getLogger(name).handlers[:]:
                logging.getLogger(name).removeHandler(handler)
                handler.close()
    files = sorted(log_path(tmp_path).parent.iterdir())
    assert len(files) == LOG_BACKUPS + 1 and all(f.stat().st_size <= MAX_LOG_BYTES * 1.01 for f in files)


def test_ingest_help_names_every_file_type_it_reads():
    help_text = invoke_cli("ingest", "--help").stdout
    for suffix in (".txt", ".md", ".html", ".pdf", ".json", ".jsonl", ".urls"):
        assert suffix in help_text
