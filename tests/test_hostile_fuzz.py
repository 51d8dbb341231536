"""Fuzzing the real content: whatever a pull request does to it, no traceback, ever.

Hypothesis takes the guide's own content folder and mutates one file: its bytes
(inserted, removed or overwritten, with bytes chosen to hurt: control characters,
brackets, quotes, invalid UTF-8), its YAML structure (a value replaced by another of
any type, a key removed or added), or its name. Then `check` and `build` run on it,
in this process, over a copy of a good build. It holds that:

- each exits 0 or 1, and any traceback fails the test;
- `check` says 1 exactly when `build` does: check finds everything build trips on;
- on 1, the output folder is byte for byte the good build.

The examples are derived from a fixed seed, so CI runs the same ones each time, in
well under a minute.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import ROOT, SiteDir, tree_bytes
from .hostile import run

REAL = ROOT / "content"
FILES = sorted(p.relative_to(REAL).as_posix() for p in REAL.rglob("*")
               if p.suffix in (".yaml", ".md"))
HURTFUL = [b"\x00", b"\x1b[2J", b"\x07", b"\xff", b"\xc3", b"\r", b"\t", b"\n", b": ", b"- ",
           b"[", b"[" * 300, b"]", b"{", b"*a", b"&a ", b"<<: ", b"!!python/object ", b"'", b'"',
           b"\\", b"---\n", b"...\n", b"#", b"%", b"`", b"]]>", b"</script>", b"{{ x }}",
           b"\xe2\x80\xae", b".inf", b".nan", b"9" * 40, b"2026-13-45", b"https://x/#\n"]
TEXTS = ["", " ", "[" * 3000, "\x1b[31mred", "a\u202eb", "]]></script><!--", "{{ 7*7 }}",
         "javascript:alert(1)", "https://guide.example/\nDisallow: /", "compare", "x" * 300,
         "& < > \" '", "*" * 200, "- - - - x"]
NAMES = ["compare", "employers", "jobs", "page", "cities", "404", "Bad_Name", "a" * 240,
         "x\x1by", "con", "index"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(TEXTS), st.dates(min_value=dt.date(1, 1, 1)),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    """The real content, built once: each example starts from a copy of it."""
    site = SiteDir(tmp_path_factory.mktemp("good"))
    shutil.copytree(REAL, site.content)
    assert run(site).code == 0
    return site


def mutate_bytes(data: st.DataObject, raw: bytes) -> bytes:
    """A few insertions, deletions and overwrites, with bytes chosen to hurt."""
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        piece = data.draw(st.sampled_from(HURTFUL) | st.binary(min_size=1, max_size=6))
        kind = data.draw(st.sampled_from(["insert", "delete", "overwrite"]))
        if kind == "insert":
            raw = raw[:at] + piece + raw[at:]
        elif kind == "delete":
            raw = raw[:at] + raw[at + data.draw(st.integers(1, 200)):]
        else:
            raw = raw[:at] + piece + raw[at + len(piece):]
    return raw


def mutate_structure(data: st.DataObject, value: Any) -> Any:
    """One change at a random place of a parsed YAML value: replaced, removed or added to."""
    if not isinstance(value, dict | list) or not value or data.draw(st.integers(0, 3)) == 0:
        return data.draw(VALUES)
    if isinstance(value, dict):
        key = data.draw(st.sampled_from(sorted(value, key=str)))
        action = data.draw(st.sampled_from(["descend", "remove", "add"]))
        if action == "remove":
            return {k: v for k, v in value.items() if k != key}
        if action == "add":
            return {**value, data.draw(st.text(max_size=12) | st.sampled_from(sorted(
                map(str, value)))): data.draw(VALUES)}
        return {**value, key: mutate_structure(data, value[key])}
    index = data.draw(st.integers(0, len(value) - 1))
    return [*value[:index], mutate_structure(data, value[index]), *value[index + 1:]]


def mutated(data: st.DataObject, path: Path) -> bytes:
    """The file's bytes after one kind of mutation."""
    raw = path.read_bytes()
    if data.draw(st.booleans()):
        return mutate_bytes(data, raw)
    text = raw.decode("utf-8")
    if path.suffix == ".md":
        _, front, body = text.split("---\n", 2)
        new_front = mutate_structure(data, yaml.safe_load(front))
        return ("---\n" + yaml.safe_dump(new_front, allow_unicode=True) + "---\n" + body).encode()
    new = mutate_structure(data, yaml.safe_load(text))
    return yaml.safe_dump(new, allow_unicode=True, sort_keys=False).encode()


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_mutation_of_the_real_content_makes_a_traceback(
        good_build: SiteDir, tmp_path_factory: pytest.TempPathFactory,
        data: st.DataObject) -> None:
    site = SiteDir(tmp_path_factory.mktemp("fuzz"))
    shutil.copytree(good_build.content, site.content)
    shutil.copytree(good_build.out, site.out)
    before = tree_bytes(site.out)
    target = site.content / data.draw(st.sampled_from(FILES))
    if data.draw(st.integers(0, 5)) == 0 and target.parent != site.content:
        target.rename(target.with_name(data.draw(st.sampled_from(NAMES)) + target.suffix))
    else:
        target.write_bytes(mutated(data, target))
    checked = run(site, command="check")
    built = run(site)
    assert checked.code in (0, 1) and built.code in (0, 1), checked.err + built.err
    assert checked.code == built.code, f"check said {checked.code}, build {built.code}:\n" \
        f"{checked.err}\n{built.err}"
    if built.code == 1:
        assert tree_bytes(site.out) == before
