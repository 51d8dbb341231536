"""Running the build in-process on a site a hostile contributor shaped, as CI would run it."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mlguide import cli

from .conftest import ROOT, TODAY, SiteDir, build_cache, tree_bytes


@dataclass(frozen=True)
class Run:
    """What one `build.py` command printed, and its exit status."""

    code: int
    out: str
    err: str

    def problems(self) -> list[str]:
        """The problem lines of a refused run, without the count line."""
        return self.err.rstrip("\n").splitlines()[:-1]


@contextlib.contextmanager
def working_in(folder: Path) -> Iterator[None]:
    """Run from `folder`, as an editor would from the project: messages name files from there."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def run(site: SiteDir, *args: str, command: str | None = None, templates: Path | None = None,
        static: Path | None = None) -> Run:
    """`build.py [command] --content ... ARGS` on the site, in this process; tracebacks raise."""
    argv = [command] if command else []
    argv += ["--content", "content", "--templates", str(templates or ROOT / "templates"),
             "--static", str(static or ROOT / "static"), "--out", "out", "--today", TODAY, *args]
    out, err = io.StringIO(), io.StringIO()
    with working_in(site.root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv, build_cache())
        except SystemExit as exited:  # argparse refusing an option
            code = int(exited.code or 0)
    return Run(code, out.getvalue(), err.getvalue())


def refused(site: SiteDir, *args: str, **kwargs: object) -> list[str]:
    """The problems of a run that must be refused with exit status 1 and leave out/ alone."""
    before = tree_bytes(site.out) if site.out.exists() else {}
    result = run(site, *args, **kwargs)  # type: ignore[arg-type]
    assert result.code == 1, result.out + result.err
    assert result.err.rstrip("\n").splitlines()[-1].endswith("found; nothing was written.")
    assert (tree_bytes(site.out) if site.out.exists() else {}) == before
    return result.problems()
