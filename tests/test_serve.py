"""The preview server over HTTP: where it listens, what it serves, and that it never dies."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from .conftest import LEEDS, ROOT, SITE, TODAY, SiteDir
from .serving import get_with_headers, preview_server

LEEDS_FILE = "content/cities/leeds.yaml"


def listening_addresses(pid: int) -> set[tuple[str, int]]:
    """The (address, port) of every listening TCP socket of process `pid`, from the kernel.

    /proc/PID/fd names each socket's inode; /proc/net/tcp and tcp6 list every socket
    with its inode, local address and state (0A is LISTEN).
    """
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    found = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        lines = Path(f"/proc/net/{table}").read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:
                continue
            address_hex, port_hex = local.split(":")
            raw = bytes.fromhex(address_hex)
            # The kernel prints each 32-bit word of the address in host (little-endian) order.
            words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.add((socket.inet_ntop(family, words), int(port_hex, 16)))
    return found


def test_by_default_it_listens_on_loopback_only(site: SiteDir) -> None:
    with preview_server(site) as preview:
        assert listening_addresses(preview.process.pid) == {("127.0.0.1", preview.port)}
        assert f"Serving the preview at http://127.0.0.1:{preview.port}/" in preview.printed()


def test_a_port_in_use_is_one_line_and_exit_status_2(site: SiteDir) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--content",
             "content", "--out", "out", "--today", TODAY],
            capture_output=True, text=True, cwd=site.root, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: port {port} on 127.0.0.1 is in use; stop the other server or choose another "
        "port with --port"]
    assert not (site.root / "out").exists(), "it says so before building anything"


def test_the_site_is_built_for_its_local_address(site: SiteDir) -> None:
    with preview_server(site) as preview:
        status, body = preview.get("/cities/leeds/")
        assert status == 200
        assert f'<link rel="canonical" href="http://127.0.0.1:{preview.port}/cities/leeds/">' \
            in body
        assert '<script src="/livereload.js" async></script></head>' in body
        assert preview.get("/livereload.js")[0] == 200


def test_pages_are_never_cached_and_assets_named_by_their_hash_always_are(
        site: SiteDir) -> None:
    with preview_server(site) as preview:
        _, page, body = get_with_headers(preview.port, "/cities/leeds/")
        assert page["Cache-Control"] == "no-store"
        sheet = re.search(r'<link rel="stylesheet" href="/(assets/style\.[0-9a-f]{10}\.css)">',
                          body)
        assert sheet, "the page names its hashed stylesheet"
        status, asset, _ = get_with_headers(preview.port, "/" + sheet.group(1))
        assert status == 200
        assert asset["Cache-Control"] == "public, max-age=31536000, immutable"


TRAVERSALS = [
    "/../content/site.yaml",
    "/cities/../../content/site.yaml",
    "/%2e%2e/content/site.yaml",
    "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "/..%2fcontent%2fsite.yaml",
    "/cities%2f..%2f..%2fcontent%2fsite.yaml",
    "/.%2e/content/site.yaml",
    "/%252e%252e/content/site.yaml",
    "//etc/passwd",
    "/cities/leeds/%00/../../../content/site.yaml",
    "/escape/site.yaml",  # a link in the output folder to a folder outside it
    "/leak.yaml",  # a link to a file outside it
]


def test_nothing_outside_the_output_folder_is_served(site: SiteDir) -> None:
    with preview_server(site) as preview:
        out = site.root / "out"
        (out / "escape").symlink_to(site.content, target_is_directory=True)
        (out / "leak.yaml").symlink_to(site.content / "site.yaml")
        assert preview.get("/cities/leeds/")[0] == 200
        for path in TRAVERSALS:
            status, body = preview.get(path)
            assert status == 404, path
            assert "base_url" not in body and "root:" not in body, path
        assert "Traceback" not in preview.printed()


def test_bad_content_a_deleted_file_and_a_half_saved_file_never_stop_it(site: SiteDir) -> None:
    with preview_server(site) as preview:
        preview.site.remove("cities/york.yaml")
        preview.wait_for_page("/cities/york/", "", status=404)

        mark = len(preview.printed())
        preview.site.remove("site.yaml")
        missing = ("content/site.yaml:1:1: (file): site.yaml is missing; create "
                   "content/site.yaml as described in EDITING.md")
        page = preview.wait_for_page("/cities/leeds/", "site.yaml is missing", status=500)
        assert "content/site.yaml:1:1" in page
        preview.wait_for_output(missing, after=mark)
        assert preview.get("/")[0] == 500, "every page shows the errors"
        assert preview.get("/no/such/page/")[0] == 500
        css = next(p for p in (site.root / "out/assets").iterdir() if p.suffix == ".css")
        assert preview.get(f"/assets/{css.name}")[0] == 200, "files that are not pages still are"
        assert preview.get("/_preview/errors.css")[0] == 200

        preview.site.write("site.yaml", SITE)
        preview.wait_for_page("/cities/leeds/", "Leeds")

        half = LEEDS[: LEEDS.index("specialisms:") + len("specialisms:\n  - name: Hea")]
        (site.content / "cities/leeds.yaml").write_text(half, encoding="utf-8")
        page = preview.wait_for_page("/cities/leeds/", LEEDS_FILE, status=500)
        assert "specialisms[1].sectors (the first specialism&#39;s sectors)" in page
        preview.site.write("cities/leeds.yaml", LEEDS.replace("A northern city", "A mended city"))
        preview.wait_for_page("/cities/leeds/", "A mended city")

        assert preview.process.poll() is None
        assert "Traceback" not in preview.printed()

