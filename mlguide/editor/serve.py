"""The preview server: build, serve the output, rebuild on every save, reload the browser.

    python build.py serve [--host 127.0.0.1] [--port 8000]

It is built on the livereload package: its websocket handler speaks the
protocol of its livereload.js client, which it serves, and its transform puts
the client into every HTML page. Not on livereload's Server and watcher: they
poll, run the build inside the event loop (so serving stalls) and ignore a
change that comes within seconds of a reload. Here watchfiles reports each
save, batched over DEBOUNCE_MS; one worker thread runs `pipeline.build` (the
very build of the command line, with a BuildCache kept from build to build,
so only what a save affects is parsed, rendered and written) while the loop
keeps serving; each finished build reloads the open pages. A build that left
the search indexes for later (Pagefind's, the roles' own) is followed by the
one that makes them once the reloaded pages are back: run at once, it held the
interpreter while they loaded, a third of a save's time to the page. A save
that comes while a build runs stops that build at its next point before it
writes anything (on a large site the search indexes' build takes longer than a
save's): the new save's build starts at once, and the indexes wait for a
pause. A page that was served before the latest build finished reloads as soon
as its client connects, so a quick second save never leaves a stale page.

When a build fails, every page shows the problems (file, line, column,
field, message and fix) in place of the site, and reloads itself once a save
fixes them; the terminal prints the same lines. Nothing outside the output
folder is ever served.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import json
import os
import threading
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import jinja2
import watchfiles
from livereload.handlers import (  # type: ignore[import-untyped]
    LiveReloadHandler,
    LiveReloadJSHandler,
)
from livereload.handlers import StaticFileHandler as NoCacheFileHandler
from livereload.server import LiveScriptInjector  # type: ignore[import-untyped]
from tornado import httpserver, netutil, web
from tornado.ioloop import IOLoop

from ..confine import CONTENT_LIMITS, is_inside, read_inside
from ..pipeline import BuildCache, BuildReport, Settings, Superseded, build
from ..problems import ContentError, Problem, Refusal, display_path, visible

ARMING_SECONDS = 10  # at most this long for the watcher to be armed (it takes milliseconds)
# A batch of saves is built once this long passes with no more. watchfiles looks every
# this often, so a save is seen 5 to 10 ms after it (20 ms was a sixth of a save's reload);
# a save that comes in two writes further apart is built twice, the last time whole.
DEBOUNCE_MS = 5
# The build that makes a save's search index waits this long at most for the pages the
# save reloaded to connect again (a closed tab never does).
RELOAD_WAIT_SECONDS = 2.0
# ... and this long after they connect: a page connects before it has finished loading
# (its client script runs early), and the index's build, holding the interpreter and a
# core, held back the rest of its loading (on the guide, 25 ms of a save's 180 to the page).
SETTLE_SECONDS = 0.3
PREVIEW_FILES = Path(__file__).parent / "preview"  # the error page's template and style
RELOAD = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
SOURCE_SUFFIXES = (".yaml", ".md", ".html", ".xml", ".txt", ".css", ".js", ".svg")
# A file, so a CSP allows it; async, so a reloaded page is parsed and painted without
# waiting for it (it goes into the head).
CLIENT_SCRIPT = b'<script src="/livereload.js" async></script>'
MAX_SERVED = 1_000  # pages remembered for reloading on connect: memory stays bounded
EVERY_INTERFACE = ("", "0.0.0.0", "::", "[::]")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

Outcome = BuildReport | tuple[Problem, ...]


class ServeRefused(Refusal):
    """The server cannot start (say, the port is in use): one line, exit status 2."""


def now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


def say(text: str) -> None:
    """One line for the editor's terminal, shown at once even through a pipe."""
    print("\n".join(visible(line) for line in text.split("\n")), flush=True)


def base_url_for(host: str, port: int) -> str:
    """http://127.0.0.1:8000/ ; an IPv6 address goes in brackets."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def own_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers this preview answers: its own address, and loopback's names for it.

    A web page elsewhere can point its own name at 127.0.0.1 (DNS rebinding), but its
    requests still carry that name: answering only our own stops it reading the preview.
    """
    shown = f"[{host}]" if ":" in host else host
    names = {shown.lower()}
    if names & {"127.0.0.1", "localhost", "[::1]"}:
        names.update(LOOPBACK_NAMES)
    return frozenset(f"{name}:{port}" for name in names)


def check_host(host: str) -> None:
    """Refuse an address that would open the preview to every network at once."""
    if host.strip() in EVERY_INTERFACE:
        raise ServeRefused(
            f"--host '{visible(host)}' would answer on every network interface, and the pages "
            "would link to an address no browser can use; give one address: 127.0.0.1 (the "
            "default, this machine only), or this machine's address on your network to "
            "preview from another device")


def run_build(settings: Settings, cache: BuildCache) -> Outcome | None:
    """One rebuild; whatever goes wrong becomes problems to show, never a dead server.
    None when a newer save stopped it before it wrote anything."""
    try:
        return build(settings, cache)
    except Superseded:
        return None
    except ContentError as error:
        return tuple(error.problems)
    except Refusal as error:  # a refused output folder or kept state, a refused write
        return (Problem(display_path(settings.out), 1, 1, "(output)", str(error)),)
    except OSError as error:  # a file deleted or renamed while it was being read
        where = display_path(Path(error.filename)) if error.filename else "(build)"
        return (Problem(where, 1, 1, "(file)", f"could not read it: {error.strerror}",
                        "save the file again"),)
    except Exception as error:  # a bug in the engine: the one place to say so and keep serving
        traceback.print_exc()
        return (Problem("(build)", 1, 1, "(engine)", f"internal error: {error!r}",
                        "the terminal shows the traceback"),)


@dataclasses.dataclass
class Preview:
    """What the event loop knows about the latest build; touched on the loop's thread only."""

    settings: Settings
    problems: tuple[Problem, ...] = ()
    generation: int = 0  # counts the builds that changed what the browser shows
    # URL path -> generation, the most recent last; at most MAX_SERVED of them.
    served: OrderedDict[str, int] = dataclasses.field(default_factory=OrderedDict)
    notices: tuple[str, ...] = ()  # the build notices last said; each is said again on change
    follow_up: Callable[[], None] = lambda: None  # asks for the build that makes the index
    reloading: int = 0  # pages told to reload that have not connected again yet
    waiting: bool = False  # whether the follow-up waits for them
    wait: int = 0  # counts the waits, so that a timer set for one never ends a later one

    def finished(self, outcome: Outcome) -> None:
        """Adopt a build's outcome, tell the terminal, reload the open pages if they changed;
        then, if the build left the search index to the next one, ask for it (`follow_up`)
        once the reloaded pages are back, so that build does not slow their loading."""
        told = self._adopt(outcome)
        # A build since the one waited for made the index, or failed (the next that works
        # is pending again): nothing is left to follow up.
        self.waiting = False
        if isinstance(outcome, BuildReport) and outcome.search_pending:
            self._once_reloaded(told)

    def _adopt(self, outcome: Outcome) -> int:
        """The outcome made current; how many open pages were told to reload."""
        problems = () if isinstance(outcome, BuildReport) else outcome
        if isinstance(outcome, BuildReport):
            fresh = [notice for notice in outcome.notices() if notice not in self.notices]
            say(f"[{now()}] " + "; ".join((outcome.headline(), *fresh)))
            self.notices = outcome.notices()
        else:
            say(f"[{now()}] the site could not be built; the preview shows why:")
            say(ContentError(outcome).report())
        unchanged = problems == self.problems and (
            not isinstance(outcome, BuildReport) or outcome.written == 0)
        if unchanged and self.generation:  # a save that changed nothing shown: no reload
            return 0
        self.problems = problems
        self.generation += 1
        clients = list(LiveReloadHandler.waiters)
        for client in clients:
            client.send_message(RELOAD)
        return len(clients)

    def _once_reloaded(self, told: int) -> None:
        self.reloading, self.waiting, self.wait = told, True, self.wait + 1
        if told:
            IOLoop.current().call_later(RELOAD_WAIT_SECONDS, self._follow_up_now, self.wait)
        else:
            self._follow_up_now(self.wait)

    def page_connected(self) -> None:
        """A page's reload client connected: one reloaded page is back."""
        self.reloading = max(0, self.reloading - 1)
        if not self.reloading and self.waiting:
            IOLoop.current().call_later(SETTLE_SECONDS, self._follow_up_now, self.wait)

    def _follow_up_now(self, wait: int) -> None:
        if self.waiting and wait == self.wait:
            self.waiting = False
            self.follow_up()

    def serving(self, path: str) -> None:
        """Remember that the page at `path` shows the current build."""
        self.served[path] = self.generation
        self.served.move_to_end(path)
        while len(self.served) > MAX_SERVED:
            self.served.popitem(last=False)

    def is_stale(self, url: str) -> bool:
        """Whether the page at `url` was served before the latest build finished."""
        served = self.served.get(urlsplit(url).path)
        return served is not None and served < self.generation


class Rebuilder:
    """Runs builds one at a time on a worker thread, so the event loop keeps serving.

    A request made while a build runs is remembered, and one more build follows:
    the last save is always built, however quickly saves come.
    """

    def __init__(self, build_once: Callable[[], Outcome | None],
                 done: Callable[[Outcome], None]) -> None:
        self._build_once = build_once
        self._done = done
        self._wanted = threading.Event()
        self._thread = threading.Thread(target=self._work, name="mlguide-build", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request(self) -> None:
        self._wanted.set()

    def _work(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()  # before building: a save during the build asks again
            outcome = self._build_once()
            if outcome is not None:  # else superseded: the build asked for next is the one
                self._done(outcome)


def first_build(settings: Settings, cache: BuildCache) -> BuildReport:
    """The build before the server answers; begun again when a save stops it (the saves
    it has seen are built again after it all the same)."""
    while True:
        cache.superseded.clear()
        try:
            return build(settings, cache)
        except Superseded:
            continue


def watched_folders(settings: Settings) -> list[Path]:
    return [folder for folder in (settings.content, settings.templates, settings.static)
            if folder.is_dir()]


def output_filter(out: Path) -> Callable[[watchfiles.Change, str], bool]:
    """Editor droppings (swap files, backups) and the build's own files do not count."""
    out = out.resolve()
    ours = (str(out), str(out.parent / f".{out.name}."))
    default = watchfiles.DefaultFilter()

    def wanted(change: watchfiles.Change, path: str) -> bool:
        return default(change, path) and not path.startswith(ours)

    return wanted


class ArmedStop:
    """The stop event as watchfiles polls it: the first poll says the watcher is armed.

    watchfiles asks `is_set()` only once its inotify watches exist, so a save
    after `armed` is set is never missed.
    """

    def __init__(self, stop: threading.Event, armed: threading.Event) -> None:
        self._stop, self._armed = stop, armed

    def is_set(self) -> bool:
        self._armed.set()
        return self._stop.is_set()


def watch(settings: Settings, changed: Callable[[set[str]], None], stop: threading.Event,
          armed: threading.Event) -> None:
    """Report each batch of saves under the watched folders until `stop` is set."""
    while not stop.is_set():
        folders = watched_folders(settings)
        if not folders:  # all removed for now (a checkout, say): look again shortly
            armed.set()  # nothing to miss
            stop.wait(1)
            continue
        try:
            for changes in watchfiles.watch(*folders, watch_filter=output_filter(settings.out),
                                            step=DEBOUNCE_MS, stop_event=ArmedStop(stop, armed),
                                            raise_interrupt=False):
                changed({path for _, path in changes})
        except Exception as error:  # a watched folder removed, say: look again shortly
            say(f"[{now()}] watching stopped ({error}); starting again")
            armed.set()
            stop.wait(1)


def describe_changes(paths: set[str], most: int = 3) -> str:
    """The files a batch of saves touched, for the terminal.

    An editor's temporary files (sed's 'sedZ95Lpg', vim's '4913') come and go within
    a save; only files that are still there, or look like sources, are named.
    """
    named = sorted(display_path(Path(p)) for p in paths
                   if Path(p).exists() or Path(p).suffix in SOURCE_SUFFIXES)
    if not named:
        return "a file"
    more = f" and {len(named) - most} more" if len(named) > most else ""
    return ", ".join(named[:most]) + more


def is_page(path: str) -> bool:
    """Whether a request is for a page (not a stylesheet, feed or image): 'cities/leeds/'."""
    return PurePosixPath(path.rsplit("/", 1)[-1]).suffix in ("", ".html")


def inside(root: str, path: str) -> bool:
    """Whether `path`, taken under `root` with every link resolved, stays in `root`."""
    try:
        real_root = os.path.realpath(root)
        real = os.path.realpath(os.path.join(real_root, path))
    except (ValueError, OSError):  # a NUL byte, a loop of links
        return False
    return real == real_root or real.startswith(real_root + os.sep)


class ErrorPage:
    """The page shown in place of the site while a build fails."""

    def __init__(self, folders: Iterable[Path] = ()) -> None:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(PREVIEW_FILES),
                                 autoescape=True, undefined=jinja2.StrictUndefined)
        self.template = env.get_template("errors.html")
        self.folders = tuple(folder.resolve() for folder in folders)

    def render(self, problems: Iterable[Problem]) -> bytes:
        listed = [(problem, excerpt(problem, self.folders)) for problem in problems]
        return self.template.render(problems=listed).encode("utf-8")


def excerpt(problem: Problem, folders: Iterable[Path], around: int = 1) -> list[tuple[int, str]]:
    """The lines around a problem's line, numbered, to show where it is.

    Only a file of the content or templates folders is quoted: a link out of them is
    reported, and what it points at never shown.
    """
    path = Path(problem.file)
    data = next((read_inside(path, folder, problem.file, str(folder), CONTENT_LIMITS)
                 for folder in folders if is_inside(path, folder)), None)
    if not isinstance(data, bytes):
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    first = max(1, problem.line - around)
    return [(number, visible(lines[number - 1]))
            for number in range(first, min(len(lines), problem.line + around) + 1)]


class OwnHostOnly(web.RequestHandler):
    """Answers only requests addressed to the preview itself (see own_hosts)."""

    def prepare(self) -> None:
        if self.request.host.lower() not in self.settings["own_hosts"]:
            self.set_status(421, "Misdirected Request")
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("This preview answers only at its own address.\n")


class OutputHandler(NoCacheFileHandler, OwnHostOnly):  # type: ignore[misc]
    """Serves the output folder and nothing outside it; the errors instead while a build fails."""

    def initialize(self, path: str, default_filename: str, preview: Preview,
                   error_page: ErrorPage) -> None:
        super().initialize(path, default_filename)
        self.preview = preview
        self.error_page = error_page

    async def get(self, path: str, include_body: bool = True) -> None:
        if not inside(self.root, path):
            raise web.HTTPError(404)
        if is_page(path):
            self.preview.serving(self.request.path)
            if self.preview.problems:
                self.set_status(500, "The site could not be built")
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.finish(self.error_page.render(self.preview.problems) if include_body else b"")
                return
        await super().get(path, include_body)  # type: ignore[misc]

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        # tornado refuses paths outside the root, and links out of it, with 403;
        # for the preview anything that is not a file of the site is simply not found.
        try:
            return super().validate_absolute_path(root, absolute_path)  # type: ignore[no-any-return]
        except web.HTTPError as error:
            raise web.HTTPError(404) if error.status_code == 403 else error from None

    def set_extra_headers(self, path: str) -> None:
        # A reload always shows the latest build; an asset's name is its content's hash, so
        # the browser keeps it, as the published _headers let a CDN and browsers do, and a
        # reload need not fetch the stylesheet again before it can paint.
        self.set_header("Cache-Control", "public, max-age=31536000, immutable"
                        if path.startswith("assets/") else "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        page = Path(self.root) / "404.html"
        if status_code == 404 and page.is_file():  # the site's own 404 page, as a CDN would
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page.read_bytes())
            return
        super().write_error(status_code, **kwargs)


class ReloadSocket(LiveReloadHandler, OwnHostOnly):  # type: ignore[misc]
    """livereload's protocol; a page older than the latest build is reloaded on connecting."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def check_origin(self, origin: str) -> bool:
        # livereload accepts any origin: a page of another site could then listen in.
        return urlsplit(origin).netloc.lower() in self.settings["own_hosts"] \
            and origin.lower().startswith("http://")

    def on_message(self, message: str | bytes) -> None:
        super().on_message(message)
        data = json.loads(message)
        if data.get("command") != "info":
            return
        if self.preview.is_stale(str(data.get("url", ""))):
            self.send_message(RELOAD)
        else:
            self.preview.page_connected()


class ReloadScript(LiveReloadJSHandler, OwnHostOnly):  # type: ignore[misc]
    """livereload's client script."""


class ErrorStyle(OwnHostOnly):
    """The error page's stylesheet."""

    def get(self) -> None:
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.write((PREVIEW_FILES / "errors.css").read_bytes())


class ClientInjector(LiveScriptInjector):  # type: ignore[misc]
    script = CLIENT_SCRIPT


def make_app(preview: Preview, hosts: frozenset[str]) -> web.Application:
    """The preview's routes: the reload client and socket, the error style, the site."""
    return web.Application(
        [
            (r"/livereload", ReloadSocket, {"preview": preview}),
            (r"/livereload\.js", ReloadScript),
            (r"/_preview/errors\.css", ErrorStyle),
            (r"/(.*)", OutputHandler, {"path": str(preview.settings.out.resolve()),
                                       "default_filename": "index.html", "preview": preview,
                                       "error_page": ErrorPage(
                                           (preview.settings.content,
                                            preview.settings.templates))}),
        ],
        transforms=[ClientInjector],
        log_function=lambda handler: None,  # the terminal is for the editor's builds
        own_hosts=hosts,
    )


def listen(host: str, port: int) -> list[Any]:
    """Bind the address before anything else, so a port in use is said at once."""
    try:
        return netutil.bind_sockets(port, address=host)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ServeRefused(f"port {port} on {host} is in use; stop the other server or "
                               "choose another port with --port") from None
        raise ServeRefused(f"cannot listen on {host} port {port}: "
                           f"{error.strerror or error}") from None


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Build, then serve and rebuild on every save until interrupted."""
    check_host(host)
    sockets = listen(host, port)
    port = sockets[0].getsockname()[1]
    address = base_url_for(host, port)
    settings = dataclasses.replace(settings, base_url=address)
    # Parsed files and rendered Markdown, kept from build to build; a save's pages are
    # published without waiting for the search index, which the build after it makes.
    cache = BuildCache(search_later=True)
    preview = Preview(settings)
    loop = IOLoop.current()

    def build_once() -> Outcome | None:
        cache.superseded.clear()  # a save from now on stops this build, not the next
        outcome = run_build(settings, cache)
        if outcome is None:  # stopped for a newer save, whose build publishes pages first
            cache.search_later = True
            return None
        index_next_if_pending(outcome)
        return outcome

    def index_next_if_pending(outcome: Outcome) -> None:
        """A build that published the last index is followed by one more, which makes the
        new one (Preview.finished asks for it once the reloaded pages are back)."""
        pending = isinstance(outcome, BuildReport) and outcome.search_pending
        cache.search_later = not pending  # the next build makes the index, whatever it takes

    rebuilder = Rebuilder(build_once, lambda outcome: loop.add_callback(preview.finished, outcome))
    preview.follow_up = rebuilder.request

    def changed(paths: set[str]) -> None:
        say(f"[{now()}] changed: {describe_changes(paths)}; rebuilding")
        # A build under way (the search index's, or an older save's) is no longer the one
        # to wait for: it stops before it writes anything (pipeline.Superseded).
        cache.superseded.set()
        rebuilder.request()

    # The watcher is armed before the first build reads anything: a save from then on
    # asks for a build (held until the rebuilder starts), so none falls in between.
    stop, armed = threading.Event(), threading.Event()
    threading.Thread(target=watch, args=(settings, changed, stop, armed), name="mlguide-watch",
                     daemon=True).start()
    armed.wait(ARMING_SECONDS)
    try:  # a refused output folder stops the server here; bad content does not
        first: Outcome = first_build(settings, cache)
    except ContentError as error:
        first = tuple(error.problems)
    except BaseException:  # a refused output folder: the watcher stops with the server
        stop.set()
        raise
    index_next_if_pending(first)
    preview.finished(first)
    server = httpserver.HTTPServer(make_app(preview, own_hosts(host, port)))
    server.add_sockets(sockets)
    rebuilder.start()
    folders = ", ".join(display_path(f) for f in watched_folders(settings))
    say(f"Serving the preview at {address} (watching {folders}); press Ctrl-C to stop")
    try:
        loop.start()
    except KeyboardInterrupt:
        say("stopped")
    finally:
        stop.set()
        server.stop()
    return 0
