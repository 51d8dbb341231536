"""What each test costs in CPU seconds, browsers and checkers included: `pytest -p tests.cputime`.

`--durations` gives wall time, which on a shared machine says more about the
neighbours than about the test. This plugin counts the processor time of the test
process and of everything it started (Chromium and its renderers, the Nu checker,
servers, forked build workers), from /proc before and after each test, and prints
the tests and the files that cost most at the end of the run (with xdist too: the
figures travel back to the main process with each test's report).

A module- or session-scoped fixture's set-up is counted in the first test that asks
for it, as `--durations` counts it.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

TICK = os.sysconf("SC_CLK_TCK")
KEY = "cpu_seconds"
EVERY = 0.1  # seconds between looks at the process tree; a process that lives less is missed


def _threads(pid: int) -> list[Path]:
    try:
        return list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []


class ProcessTree:
    """The CPU seconds this process and every process below it have used since it began.

    A thread looks at the processes below this one every EVERY seconds and keeps each
    one's last figure, so time is not lost when a process exits and its parent does not
    collect its figures (Chromium's renderers), nor counted twice when it does.
    """

    def __init__(self) -> None:
        self.seen: dict[tuple[int, str], float] = {}  # (pid, start time) -> its own CPU seconds
        self.lock = threading.Lock()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while True:
            self.look()
            time.sleep(EVERY)

    def look(self) -> None:
        found: dict[tuple[int, str], float] = {}
        stack = [int(child) for task in _threads(os.getpid())
                 for child in _read(task / "children").split()]
        while stack:
            pid = stack.pop()
            fields = _read(Path(f"/proc/{pid}/stat")).rpartition(")")[2].split()
            if len(fields) > 19:
                # utime and stime (fields 14 and 15 of stat); start time, field 22
                found[(pid, fields[19])] = (int(fields[11]) + int(fields[12])) / TICK
            stack += [int(child) for task in _threads(pid)
                      for child in _read(task / "children").split()]
        with self.lock:
            self.seen.update(found)

    def cpu(self) -> float:
        self.look()
        own = resource.getrusage(resource.RUSAGE_SELF)
        with self.lock:
            return own.ru_utime + own.ru_stime + sum(self.seen.values())


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


_tree: list[ProcessTree] = []  # started by the first test of the process


def cpu_now() -> float:
    if not _tree:
        _tree.append(ProcessTree())
    return _tree[0].cpu()


_started = pytest.StashKey[float]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_started] = cpu_now()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when == "teardown" and _started in item.stash:
        report.user_properties.append((KEY, cpu_now() - item.stash[_started]))
    return report


class _Summary:
    def __init__(self) -> None:
        self.tests: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == KEY:
                self.tests[report.nodeid] = float(value)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.tests:
            return
        files: dict[str, float] = defaultdict(float)
        for nodeid, seconds in self.tests.items():
            files[nodeid.split("::", 1)[0]] += seconds
        write = terminalreporter.write_line
        terminalreporter.section("CPU seconds (test process and everything it started)")
        write(f"{sum(self.tests.values()):8.1f}  all {len(self.tests)} tests")
        for name, seconds in sorted(files.items(), key=lambda kv: -kv[1])[:25]:
            write(f"{seconds:8.1f}  {name}")
        write("")
        for name, seconds in sorted(self.tests.items(), key=lambda kv: -kv[1])[:40]:
            write(f"{seconds:8.1f}  {name}")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the main process (or a run without xdist)
        config.pluginmanager.register(_Summary(), "cputime-summary")
