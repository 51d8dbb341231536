"""The site's address: the base URL, rebuilt from its parts or refused.

It lands unescaped in robots.txt and _headers and starts every link, so it may
hold a scheme, a host, a port and a path, and nothing else. Kept apart from the
content model so that the command line can check `--base-url` without loading it.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

_HOST_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_PATH_SEGMENT = re.compile(r"([A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def base_url_problem(text: str) -> str | None:
    """Why `text` cannot be the site's address, or None. See canonical_base_url."""
    if re.search(r"[\s\x00-\x1f\x7f-\x9f]", text):
        return "it holds a space, line break or control character"
    parts = urlsplit(text)
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.netloc:
        return "it is not an absolute http(s) URL"
    for mark, what in (("@", "a user name or password"), ("?", "a query"), ("#", "a fragment")):
        if mark in text:
            return f"it holds {what} ('{mark}')"
    host = parts.hostname or ""
    if host.startswith("["):
        return f"the host '{host}' is not a valid address"
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number from 0 to 65535
    except ValueError:
        return "the port must be a number from 1 to 65535"
    if parts.port == 0:
        return "the port must be a number from 1 to 65535"
    if ":" in host and not _is_ipv6(host):
        return f"the host '{host}' is not a valid address"
    if ":" not in host and not all(_HOST_LABEL.fullmatch(label) for label in host.split(".")):
        return (f"the host '{host}' is not a valid host name (letters, digits and hyphens; "
                "an international name in its xn-- form)")
    segments = parts.path.split("/")[1:-1] if parts.path else []
    if parts.path and not parts.path.startswith("/") or not all(
            _PATH_SEGMENT.fullmatch(s) and s not in (".", "..") for s in segments):
        return "its path may hold only letters, digits, '-', '.', '_', '~' and %-escapes " \
               "between single slashes"
    return None


def _is_ipv6(host: str) -> bool:
    """Whether `host` is a plain IPv6 address (no zone: a public address has none)."""
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return "%" not in host


def canonical_base_url(text: str) -> str:
    """The base URL rebuilt from scheme, host, port and path only, or ValueError saying why not.

    It lands unescaped in robots.txt and _headers and in every link, so nothing else may
    pass: 'HTTPS://Guide.Example:443/a/' => 'https://guide.example/a/'.
    """
    problem = base_url_problem(text)
    if problem is not None:
        raise ValueError(f"expected an address like https://example.org/guide/ (scheme, host "
                         f"and path only), got '{text}': {problem}")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    port = f":{parts.port}" if parts.port and parts.port != _DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{port}{parts.path or '/'}"
