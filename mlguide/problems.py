"""Content problems: what went wrong, where, and how to fix it.

Every mistake an editor can make is reported as a `Problem`; a run collects
them all and raises one `ContentError`. It is one kind of `Refusal`, the base
of everything the tool declines to do (bad content, an output folder it must
not replace, kept state it cannot trust, a port in use): each knows its exit
status and how it reads, and only the CLI and the preview server catch them.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FieldPath = tuple[str | int, ...]

# Characters that would move the cursor, recolour or retitle a terminal, break a log into
# lines, or reorder text as it is shown: in a message they are written as escapes instead.
_INVISIBLE = [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xFEFF,
              *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_VISIBLE = {code: (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
            for code in _INVISIBLE}


def visible(text: str) -> str:
    """`text` with control and invisible characters written as escapes: ESC => '\\x1b'."""
    return text.translate(_VISIBLE)


def display_path(path: Path) -> str:
    """The path as an editor would type it: relative to the working folder where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth")
# What one item of a list field is called, where it is not the list's name less its 's'.
ITEM_NAMES = {"why_uk": "'why the UK' point", "applicant_locations": "applicant location"}


def ordinal(number: int) -> str:
    """1 => 'first', 12 => '12th', 22 => '22nd'."""
    if 1 <= number <= len(ORDINALS):
        return ORDINALS[number - 1]
    endings = {1: "st", 2: "nd", 3: "rd"}
    ending = "th" if 10 <= number % 100 <= 20 else endings.get(number % 10, "th")
    return f"{number}{ending}"


def _item_name(field: str) -> str:
    """'specialisms' => 'specialism': what one item of the list is called."""
    if field in ITEM_NAMES:
        return ITEM_NAMES[field]
    return field.replace("_", " ").removesuffix("s")


def format_field_path(path: FieldPath) -> str:
    """A field path as editors read it: list positions count from 1, and are said in words.

    ('specialisms', 1, 'sectors', 0) => "specialisms[2].sectors[1] (the second specialism's
    first sector)"; ('specialisms', 1, 'correction', 'note') => "... (the second
    specialism's correction's note)"; ('summary',) => 'summary'; () => '' (the file as a whole).
    """
    text, words, field = "", [], ""
    after: list[str] = []  # the fields named since the last list position
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
            words.append(f"{ordinal(part + 1)} {_item_name(field)}")
            after = []  # the list's own field is said as its item's name
        else:
            text += f".{part}" if text else str(part)
            field = str(part)
            after.append(field)
    if not words or len(words) > 3:  # no content field nests deeper; words would not help
        return text
    said = "'s ".join([*words, *after])
    return f"{text} (the {said})"


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate an editor most likely meant by `word`, if any is close."""
    pool = sorted(set(candidates))
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.5)
    if matches:
        return matches[0]
    lowered = word.lower()
    for candidate in pool:
        if candidate.startswith(lowered[:3]) or lowered in candidate or candidate in lowered:
            return candidate
    return None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A "did you mean" suggestion, or None when nothing is close."""
    guess = nearest(word, candidates)
    return f"did you mean '{guess}'?" if guess else None


def describe_value(value: Any) -> str:
    """How an editor would name a YAML value: "the number 12", "text 'soon'"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return f"a date and time {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text '{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


@dataclass(frozen=True, order=True)
class Problem:
    """One content mistake, located to a line and column of one file."""

    file: str
    line: int
    column: int
    field: str
    message: str
    suggestion: str | None = None

    def __post_init__(self) -> None:
        # Untrusted text (file names, values quoted in messages) reaches terminals, CI logs
        # and the preview: made visible once here, it can never act on any of them.
        for name in ("file", "field", "message", "suggestion"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, visible(value))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: "
        text = where + (f"{self.field}: " if self.field else "") + self.message
        return f"{text}; {self.suggestion}" if self.suggestion else text


class Refusal(Exception):
    """Something the tool declines to do, said in plain words; exit status 2 unless told."""

    exit_code = 2

    def report(self) -> str:
        """What the user reads: one line."""
        return f"error: {self}"


class UsageError(Refusal):
    """A wrong option value: reported in one line, exit status 2."""


class ContentError(Refusal):
    """Raised once, carrying every problem found in a run."""

    exit_code = 1

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        """All problems, one per line, then a count."""
        lines = [str(problem) for problem in self.problems]
        count = len(self.problems)
        lines.append(f"{count} error{'s' if count != 1 else ''} found; nothing was written.")
        return "\n".join(lines)
