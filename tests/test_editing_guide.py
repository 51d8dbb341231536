"""EDITING.md tells editors the build's real messages, and its commands exist."""

from __future__ import annotations

import pytest

from .conftest import ROOT
from .test_content_errors import RULES

GUIDE = (ROOT / "EDITING.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", list(RULES))
def test_the_guide_quotes_the_real_message_of_every_rule(rule: str) -> None:
    """At least one message of each rule appears word for word, so the guide cannot drift."""
    messages = [line.split(": ", 2)[2] for case in RULES[rule] for line in case.expected]
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
