"""What the page benchmarks share: build the real guide into a temp folder, serve it on loopback."""

from __future__ import annotations

import functools
import http.server
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-25"
CHROMIUM = "/usr/bin/chromium"
# The pages the benchmarks look at: home, a city, the jobs page and a job page.
PAGES = {
    "home": "",
    "city": "cities/london/",
    "jobs": "jobs/",
    "job": "jobs/senior-mlops-engineer-london/",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build_site(out: Path, base_url: str) -> None:
    """Build the repository's content into `out`, as published at `base_url`."""
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--out",
            str(out),
            "--base-url",
            base_url,
            "--today",
            TODAY,
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def end_headers(self) -> None:
        # Like the CDN: hashed assets are immutable, pages are revalidated.
        if self.path.startswith("/assets/"):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()


@contextmanager
def serve(folder: Path, port: int) -> Iterator[str]:
    """Serve `folder` at http://127.0.0.1:port/ until the block ends."""
    handler = functools.partial(_Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()
