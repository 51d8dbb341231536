"""Only the project's own files: a link out of content/, templates/ or static/ is refused.

A pull request can add symlinks. Each case makes real links with os.symlink in
tmp_path, to a "secret" beside the checkout, and checks that the build names the
link, never prints the secret, and publishes nothing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .conftest import ROOT, SiteDir, tree_bytes
from .hostile import refused, run

SECRET = "hunter2-not-for-the-log"


def secret_file(site: SiteDir, name: str = "secret.yaml") -> Path:
    """A file outside the project that a link could point at."""
    outside = site.root.parent / f"{site.root.name}-elsewhere"
    outside.mkdir(exist_ok=True)
    path = outside / name
    path.write_text(f"title: {SECRET}\nbroken: [\n", encoding="utf-8")
    return path


def link_message(display: str, what: str = "file", folder: str = "content") -> str:
    return (f"{display}:1:1: (file): is a link to a {what} outside {folder}; only the project's "
            f"own files are read; replace the link with the {what} itself")


def test_content_files_linked_from_outside_are_named_and_never_read(site: SiteDir) -> None:
    secret = secret_file(site)
    os.symlink(secret, site.content / "jobs" / "leak.yaml")
    os.symlink(secret, site.content / "pages" / "leak.md")
    os.symlink("/etc/passwd", site.content / "cities" / "passwd.yaml")
    problems = refused(site)
    assert problems == [link_message("content/cities/passwd.yaml"),
                        link_message("content/jobs/leak.yaml"),
                        link_message("content/pages/leak.md")]


def test_a_linked_site_yaml_and_a_linked_folder_are_refused(site: SiteDir) -> None:
    secret = secret_file(site)
    (site.content / "site.yaml").unlink()
    os.symlink(secret, site.content / "site.yaml")
    elsewhere = secret.parent / "jobs"
    shutil.move(site.content / "jobs", elsewhere)
    os.symlink(elsewhere, site.content / "jobs")
    problems = refused(site)
    assert problems == [link_message("content/jobs", "folder"),
                        link_message("content/site.yaml")]


def test_links_that_stay_inside_the_folder_are_followed(site: SiteDir) -> None:
    (site.content / "shared").mkdir()
    shutil.move(site.content / "cities" / "york.yaml", site.content / "shared" / "york.yaml")
    os.symlink("../shared/york.yaml", site.content / "cities" / "york.yaml")
    result = run(site)
    assert result.code == 0, result.err
    assert "York" in (site.out / "cities" / "york" / "index.html").read_text(encoding="utf-8")


def test_a_link_loop_and_a_device_are_problems_not_hangs(site: SiteDir) -> None:
    os.symlink("loop-b.yaml", site.content / "jobs" / "loop-a.yaml")
    os.symlink("loop-a.yaml", site.content / "jobs" / "loop-b.yaml")
    os.symlink("/dev/zero", site.content / "jobs" / "zero.yaml")
    os.mkfifo(site.content / "jobs" / "fifo.yaml")
    problems = refused(site)
    assert problems == [
        "content/jobs/fifo.yaml:1:1: (file): is not a regular file; replace it with a plain "
        "text file",
        *(f"content/jobs/loop-{x}.yaml:1:1: (file): cannot be read: Too many levels of symbolic "
          "links; check that the file exists and that its permissions let you read it"
          for x in "ab"),
        link_message("content/jobs/zero.yaml"),
    ]


def test_static_files_and_folders_linked_from_outside_are_not_published(site: SiteDir) -> None:
    secret = secret_file(site, "id_rsa")
    static = site.root / "static"
    shutil.copytree(ROOT / "static", static)
    os.symlink(secret, static / "key.txt")
    os.symlink(secret.parent, static / "more")
    problems = refused(site, static=static)
    assert problems == [link_message("static/key.txt", folder="static"),
                        link_message("static/more", "folder", "static")]


def test_templates_linked_from_outside_are_refused(site: SiteDir) -> None:
    secret = secret_file(site, "evil.html")
    templates = site.root / "templates"
    shutil.copytree(ROOT / "templates", templates)
    os.symlink(secret, templates / "partials" / "evil.html")
    problems = refused(site, templates=templates)
    assert problems == [link_message("templates/partials/evil.html", folder="templates")]


def test_check_says_the_same_and_no_message_holds_the_secret(site: SiteDir) -> None:
    secret = secret_file(site)
    os.symlink(secret, site.content / "jobs" / "leak.yaml")
    result = run(site, command="check")
    assert result.code == 1
    assert result.problems() == [link_message("content/jobs/leak.yaml")]
    assert SECRET not in result.out + result.err
    assert not site.out.exists()


def test_output_is_untouched_by_a_refused_link(site: SiteDir) -> None:
    assert run(site).code == 0
    before = tree_bytes(site.out)
    os.symlink(secret_file(site), site.content / "pages" / "leak.md")
    refused(site)
    assert tree_bytes(site.out) == before
    assert not any(SECRET.encode() in data for data in before.values())
