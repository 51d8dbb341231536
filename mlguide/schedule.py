"""Work spread over forked workers that die with their parent.

A worker is a fork of the build: it inherits the model, the templates and the
rendered Markdown, does its share, and sends back plain JSON through a pipe
(nothing is pickled). Each worker asks the kernel to kill it when its parent
dies (PR_SET_PDEATHSIG), so a SIGTERM or SIGKILL sent to the build alone
leaves no worker behind; and it closes the build's lock at once, so it never
holds it, whatever happens to either.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import heapq
import json
import os
import selectors
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any

PR_SET_PDEATHSIG = 1  # linux/prctl.h

Work = Callable[[Sequence[int]], Any]  # a share of positions -> JSON-able result
Describe = Callable[[BaseException], Any]  # an error in a worker -> JSON-able description


class WorkerFailed(Exception):
    """A worker stopped with an error; `detail` is what describe() made of it."""

    def __init__(self, detail: Any) -> None:
        self.detail = detail
        super().__init__(str(detail))


def deal(weights: Sequence[int], parts: int) -> list[list[int]]:
    """Positions dealt heaviest first onto the lightest part, so workers finish together."""
    shares: list[tuple[int, int, list[int]]] = [(0, n, []) for n in range(parts)]
    for position in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        load, n, share = heapq.heappop(shares)
        share.append(position)
        heapq.heappush(shares, (load + weights[position], n, share))
    return [sorted(share) for _, _, share in sorted(shares, key=lambda item: item[1])]


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent goes; go now if it went already."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _child(work: Work, share: Sequence[int], describe: Describe, out: int, parent: int,
           close: Iterable[int]) -> None:
    """A worker's whole life: do the share, send the result, exit without cleanup."""
    code = 0
    try:
        die_with_parent(parent)
        for fd in close:
            os.close(fd)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops the build, not a report
        try:
            message: Any = {"ok": work(share)}
        except Exception as error:  # sent to the parent, which raises it there
            message = {"error": describe(error)}
            code = 1
        data = json.dumps(message, separators=(",", ":")).encode()
        view = memoryview(data)
        while view:
            view = view[os.write(out, view):]
    except BaseException:  # noqa: BLE001 - a worker must never return into the parent's code
        traceback.print_exc()
        code = 2
    finally:
        os._exit(code)


def run_forked(work: Work, shares: Sequence[Sequence[int]], describe: Describe,
               close: Iterable[int] = ()) -> list[Any]:
    """work(share) for each share, each in its own forked worker; the results in share order.

    `close` names file descriptors the workers must not keep (the build's lock).
    """
    close = tuple(close)
    gc.freeze()  # the workers inherit the heap: keep their collector off its pages
    parent = os.getpid()
    children: dict[int, tuple[int, int]] = {}  # read end -> (position, pid)
    try:
        for position, share in enumerate(shares):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                _child(work, share, describe, write, parent, close)
            os.close(write)
            children[read] = (position, pid)
        return _collect(children)
    finally:
        for read, (_, pid) in children.items():
            _close_quietly(read)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _collect(children: dict[int, tuple[int, int]]) -> list[Any]:
    """Read every worker's message to its end, then decode them in share order."""
    received: dict[int, bytearray] = {read: bytearray() for read in children}
    with selectors.DefaultSelector() as selector:
        for read in children:
            selector.register(read, selectors.EVENT_READ)
        open_pipes = len(children)
        while open_pipes:
            for key, _ in selector.select():
                chunk = os.read(key.fd, 1 << 20)
                if chunk:
                    received[key.fd] += chunk
                else:
                    selector.unregister(key.fd)
                    open_pipes -= 1
    results: list[Any] = [None] * len(children)
    for read, (position, pid) in children.items():
        if not received[read]:
            raise WorkerFailed(f"worker {pid} stopped without a result")
        message = json.loads(received[read])
        if "error" in message:
            raise WorkerFailed(message["error"])
        results[position] = message["ok"]
    return results


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
