"""The command line: the one place that talks to the user and catches errors.

    python build.py                      build the site into output/
    python build.py check                validate content and templates, write nothing
    python build.py check --external     also try the content's links to other sites
    python build.py diff OLD_MANIFEST    list the files added, changed and removed since then
    python build.py serve                preview with live reload
    python build.py new city NAME        start a new city file (or: new job TITLE)
    python build.py schema               regenerate the editors' JSON Schemas in schema/
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .signature import input_folders, settings_text, up_to_date

# typing costs a no-op build milliseconds: mypy reads a TYPE_CHECKING of any origin as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .graph import Settings
    from .pipeline import BuildCache

# Only what the command needs is imported: a build never loads the editor's tools, and a
# build whose inputs did not change stops before anything but signature.py is loaded.
PROJECT_ROOT = Path.cwd()
NEW_KINDS = ("city", "job")  # what `new` makes: editor.scaffold.KINDS
BUILD_SCRIPT = Path(__file__).parent.parent / "build.py"


def as_typed(path: Path) -> str:
    """A path relative to the working folder when inside it, not resolved: resolving the
    project's .venv/bin/python would give the system's Python, which lacks mlguide's needs."""
    absolute = Path(os.path.abspath(path))
    return str(absolute.relative_to(Path.cwd())) if absolute.is_relative_to(Path.cwd()) \
        else str(absolute)


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
            from .problems import UsageError

            raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds, got '{epoch}'") from None
    return dt.date.today()


def base_url(text: str) -> str:
    """An http(s) URL of scheme, host and path only, rebuilt; a missing trailing '/' is added."""
    from .address import canonical_base_url

    try:
        return canonical_base_url(text if text.endswith("/") else text + "/")
    except ValueError as error:
        from .problems import visible

        raise argparse.ArgumentTypeError(visible(str(error))) from None


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
    parser.add_argument("--cms-port", type=port_number, metavar="PORT",
                        default=default if suppress else 8081,
                        help="the port of decap-server, the browser editor's local backend, on "
                        "this machine (default: 8081, decap-server's own)")
    parser.add_argument("--compress", action="store_true",
                        default=argparse.SUPPRESS if suppress else False,
                        help="also write .gz and .br copies beside every text file, for servers "
                        "that send pre-compressed files")


class HelpLayout(argparse.HelpFormatter):
    """argparse's help layout, told the terminal's width as shutil would find it.

    argparse makes one of these per option it adds (to check the option), and the stock
    one imports shutil (and with it bz2 and lzma) to ask the width: 3 ms of the 25 that a
    no-op build takes.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         width if width is not None else terminal_columns() - 2)


def terminal_columns() -> int:
    """$COLUMNS, else the width of the terminal on standard output, else 80 (shutil's)."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class Parser(argparse.ArgumentParser):
    """The command line's parser and its commands' (add_parser makes them of this class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpLayout)
        super().__init__(*args, **kwargs)


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="build.py",
        description="Build the UK Machine Learning Location Guide from content/ into a static "
        "site. With no command, builds the site.",
        epilog="Exit status: 0 success, 1 content errors (all listed, output untouched), "
        "2 bad options or a refused output folder, 3 the output could not be written (disk "
        "full, permission denied): the previous build is left whole.",
    )
    _common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build the site (the default)")
    check_cmd = commands.add_parser(
        "check", help="validate content and templates; write nothing",
        description="Validate the content and templates and map the site, offline; write "
        "nothing. With --external, also try the content's links to other sites.")
    check_cmd.add_argument("--external", action="store_true",
                           help="also try each link to another site (HEAD, then GET), a few "
                           "at a time; report those that failed this run and the one before. "
                           "What was found is kept in .mlguide/OUT/links.json")
    check_cmd.add_argument("--timeout", type=seconds, default=10.0, metavar="SECONDS",
                           help="how long to wait for each outside link (default: 10)")
    diff_cmd = commands.add_parser(
        "diff", help="list the output files added, changed and removed since an earlier build",
        description="Compare an earlier build's manifest with the build in --out: one line per "
        "path, marked + added, ~ changed or - removed, then the counts.")
    diff_cmd.add_argument("old_manifest", type=Path, metavar="OLD_MANIFEST",
                          help="the .mlguide-manifest.json of the earlier build (or its folder)")
    for sub in (build_cmd, check_cmd, diff_cmd, *_editor_commands(commands)):
        _common_options(sub, suppress=True)
    return parser


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"expected a number of seconds like 10, got '{text}'")
    return value


def port_number(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got '{text}'")
    return int(text)


def _editor_commands(commands: Any) -> list[argparse.ArgumentParser]:
    """serve, new and schema: the editor's loop."""
    serve_cmd = commands.add_parser(
        "serve", help="preview the site, rebuilt and reloaded on every save",
        description="Build the site into --out with the base URL http://HOST:PORT/ (not "
        "--base-url), serve it, and rebuild on every save in the content, templates and static "
        "folders; open pages reload by themselves, and show the errors instead while the build "
        "fails.")
    serve_cmd.add_argument("--host", default="127.0.0.1",
                           help="the address to listen on (default: 127.0.0.1, this machine only)")
    serve_cmd.add_argument("--port", type=port_number, default=8000,
                           help="the port (default: 8000; 0 picks a free one)")
    new_cmd = commands.add_parser(
        "new", help="start a new city or job file with every field explained",
        description="Write content/cities/SLUG.yaml or content/jobs/SLUG.yaml, the slug made "
        "from the name; never overwrites a file.")
    new_cmd.add_argument("kind", choices=NEW_KINDS, help="what to create")
    new_cmd.add_argument("name", nargs="+", metavar="NAME", help="the city's name or job's title")
    schema_cmd = commands.add_parser(
        "schema", help="write the JSON Schemas of the content files into schema/",
        description="Generate schema/*.schema.json from the content model, for editors.")
    schema_cmd.add_argument("--check", action="store_true",
                            help="write nothing; exit 1 if the files are out of date")
    schema_cmd.add_argument("--dir", type=Path, default=Path("schema"), metavar="DIR",
                            help="where the schemas go (default: schema)")
    return [serve_cmd, new_cmd]


def run_schema(folder: Path, check_only: bool) -> int:
    """Regenerate the schemas, or say which are out of date."""
    from .editor import schema

    if check_only:
        stale = schema.stale_schemas(folder)
        for path in stale:
            shown = as_typed(folder)
            where = "" if shown == "schema" else f" --dir {shlex.quote(shown)}"
            print(f"{path}: out of date; run {as_typed(Path(sys.executable))} "
                  f"{as_typed(BUILD_SCRIPT)} schema{where}", file=sys.stderr)
        return 1 if stale else 0
    written = schema.write_schemas(folder)
    print(f"wrote {len(written)} schema file(s) in {folder}" if written
          else f"the schemas in {folder} are up to date")
    return 0


def check_command(args: argparse.Namespace) -> str:
    """The check command as it works from here: this Python, this build.py, these folders.

    Bare `python build.py check` fails outside the project's .venv, where pydantic and
    the rest are not installed.
    """
    words = [as_typed(Path(sys.executable)), as_typed(BUILD_SCRIPT), "check"]
    for option, default in (("content", "content"), ("templates", "templates"),
                            ("static", "static")):
        if as_typed(getattr(args, option)) != default:
            words += [f"--{option}", as_typed(getattr(args, option))]
    return " ".join(shlex.quote(word) for word in words)


def settings_from(args: argparse.Namespace, today: dt.date) -> Settings:
    from .graph import Settings

    return Settings(
        content=args.content, templates=args.templates, static=args.static, out=args.out,
        today=today, base_url=args.base_url, compress=args.compress, cms_port=args.cms_port,
    )


def built_already(args: argparse.Namespace, today: dt.date) -> bool:
    """Whether the last build of --out saw these very inputs and settings (graph.Settings's,
    read here from the options alone, without the engine)."""
    return up_to_date(settings_text(args, today.isoformat()), input_folders(args), args.out)


def main(argv: Sequence[str] | None = None, cache: BuildCache | None = None) -> int:
    """Run the command line; `cache` is what a caller that runs many builds keeps between
    them (as `build` and `check` take it), e.g. the templates it has compiled."""
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return run(args, cache)
    except KeyboardInterrupt:
        print("interrupted; the output folder is unchanged", file=sys.stderr)
        return 130
    except Exception as error:
        from .problems import Refusal  # here: a no-op build never loads it

        if not isinstance(error, Refusal):
            raise
        print(error.report(), file=sys.stderr)
        return error.exit_code


def run(args: argparse.Namespace, cache: BuildCache | None = None) -> int:
    """Carry out the command; a Refusal says why not."""
    if args.command == "diff":
        from .publish.manifest import diff_manifests

        print("\n".join(diff_manifests(args.old_manifest, args.out).lines()))
        return 0
    if args.command == "schema":
        return run_schema(args.dir, args.check)
    today, started = args.today or default_today(), time.perf_counter()
    if args.command in (None, "build") and built_already(args, today):
        print(f"nothing changed since the last build of {args.out}: no file was read or "
              f"written ({time.perf_counter() - started:.2f}s)")
        return 0
    from .problems import display_path

    settings = settings_from(args, today)
    if args.command == "serve":
        from .editor import serve

        return serve.serve(settings, args.host, args.port)
    if args.command == "new":
        from .editor import scaffold

        path = scaffold.new_file(settings.content, args.kind, " ".join(args.name),
                                 settings.today)
        print(f"wrote {display_path(path)}: fill in the empty fields, then run "
              f"{check_command(args)}")
        return 0
    if args.command == "check":
        from .pipeline import check
        from .validate import stale_figures

        content = check(settings, cache)
        warnings = stale_figures(content, settings.today)
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        counted = f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})" \
            if warnings else ""
        print(f"content OK: {len(content.cities)} cities, {len(content.sectors)} sectors, "
              f"{len(content.jobs)} jobs, {len(content.pages)} pages{counted}")
        if args.external:
            from .external import BrokenLinks, check_outside

            report = check_outside(settings.content, settings.out, args.timeout)
            print(report.summary())
            if report.broken:
                raise BrokenLinks(report.broken)
        return 0
    from .pipeline import build

    print(build(settings, cache).summary())
    return 0
