"""Local server processes for benchmarks and tests: a free port, a start that waits until the server answers, and
llama.cpp's own `llama-server` with several slots (built by `make llama-server`, found via DATELINE_LLAMA_SERVER)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path


class ServerDidNotStart(RuntimeError):
    """The process exited, or its ready URL did not answer in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(command: list[str], ready_url: str, what: str, timeout_s: float = 120, **popen) -> subprocess.Popen:
    """Start a server process and wait until `ready_url` answers; ServerDidNotStart naming `what` if it never does."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(ready_url, timeout=2).read()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise ServerDidNotStart(f"{what} did not start") from None
            time.sleep(0.3)


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def llama_server_binary() -> Path:
    """The llama-server `make llama-server` built (the Makefile exports its path), else one on PATH."""
    return Path(os.environ.get("DATELINE_LLAMA_SERVER", "llama-server"))


def start_llama_server(model: Path, slots: int, timeout_s: float = 120) -> tuple[subprocess.Popen, str]:
    """llama-server running `model` with `slots` parallel slots of 2,048 tokens each; (process, its base URL)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server([str(llama_server_binary()), "-m", str(model), "--host", "127.0.0.1", "--port", str(port),
                           "--parallel", str(slots), "--ctx-size", str(slots * 2048), "--no-webui"],
                          f"{url}/v1/models", "llama-server", timeout_s=timeout_s)
    return server, url
