"""The no-op check: whether the last build of an output saw exactly these inputs.

    settings, library versions, a stat per input file => the last build's signature

A build keeps the stat (size, mtime_ns, inode) of every input it read, with its
settings and the versions of the libraries that shape the bytes, in
`.mlguide/<output>/signature.json`. The next build with the same stats stops
there, as ninja does: it costs a stat per input.

The inputs are the content, templates and static folders and the engine's own
code. A build refuses kept state that git tracks; the signature also keeps the
stat of git's index from before the last build asked git, and while the index
keeps it, git is not asked again.

Imported alone by a build that finds nothing changed, before anything else of
the engine: so it needs only the lightest of the standard library (no
dataclasses, typing, hashlib, subprocess or sqlite3), a few milliseconds of a
no-op whose whole budget is tens of them.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

try:  # BLAKE2 without loading OpenSSL, which hashlib does for its other digests
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python than CPython
    from hashlib import blake2b

ENGINE_DIR = Path(__file__).resolve().parent
# The libraries whose versions can change a published byte (Markdown and its sanitizer,
# templating, YAML reading, validation, feeds, compression, minified scripts). Read from
# the installed distributions' metadata, the one record of what is installed.
OUTPUT_LIBRARIES = ("jinja2", "markupsafe", "markdown", "nh3", "pyyaml", "pydantic",
                    "pydantic-core", "feedgen", "lxml", "brotli", "pillow", "rjsmin")
ABSENT = "absent"
RACY_NS = 2_000_000_000  # a file changed this close to the last build may hide an edit
STATE_FOLDER = ".mlguide"
MANIFEST_NAME = ".mlguide-manifest.json"
SIGNATURE_NAME = "signature.json"  # in the state folder

Stat = tuple[int, int, int]  # size, mtime_ns, inode
NO_STAT: Stat = (-1, -1, -1)


def digest(*parts: str | bytes) -> str:
    """The one digest of the build: 32 hex digits of BLAKE2b over the parts, each delimited."""
    h = blake2b(digest_size=16)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


# --- where a build keeps what it saw -------------------------------------------------------


def state_root(out: Path) -> Path:
    """The folder that holds what builds of `out` keep: .mlguide/<out's name>, beside it."""
    out = out.resolve()
    return out.parent / STATE_FOLDER / out.name


INPUT_FOLDERS = ("content", "templates", "static")


def input_folders(options: object) -> dict[str, Path]:
    """The input folders of a build's options, by what they hold. `options` is a
    graph.Settings, or the command line's arguments, which name them alike (a no-op build
    checks them before the engine that defines Settings is loaded)."""
    return {name: getattr(options, name) for name in INPUT_FOLDERS}


def settings_text(options: object, today: str) -> str:
    """Every setting that can change an output byte, as one line (workers cannot), from
    options as `input_folders` takes them."""
    paths = {name: str(getattr(options, name).resolve()) for name in (*INPUT_FOLDERS, "out")}
    plain = {name: getattr(options, name) for name in ("base_url", "compress", "cms_port")}
    return json.dumps({**paths, **plain, "today": today}, sort_keys=True)


def working_copy(folder: Path) -> Path | None:
    """The top of the git working copy that holds `folder`, if one does."""
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            return parent
    return None


def git_index(folder: Path) -> Path | None:
    """The index of the git working copy that holds `folder`, if one does (store.py asks
    git itself what it tracks). A worktree's or submodule's `.git` is a file naming its git
    folder; one that cannot be read stands for its index."""
    top = working_copy(folder)
    if top is None:
        return None
    dot_git = top / ".git"
    if dot_git.is_dir():
        return dot_git / "index"
    try:
        text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return dot_git
    where = text.partition("gitdir:")[2].strip()
    return (top / where / "index") if where else dot_git


# --- the library versions ----------------------------------------------------------------


def library_versions() -> dict[str, str]:
    """Each output library's installed version, as its distribution's metadata folder says.

    The folders (`markdown-3.7.dist-info`) are found along sys.path the way Python
    finds the packages themselves, first one winning; reading their names costs a
    directory listing, not the import of importlib.metadata a no-op could not afford.
    """
    wanted = {_canonical(name) for name in OUTPUT_LIBRARIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[:-len(".dist-info")].partition("-")
                key = _canonical(project)
                if key in wanted and version:
                    found.setdefault(key, version)
    return {name: found.get(_canonical(name), ABSENT) for name in OUTPUT_LIBRARIES}


def _canonical(name: str) -> str:
    """A project's name as packaging compares it: 'PyYAML', 'pydantic_core' => 'pyyaml', ..."""
    return name.lower().replace("_", "-").replace(".", "-")


# --- a stat per input ----------------------------------------------------------------------


def _stat(entry: os.DirEntry[str] | Path) -> Stat:
    info = entry.stat(follow_symlinks=False)  # a link is an input itself; a loop cannot hang
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _stat_or_none(path: Path) -> Stat:
    try:
        return _stat(path)
    except OSError:
        return NO_STAT


def _walk(folder: Path) -> Iterator[os.DirEntry[str]]:
    """Every file under `folder`, depth first, in no particular order."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        # Links are not followed: the build refuses those that leave their folder, and what
        # those inside it point at is walked in its own place (confine.py).
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                yield from _walk(Path(entry.path))
        elif entry.is_file(follow_symlinks=False) or entry.is_symlink():
            yield entry


def input_stats(folders: Mapping[str, Path]) -> dict[str, Stat]:
    """The stat of every input file, by a name that says which folder it is in."""
    return {f"{label}:{entry.path}": _stat(entry)
            for label, folder in folders.items() for entry in _walk(folder)}


class Signature:
    """What a no-op build compares: the settings, the versions, a stat per input, the output.

    `output` is the stat of the manifest the build left in the output folder, so a
    build whose output was removed or replaced since is not a no-op.
    """

    __slots__ = ("settings", "versions", "stats", "taken_ns", "output", "racy", "index")

    def __init__(self, settings: str, versions: Mapping[str, str], stats: Mapping[str, Stat],
                 taken_ns: int = 0, output: Stat = NO_STAT,
                 racy: Mapping[str, str] | None = None, index: Stat = NO_STAT) -> None:
        self.settings = settings
        self.versions = versions
        self.stats = stats
        self.taken_ns = taken_ns  # when the inputs were looked at
        self.output = output
        # The bytes' digest of each input changed too close to `taken_ns` for its stat to be
        # trusted (git's "racy" entries): the next check hashes just those files again.
        self.racy: Mapping[str, str] = racy or {}
        # The stat of git's index, taken before the build asked git whether it tracks the
        # state folder (store.refuse_if_tracked); NO_STAT outside a working copy.
        self.index = index

    @classmethod
    def now(cls, settings: str, folders: Mapping[str, Path], output: Path,
            index: Stat = NO_STAT) -> Signature:
        stats = input_stats({"engine": ENGINE_DIR, **folders})
        taken_ns = time.time_ns()
        return cls(settings, library_versions(), stats, taken_ns, _stat_or_none(output),
                   racy_digests(stats, taken_ns), index)

    def with_output(self, output: Path) -> Signature:
        """The same inputs, with the output as a build has just left it."""
        return Signature(self.settings, self.versions, self.stats, self.taken_ns,
                         _stat_or_none(output), self.racy, self.index)

    def tracked_as_before(self, index: Stat) -> bool:
        """Whether git's index is as it was when the last build found the state untracked:
        same stat, and older than that build (git rewrites it by rename, as a new inode)."""
        return index == self.index and index[1] + RACY_NS < self.taken_ns

    def matches(self, earlier: Signature | None) -> bool:
        """Whether nothing changed since `earlier`, and no input is too new to be sure of."""
        if earlier is None or self._compared() != earlier._compared():
            return False
        # An edit within a clock tick of the last build may leave size and mtime alone
        # (git's "racy" files): only inputs older than that build are trusted by their stat;
        # a newer one is trusted if its bytes still hash to what that build saw.
        return all(name in earlier.racy and self._digest_of(name) == earlier.racy[name]
                   for name in racy_names(self.stats, earlier.taken_ns))

    def unchanged(self, earlier: Signature | None, label: str) -> dict[str, int]:
        """The inputs of one folder as `earlier` saw them, and too old then to be racy.

        By path as walked, with their size. Their bytes are those the earlier build
        read (it read them after its stat), so what it made of them still holds.
        """
        if earlier is None or earlier.settings != self.settings:
            return {}
        prefix = f"{label}:"
        return {name[len(prefix):]: stat[0] for name, stat in self.stats.items()
                if name.startswith(prefix) and earlier.stats.get(name) == stat
                and stat[1] + RACY_NS < earlier.taken_ns}

    def _digest_of(self, name: str) -> str:
        """An input's digest now: the one this signature took, else its bytes hashed."""
        return self.racy.get(name) or input_digest(name)

    def _compared(self) -> tuple[object, ...]:
        return (self.settings, dict(self.versions), dict(self.stats), tuple(self.output))

    def to_json(self) -> str:
        return json.dumps({"settings": self.settings, "versions": dict(self.versions),
                           "stats": {k: list(v) for k, v in self.stats.items()},
                           "taken_ns": self.taken_ns, "output": list(self.output),
                           "racy": dict(self.racy), "index": list(self.index)},
                          sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Signature | None:
        """The signature a build kept; None when it is not one."""
        try:
            data = json.loads(text)
            stats = {str(k): _three(v) for k, v in data["stats"].items()}
            return cls(str(data["settings"]),
                       {str(k): str(v) for k, v in data["versions"].items()},
                       stats, int(data["taken_ns"]), _three(data["output"]),
                       {str(k): str(v) for k, v in data["racy"].items()},
                       _three(data["index"]))
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None


def racy_names(stats: Mapping[str, Stat], taken_ns: int) -> list[str]:
    """The inputs changed too close to `taken_ns` for their stat to tell an edit apart."""
    return [name for name, (_, mtime, _) in stats.items() if mtime + RACY_NS >= taken_ns]


def input_digest(name: str) -> str:
    """The digest of one input named as input_stats names it ('content:/x/leeds.yaml').

    A link is digested by where it points, as it is an input itself; an input that
    cannot be read has the digest 'absent', and is never recorded as racy.
    """
    path = name.partition(":")[2]
    try:
        if os.path.islink(path):
            return digest("link", os.readlink(path))
        with open(path, "rb") as file:
            return digest(file.read())
    except OSError:
        return ABSENT


def racy_digests(stats: Mapping[str, Stat], taken_ns: int) -> dict[str, str]:
    """The digest of each racy input, taken after its stat: an edit after it shows next time."""
    return {name: found for name in racy_names(stats, taken_ns)
            if (found := input_digest(name)) != ABSENT}


def _three(value: list[int]) -> Stat:
    return (int(value[0]), int(value[1]), int(value[2]))


# --- the check -----------------------------------------------------------------------------


def signature_path(out: Path) -> Path:
    """Where the last build of `out` kept what it saw (store.Kept.signature)."""
    return state_root(out) / SIGNATURE_NAME


def read_signature(path: Path) -> Signature | None:
    """The signature kept at `path`, or None when there is nothing readable there."""
    try:
        return Signature.from_json(path.read_text(encoding="utf-8"))
    except OSError:
        return None


def index_stat(folder: Path) -> Stat:
    """The stat of the index of the git working copy that holds `folder`, if any."""
    index = git_index(folder)
    return _stat_or_none(index) if index is not None else NO_STAT


def signature_now(settings: str, folders: Mapping[str, Path], out: Path,
                  index: Stat = NO_STAT) -> Signature:
    """The stat of every input now, with the settings and the libraries' versions."""
    return Signature.now(settings, folders, out.resolve() / MANIFEST_NAME, index)


def up_to_date(settings: str, folders: Mapping[str, Path], out: Path) -> bool:
    """Whether the last build of `out` saw exactly these inputs: then it is current.

    A build refuses a state folder that git tracks (store.refuse_if_tracked); while git's
    index keeps the stat it had before the last build asked, the answer stands, and git is
    not asked again (a process of its own, a few milliseconds).
    """
    earlier = read_signature(signature_path(out))
    if earlier is None:
        return False
    index = index_stat(state_root(out).parent)
    if not earlier.tracked_as_before(index):
        from .store import Kept, refuse_if_tracked

        refuse_if_tracked(Kept.beside(out))
    return signature_now(settings, folders, out, index).matches(earlier)
