"""The command line: the one place that talks to the user and catches errors.

    python build.py                      build the site into output/
    python build.py check                validate content and templates, write nothing
    python build.py serve                preview with live reload
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .pipeline import Settings, build, check
from .problems import ContentError
from .write import OutputRefused

PROJECT_ROOT = Path.cwd()


class UsageError(Exception):
    """A wrong option value: reported in one line, exit status 2."""

    exit_code = 2


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-03-01, got '{text}'") from None


def default_today() -> dt.date:
    """SOURCE_DATE_EPOCH (for reproducible builds) when set, else the local date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds, got '{epoch}'") from None
    return dt.date.today()


def base_url(text: str) -> str:
    """An absolute http(s) URL; a missing trailing '/' is added."""
    if not text.startswith(("http://", "https://")) or text[-3:] == "://":
        raise argparse.ArgumentTypeError(f"expected an absolute http(s) URL, got '{text}'")
    return text if text.endswith("/") else text + "/"


def _common_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--content", type=Path, default=default if suppress else Path("content"),
                        metavar="DIR", help="the content folder (default: content)")
    parser.add_argument("--templates", type=Path,
                        default=default if suppress else Path("templates"), metavar="DIR",
                        help="the templates folder (default: templates)")
    parser.add_argument("--static", type=Path, default=default if suppress else Path("static"),
                        metavar="DIR", help="static assets, published with hashed names "
                        "(default: static)")
    parser.add_argument("--out", type=Path, default=default if suppress else Path("output"),
                        metavar="DIR", help="the output folder, replaced whole by each build "
                        "(default: output)")
    parser.add_argument("--base-url", type=base_url, default=default, metavar="URL",
                        help="the published site's address, e.g. https://example.org/guide/ "
                        "(default: base_url in content/site.yaml)")
    parser.add_argument("--today", type=parse_day, default=default, metavar="YYYY-MM-DD",
                        help="the build date: jobs that closed before it are left out "
                        "(default: $SOURCE_DATE_EPOCH if set, else the current date)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the UK Machine Learning Location Guide from content/ into a static "
        "site. With no command, builds the site.",
        epilog="Exit status: 0 success, 1 content errors (all listed, output untouched), "
        "2 bad options or a refused output folder.",
    )
    _common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build the site (the default)")
    check_cmd = commands.add_parser("check", help="validate content and templates; write nothing")
    for sub in (build_cmd, check_cmd):
        _common_options(sub, suppress=True)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        content=args.content, templates=args.templates, static=args.static, out=args.out,
        today=args.today or default_today(), base_url=args.base_url,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from(args)
        if args.command == "check":
            content = check(settings)
            print(f"content OK: {len(content.cities)} cities, {len(content.sectors)} sectors, "
                  f"{len(content.jobs)} jobs, {len(content.pages)} pages")
            return 0
        report = build(settings)
        print(report.summary())
        return 0
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return error.exit_code
    except (OutputRefused, UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted; the output folder is unchanged", file=sys.stderr)
        return 130
