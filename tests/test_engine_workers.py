"""A build's workers die with it: a signal to the build alone leaves no process behind.

The command-line contract, so real processes: `build.py` on a site large
enough to fork its workers, a SIGTERM (then, on the next try, a SIGKILL) sent
to the build's own process only, never its group; then every worker is gone,
the lock is free and the next build runs to the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .conftest import ROOT, TODAY, SiteDir, tree_bytes

DEADLINE = 120.0  # seconds: the machine may be busy, the test is not about speed
# The kernel kills a worker the moment its parent dies; one left to run would finish its
# share of pages (seconds of work here) before it noticed the closed pipe.
PROMPTLY = 1.0
# A site whose pages weigh well over render.PARALLEL_WORK (about 3,400), so the build
# forks page workers that run for a second or more, but with fewer Markdown texts than
# render.PARALLEL_TEXTS (about 220 of 400), so those are rendered in the build's own
# process and the page workers are the only processes it forks.
SITE_SIZE = ("--cities", "8", "--jobs", "200")


def children_of(pid: int) -> set[int]:
    """The live processes whose parent is `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def is_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has finished; only its exit status is left to collect


def wait_for(condition: Callable[[], bool], what: str, seconds: float = DEADLINE) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def page_workers(process: subprocess.Popen[bytes]) -> set[int]:
    """The build's page workers, once forked (the only workers it forks on SITE_SIZE)."""
    workers: set[int] = set()

    def forked() -> bool:
        workers.update(children_of(process.pid))
        return bool(workers) or process.poll() is not None

    wait_for(forked, "the build to fork its page workers")
    return workers


def build_command(site: SiteDir) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--content", str(site.content),
            "--templates", str(ROOT / "templates"), "--static", str(ROOT / "static"),
            "--out", str(site.out), "--today", TODAY]


def test_workers_die_with_the_build_and_the_next_build_runs(tmp_path: Path) -> None:
    site = SiteDir(tmp_path)
    subprocess.run([sys.executable, str(ROOT / "bench/make_site.py"), str(site.content),
                    *SITE_SIZE], check=True, capture_output=True)
    for signal_number in (signal.SIGTERM, signal.SIGKILL):
        process = subprocess.Popen(build_command(site), cwd=site.root,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workers = page_workers(process)
        assert process.poll() is None and workers, "the build finished before it forked"
        os.kill(process.pid, signal_number)  # the build alone, not its process group
        process.wait(timeout=DEADLINE)
        assert process.returncode == -signal_number
        wait_for(lambda w=workers: not any(is_alive(pid) for pid in w),  # type: ignore[misc]
                 f"the workers {sorted(workers)} to die after {signal_number.name}", PROMPTLY)
    finished = subprocess.run(build_command(site), cwd=site.root, capture_output=True,
                              text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("built ")
    assert (site.out / "index.html").is_file() and tree_bytes(site.out)
