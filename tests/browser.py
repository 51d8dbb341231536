"""Real tools for the tests: a static server on loopback and headless Debian Chromium."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


class LoopbackServer(http.server.ThreadingHTTPServer):
    """A threading server for the tests that takes a client hanging up as no error.

    A browser moving to the next page drops the requests still open (a favicon, a
    feed's icon): the standard server prints a traceback for each into the test's output.
    """

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def static_server(folder: Path, prefix: str = "/",
                  headers: Callable[[str], dict[str, str]] | None = None) -> Iterator[str]:
    """Serve `folder` at http://127.0.0.1:PORT{prefix}, like a CDN would; yields the base URL.

    Requests outside `prefix` get 404, so a site built for a sub-path is tested as one.
    `headers(url_path)` gives extra response headers, as a CDN applies its `_headers` rules.
    """

    class Handler(_QuietHandler):
        def end_headers(self) -> None:
            if headers is not None:
                for name, value in headers(self.path.split("?", 1)[0]).items():
                    self.send_header(name, value)
            super().end_headers()

        def translate_path(self, path: str) -> str:
            if not path.startswith(prefix):
                return str(folder / "__outside_prefix__")
            return super().translate_path("/" + path[len(prefix):])

        def send_error(self, code: int, message: str | None = None,
                       explain: str | None = None) -> None:
            page = folder / "404.html"
            if code == 404 and page.is_file():
                body = page.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().send_error(code, message, explain)

    handler = functools.partial(Handler, directory=str(folder))
    server = LoopbackServer(("127.0.0.1", 0), handler)
    # A short poll: shutdown() waits for the loop to look, 0.5 s by default, at every test end.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
