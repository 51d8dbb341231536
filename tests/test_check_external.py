"""check --external tries the content's links to other sites, politely, and remembers.

Every outside address in these sites is a page of a test server on 127.0.0.1
(port 0), which answers 200, 404, 500, refuses HEAD, or holds a request past
the timeout; nothing else is ever asked. The runs are the command as an editor
or the weekly workflow runs it; what the server was asked is read back from
its own log.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from .browser import LoopbackServer
from .conftest import LEEDS, SiteDir, run_cli, small_site

PER_HOST = 2  # at most this many requests to one host at once, as external.py promises


@dataclass
class Server:
    """A site on 127.0.0.1 that answers as told, and logs what it was asked."""

    base: str = ""
    asked: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    failing: set[str] = field(default_factory=set)  # paths answering 500 for now
    release: threading.Event = field(default_factory=threading.Event)
    together: threading.Condition = field(default_factory=threading.Condition)
    in_flight: int = 0
    most_at_once: int = 0

    def paths(self) -> list[str]:
        return sorted({path for _, path in self.asked})


def handler(server: Server) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def answer(self, status: int) -> None:
            body = b"" if self.command == "HEAD" else b"page\n"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def serve(self) -> None:
            server.asked.append((self.command, self.path))
            if self.path in server.failing or self.path == "/broken":
                self.answer(500)
            elif self.path == "/gone":
                self.answer(404)
            elif self.path == "/slow":  # held until the test ends: past any timeout
                server.release.wait(30)
            elif self.path == "/no-head" and self.command == "HEAD":
                self.answer(501)
            elif self.path.startswith("/pair/"):
                self.pair()
            else:
                self.answer(200)

        def pair(self) -> None:
            """Held a moment, or until one too many is in flight: how many come at once.

            A request stops counting before it is answered: the client may send its next
            one the moment the answer arrives, before this thread could count it out.
            """
            with server.together:
                server.in_flight += 1
                server.most_at_once = max(server.most_at_once, server.in_flight)
                server.together.notify_all()
                server.together.wait_for(lambda: server.in_flight > PER_HOST, timeout=0.5)
                server.in_flight -= 1
            self.answer(200)

        do_HEAD = do_GET = serve

    return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serving()


@pytest.fixture
def proxy() -> Iterator[Server]:
    """Another server, named as the environment's web proxy."""
    yield from serving()


def serving() -> Iterator[Server]:
    found = Server()
    httpd = LoopbackServer(("127.0.0.1", 0), handler(found))
    # A short poll: shutdown() waits for the loop to look, 0.5 s by default, at every test end.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    found.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield found
    finally:
        found.release.set()
        httpd.shutdown()
        httpd.server_close()


def linked_site(root: Any, base: str, overview: str) -> SiteDir:
    """The small site with every outside address on the test server."""
    site = small_site(root)
    site.write("cities/leeds.yaml", LEEDS.replace(
        "overview: |\n  Leeds has a growing data community.\n",
        f"overview: |\n{overview}").replace("https://www.leeds.ac.uk/", f"{base}/ok"))
    job = site.content / "jobs/data-scientist-leeds.yaml"
    job.write_text(job.read_text().replace("https://jobs.example/apply/1", f"{base}/no-head"))
    # Nothing but the test server is ever asked: base_url is this site, never tried.
    addresses = re.findall(r"https?://[^\s)\"']+", "".join(
        p.read_text() for p in site.content.rglob("*.*")))
    assert {a for a in addresses if not a.startswith(base)} == {"https://guide.example/"}
    return site


def check_external(site: SiteDir) -> Any:
    return site.build("--external", "--timeout", "0.5", command="check")


def record(site: SiteDir) -> dict[str, Any]:
    return json.loads((site.root / ".mlguide/out/links.json").read_text())["links"]


def test_a_link_is_reported_once_it_failed_twice_in_a_row(tmp_path: Any, server: Server) -> None:
    base = server.base
    site = linked_site(tmp_path, base, f"  See [the lab]({base}/ok), [old]({base}/gone), "
                       f"[slow]({base}/slow) and [flaky]({base}/flaky).\n")
    server.failing.add("/flaky")
    first = check_external(site)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == (
        "links to other sites: 5 tried, 0 answered lately (not asked again), 3 failed for the "
        "first time (tried again next run), 0 failed twice in a row")
    # HEAD first; GET only where HEAD did not succeed.
    assert sorted(set(server.asked)) == [
        ("GET", "/flaky"), ("GET", "/gone"), ("GET", "/no-head"), ("GET", "/slow"),
        ("HEAD", "/flaky"), ("HEAD", "/gone"), ("HEAD", "/no-head"), ("HEAD", "/ok"),
        ("HEAD", "/slow")]

    server.failing.clear()  # the flaky site is back
    server.asked.clear()
    second = check_external(site)
    assert second.returncode == 1
    line = (site.content / "cities/leeds.yaml").read_text().splitlines()[9]  # the 10th
    gone, slow = line.index(f"{base}/gone") + 1, line.index(f"{base}/slow") + 1
    assert second.stderr.splitlines() == [
        f"content/cities/leeds.yaml:10:{gone}: overview: the link '{base}/gone' failed twice "
        "in a row (last: 404 Not Found); open it in a browser; if the page moved, link to "
        "where it is now, else remove the link",
        f"content/cities/leeds.yaml:10:{slow}: overview: the link '{base}/slow' failed twice "
        "in a row (last: no answer within 0.5s); open it in a browser; if the page moved, "
        "link to where it is now, else remove the link",
        "2 links to other sites failed twice in a row; nothing was written but the links' "
        "record."]
    # Addresses that answered last time are not asked again; failing ones are.
    assert server.paths() == ["/flaky", "/gone", "/slow"]
    assert record(site)[f"{base}/flaky"]["failures"] == 0


def test_normal_check_never_leaves_the_machine(tmp_path: Any, server: Server) -> None:
    site = linked_site(tmp_path, server.base, f"  See [old]({server.base}/gone).\n")
    result = site.build(command="check")
    assert result.returncode == 0, result.stderr
    assert server.asked == []
    assert not (site.root / ".mlguide").exists()


def test_an_answer_is_trusted_until_it_is_old(tmp_path: Any, server: Server) -> None:
    site = linked_site(tmp_path, server.base, f"  See [ok]({server.base}/ok).\n")
    assert check_external(site).returncode == 0
    server.asked.clear()
    assert check_external(site).stdout.splitlines()[-1].startswith(
        "links to other sites: 0 tried, 2 answered lately")
    assert server.asked == []
    # Three weeks on, the record is old: every address is asked again.
    path = site.root / ".mlguide/out/links.json"
    kept = json.loads(path.read_text())
    for entry in kept["links"].values():
        entry["checked"] -= 22 * 24 * 3600
    path.write_text(json.dumps(kept))
    assert check_external(site).returncode == 0
    assert server.paths() == ["/no-head", "/ok"]


def test_a_record_that_is_not_one_is_ignored(tmp_path: Any, server: Server) -> None:
    site = linked_site(tmp_path, server.base, "  No links.\n")
    (site.root / ".mlguide/out").mkdir(parents=True)
    (site.root / ".mlguide/out/links.json").write_text('{"version": 1, "links": [1, 2]}')
    assert check_external(site).returncode == 0
    assert server.paths() == ["/no-head", "/ok"]
    assert set(record(site)) == {f"{server.base}/no-head", f"{server.base}/ok"}


def test_the_record_survives_a_build(tmp_path: Any, server: Server) -> None:
    """links.json lives in the build's kept-state folder, which a build does not throw away."""
    site = linked_site(tmp_path, server.base, "  No links.\n")
    assert check_external(site).returncode == 0
    built = site.build()
    assert built.returncode == 0 and "thrown away" not in built.stdout, built.stdout
    assert set(record(site)) == {f"{server.base}/no-head", f"{server.base}/ok"}


def test_one_host_is_asked_at_most_two_at_a_time(tmp_path: Any, server: Server) -> None:
    links = "".join(f"[page {n}]({server.base}/pair/{n}) " for n in range(6))
    site = linked_site(tmp_path, server.base, f"  {links}\n")
    for path, old, new in (("cities/leeds.yaml", "/ok", "/pair/6"),
                           ("jobs/data-scientist-leeds.yaml", "/no-head", "/pair/7")):
        (site.content / path).write_text((site.content / path).read_text().replace(old, new))
    result = site.build("--external", "--timeout", "20", command="check")
    assert result.returncode == 0, result.stderr
    assert server.paths() == [f"/pair/{n}" for n in range(8)]
    assert server.most_at_once == PER_HOST  # two came at once, never more


def test_the_timeout_is_a_number_of_seconds(tmp_path: Any) -> None:
    site = small_site(tmp_path)
    result = site.build("--external", "--timeout", "soon", command="check")
    assert result.returncode == 2
    assert "expected a number of seconds like 10, got 'soon'" in result.stderr


def test_this_machine_is_asked_directly_never_through_a_proxy(
        tmp_path: Any, server: Server, proxy: Server) -> None:
    site = linked_site(tmp_path, server.base, "  No links.\n")
    result = run_cli(site.argv("--external", command="check"), site.root,
                     env={"http_proxy": proxy.base, "HTTP_PROXY": proxy.base})
    assert result.returncode == 0, result.stderr
    assert proxy.asked == [] and server.paths() == ["/no-head", "/ok"]
