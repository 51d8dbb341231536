"""The preview server as the tests run it: `build.py serve` in a subprocess on loopback."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .conftest import ROOT, TODAY, SiteDir

WAIT = 10.0  # seconds a save may take to show


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str) -> tuple[int, str]:
    """GET `path` exactly as written (no normalising of '..' or '%2e'), from 127.0.0.1."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout}s for {what}")
        time.sleep(0.05)


@dataclass
class Preview:
    """A running preview server and everything it printed."""

    site: SiteDir
    port: int
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def get(self, path: str) -> tuple[int, str]:
        return get(self.port, path)

    def printed(self) -> str:
        return "".join(self.output)

    def wait_for_output(self, text: str, after: int = 0) -> None:
        """Wait until the server prints `text` (in its output past character `after`)."""
        wait_until(lambda: text in self.printed()[after:], f"the server to print {text!r}:\n"
                   f"{self.printed()[after:]}")

    def wait_for_page(self, path: str, text: str, status: int = 200) -> str:
        """Wait until `path` answers `status` with `text` in it; the body."""
        seen: list[tuple[int, str]] = []

        def shows() -> bool:
            seen[:] = [self.get(path)]
            return seen[0][0] == status and text in seen[0][1]

        wait_until(shows, f"{path} to show {text!r} with status {status}; last: "
                   f"{seen[0][0] if seen else '-'}")
        return seen[0][1]

    def templates(self) -> Path:
        return self.site.root / "templates"


@contextmanager
def preview_server(site: SiteDir, *args: str, port: int | None = None) -> Iterator[Preview]:
    """Run `build.py serve` on the site (templates copied beside it), stopped by its pid."""
    if not (site.root / "templates").exists():
        shutil.copytree(ROOT / "templates", site.root / "templates")
    port = port or free_port()
    argv = [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port),
            "--content", "content", "--templates", "templates", "--static",
            str(ROOT / "static"), "--out", "out", "--today", TODAY, *args]
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    process = subprocess.Popen(argv, cwd=site.root, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env)
    preview = Preview(site, port, process)
    assert process.stdout is not None
    stdout = process.stdout

    def read() -> None:
        for line in stdout:
            preview.output.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_until(lambda: "Serving the preview at" in preview.printed()
                   or process.poll() is not None, "the server to start", timeout=60)
        assert process.poll() is None, preview.printed()
        yield preview
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        reader.join(timeout=5)
