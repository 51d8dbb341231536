"""A CDN's reading of the `_headers` file (the Netlify and Cloudflare Pages format).

    # a comment
    /guide/assets/*
      Cache-Control: public, max-age=31536000, immutable

A line at the margin names a URL pattern, where `*` (a splat) matches any run
of characters; the indented `Name: value` lines under it are the headers
that every matching request gets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class HeaderRule:
    pattern: str
    headers: tuple[tuple[str, str], ...]

    def matches(self, path: str) -> bool:
        """Whether a request for `path` (URL path, no query) gets this rule's headers."""
        regex = ".*".join(re.escape(part) for part in self.pattern.split("*"))
        return re.fullmatch(regex, path) is not None


def parse_headers_file(text: str) -> list[HeaderRule]:
    """The rules of a `_headers` file, in order; a line of any other shape is an error."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():
            assert stripped.startswith("/"), f"line {number}: a rule must start with '/': {line!r}"
            rules.append((stripped, []))
            continue
        name, colon, value = stripped.partition(":")
        assert colon and name and re.fullmatch(r"[A-Za-z0-9-]+", name), \
            f"line {number}: expected 'Name: value', got {line!r}"
        assert rules, f"line {number}: a header before any path"
        rules[-1][1].append((name, value.strip()))
    for pattern, headers in rules:
        assert headers, f"the rule {pattern} sets no header"
    return [HeaderRule(pattern, tuple(headers)) for pattern, headers in rules]


def matching_rules(rules: list[HeaderRule], path: str) -> list[HeaderRule]:
    return [rule for rule in rules if rule.matches(path)]


def headers_for(rules: list[HeaderRule], path: str) -> dict[str, str]:
    """The headers a request for `path` gets; each name must come from one rule only.

    Cloudflare Pages joins the values of one header from several rules with a
    comma and Netlify keeps one, so a name set twice would differ by CDN.
    """
    merged: dict[str, str] = {}
    for rule in matching_rules(rules, path):
        for name, value in rule.headers:
            assert name.lower() not in (n.lower() for n in merged), \
                f"{path}: {name} is set by more than one matching rule"
            merged[name] = value
    return merged
