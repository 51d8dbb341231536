"""The jobs page's own search index: the open roles, in search/roles/, in small pieces.

The search page runs Pagefind (publish/search.py) over cities, employers and roles.
The jobs page searches the roles alone, and at ten thousand of them Pagefind's first
search costs over 300 KB (its WebAssembly and code, a meta file with an entry per
role, each filter file listing every role again). This index is made for that one
search, so a first search fetches a few tens of KB and needs no WebAssembly:

    search/roles/index.json        fetched first: how many roles, and per role (by its
                                   number) its facet values, for the counts
    search/roles/orders.<digest>.json
                                   per role, its closing day and pay: fetched when the
                                   reader orders by either
    search/roles/words/<pair>.<digest>.json
                                   the words that start with two letters ("py"), each
                                   with the roles that hold it: fetched per typed word
    search/roles/cards/<n>.<digest>.json
                                   what a result shows (title, employer, facts, address)
                                   for `batch` roles: fetched for the results shown

A role's number is its place newest first, so "newest" is the order of the numbers.
In index.json:

    {"roles": 3, "batch": 32, "words": {"py": "words/py.1a2b3c4d5e.json", ...},
     "cards": ["cards/0.6f7a8b9c0d.json"], "orders": "orders.2b3c4d5e6f.json",
     "facets": {"city": {"values": ["Leeds", "London"], "of": [0, 1, 0]},
                "sector": {"values": [...], "of": [[0, 2], [], [1]]}, ...}}

and in the orders file:

    {"closes": [12, null, 0],      days after the soonest closing date; null: until filled
     "pay": [52000, 0, 61000]}     a year in pounds (views/pay.py), 0 when not disclosed

A word file maps each word to its roles as gaps between codes, a code being
2 × the role's number + 1 when the word is in the role's title: {"python": [1, 4, 6]}
is roles 0 (in its title), 2 and 5. Words are split as static/jobs.js splits what the
reader types (`words`): accents dropped, lower case, runs of letters and digits, two
or more long. A pair outside a-z and 0-9 is named by its UTF-8 in hex ("xc3a9..."),
so no word can make a file name of its own.

The word, card and orders files are named by their content's digest: an edit changes
only the files that hold what it changed (and index.json, which names them), and a
reader's browser never mixes an old file with a new index. The build reuses a file of
the previous build whose key, the digest of this module and the file's bytes, is the same.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..graph import digest
from ..write import FileRecord, StagingTree
from .search import NO_CLOSING_DATE, Record, records_digest

FOLDER = "search/roles"
INDEX_FILE = f"{FOLDER}/index.json"
BATCH = 32  # roles per cards file: a first page of ten results fetches a few of them
FACETS = ("city", "sector", "workplace", "type", "pay", "visa", "ir35")  # the form's names
MULTIPLE = ("sector",)  # facets a role may have several values of
_WORD = re.compile(r"[^\W_]{2,}")  # two or more letters or digits
_PAIR = re.compile(r"[a-z0-9]{2}")
_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]+")
_CODE = Path(__file__).read_bytes()


def _unmarked(run: re.Match[str]) -> str:
    return "".join(c for c in run.group() if unicodedata.category(c) != "Mn")


def words(text: str) -> list[str]:
    """The searchable words of a text, as static/jobs.js splits the reader's."""
    # Accents are marks of their own after NFKD; only runs beyond ASCII can hold one, and
    # looking at those alone keeps ten thousand summaries to a fraction of a second.
    plain = _BEYOND_ASCII.sub(_unmarked, unicodedata.normalize("NFKD", text)).lower()
    return _WORD.findall(plain)


def pair_name(word: str) -> str:
    """The word file a word belongs to: its first two letters, or their UTF-8 in hex."""
    start = word[:2]
    return start if _PAIR.fullmatch(start) else "x" + start.encode("utf-8").hex()


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True).encode("utf-8")


def _named(folder: str, stem: str, data: bytes) -> str:
    return f"{folder}/{stem}.{digest(data)[:10]}.json"


def newest_first(records: Sequence[Record]) -> list[Record]:
    """The roles in number order: newest posted first, then as the site lists them."""
    return sorted(records, key=lambda r: r.sort["posted"], reverse=True)


def _postings(roles: Sequence[Record]) -> dict[str, dict[str, list[int]]]:
    """Per pair, per word, the gaps between the codes of the roles that hold it."""
    codes: dict[str, list[int]] = defaultdict(list)
    for number, role in enumerate(roles):
        title = set(words(role.meta["title"]))
        for word in dict.fromkeys(words(role.content)):
            codes[word].append(2 * number + (word in title))
    pieces: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for word, found in codes.items():
        pieces[pair_name(word)][word] = [found[0], *(b - a for a, b in pairwise(found))]
    return pieces


def _facet(roles: Sequence[Record], name: str) -> dict[str, Any]:
    values = sorted({v for role in roles for v in role.filters.get(name, ())})
    place = {v: n for n, v in enumerate(values)}
    held = [[place[v] for v in role.filters.get(name, ())] for role in roles]
    if name in MULTIPLE or any(len(h) != 1 for h in held):
        return {"values": values, "of": held}
    return {"values": values, "of": [h[0] for h in held]}


def _closing_days(roles: Sequence[Record]) -> list[int | None]:
    days = [None if r.sort["closes"] == NO_CLOSING_DATE
            else dt.datetime.strptime(r.sort["closes"], "%Y%m%d").date().toordinal()
            for r in roles]
    first = min((d for d in days if d is not None), default=0)
    return [None if d is None else d - first for d in days]


def index_files(records: Sequence[Record]) -> dict[str, bytes]:
    """Every file of the index, by its path in the site."""
    roles = newest_first(records)
    files: dict[str, bytes] = {}
    pieces = {}
    for pair, found in sorted(_postings(roles).items()):
        data = _json(found)
        pieces[pair] = _named("words", pair, data).removeprefix("words/")
        files[f"{FOLDER}/words/{pieces[pair]}"] = data
    cards = []
    for start in range(0, len(roles), BATCH):
        data = _json([[r.meta["title"], r.meta["employer"], r.meta["facts"], r.url]
                      for r in roles[start:start + BATCH]])
        cards.append(_named("cards", str(start // BATCH), data))
        files[f"{FOLDER}/{cards[-1]}"] = data
    orders = _json({"closes": _closing_days(roles), "pay": [int(r.sort["pay"]) for r in roles]})
    orders_name = f"orders.{digest(orders)[:10]}.json"
    files[f"{FOLDER}/{orders_name}"] = orders
    index = {"roles": len(roles), "batch": BATCH, "cards": cards, "orders": orders_name,
             "words": {pair: f"words/{name}" for pair, name in pieces.items()},
             "facets": {name: _facet(roles, name) for name in FACETS}}
    files[INDEX_FILE] = _json(index)
    return files


def records_key(records: Sequence[Record]) -> str:
    """Digest of everything that decides the index's bytes: its records and this module."""
    return digest(_CODE, records_digest(records))


def placed(tree: StagingTree, live: Mapping[str, FileRecord], live_root: Path,
           files: Mapping[str, bytes]) -> list[FileRecord]:
    """The index's files in the staged tree: kept, linked from the live build, or written."""
    placed_files = []
    for path, data in sorted(files.items()):
        key = digest(_CODE, data)
        if (staged := tree.records.get(path)) is not None and staged.key == key:
            placed_files.append(staged)
        elif (served := live.get(path)) is not None and served.key == key:
            placed_files.append(tree.link(live_root, served))
        else:
            placed_files.append(tree.write(path, data, key))
    return placed_files
