"""Pre-compressed copies beside every text file, for servers that send them as they are.

    jobs/index.html => jobs/index.html.gz, jobs/index.html.br

The copies are made inside the staging tree before it is swapped in, so the
output is never half compressed. They are deterministic (gzip's timestamp is
zero) and, like pages, reused: a copy is made again only when its original's
bytes changed.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import brotli  # type: ignore[import-untyped]  # ships no type stubs

from ..graph import digest
from ..write import FileRecord, StagingTree

TEXT_SUFFIXES = frozenset({
    ".html", ".css", ".js", ".mjs", ".json", ".xml", ".txt", ".svg", ".webmanifest", ".map",
})
PARALLEL_THRESHOLD = 64  # below this, threads cost more than they save
LARGE_FILE = 256 * 1024  # a long list or feed, rather than a page


def gzip_bytes(data: bytes) -> bytes:
    """gzip at its best level, with no timestamp or name, so equal input gives equal bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def brotli_quality(size: int) -> int:
    """10 for pages, 9 for long lists and feeds: the best quality that keeps builds fast.

    Measured on a synthetic 2,000-page site: quality 11 takes 2.7 times as long as 10 for
    pages 3% smaller; on files of several hundred KB, 10 takes 20 times as long as 9.
    """
    return 10 if size <= LARGE_FILE else 9


def brotli_bytes(data: bytes) -> bytes:
    """Brotli tuned for text, at a quality that keeps a clean build fast."""
    return bytes(brotli.compress(data, mode=brotli.MODE_TEXT, quality=brotli_quality(len(data))))


ENCODINGS: dict[str, Callable[[bytes], bytes]] = {".gz": gzip_bytes, ".br": brotli_bytes}


def is_text(path: str) -> bool:
    """Whether `path` is a text file worth compressing (and not itself a compressed copy)."""
    return PurePosixPath(path).suffix in TEXT_SUFFIXES


def _compressor_digest() -> str:
    """Changes with this module's code and the compression libraries' versions."""
    code = digest(Path(__file__).read_bytes())
    return f"{code} brotli {brotli.version} zlib {zlib.ZLIB_RUNTIME_VERSION}"


COMPRESSOR = _compressor_digest()


def copy_key(original: FileRecord, suffix: str) -> str:
    """Digest of what decides a copy's bytes: the original's content, the encoding, the code."""
    text = f"{original.sha256}\0{suffix}\0{COMPRESSOR}"
    return digest(text)


def compress_outputs(tree: StagingTree, originals: list[FileRecord], live: dict[str, FileRecord],
                     live_root: Path, workers: int) -> list[FileRecord]:
    """Records of a .gz and a .br copy of every text file, made only where none is reusable."""
    records: list[FileRecord] = []
    todo: list[tuple[FileRecord, str, str]] = []
    for original in sorted(originals, key=lambda r: r.path):
        if not is_text(original.path):
            continue
        for suffix in ENCODINGS:
            path, key = original.path + suffix, copy_key(original, suffix)
            if (staged := tree.records.get(path)) is not None and staged.key == key:
                records.append(staged)
            elif (previous := live.get(path)) is not None and previous.key == key:
                records.append(tree.link(live_root, previous))
            else:
                todo.append((original, suffix, key))

    def make(item: tuple[FileRecord, str, str]) -> FileRecord:
        original, suffix, key = item
        data = ENCODINGS[suffix](tree.target(original.path).read_bytes())
        return tree.write(original.path + suffix, data, key)

    if len(todo) < PARALLEL_THRESHOLD or workers < 2:
        return records + [make(item) for item in todo]
    # zlib and brotli release the GIL while they work, so threads use every core.
    with ThreadPoolExecutor(workers) as pool:
        return records + list(pool.map(make, todo))
