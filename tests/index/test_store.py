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
