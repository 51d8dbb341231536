"""The reader's story: a small content folder becomes a complete, linked site."""

from __future__ import annotations

import calendar
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mlguide.write import StagingTree

from .conftest import JOB, ROOT, SITE, TODAY, SiteDir, run_cli, tree_bytes
from .pages import hrefs, parse, text, texts


def test_home_lists_cities_in_rank_order_with_cards_and_why_uk(built: SiteDir) -> None:
    home = parse(built.out / "index.html")
    assert texts(home, "//ol[contains(@class, 'cards')]/li/h3") == ["Leeds", "York"]
    leeds_card = texts(home, "//ol[contains(@class, 'cards')]/li")[0]
    assert "England" in leeds_card and "Emerging" in leeds_card
    assert "A northern city with banks and hospitals." in leeds_card
    assert "Good reasons" in text(home) and home.xpath("//em[text()='them']")
    assert home.xpath("//strong[text()='test']"), "the intro's Markdown is rendered"


def test_city_page_shows_specialisms_sectors_employers_by_type_and_jobs(built: SiteDir) -> None:
    page = parse(built.out / "cities/leeds/index.html")
    assert texts(page, "//h1") == ["Leeds"]
    assert texts(page, "//section[@class='specialism']/h3") == ["Health data", "Banking analytics"]
    assert "/sectors/fintech/" in hrefs(page) and "/sectors/healthcare/" in hrefs(page)
    groups = texts(page, "//section[h2[@id='employers']]/h3")
    assert groups == ["Universities", "Research labs"]
    assert "https://www.leeds.ac.uk/" in hrefs(page)
    assert texts(page, "//ul[@class='jobs']//h3") == ["Data Scientist"]
    assert "£50,000–£60,000 a year" in text(page)
    assert texts(page, "//ul[@class='related']/li/a") == ["York"]


def test_sector_page_lists_cities_with_their_specialisms_and_jobs(built: SiteDir) -> None:
    page = parse(built.out / "sectors/healthcare/index.html")
    assert texts(page, "//ul[contains(@class, 'sector-cities')]/li/h3") == ["Leeds"]
    specialisms = texts(page, "//ul[contains(@class, 'sector-cities')]/li/ul/li")
    assert specialisms == ["Health data", "Banking analytics"]
    assert "/cities/leeds/#specialism-2" in hrefs(page)
    assert texts(page, "//ul[@class='jobs']//h3") == ["Data Scientist"]
    fintech = parse(built.out / "sectors/fintech/index.html")
    assert texts(fintech, "//ul[contains(@class, 'sector-cities')]/li/h3") == ["Leeds", "York"]


def test_content_pages_jobs_page_job_page_and_404(built: SiteDir) -> None:
    advice = parse(built.out / "career-advice/index.html")
    assert texts(advice, "//h1") == ["Career advice"] and advice.xpath("//em[text()='Python']")
    nav = texts(advice, "//header//nav//a")
    assert nav == ["Home", "Compare cities", "Employers A–Z", "Jobs", "Career advice"]
    jobs = parse(built.out / "jobs/index.html")
    item = texts(jobs, "//ul[@class='jobs']/li")[0]
    for fact in ("Data Scientist", "Leeds Data Lab", "Leeds (hybrid)", "Hybrid",
                 "£50,000–£60,000 a year", "5 days ago"):
        assert fact in item
    assert jobs.xpath("//time[@datetime='2026-11-20']")
    job = parse(built.out / "jobs/data-scientist-leeds/index.html")
    assert "https://jobs.example/apply/1" in hrefs(job) and "/cities/leeds/" in hrefs(job)
    missing = parse(built.out / "404.html")
    assert texts(missing, "//h1") == ["Page not found"]


def test_jobs_are_listed_newest_first(site: SiteDir) -> None:
    site.write("jobs/older.yaml", JOB.replace("Data Scientist", "Older Role")
               .replace("2026-11-20", "2026-10-01"))
    site.write("jobs/newer.yaml", JOB.replace("Data Scientist", "Newer Role")
               .replace("2026-11-20", "2026-11-24"))
    assert site.build().returncode == 0
    listed = texts(parse(site.out / "jobs/index.html"), "//ul[@class='jobs']//h3")
    assert listed == ["Newer Role", "Data Scientist", "Older Role"]


def test_closed_jobs_are_left_out_of_every_file_and_counted(site: SiteDir) -> None:
    site.write("jobs/closed.yaml", JOB.replace("Data Scientist", "Closed Role")
               .replace("2026-12-31", "2026-11-24"))
    result = site.build()
    assert result.returncode == 0
    assert "1 closed job left out" in result.stdout
    assert "Closed Role" not in site.page("jobs/index.html")
    assert "Closed Role" not in site.page("cities/leeds/index.html")
    assert "jobs/closed/" not in site.page("sitemap.xml")
    assert "This role is closed." in site.page("jobs/closed/index.html"), "kept 30 days"
    later = site.build("--today", "2027-01-01")
    assert "2 closed jobs left out" in later.stdout
    assert not (site.out / "jobs/closed").exists(), "closed for longer than 30 days: gone"
    assert "This role is closed." in site.page("jobs/data-scientist-leeds/index.html")


def test_summary_line_reports_pages_jobs_and_time(site: SiteDir) -> None:
    result = site.build()
    line = result.stdout.strip()
    assert len(line.splitlines()) == 1
    # 65 outputs: the pages, feeds and cards, /admin/ (4), plus the job board's lists (remote, visa,
    # contract, the employer's), their feeds, jobs/cities/, jobs/employers/, alerts, search
    # and _redirects; the search index's files are its own step's and not counted here.
    assert re.fullmatch(r"built 65 files into out \(0 unchanged, reused\) in \d+\.\d\ds; "
                        r"0 closed jobs left out; next closing: 2026-12-31", line), line


def test_links_follow_the_base_url_so_a_sub_path_works(site: SiteDir) -> None:
    assert site.build("--base-url", "https://example.org/guide/").returncode == 0
    page = parse(site.out / "cities/leeds/index.html")
    internal = [h for h in hrefs(page) if not h.startswith(("http", "mailto", "#"))]
    assert internal and all(h.startswith("/guide/") for h in internal), internal
    assert page.xpath("//link[@rel='canonical']/@href") == ["https://example.org/guide/cities/leeds/"]
    assert page.xpath("//link[@rel='stylesheet']/@href")[0].startswith("/guide/assets/style.")
    assert "https://example.org/guide/jobs/" in site.page("sitemap.xml")


def test_css_is_published_under_a_content_hash(built: SiteDir) -> None:
    css = list((built.out / "assets").glob("style.*.css"))
    assert len(css) == 1
    href = parse(built.out / "index.html").xpath("//link[@rel='stylesheet']/@href")[0]
    assert href == f"/assets/{css[0].name}"


def test_check_validates_and_writes_nothing(site: SiteDir) -> None:
    result = site.build(command="check")
    assert result.returncode == 0, result.stderr
    assert "2 cities, 2 sectors, 1 jobs, 1 pages" in result.stdout
    assert not site.out.exists()


def test_help_documents_every_option() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--help"],
                            capture_output=True, text=True, check=True)
    for option in ("--content", "--out", "--base-url", "--today", "--templates", "--static",
                   "check", "SOURCE_DATE_EPOCH"):
        assert option in result.stdout


def test_source_date_epoch_sets_the_build_date(site: SiteDir, tmp_path: Path) -> None:
    """A date the real clock can no longer give: three days before the fixed build date.

    The job was posted on 2026-11-20, so the jobs page says "2 days ago" only if the
    build takes 2026-11-22 from SOURCE_DATE_EPOCH (late that day in UTC, early the next
    in Asia). The whole tree must equal a build given --today 2026-11-22.
    """
    epoch = calendar.timegm((2026, 11, 22, 23, 30, 0))
    argv = [a for a in site.argv() if a not in ("--today", TODAY)]
    result = run_cli(argv, site.root, env={"SOURCE_DATE_EPOCH": str(epoch), "TZ": "Asia/Tokyo"})
    assert result.returncode == 0, result.stderr
    assert "2 days ago" in site.page("jobs/index.html")
    reference = SiteDir(tmp_path / "reference")
    reference.content.parent.mkdir(parents=True)
    shutil.copytree(site.content, reference.content)
    assert reference.build("--today", "2026-11-22").returncode == 0
    assert tree_bytes(site.out) == tree_bytes(reference.out)


def test_two_builds_are_byte_identical_at_any_time_and_place(site: SiteDir, tmp_path: Path) -> None:
    """Another folder, other file times, another time zone (the clock reads 14 hours on)."""
    assert site.build().returncode == 0
    first = tree_bytes(site.out)
    other = SiteDir(tmp_path / "elsewhere")
    for path in site.content.rglob("*"):
        if path.is_file():
            copy = other.write(path.relative_to(site.content).as_posix(), path.read_text())
            os.utime(copy, (86_400, 86_400))  # 2 January 1970
    result = run_cli(other.argv(), other.root, env={"TZ": "Pacific/Kiritimati"})
    assert result.returncode == 0, result.stderr
    assert tree_bytes(other.out) == first


def test_a_rebuild_reusing_pages_equals_a_clean_build(site: SiteDir, tmp_path: Path) -> None:
    assert site.build().returncode == 0
    site.write("jobs/data-scientist-leeds.yaml", JOB.replace("Data Scientist", "ML Scientist"))
    result = site.build()
    assert "unchanged, reused" in result.stdout
    clean = SiteDir(tmp_path / "clean")
    for path in site.content.rglob("*"):
        if path.is_file():
            clean.write(path.relative_to(site.content).as_posix(), path.read_text())
    assert clean.build().returncode == 0
    assert tree_bytes(site.out) == tree_bytes(clean.out)
    assert "ML Scientist" in site.page("cities/leeds/index.html")


@pytest.mark.parametrize("target", ["content", "templates", "root", "parent", "stranger"])
def test_refuses_an_output_folder_it_must_not_replace(site: SiteDir, target: str) -> None:
    stranger = site.root / "stranger"
    stranger.mkdir()
    (stranger / "precious.txt").write_text("keep me")
    out = {"content": site.content, "templates": ROOT / "templates", "root": site.root,
           "parent": site.root.parent, "stranger": stranger}[target]
    before = tree_bytes(stranger)
    result = site.build("--out", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith("error: refusing")
    assert "Traceback" not in result.stderr
    assert tree_bytes(stranger) == before and site.content.is_dir()


# Run build.py with SIGXFSZ at its default action (Python ignores it): a write past the
# file-size limit then kills the process on the spot, as a power cut or `kill -9` would.
KILLABLE = ("import runpy, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_DFL); "
            "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")


def test_a_killed_build_leaves_the_previous_output_whole(site: SiteDir, tmp_path: Path) -> None:
    """The kernel kills a build as it writes its largest page: the old output is intact,
    and the next build cleans up after it and equals a clean build."""
    assert site.build().returncode == 0
    before = tree_bytes(site.out)
    largest = max(len(data) for path, data in before.items() if path.endswith(".html"))
    site.write("site.yaml", SITE.replace("title: Test Guide", "title: Changed Guide"))

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest - 1, largest - 1))

    argv = [sys.executable, "-c", KILLABLE, str(ROOT / "build.py"), *site.argv()]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    killed = subprocess.run(argv, cwd=site.root, env=env, preexec_fn=limit_file_size,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGXFSZ, killed.stderr
    staged = [p for p in tmp_path.rglob("*.html")
              if not p.is_relative_to(site.out) and not p.is_relative_to(site.content)]
    assert staged, "it was killed part way through writing pages"
    assert tree_bytes(site.out) == before
    assert site.build().returncode == 0
    assert "Changed Guide" in site.page("index.html")
    clean = SiteDir(tmp_path / "clean")
    shutil.copytree(site.content, clean.content)
    assert clean.build().returncode == 0
    assert tree_bytes(site.out) == tree_bytes(clean.out), "the half-written tree was not trusted"


def test_a_removed_job_leaves_no_file_or_folder_once_the_spare_tree_is_reused(
        site: SiteDir, tmp_path: Path) -> None:
    """The third build writes into the first one's tree: what the job had there goes."""
    assert site.build().returncode == 0
    assert site.build().returncode == 0  # the first build's tree is now the spare
    (site.content / "jobs/data-scientist-leeds.yaml").unlink()
    assert site.build().returncode == 0
    assert not (site.out / "jobs/data-scientist-leeds").exists(), "its folder goes too"
    clean = SiteDir(tmp_path / "clean")
    shutil.copytree(site.content, clean.content)
    assert clean.build().returncode == 0
    assert tree_bytes(site.out) == tree_bytes(clean.out)
    folders = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*") if p.is_dir())
    assert folders == sorted(p.relative_to(clean.out).as_posix()
                             for p in clean.out.rglob("*") if p.is_dir()), "no empty folder"


def test_the_manifest_is_compact_json_with_sorted_keys(built: SiteDir) -> None:
    manifest = (built.out / ".mlguide-manifest.json").read_text()
    assert manifest.startswith('{"files":{"404.html":{"key":"'), manifest[:60]
    assert manifest.endswith('},"generator":"mlguide"}\n')
    assert ", " not in manifest and ": " not in manifest
    assert re.search(r'"index.html":\{"key":"[0-9a-f]+","sha256":"[0-9a-f]{64}","size":\d+\}',
                     manifest)


@pytest.mark.parametrize("path", ["../escaped.html", "a/../../escaped.html", "/etc/escaped",
                                  ""])
def test_the_writer_refuses_a_path_outside_its_tree(tmp_path: Path, path: str) -> None:
    tree = StagingTree(tmp_path / "tree", {})
    with pytest.raises(ValueError) as refused:
        tree.write(path, b"x")
    assert str(refused.value) == f"refusing to write outside the output folder: {path!r}"
    assert not list(tmp_path.rglob("escaped*"))


def test_linking_in_the_file_a_tree_already_holds_leaves_no_second_name(tmp_path: Path) -> None:
    """The spare and live trees share unchanged files: a link to the same file is a no-op."""
    live = StagingTree(tmp_path / "live", {})
    record = live.write("pagefind/guide/entry.json", b"{}")
    tree = StagingTree(tmp_path / "tree", {})
    tree.records[record.path] = tree.link(tmp_path / "live", record)
    tree.link(tmp_path / "live", record)  # again: the tree holds this very file already
    assert sorted(p.relative_to(tmp_path / "tree").as_posix()
                  for p in (tmp_path / "tree").rglob("*") if p.is_file()) == [
        "pagefind/guide/entry.json"], "no .entry.json.*.tmp published beside it"


def test_a_page_that_takes_the_editors_address_is_refused_naming_both(site: SiteDir) -> None:
    site.write("pages/admin.md", "---\ntitle: Admin\ndescription: Who runs the guide.\n---\nUs.\n")
    result = site.build()
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "(site map):1:1: (address): the address admin/index.html is claimed twice: by "
        "pages/admin.md and by admin/index.html; rename one of them",
        "1 error found; nothing was written."]
    assert not site.out.exists()
