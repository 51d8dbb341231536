"""An incremental build gives the bytes of a clean one, whatever the edit.

Each test builds the small site, makes one kind of edit, builds again reusing
what the first build kept (a fresh BuildCache, as a new process would, with the
test process's compiled templates; or the same one, as the preview server does),
and compares the whole output tree with a clean build of the edited content into
a new folder: the clean build, from a cache with nothing in it, is the oracle.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mlguide.pipeline import Settings, build

from .conftest import (
    JOB,
    LEEDS,
    MANIFEST,
    PAGE,
    ROOT,
    SEARCH_INDEXES,
    TODAY,
    YORK,
    SavedAt,
    SiteDir,
    build_cache,
    clean_tree,
    manifest_keys,
    tree_bytes,
)

Edit = Callable[[SiteDir, Settings], Settings]


@pytest.fixture
def settings(site: SiteDir) -> Settings:
    return Settings(content=site.content, templates=ROOT / "templates",
                    static=ROOT / "static", out=site.out,
                    today=dt.date.fromisoformat(TODAY), workers=1)


def own_copies(edit: Edit, site: SiteDir, settings: Settings) -> Settings:
    """The settings with the site's own copy of the templates or static files the edit
    changes (the project's stay as they are), made before the first build."""
    if edit in EDITS_OF_TEMPLATES:
        shutil.copytree(ROOT / "templates", site.root / "templates")
        settings = dataclasses.replace(settings, templates=site.root / "templates")
    if edit in EDITS_OF_STATIC:
        shutil.copytree(ROOT / "static", site.root / "static")
        settings = dataclasses.replace(settings, static=site.root / "static")
    return settings




def rename(site: SiteDir, old: str, new: str) -> None:
    (site.content / old).rename(site.content / new)


def edit_file(site: SiteDir, relative: str, old: str, new: str) -> None:
    path = site.content / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def remade_by(settings: Settings, edit: Callable[[], object]) -> set[str]:
    """The outputs a rebuild after `edit` makes again (their key changed in the manifest),
    the search indexes (one step each, made whole) and the manifest aside."""
    build(settings, build_cache())
    before = manifest_keys(settings.out)
    edit()
    build(settings, build_cache())
    return {path for path, key in manifest_keys(settings.out).items()
            if before.get(path) != key and not path.startswith(SEARCH_INDEXES)} - {MANIFEST}


def add_leeds_roles(site: SiteDir, days: range) -> None:
    """Roles like the small site's, 'Analyst N' posted on N November, for each N."""
    for n in days:
        site.write(f"jobs/analyst-{n}-leeds.yaml",
                   JOB.replace("Data Scientist", f"Analyst {n}")
                   .replace("posted: 2026-11-20", f"posted: 2026-11-{n}"))


def edit_template(settings: Settings, name: str, old: str, new: str) -> None:
    path = settings.templates / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def rename_city(site: SiteDir, settings: Settings) -> Settings:
    rename(site, "cities/york.yaml", "cities/eboracum.yaml")
    return settings


def add_city(site: SiteDir, settings: Settings) -> Settings:
    site.write("cities/hull.yaml", YORK.replace("York", "Hull").replace("rank: 2", "rank: 3"))
    return settings


def delete_city(site: SiteDir, settings: Settings) -> Settings:
    site.remove("cities/york.yaml")
    return settings


def edit_city(site: SiteDir, settings: Settings) -> Settings:
    edit_file(site, "cities/york.yaml", "A small city.", "A small, old city.")
    return settings


def edit_city_overview(site: SiteDir, settings: Settings) -> Settings:
    edit_file(site, "cities/leeds.yaml", "Leeds has a growing data community.",
              "Leeds has a growing data community, and a long one.")
    return settings


def rename_job(site: SiteDir, settings: Settings) -> Settings:
    rename(site, "jobs/data-scientist-leeds.yaml", "jobs/scientist-leeds.yaml")
    return settings


def add_job(site: SiteDir, settings: Settings) -> Settings:
    site.write("jobs/rail-analyst-york.yaml", JOB.replace("Data Scientist", "Rail Analyst")
               .replace("city: leeds", "city: york").replace("[healthcare]", "[fintech]"))
    return settings


def delete_job(site: SiteDir, settings: Settings) -> Settings:
    site.remove("jobs/data-scientist-leeds.yaml")
    return settings


def move_job_to_another_city(site: SiteDir, settings: Settings) -> Settings:
    edit_file(site, "jobs/data-scientist-leeds.yaml", "city: leeds", "city: york")
    return settings


def rename_page(site: SiteDir, settings: Settings) -> Settings:
    rename(site, "pages/career-advice.md", "pages/advice.md")
    return settings


def add_page(site: SiteDir, settings: Settings) -> Settings:
    site.write("pages/about.md", PAGE.replace("Career advice", "About").replace("nav: 2", "nav: 1"))
    return settings


def delete_page(site: SiteDir, settings: Settings) -> Settings:
    site.remove("pages/career-advice.md")
    return settings


def rename_sector(site: SiteDir, settings: Settings) -> Settings:
    for relative in ("sectors.yaml", "cities/leeds.yaml", "cities/york.yaml"):
        edit_file(site, relative, "fintech", "finance")
    return settings


def add_sector(site: SiteDir, settings: Settings) -> Settings:
    edit_file(site, "sectors.yaml", "fintech:", "energy:\n  name: Energy\n  description: Grids.\n"
              "fintech:")
    return settings


def delete_sector(site: SiteDir, settings: Settings) -> Settings:
    edit_file(site, "sectors.yaml", "healthcare:\n  name: Healthcare and life sciences\n"
              "  description: Hospitals and labs.\n", "")
    site.write("cities/leeds.yaml", LEEDS.replace("[healthcare]", "[fintech]")
               .replace("[fintech, healthcare]", "[fintech]"))
    edit_file(site, "jobs/data-scientist-leeds.yaml", "[healthcare]", "[fintech]")
    return settings


def edit_site(site: SiteDir, settings: Settings) -> Settings:
    edit_file(site, "site.yaml", "title: Test Guide", "title: Tested Guide")
    return settings


def edit_site_base_url(site: SiteDir, settings: Settings) -> Settings:
    edit_file(site, "site.yaml", "https://guide.example/", "https://other.example/guide/")
    return settings


def edit_template_of_a_partial(site: SiteDir, settings: Settings) -> Settings:
    edit_template(settings, "partials/job_item.html", '<p class="job-employer">',
                  '<p class="job-employer employer">')
    return settings


def edit_base_template(site: SiteDir, settings: Settings) -> Settings:
    edit_template(settings, "base.html", "Skip to content", "Skip to the content")
    return settings


def add_template_read_of_a_global(site: SiteDir, settings: Settings) -> Settings:
    # page.html starts to show the site's tagline: a global it never read before.
    edit_template(settings, "page.html", "<h1>{{ page.title }}</h1>",
                  "<h1>{{ page.title }}</h1><p>{{ site.tagline }}</p>")
    return settings


def edit_static_file(site: SiteDir, settings: Settings) -> Settings:
    path = settings.static / "style.css"
    path.write_text(path.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    return settings


def add_static_file(site: SiteDir, settings: Settings) -> Settings:
    (settings.static / "extra.txt").write_text("hello\n", encoding="utf-8")
    return settings


def next_day(site: SiteDir, settings: Settings) -> Settings:
    return dataclasses.replace(settings, today=settings.today + dt.timedelta(days=1))


def after_the_job_closes(site: SiteDir, settings: Settings) -> Settings:
    return dataclasses.replace(settings, today=dt.date(2027, 1, 1))


def other_base_url(site: SiteDir, settings: Settings) -> Settings:
    return dataclasses.replace(settings, base_url="https://example.org/guide/")


def compressed(site: SiteDir, settings: Settings) -> Settings:
    return dataclasses.replace(settings, compress=True)


EDITS: list[Edit] = [
    rename_city, add_city, delete_city, edit_city,
    rename_job, add_job, delete_job, move_job_to_another_city,
    edit_city_overview,
    rename_page, add_page, delete_page,
    rename_sector, add_sector, delete_sector,
    edit_site, edit_site_base_url,
    edit_template_of_a_partial, edit_base_template, add_template_read_of_a_global,
    edit_static_file, add_static_file,
    next_day, after_the_job_closes, other_base_url, compressed,
]
EDITS_OF_TEMPLATES = {edit_template_of_a_partial, edit_base_template,
                      add_template_read_of_a_global}
EDITS_OF_STATIC = {edit_static_file, add_static_file}


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_a_rebuild_after_an_edit_equals_a_clean_build(
        edit: Edit, site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    settings = own_copies(edit, site, settings)
    build(settings, build_cache())
    edited = edit(site, settings)
    build(edited, build_cache())  # a new process: only what the first build kept on disk
    assert tree_bytes(edited.out) == clean_tree(edited, tmp_path / "clean" / "out")


@pytest.mark.parametrize("edit", [rename_city, rename_job, edit_base_template, next_day,
                                  edit_city_overview],
                         ids=lambda e: e.__name__)
def test_a_preview_rebuild_after_an_edit_equals_a_clean_build(
        edit: Edit, site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    settings = own_copies(edit, site, settings)
    cache = build_cache()  # kept in memory from build to build, as the preview server does
    build(settings, cache)
    edited = edit(site, settings)
    build(edited, cache)
    assert tree_bytes(edited.out) == clean_tree(edited, tmp_path / "clean" / "out")


# A project's name as installers spell its metadata folder: lower case ("markdown"),
# as written ("PyYAML") or with an underscore ("pydantic_core", which the engine lists
# as pydantic-core); each is the same project to packaging, and so must be to the build.
@pytest.mark.parametrize("project", ["markdown", "PyYAML", "pydantic_core"])
def test_a_new_library_version_remakes_every_output(
        site: SiteDir, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        project: str) -> None:
    """The libraries' versions are read from the installed distributions' metadata.

    A distribution found earlier on sys.path is the one Python imports and reports,
    so putting a newer version's metadata first is, to the engine, an upgrade.
    """
    first = build(settings, build_cache())
    metadata = tmp_path / "site-packages" / f"{project}-99.0.dist-info"
    metadata.mkdir(parents=True)
    (metadata / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project}\nVersion: 99.0\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(metadata.parent))
    again = build(settings, build_cache())
    assert again.reused == 0 and again.written == first.written
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_a_library_in_the_working_folder_counts_where_python_would_import_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -c` and the REPL put the working folder first on sys.path, as ''."""
    from mlguide.graph import library_versions

    (tmp_path / "markdown-99.0.dist-info").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    assert library_versions()["markdown"] == "99.0"


def test_an_edit_that_changes_no_field_remakes_nothing(site: SiteDir, settings: Settings) -> None:
    build(settings, build_cache())
    path = site.content / "jobs/data-scientist-leeds.yaml"
    path.write_text("# a comment an editor added\n" + path.read_text(), encoding="utf-8")
    report = build(settings, build_cache())
    assert report.written == 0, "the record did not change, so no output did"


def index_keys(out: Path, folder: str) -> dict[str, str]:
    """The keys of one search index's files (pagefind/, search/roles/)."""
    return {p: k for p, k in manifest_keys(out).items() if p.startswith(folder)}


def test_an_edit_indexes_again_only_the_search_index_that_holds_it(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    """A job's title is in the roles' own index alone, a city's summary in Pagefind's."""
    build(settings, build_cache())
    roles, guide = index_keys(settings.out, "search/roles/"), index_keys(settings.out, "pagefind/")
    assert roles and guide
    edit_file(site, "jobs/data-scientist-leeds.yaml", "title: Data Scientist",
              "title: Principal Data Scientist")
    build(settings, build_cache())
    assert index_keys(settings.out, "pagefind/") == guide, "Pagefind's bundle kept as it was"
    assert index_keys(settings.out, "search/roles/") != roles, "the roles' index made again"
    roles = index_keys(settings.out, "search/roles/")
    edit_file(site, "cities/leeds.yaml", "A northern city with banks and hospitals.",
              "A northern city of banks, hospitals and robots.")
    build(settings, build_cache())
    assert index_keys(settings.out, "search/roles/") == roles, "the roles' index kept"
    assert index_keys(settings.out, "pagefind/") != guide
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_a_job_edit_remakes_exactly_the_outputs_that_show_it(
        site: SiteDir, settings: Settings) -> None:
    build(settings, build_cache())
    before, keys_before = tree_bytes(settings.out), manifest_keys(settings.out)
    edit_file(site, "jobs/data-scientist-leeds.yaml", "title: Data Scientist",
              "title: Principal Data Scientist")
    report = build(settings, build_cache())
    after, keys_after = tree_bytes(settings.out), manifest_keys(settings.out)
    changed = {path for path in after if before.get(path) != after[path]}
    remade = {path for path, key in keys_after.items() if keys_before.get(path) != key}

    def rendered(paths: set[str]) -> set[str]:  # the index files are not pages of the plan
        return {p for p in paths if not p.startswith(SEARCH_INDEXES)} - {MANIFEST}

    assert rendered(changed) <= rendered(remade), "every changed page was rendered again"
    assert report.written == len(rendered(remade)), "the summary counts what was rendered"
    assert "jobs/data-scientist-leeds/index.html" in changed
    assert "cities/york/index.html" not in changed and "compare/index.html" not in changed


# Each way a template can read a city's overview (a late field: model.LATE_FIELDS), on a
# page that does not show it otherwise; each must count as a read of it.
OVERVIEW_READS = {
    "attribute": "{{ c.overview|length }}",
    "item": "{{ c['overview']|length }}",
    "attr filter": "{{ (c|attr('overview'))|length }}",
    "map": "{{ cities|map(attribute='overview')|join|length }}",
    "model API": "{{ c.model_dump()['overview']|length }}",
    "record JSON": "{{ c.record_json|length }}",
    "printed": "{{ c|string|length }}",
    "iterated": "{% for name, value in c %}{{ value|string|length if name == 'overview' }}"
                "{% endfor %}",
}


@pytest.mark.parametrize("read", list(OVERVIEW_READS.values()), ids=list(OVERVIEW_READS))
def test_a_page_that_reads_an_overview_any_way_is_made_again_when_it_changes(
        read: str, site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "templates", site.root / "templates")
    settings = dataclasses.replace(settings, templates=site.root / "templates")
    edit_template(settings, "home.html", "{% endblock %}",
                  "<p>{% for c in cities %}" + read + "{% endfor %}</p>{% endblock %}")
    build(settings, build_cache())
    edit_city_overview(site, settings)
    build(settings, build_cache())
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_an_overview_edit_remakes_its_city_page_alone(
        site: SiteDir, settings: Settings) -> None:
    """The overview is shown on its city's page alone: the pages that show the city
    otherwise (York's, the comparison, the feeds, the employers' A–Z) are not made again
    for it."""
    assert remade_by(settings, lambda: edit_city_overview(site, settings)) == {
        "cities/leeds/index.html"}


def test_the_engine_reads_a_city_summary_only_where_its_key_is_known() -> None:
    """A city's summary is late too. Jobs have summaries of their own (part of their
    records), and so do a build's report and a feed's entry (feedgen's API): besides
    those, the engine reads a summary for the share card (views/cards.py: drawn from a
    route's Card, keyed by its words) and for the search records (keyed by their
    records), and names it to declare it late (model), describe it to editors (the CMS,
    the schema) and key a JSON Feed item."""
    engine = ROOT / "mlguide"
    others = {"job", "report", "entry", "build(settings, cache)"}
    found = sorted(
        (path.relative_to(engine).as_posix(),
         ast.unparse(node.value) if isinstance(node, ast.Attribute) else "'summary'")
        for path in engine.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (isinstance(node, ast.Attribute) and node.attr == "summary"
            and ast.unparse(node.value) not in others)
        or (isinstance(node, ast.Constant) and node.value == "summary"))
    assert found == [("editor/cms.py", "'summary'"), ("editor/schema.py", "'summary'"),
                     ("editor/schema.py", "'summary'"), ("feeds.py", "'summary'"),
                     ("model.py", "'summary'"), ("publish/search.py", "city"),
                     ("publish/search.py", "city"), ("views/cards.py", "city")]


def test_the_engine_reads_an_overview_only_where_its_key_is_known() -> None:
    """Python that reads a city's overview while a page renders would escape the reads
    the templates record (render.TrackingEnvironment). The engine names it (`.overview`,
    or the string) only to declare it late (model), describe it to editors (schema),
    index it for search (keyed by its records), hand it to its city's page as Markdown
    (part of that route's key: routes.city_markdown) and as an anchor's id."""
    engine = ROOT / "mlguide"
    found = sorted(
        (path.relative_to(engine).as_posix(), type(node).__name__)
        for path in engine.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (isinstance(node, ast.Attribute) and node.attr == "overview")
        or (isinstance(node, ast.Constant) and node.value == "overview"))
    assert found == [("editor/schema.py", "Constant"), ("model.py", "Constant"),
                     ("publish/search.py", "Attribute"), ("routes.py", "Attribute"),
                     ("views/anchors.py", "Constant")]
    # Nor does it read a record whole (its late fields with it) but to key and keep it.
    whole = {"model_dump", "model_dump_json", "record_json", "__dict__"}
    readers = {path.relative_to(engine).as_posix() for path in engine.rglob("*.py")
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Attribute) and node.attr in whole}
    assert readers == {"model.py", "validate.py"}


def test_every_kind_of_record_with_late_fields_is_where_their_reads_are_looked_up(
        site: SiteDir, settings: Settings) -> None:
    from mlguide import model
    from mlguide.pipeline import prepare
    from mlguide.render import late_records

    def kinds(cls: type) -> set[type]:
        return {cls} | {k for sub in cls.__subclasses__() for k in kinds(sub)}

    late = {cls.__name__ for cls in kinds(model.ContentModel) if cls.LATE_FIELDS}
    assert late == {"City"}
    index = prepare(settings, build_cache()).index
    assert set(late_records(index)) == late
    assert late_records(index)["City"]["leeds"].late_field_digest("overview") is not None


def test_a_routes_key_tells_apart_every_value_a_template_could_read() -> None:
    """Two contexts a template would show differently never share a key."""
    from mlguide.graph import value_digest

    def key(value: object) -> str:
        return value_digest(value, {})

    assert key(frozenset({"leeds", "york"})) != key(frozenset({"leeds", "hull"})), "set items"
    assert key(frozenset({"a", "b"})) == key(frozenset({"b", "a"})), "a set has no order"
    assert key(None) != key("None") and key(1) != key("1") and key(1) != key(1.0)
    assert key({"a": "b"}) != key({"b": "a"}) and key(("a", "b")) != key(("b", "a"))
    shared = ("one job list", "behind forty pages")
    memo: dict[int, tuple[object, str]] = {}
    assert value_digest((shared, shared), memo) == key((shared, ("one job list",
                                                                 "behind forty pages")))


    def shown(jobs: tuple[str, ...]) -> Callable[[], tuple[str, ...]]:
        return lambda: jobs

    assert key(shown(("leeds",))) != key(shown(("york",))), "what a function holds"


def test_a_value_the_graph_cannot_key_is_refused_with_what_it_can() -> None:
    from mlguide.graph import UnkeyableValue, value_digest

    with pytest.raises(UnkeyableValue, match=r"^a route's context holds a object: give routes "
                       r"model objects, tuples, mappings or dataclasses of them$"):
        value_digest(object(), {})


def test_a_job_edit_remakes_the_pages_that_show_it_not_every_page_of_its_lists(
        site: SiteDir, settings: Settings) -> None:
    """Five Leeds roles, two to a page: the oldest is on the last page of each list it is
    in. Its title's edit makes that page again, and the pages that show it otherwise;
    never the other pages of those lists, which show only its lists' names and sizes,
    nor the employers' A–Z, whose counts of open roles it leaves as they were."""
    with (site.content / "site.yaml").open("a", encoding="utf-8") as file:
        file.write("page_sizes:\n  roles: 2\n")
    add_leeds_roles(site, range(21, 25))
    remade = remade_by(settings, lambda: edit_file(
        site, "jobs/data-scientist-leeds.yaml", "title: Data Scientist",
        "title: Senior Data Scientist"))
    assert remade == {
        "jobs/data-scientist-leeds/index.html", "cards/jobs/data-scientist-leeds.png",
        # the last page of each list it is in, and each list's feeds
        "jobs/page/3/index.html", "jobs/feed.json", "jobs/feed.xml", "jobs/indeed.xml",
        "jobs/cities/leeds/page/3/index.html", "jobs/cities/leeds/feed.json",
        "jobs/cities/leeds/feed.xml",
        "jobs/sectors/healthcare/page/3/index.html", "jobs/sectors/healthcare/feed.json",
        "jobs/sectors/healthcare/feed.xml",
        "jobs/employers/leeds-data-lab/page/3/index.html",
        "jobs/employers/leeds-data-lab/feed.json", "jobs/employers/leeds-data-lab/feed.xml",
        # the pages that show its card: its city's, its sector's, the other roles' (similar)
        "cities/leeds/index.html", "sectors/healthcare/index.html",
        *(f"jobs/analyst-{n}-leeds/index.html" for n in range(21, 25))}
    assert tree_bytes(settings.out) == clean_tree(settings, site.root / "clean" / "out")


def test_a_city_edit_leaves_the_feeds_of_other_cities_roles_alone(
        site: SiteDir, settings: Settings) -> None:
    """A feed names each role's city: it reads those cities, not every city. York's
    name is in York's own feeds (their title) and in no feed of Leeds's role."""
    remade = remade_by(settings, lambda: edit_file(
        site, "cities/york.yaml", "name: York", "name: City of York"))
    assert {path for path in remade if path.endswith(("feed.xml", "feed.json", "indeed.xml"))} \
        == {"jobs/cities/york/feed.json", "jobs/cities/york/feed.xml"}
    assert tree_bytes(settings.out) == clean_tree(settings, site.root / "clean" / "out")


def test_a_role_a_page_counts_but_does_not_show_leaves_that_page_alone(
        site: SiteDir, settings: Settings) -> None:
    """Leeds and healthcare show their ten newest roles and count the rest (the link to
    their lists): the edit of the oldest one's title changes neither page."""
    add_leeds_roles(site, range(10, 21))  # posted before the small site's own role
    remade = remade_by(settings, lambda: edit_file(
        site, "jobs/analyst-10-leeds.yaml", "title: Analyst 10", "title: Lead Analyst"))
    assert "jobs/analyst-10-leeds/index.html" in remade
    assert {"cities/leeds/index.html", "sectors/healthcare/index.html"} & remade == set()
    assert tree_bytes(settings.out) == clean_tree(settings, site.root / "clean" / "out")


def test_a_city_summary_edit_remakes_the_pages_that_show_it_alone(
        site: SiteDir, settings: Settings) -> None:
    """A city's summary is late (model.LATE_FIELDS): shown on its page, its cards and its
    share card, it is not read by the comparison or the feeds, which hold the city too."""
    remade = remade_by(settings, lambda: edit_file(
        site, "cities/york.yaml", "summary: A small city.",
        "summary: A small city with a minster."))
    # Its page, its share card, the home page's card and Leeds's page (York is related)
    assert remade == {"cities/york/index.html", "cards/cities/york.png", "index.html",
                      "cities/leeds/index.html"}
    assert tree_bytes(settings.out) == clean_tree(settings, site.root / "clean" / "out")


def test_a_long_lived_build_cache_still_finds_every_templates_syntax_error(
        site: SiteDir, settings: Settings) -> None:
    """The preview keeps compiled templates and loads only those a build renders; a
    template's new source is compiled all the same, so its mistake is told at once, even
    in a template no page uses yet."""
    from mlguide.pipeline import BuildCache
    from mlguide.problems import ContentError

    shutil.copytree(ROOT / "templates", site.root / "templates")
    settings = dataclasses.replace(settings, templates=site.root / "templates")
    cache = BuildCache()
    build(settings, cache)
    (settings.templates / "partials/unused.html").write_text("<p>{{ x | }}</p>\n")
    with pytest.raises(ContentError) as raised:
        build(settings, cache)
    [problem] = raised.value.problems
    assert problem.file.endswith("templates/partials/unused.html"), problem
    assert problem.message.startswith("template syntax error"), problem


def test_a_superseded_build_stops_before_it_writes_and_the_next_is_whole(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    """The preview stops a build when a newer save comes (BuildCache.superseded): the
    output, the spare tree and the kept state are as the last build left them, and the
    build after it gives a clean build's bytes."""
    from mlguide.pipeline import BuildCache, Superseded

    cache = BuildCache()
    build(settings, cache)
    kept = site.root / ".mlguide"
    before = tree_bytes(kept), tree_bytes(settings.out)
    edit_file(site, "jobs/data-scientist-leeds.yaml", "Data Scientist", "Lead Data Scientist")
    cache.superseded.set()
    with pytest.raises(Superseded):
        build(settings, cache)
    assert (tree_bytes(kept), tree_bytes(settings.out)) == before
    cache.superseded.clear()
    build(settings, cache)
    assert "Lead Data Scientist" in \
        (settings.out / "jobs/data-scientist-leeds/index.html").read_text()
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_a_superseded_build_can_stop_while_it_maps_the_site(
        site: SiteDir, settings: Settings) -> None:
    """Mapping the site is the longest stretch before anything is written (1.5 s at
    10,000 jobs): it asks between kinds of page whether a newer save came. Three
    questions come before the site map (after loading, after validating, just before it),
    and one after it: a build whose site map asks none would finish."""
    from mlguide.pipeline import BuildCache, Superseded

    with pytest.raises(Superseded):
        build(settings, BuildCache(superseded=SavedAt(5)))
    assert not settings.out.exists(), "nothing was published"
