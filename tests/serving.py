"""The preview server as the tests run it: `build.py serve --port 0` in a subprocess on loopback.

The server binds a free port itself and names it in the line that says it is serving,
so no port is chosen (and raced for) by the test. Every wait is on something the
server does: a line it prints, or a page it answers after a build it reports.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .conftest import ROOT, TODAY, SiteDir

WAIT = 30.0  # seconds a save may take to show (a ceiling: waits end as soon as it shows)
SERVING = re.compile(r"Serving the preview at http://127\.0\.0\.1:(\d+)/")
# The line the server prints when a build finishes, whether it succeeded or not.
BUILT = re.compile(r"^\[\d\d:\d\d:\d\d\] (built |the site could not be built)", re.MULTILINE)


def get(port: int, path: str) -> tuple[int, str]:
    """GET `path` exactly as written (no normalising of '..' or '%2e'), from 127.0.0.1."""
    status, _, body = get_with_headers(port, path)
    return status, body


def get_with_headers(port: int, path: str) -> tuple[int, http.client.HTTPMessage, str]:
    """`get`, with the response's headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@dataclass
class Preview:
    """A running preview server and everything it printed."""

    site: SiteDir
    process: subprocess.Popen[str]
    port: int = 0  # the port the server bound, once it says so
    output: list[str] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)  # each line's wall-clock time, as read
    printed_more: threading.Condition = field(default_factory=threading.Condition)

    def add_output(self, line: str) -> None:
        with self.printed_more:
            self.output.append(line)
            self.arrived.append(time.time())
            self.printed_more.notify_all()

    def wait_for(self, condition: Callable[[str], bool], what: str,
                 timeout: float = WAIT) -> None:
        """Wait until `condition(everything printed)` holds, or the server has stopped."""
        with self.printed_more:
            if not self.printed_more.wait_for(
                    lambda: condition(self.printed()) or self.process.poll() is not None,
                    timeout):
                raise AssertionError(f"waited {timeout}s for {what}:\n{self.printed()}")
        assert condition(self.printed()), f"the server stopped before {what}:\n{self.printed()}"

    def timed_builds(self, mark: int, count: int) -> list[tuple[str, float, float]]:
        """Wait for `count` builds reported after line `mark`; each build's line, and when
        it started and finished (wall clock: its line's arrival less the seconds it says)."""
        self.wait_for(lambda _: len(BUILT.findall("".join(self.output[mark:]))) >= count,
                      f"{count} builds")
        found = []
        for line, finished in zip(self.output[mark:], self.arrived[mark:], strict=True):
            if BUILT.search(line):
                took = re.search(r" in (\d+\.\d+)s", line)
                found.append((line, finished - (float(took.group(1)) if took else 0.0),
                              finished))
        return found[:count]

    def builds(self) -> int:
        """How many builds the server has reported finishing."""
        return len(BUILT.findall(self.printed()))

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def get(self, path: str) -> tuple[int, str]:
        return get(self.port, path)

    def printed(self) -> str:
        return "".join(self.output)

    def wait_for_output(self, text: str, after: int = 0) -> None:
        """Wait until the server prints `text` (in its output past character `after`)."""
        self.wait_for(lambda printed: text in printed[after:], f"the server to print {text!r}")

    def wait_for_page(self, path: str, text: str, status: int = 200) -> str:
        """Wait until `path` answers `status` with `text` in it; the body.

        The page is asked for now, then again each time the server reports a finished
        build, until it shows `text` or WAIT seconds have passed.
        """
        deadline = time.monotonic() + WAIT
        while True:
            builds = self.builds()  # counted before asking: a build finishing after is seen
            seen, body = self.get(path)
            if seen == status and text in body:
                return body
            self.wait_for(lambda _, before=builds: self.builds() > before,
                          f"{path} to show {text!r} with status {status} (last: {seen})",
                          timeout=max(0.0, deadline - time.monotonic()))

    def templates(self) -> Path:
        return self.site.root / "templates"


@contextmanager
def preview_server(site: SiteDir, *args: str) -> Iterator[Preview]:
    """Run `build.py serve --port 0` on the site (templates copied beside it), stopped by its pid.

    The server picks a free port and names it; `Preview.port` is that port.
    """
    if not (site.root / "templates").exists():
        shutil.copytree(ROOT / "templates", site.root / "templates")
    argv = [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0",
            "--content", "content", "--templates", "templates", "--static",
            str(ROOT / "static"), "--out", "out", "--today", TODAY, *args]
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    process = subprocess.Popen(argv, cwd=site.root, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env)
    preview = Preview(site, process)
    assert process.stdout is not None
    stdout = process.stdout

    def read() -> None:
        for line in stdout:
            preview.add_output(line)
        with preview.printed_more:  # the server has gone: wake anyone waiting
            preview.printed_more.notify_all()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        preview.wait_for(lambda printed: SERVING.search(printed) is not None,
                         "the server to start", timeout=60)
        match = SERVING.search(preview.printed())
        assert match is not None
        preview.port = int(match.group(1))
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
