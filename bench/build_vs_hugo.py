#!/usr/bin/env python3
"""Time a cold build of the guide against Hugo on the same content, and a rebuild after one edit.

Usage: build_vs_hugo.py [--cities 1000] [--jobs 10000] [--runs 3] [--seed 1]
                        [--hugo-lookups where,taxonomy] [--workdir DIR] [--keep]
                        [--skip-hugo] [--skip-mlguide]

Steps: make synthetic content (make_site.py) in a fresh work folder, convert it
to a Hugo site (hugo_site.py), then time, each over --runs runs:

- Hugo cold: `hugo --quiet --destination OUT --cleanDestinationDir --ignoreCache`
  in the Hugo folder, OUT removed first;
- mlguide cold: `python build.py --content CONTENT --out OUT --base-url
  https://bench.example/ --today 2026-11-25` from the repository root, with the
  cache paths in MLGUIDE_CACHE_DIRS and OUT removed first;
- mlguide rebuild: one job's title changed in CONTENT, then the same command,
  cache and OUT kept.

Wall time is measured with time.perf_counter around the child process, peak
RSS with os.wait4 (the child's, or its largest descendant's). The script
reports; it does not judge: it exits 0 whichever is faster, and non-zero only
when the benchmark itself could not run (no content, no Hugo site).
"""

from __future__ import annotations

import argparse
import glob
import io
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
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

# What a cold mlguide build must not find: these paths (glob patterns allowed)
# are removed, with OUT, before every cold build. Placeholders: {repo} is the
# repository root, {work} the benchmark's work folder (parent of CONTENT and
# OUT), {out} OUT's name. The engine keeps its parsed-file cache, spare tree
# and lock beside OUT ({work}/.{out}.parsed, .spare, .lock).
MLGUIDE_CACHE_DIRS: tuple[str, ...] = ("{repo}/.cache", "{work}/.cache", "{work}/.{out}.*")

BASE_URL = "https://bench.example/"
TODAY = "2026-11-25"


def mlguide_command(python: str, content: Path, out: Path) -> list[str]:
    """The mlguide build command (run from the repository root)."""
    return [
        python,
        "build.py",
        "--content",
        str(content),
        "--out",
        str(out),
        "--base-url",
        BASE_URL,
        "--today",
        TODAY,
    ]


def hugo_command(out: Path) -> list[str]:
    """The Hugo build command (run from the Hugo site's folder)."""
    return ["hugo", "--quiet", "--destination", str(out), "--cleanDestinationDir", "--ignoreCache"]


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
    """The runs of one measured case."""

    label: str
    runs: list[Run] = field(default_factory=list)
    files: int | None = None
    note: str = ""

    @property
    def walls(self) -> list[float]:
        """Wall times of the successful runs."""
        return [r.wall for r in self.runs if r.returncode == 0]

    @property
    def median(self) -> float | None:
        """Median wall time, or None when no run succeeded."""
        return statistics.median(self.walls) if self.walls else None

    @property
    def cpu_median(self) -> float | None:
        """Median CPU seconds (user + system) of the successful runs."""
        cpus = [r.cpu for r in self.runs if r.returncode == 0]
        return statistics.median(cpus) if cpus else None


def describe(label: str, i: int, runs: int, run: Run) -> str:
    """One progress line for a finished run."""
    status = "ok" if run.returncode == 0 else f"FAILED (exit {run.returncode})"
    return (
        f"  {label} run {i + 1}/{runs}: {run.wall:.2f}s wall, {run.cpu:.2f}s CPU, "
        f"{run.rss_kb / 1024:.0f} MiB, other work {run.other_cpu:.1f}s CPU  {status}"
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
    """Run cmd in cwd; return wall seconds, peak RSS, exit code and output."""
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


def tail(text: str, lines: int = 15) -> str:
    """The last lines of text, indented."""
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-lines:])


def pick_job(content: Path) -> Path:
    """An open job with a city (so its edit shows on several pages)."""
    for path in sorted((content / "jobs").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        closes = re.search(r"^closes: (\S+)$", text, re.M)
        if re.search(r"^city: ", text, re.M) and (not closes or closes.group(1) >= TODAY):
            return path
    raise SystemExit("no open job with a city in the generated content")


def edit_title(job: Path, n: int) -> str:
    """Change the job's title in place; return the new title."""
    title = f"Benchmark Edited Title {n}"
    text = job.read_text(encoding="utf-8")
    job.write_text(
        re.sub(r"^title: .*$", f'title: "{title}"', text, count=1, flags=re.M), encoding="utf-8"
    )
    return title


def edit_visible(out: Path, job_id: str, title: str) -> str:
    """'yes' if an output file named after the job shows the new title, else 'no'/'unknown'."""
    candidates = [p for p in out.rglob("*") if p.is_file() and job_id in str(p.relative_to(out))]
    if not candidates:
        return "unknown (no output path names the job id)"
    for p in candidates:
        if title in p.read_text(encoding="utf-8", errors="replace"):
            return "yes"
    return "NO: the job's page still shows the old title"


def clear_mlguide_cache(work: Path, out: Path) -> None:
    """Remove the files and folders that MLGUIDE_CACHE_DIRS names."""
    for template in MLGUIDE_CACHE_DIRS:
        pattern = template.format(repo=REPO, work=work, out=out.name)
        for name in glob.glob(pattern, include_hidden=True):
            path = Path(name)
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


def fmt_s(x: float | None) -> str:
    """Seconds, or a dash."""
    return f"{x:8.2f}" if x is not None else "       -"


def ratio_line(label: str, num: float | None, den: float | None, slower_word: str) -> str:
    """One ratio line in plain words."""
    if num is None or den is None:
        return f"  {label:<44} n/a"
    r = num / den
    verdict = f"{slower_word} ({r:.2f}x)" if r > 1 else f"faster ({1 / r:.2f}x as fast)"
    return f"  {label:<44} {r:6.3f}   {verdict}"


def time_hugo(lookup: str, hugo_dir: Path, out: Path, runs: int, timeout: float) -> Series:
    """Cold Hugo builds."""
    series = Series(f"hugo cold ({lookup})")
    for i in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        settle()
        run = measure(hugo_command(out), hugo_dir, timeout)
        series.runs.append(run)
        print(describe(series.label, i, runs, run))
        if run.returncode != 0:
            series.note = "hugo failed"
            print(tail(run.stderr + run.stdout))
            break
    series.files = count_files(out)
    return series


def time_mlguide(
    python: str, work: Path, content: Path, out: Path, runs: int, timeout: float
) -> tuple[Series, Series]:
    """Cold mlguide builds, then rebuilds after one edit each."""
    cold, rebuild = Series("mlguide cold"), Series("mlguide rebuild (1 edit)")
    if not (REPO / "build.py").exists():
        cold.note = rebuild.note = f"SKIPPED: {REPO / 'build.py'} does not exist yet"
        print(f"  mlguide: {cold.note}")
        return cold, rebuild
    cmd = mlguide_command(python, content, out)
    print(f"  mlguide command (in {REPO}): {' '.join(cmd)}")
    for i in range(runs):
        clear_mlguide_cache(work, out)
        shutil.rmtree(out, ignore_errors=True)
        settle()
        run = measure(cmd, REPO, timeout)
        cold.runs.append(run)
        ok = run.returncode == 0
        print(describe(cold.label, i, runs, run))
        if i == 0 and ok and (run.stdout.strip() or run.stderr.strip()):
            print("  its output:\n" + tail(run.stdout + run.stderr, 8))
        if not ok:
            cold.note = rebuild.note = f"build.py failed (exit {run.returncode})"
            print(tail(run.stderr + run.stdout, 25))
            return cold, rebuild
    cold.files = count_files(out)

    job = pick_job(content)
    print(f"  editing the title of {job.relative_to(work)} before each rebuild")
    for i in range(runs):
        title = edit_title(job, i + 1)
        settle()
        run = measure(cmd, REPO, timeout)
        rebuild.runs.append(run)
        ok = run.returncode == 0
        seen = edit_visible(out, job.stem, title) if ok else "-"
        print(describe(rebuild.label, i, runs, run) + f"; new title in output: {seen}")
        if not ok:
            rebuild.note = f"build.py failed (exit {run.returncode})"
            print(tail(run.stderr + run.stdout, 25))
            break
    rebuild.files = count_files(out)
    return cold, rebuild


def report(all_series: list[Series], args: argparse.Namespace) -> None:
    """Print the table and the ratios."""
    print()
    print(
        f"Results: {args.cities} cities, {args.jobs} jobs, seed {args.seed}, "
        f"{args.runs} run(s) each; wall seconds, and median CPU seconds (user + system)"
    )
    print(
        f"  {'case':<28} {'median':>8} {'min':>8} {'max':>8} {'CPU':>8} {'peak RSS':>10} "
        f"{'ok runs':>8} {'.html':>7}"
    )
    for s in all_series:
        w = s.walls
        rss = max((r.rss_kb for r in s.runs if r.returncode == 0), default=0)
        rss_s = f"{rss / 1024:7.0f} MiB" if rss else "         -"
        files = str(s.files) if s.files is not None else "-"
        print(
            f"  {s.label:<28} {fmt_s(s.median)} {fmt_s(min(w) if w else None)} "
            f"{fmt_s(max(w) if w else None)} {fmt_s(s.cpu_median)} {rss_s:>10} "
            f"{len(w):>4}/{len(s.runs):<3} {files:>7}" + (f"   {s.note}" if s.note else "")
        )
    by = {s.label: s for s in all_series}
    cold = by.get("mlguide cold")
    rebuild = by.get("mlguide rebuild (1 edit)")
    cold_m = cold.median if cold else None
    rebuild_m = rebuild.median if rebuild else None
    hugos = [s for s in all_series if s.label.startswith("hugo cold")]
    lines = [
        ratio_line(f"mlguide cold / {h.label}", cold_m, h.median, "mlguide is SLOWER")
        for h in hugos
    ]
    lines.append(
        ratio_line(
            "mlguide rebuild / mlguide cold", rebuild_m, cold_m, "rebuild is SLOWER than cold"
        )
    )
    lines += [
        ratio_line(f"mlguide rebuild / {h.label}", rebuild_m, h.median, "mlguide is SLOWER")
        for h in hugos
    ]
    if cold_m is not None:
        print()
        print("Ratios (medians; below 1 is better for mlguide):")
        print("\n".join(lines))
    # Other work using more than a tenth of a core on average during a run.
    busy = [r for s in all_series for r in s.runs if r.other_cpu > 0.1 * r.wall]
    if busy:
        worst = max(r.other_cpu / r.wall for r in busy)
        print(
            f"\nWARNING: other work ran during {len(busy)} run(s) (up to {worst:.1f} cores' "
            "worth): their wall times include waiting for it. The CPU column is steadier; "
            "rerun on a quiet machine for the figures that count."
        )
    if cold is None or cold.median is None:
        print("\nmlguide was not measured: " + (cold.note if cold and cold.note else "skipped"))


def default_workroot() -> str | None:
    """A RAM-backed temp folder if there is one, so disk flushes do not add noise."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def main(argv: list[str] | None = None) -> int:
    """Make the content, convert it, time both tools and report."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cities", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--hugo-lookups",
        default="where,taxonomy",
        help="Hugo variants to time, comma-separated: where, taxonomy (see hugo_site.py)",
    )
    ap.add_argument(
        "--workdir",
        type=Path,
        help="parent of the temporary work folder (default: /dev/shm if writable)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the work folder and print its path")
    ap.add_argument("--skip-hugo", action="store_true")
    ap.add_argument("--skip-mlguide", action="store_true")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed per build")
    args = ap.parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # keep our lines in order with the children's
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    lookups = [v.strip() for v in args.hugo_lookups.split(",") if v.strip()]

    python = python_for_repo()
    root = str(args.workdir) if args.workdir else default_workroot()
    work = Path(tempfile.mkdtemp(prefix="mlguide-bench-", dir=root))
    content = work / "content"
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs; python {python}")
    print(f"work folder: {work}; load average now {os.getloadavg()[0]:.1f}")
    all_series: list[Series] = []
    try:
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

        if not args.skip_hugo:
            hugo = shutil.which("hugo")
            if hugo is None:
                print("hugo: SKIPPED: no `hugo` on PATH (apt-get install -y hugo)")
            else:
                version = subprocess.run(["hugo", "version"], capture_output=True, text=True)
                print(f"hugo: {version.stdout.strip()}")
                for lookup in lookups:
                    hugo_dir = work / f"hugo-{lookup}"
                    subprocess.run(
                        [
                            python,
                            str(BENCH / "hugo_site.py"),
                            str(content),
                            str(hugo_dir),
                            "--today",
                            TODAY,
                            "--base-url",
                            BASE_URL,
                            "--lookup",
                            lookup,
                        ],
                        check=True,
                    )
                    print(
                        f"  hugo command (in {hugo_dir}): "
                        f"{' '.join(hugo_command(work / f'out-hugo-{lookup}'))}"
                    )
                    all_series.append(
                        time_hugo(
                            lookup, hugo_dir, work / f"out-hugo-{lookup}", args.runs, args.timeout
                        )
                    )

        if not args.skip_mlguide:
            all_series.extend(
                time_mlguide(python, work, content, work / "out-mlguide", args.runs, args.timeout)
            )
        report(all_series, args)
    finally:
        if args.keep:
            print(f"\nkept the work folder: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
