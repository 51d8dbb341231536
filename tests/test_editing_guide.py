"""EDITING.md tells editors the build's real messages, and its commands exist."""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT
from .test_content_errors import RULES

GUIDE = (ROOT / "EDITING.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", list(RULES))
def test_the_guide_quotes_the_real_message_of_every_rule(rule: str) -> None:
    """At least one message of each rule appears word for word, so the guide cannot drift."""
    messages = [_message_only(line) for case in RULES[rule] for line in case.expected]
    assert any(message in GUIDE for message in messages), messages[0]


def test_the_guide_covers_every_kind_of_file_and_the_loop() -> None:
    for heading in ("## Cities", "## Sectors", "## Jobs", "## Pages", "## The site: site.yaml",
                    "## See your changes as you type: the preview",
                    "## Help from your editor: VS Code",
                    "## Checking before you commit: pre-commit"):
        assert f"\n{heading}\n" in GUIDE, heading
    for command in ("build.py serve", "build.py check", "build.py new city",
                    "build.py new job", "build.py schema", "pre-commit install"):
        assert command in GUIDE, command


def _lines_said_generally(text: str) -> str:
    """'line 18 starts with a tab' => 'line N starts with a tab', as the guide's table says it."""
    return re.sub(r"\bline \d+", "line N", text)


def _messages_of_editor_cases() -> list[str]:
    """The exact messages of the editor's usual mistakes and of the link checks."""
    from .test_editor_messages import test_the_usual_mistakes_in_plain_words as usual
    from .test_links import test_a_bad_link_is_a_problem_at_its_line as links

    found = []
    for mark in (m for test in (usual, links) for m in test.pytestmark
                 if m.name == "parametrize"):
        for case in mark.args[1]:
            values = case.values if hasattr(case, "values") else case
            expected = values[-1]
            for line in ([expected] if isinstance(expected, str) else expected):
                found.append(_message_only(line))
    # The guide quotes the javascript: case and says that the other schemes read the same;
    # a list of a page's anchors depends on the page.
    return [m for m in found if "its anchors are" not in m
            and not re.match(r"links may not use '(data|vbscript|file):", m)]


def _message_only(line: str) -> str:
    """A printed problem without its file, line, column and field: what the table quotes."""
    line = re.sub(r"^content/\S+?:\d+:\d+: ", "", line)
    field = r"(\([a-z ]+\)|[A-Za-z0-9_-]+(\[\d+\])?(\.[A-Za-z0-9_-]+(\[\d+\])?)*( \([^)]*\))?)"
    return re.sub(rf"^{field}: ", "", line)


@pytest.mark.parametrize("message", _messages_of_editor_cases())
def test_the_guide_quotes_each_usual_mistakes_message(message: str) -> None:
    assert _lines_said_generally(message) in _lines_said_generally(GUIDE)
