"""The preview answers only its own address: a real server on loopback, sent forged requests.

DNS rebinding lets a web page name its own host but reach 127.0.0.1: its requests
carry that host, so the preview refuses them; a websocket opened from another
site's page carries that site's Origin, so the reload socket refuses it.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import os
import socket
from pathlib import Path

from mlguide.editor.serve import MAX_SERVED, Preview
from mlguide.pipeline import Settings

from .conftest import ROOT, SiteDir
from .hostile import run
from .serving import preview_server

REFUSED = "This preview answers only at its own address.\n"


def get_as(port: int, path: str, host: str) -> tuple[int, str]:
    """GET `path` from 127.0.0.1 with the Host header `host`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def websocket_status(port: int, host: str, origin: str) -> int:
    """The status a websocket handshake on /livereload gets, with these Host and Origin."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /livereload HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request.encode())
        status_line = connection.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_a_forged_host_and_a_foreign_origin_are_refused(site: SiteDir) -> None:
    with preview_server(site) as preview:
        port = preview.port
        assert get_as(port, "/", f"127.0.0.1:{port}")[0] == 200
        assert get_as(port, "/cities/leeds/", f"localhost:{port}")[0] == 200
        for forged in (f"rebind.example:{port}", "rebind.example", f"127.0.0.1:{port + 1}",
                       f"127.0.0.1.rebind.example:{port}"):
            for path in ("/", "/cities/leeds/", "/livereload.js", "/_preview/errors.css",
                         "/no/such/page/"):
                assert get_as(port, path, forged) == (421, REFUSED), (forged, path)
        own = f"http://127.0.0.1:{port}"
        assert websocket_status(port, f"127.0.0.1:{port}", own) == 101
        assert websocket_status(port, f"127.0.0.1:{port}", "http://rebind.example") == 403
        assert websocket_status(port, f"127.0.0.1:{port}", "null") == 403
        assert websocket_status(port, f"rebind.example:{port}", own) == 421
        assert preview.process.poll() is None


def test_the_pages_it_remembers_are_bounded(tmp_path: Path) -> None:
    settings = Settings(content=tmp_path, templates=ROOT / "templates", static=ROOT / "static",
                        out=tmp_path / "out", today=dt.date(2026, 11, 25))
    preview = Preview(settings)
    for number in range(MAX_SERVED * 5):
        preview.serving(f"/no/such/page/{number}/")
    assert len(preview.served) == MAX_SERVED
    assert f"/no/such/page/{MAX_SERVED * 5 - 1}/" in preview.served


def test_listening_on_every_interface_is_refused_with_the_reason(site: SiteDir) -> None:
    for host in ("", "0.0.0.0", "::"):
        result = run(site, "--host", host, command="serve")
        assert result.code == 2
        assert result.err.splitlines() == [
            f"error: --host '{host}' would answer on every network interface, and the pages "
            "would link to an address no browser can use; give one address: 127.0.0.1 (the "
            "default, this machine only), or this machine's address on your network to preview "
            "from another device"]
        assert not site.out.exists()


def test_the_error_page_names_a_link_out_and_never_quotes_what_it_points_at(
        site: SiteDir) -> None:
    secret = site.root.parent / f"{site.root.name}-secret.yaml"
    secret.write_text("title: hunter2-not-for-the-page\n", encoding="utf-8")
    with preview_server(site) as preview:
        os.symlink(secret, site.content / "jobs" / "leak.yaml")
        page = preview.wait_for_page("/", "is a link to a file outside content", status=500)
        assert "content/jobs/leak.yaml" in page
        assert "hunter2" not in page and "hunter2" not in preview.printed()
