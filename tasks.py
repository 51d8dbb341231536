#!/usr/bin/env python3
"""Set-up and everyday tasks, needing nothing but Python 3.11 to start.

    python3 tasks.py build [BUILD OPTIONS]   create .venv if needed, then build into output/
    python3 tasks.py test [PYTEST OPTIONS]   also install the test tools, then run the whole suite
    python3 tasks.py test --watch [PYTEST OPTIONS]
                                             run the tests again on every save (tests/README.md)
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
CHROMIUM = Path("/usr/bin/chromium")
# The project is installed in place as a line in a .pth file: setuptools' default editable
# install imports a finder of its own (and pathlib) at every start of Python, 8 ms of each
# (a third of a no-op build).
EDITABLE = "compat"
WATCHED = ("mlguide", "tests", "templates", "static", "content", "schema")  # what a save changes
# The share cards are drawn with DejaVu Sans (Debian's fonts-dejavu-core), or Liberation Sans.
FONTS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
         Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"))


def run(*argv: str | Path, **kwargs: object) -> None:
    print("+", " ".join(str(a) for a in argv), flush=True)
    subprocess.run([str(a) for a in argv], check=True, cwd=ROOT, **kwargs)  # type: ignore[call-overload]


def ensure_venv(extra: str) -> None:
    """Create .venv and install the project; reinstall only when pyproject.toml changes."""
    if not PYTHON.exists():
        run(sys.executable, "-m", "venv", VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extra.encode()
                            + EDITABLE.encode()).hexdigest()
    stamp = VENV / ".installed"
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    try:
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".{extra}",
            "--config-settings", f"editable_mode={EDITABLE}")
    except subprocess.CalledProcessError:
        # setuptools calls the mode transitional: once it is gone, the default install
        # works the same, 8 ms slower to start.
        print(f"editable_mode={EDITABLE} refused; installing in setuptools' default mode")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".{extra}")
    stamp.write_text(digest)


def ensure_fonts() -> None:
    """A TrueType font for the share cards: installed with apt-get when missing (as root)."""
    if any(font.exists() for font in FONTS):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("The build draws its share cards with DejaVu Sans: "
                 "sudo apt-get install fonts-dejavu-core")
    run("apt-get", "update", "-qq")
    run("apt-get", "install", "-y", "-qq", "fonts-dejavu-core",
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def ensure_test_tools() -> None:
    """The checkers the suite runs for real: Chromium, the Nu HTML checker, axe-core."""
    if not CHROMIUM.exists():
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            sys.exit("The tests need Debian's Chromium at /usr/bin/chromium: "
                     "sudo apt-get install chromium")
        run("apt-get", "update", "-qq")
        quiet_apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "install", "-y", "-qq", "chromium", env=quiet_apt)
    if not shutil.which("java") and os.geteuid() == 0 and shutil.which("apt-get"):
        run("apt-get", "install", "-y", "-qq", "default-jre-headless")
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".installed"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else ""
    if not (stamp.exists() and stamp.read_text() == digest):
        run("npm", "ci", "--no-audit", "--no-fund")
        stamp.write_text(digest)


def watch(command: list[str]) -> int:
    """Run `command` now and again after every save (watchfiles, a dependency already).

    A save during a run stops it and starts a fresh one; Ctrl-C ends the watch.
    """
    print(f"watching {', '.join(WATCHED)}: the tests run again on every save", flush=True)
    try:
        return subprocess.call([str(PYTHON), "-m", "watchfiles", "--filter", "default",
                                shlex.join(command), *WATCHED], cwd=ROOT)
    except KeyboardInterrupt:
        return 0


def main(argv: list[str]) -> int:
    task, rest = (argv[0], argv[1:]) if argv else ("", [])
    if task == "build":
        ensure_venv("")
        ensure_fonts()
        return subprocess.call([str(PYTHON), str(ROOT / "build.py"), *rest], cwd=ROOT)
    if task == "test":
        ensure_venv("[dev]")
        ensure_fonts()
        ensure_test_tools()
        pytest = [str(PYTHON), "-m", "pytest", *(a for a in rest if a != "--watch")]
        if "--watch" in rest:
            return watch(pytest)
        return subprocess.call(pytest, cwd=ROOT)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
