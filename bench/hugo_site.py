#!/usr/bin/env python3
"""Convert a content folder (the guide's content model) into an equivalent Hugo site.

Usage: hugo_site.py CONTENT_DIR HUGO_DIR [--today 2026-11-25] [--base-url URL]
                    [--lookup where|taxonomy] [--hugo-version 0.168.0]

The Hugo site has one page per city, open job and sector, a home page listing
the cities, a list of all jobs, an about page, RSS (capped at 50 items) and a
sitemap. Jobs that closed before --today are left out, as the guide leaves
them out. Templates are of a real site's weight: a base layout with head,
header, nav and footer, cards as partials, and per-section single layouts
that look up related pages with `where` over .Site.RegularPages (the
default), or with --lookup taxonomy through Hugo's taxonomy index (hidden
taxonomies, no extra pages), which is Hugo's fast path and so a stricter bar.

The site is written for the Hugo that will build it (--hugo-version, by default
the version of `hugo` on PATH): Hugo 0.145 removed the `_build` front matter
key in favour of `build`, and 0.158 renamed `languageCode` to `locale`. Every
supported version builds the same pages. Needs PyYAML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

HUGO_TOML = """\
baseURL = {base_url}
{language_key} = {language}
title = {title}
buildFuture = true
disableKinds = {disable_kinds}
rssLimit = 50
enableRobotsTXT = true

[params]
description = {description}
tagline = {tagline}

[outputs]
home = ["HTML", "RSS"]
section = ["HTML", "RSS"]
page = ["HTML"]

[markup.goldmark.renderer]
unsafe = false

[[menu.main]]
name = "Cities"
pageRef = "/cities"
weight = 10
[[menu.main]]
name = "Jobs"
pageRef = "/jobs"
weight = 20
[[menu.main]]
name = "Sectors"
pageRef = "/sectors"
weight = 30
{taxonomies}"""

LAYOUTS: dict[str, str] = {}

LAYOUTS["_default/baseof.html"] = """\
<!DOCTYPE html>
<html lang="{{ @@SITE_LANGUAGE@@ }}">
<head>
{{ partial "head.html" . }}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
{{ partial "header.html" . }}
<main id="main">
{{ block "main" . }}{{ end }}
</main>
{{ partial "footer.html" . }}
</body>
</html>
"""

LAYOUTS["partials/head.html"] = """\
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{ $title := cond .IsHome site.Title (printf "%s | %s" .Title site.Title) }}
<title>{{ $title }}</title>
{{ $desc := site.Params.description }}
{{ with .Description }}{{ $desc = . }}{{ end }}
<meta name="description" content="{{ $desc }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ $title }}">
<meta property="og:description" content="{{ $desc }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
<meta property="og:site_name" content="{{ site.Title }}">
{{ range .AlternativeOutputFormats -}}
<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">
{{ end -}}
<style>
:root { --fg: #1b1f23; --bg: #fff; --accent: #0b5cad; --muted: #5a6370; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e6e6; --bg: #111418; --accent: #7ab7ff; --muted: #a0a8b3; }
}
body { font: 1rem/1.6 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
nav ul { list-style: none; display: flex; gap: 1rem; padding: 0; }
a { color: var(--accent); }
.card { border: 1px solid var(--muted); border-radius: .5rem; padding: .75rem; margin: .5rem 0; }
.meta { color: var(--muted); font-size: .9rem; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; }
</style>
"""

LAYOUTS["partials/header.html"] = """\
<header>
  <p class="site-title"><a href="{{ "/" | relURL }}">{{ site.Title }}</a></p>
  {{ with site.Params.tagline }}<p class="tagline">{{ . }}</p>{{ end }}
  <nav aria-label="Main">
    <ul>
      <li><a href="{{ "/" | relURL }}"{{ if .IsHome }} aria-current="page"{{ end }}>Home</a></li>
      {{ $current := . }}
      {{ range site.Menus.main }}
      <li><a href="{{ .URL }}"
        {{- if $current.IsMenuCurrent "main" . }} aria-current="page"{{ end }}>{{ .Name }}</a></li>
      {{ end }}
    </ul>
  </nav>
  {{ if not .IsHome }}
  <nav aria-label="Breadcrumb" class="meta">
    <a href="{{ "/" | relURL }}">Home</a>
    {{ with .Parent }}{{ if not .IsHome }}
    / <a href="{{ .RelPermalink }}">{{ .Title }}</a>
    {{ end }}{{ end }}
    / <span aria-current="page">{{ .Title }}</span>
  </nav>
  {{ end }}
</header>
"""

LAYOUTS["partials/footer.html"] = """\
<footer>
  <hr>
  <p>{{ site.Title }}{{ with site.Params.tagline }}: {{ . }}{{ end }}</p>
  <ul class="meta">
    <li><a href="{{ "/cities/" | relURL }}">All cities</a></li>
    <li><a href="{{ "/jobs/" | relURL }}">All jobs</a></li>
    <li><a href="{{ "/sectors/" | relURL }}">All sectors</a></li>
    <li><a href="{{ "/index.xml" | relURL }}">Feed</a></li>
  </ul>
  <p class="meta">Built {{ now.Format "2 January 2006" }}.</p>
</footer>
"""

LAYOUTS["partials/job-card.html"] = """\
<article class="card job">
  <h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
  <p class="meta">
    {{ with .Params.employer }}{{ . }}{{ else }}Employer not disclosed{{ end }}
    &middot; {{ .Params.location }}
    {{ with .Params.workplace }}&middot; {{ . | humanize }}{{ end }}
    {{ with .Params.employment_type }}&middot; {{ . | humanize }}{{ end }}
  </p>
  {{ partial "salary.html" .Params.salary }}
  <p class="meta">Posted
  <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 Jan 2006" }}</time>
  {{ with .Params.closes }}&middot; closes {{ time.Format "2 Jan 2006" . }}{{ end }}</p>
</article>
"""

LAYOUTS["partials/salary.html"] = """\
{{ with . }}
{{ $cur := .currency | default "GBP" }}
{{ $period := .period | default "year" }}
<p class="salary">
  {{ if and .min .max }}{{ $cur }} {{ lang.FormatNumber 0 .min }} to {{ lang.FormatNumber 0 .max }}
  {{ else if .min }}From {{ $cur }} {{ lang.FormatNumber 0 .min }}
  {{ else }}Up to {{ $cur }} {{ lang.FormatNumber 0 .max }}{{ end }}
  per {{ $period }}
</p>
{{ end }}
"""

LAYOUTS["partials/sector-links.html"] = """\
{{ range $i, $key := . -}}
  {{ if $i }}, {{ end -}}
  {{ with site.GetPage (printf "/sectors/%s" $key) -}}
    <a href="{{ .RelPermalink }}">{{ .Title }}</a>
  {{- end }}
{{- end }}
"""

LAYOUTS["partials/city-card.html"] = """\
<article class="card city">
  <h3><a href="{{ .RelPermalink }}">{{ .Params.rank }}. {{ .Title }}</a></h3>
  <p class="meta">{{ .Params.nation }}
  {{ with .Params.status }} &middot; {{ . | humanize }}{{ end }}</p>
  <p>{{ .Description }}</p>
</article>
"""

LAYOUTS["index.html"] = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ .Content }}
{{ with .Params.why_uk }}
<section>
  <h2>Why the UK</h2>
  <ol>
  {{ range . }}
    <li><h3>{{ .title }}</h3>{{ .body | markdownify }}</li>
  {{ end }}
  </ol>
</section>
{{ end }}
<section>
  <h2>Cities, by rank</h2>
  {{ range (where site.RegularPages "Section" "cities").ByWeight }}
    {{ partial "city-card.html" . }}
  {{ end }}
</section>
<section>
  <h2>Latest jobs</h2>
  {{ range first 10 (where site.RegularPages "Section" "jobs").ByDate.Reverse }}
    {{ partial "job-card.html" . }}
  {{ end }}
  <p><a href="{{ "/jobs/" | relURL }}">All jobs</a></p>
</section>
{{ end }}
"""

LAYOUTS["cities/single.html"] = """\
{{ define "main" }}
{{ $slug := .File.ContentBaseName }}
<article>
  <h1>{{ .Title }}</h1>
  <p class="meta">Rank {{ .Params.rank }} &middot; {{ .Params.nation }}
  {{ with .Params.status }}&middot; {{ . | humanize }}{{ end }}
  &middot; {{ .Params.location.lat }}, {{ .Params.location.lon }}</p>
  {{ .Content }}
  <section>
    <h2>Specialisms</h2>
    {{ range .Params.specialisms }}
    <div class="card">
      <h3>{{ .name }}</h3>
      <p class="meta">{{ partial "sector-links.html" .sectors }}</p>
      {{ .description | markdownify }}
    </div>
    {{ end }}
  </section>
  {{ with .Params.employers }}
  <section>
    <h2>Employers and institutions</h2>
    {{ range . }}
    <div class="card">
      <h3>{{ with .url }}<a href="{{ . }}">{{ end }}{{ .name }}{{ with .url }}</a>{{ end }}</h3>
      <p class="meta">{{ .type | humanize }}</p>
      {{ .description | markdownify }}
    </div>
    {{ end }}
  </section>
  {{ end }}
  <section>
    <h2>Open jobs in {{ .Title }}</h2>
    {{ $jobs := @@JOBS_OF_CITY@@ }}
    {{ range $jobs.ByDate.Reverse }}
      {{ partial "job-card.html" . }}
    {{ else }}
      <p>No open jobs right now.</p>
    {{ end }}
  </section>
</article>
{{ end }}
"""

LAYOUTS["jobs/single.html"] = """\
{{ define "main" }}
<article>
  <h1>{{ .Title }}</h1>
  <p class="meta">{{ with .Params.employer }}{{ . }}{{ else }}Employer not disclosed{{ end }}
  &middot; {{ .Params.location }}</p>
  <dl>
    {{ with .Params.city }}{{ with site.GetPage (printf "/cities/%s" .) }}
    <dt>City</dt><dd><a href="{{ .RelPermalink }}">{{ .Title }}</a></dd>
    {{ end }}{{ end }}
    {{ with .Params.workplace }}<dt>Workplace</dt><dd>{{ . | humanize }}</dd>{{ end }}
    {{ with .Params.employment_type }}<dt>Type</dt><dd>{{ . | humanize }}</dd>{{ end }}
    {{ with .Params.salary }}<dt>Salary</dt><dd>{{ partial "salary.html" . }}</dd>{{ end }}
    <dt>Posted</dt>
    <dd><time datetime="{{ .Date.Format "2006-01-02" }}">
      {{- .Date.Format "2 January 2006" -}}
    </time></dd>
    {{ with .Params.closes }}<dt>Closes</dt><dd>{{ time.Format "2 January 2006" . }}</dd>{{ end }}
    {{ with .Params.sectors }}
    <dt>Sectors</dt>
    <dd>{{ partial "sector-links.html" . }}</dd>
    {{ end }}
  </dl>
  {{ .Content }}
  <p><a class="button" href="{{ .Params.apply_url }}" rel="nofollow">Apply</a></p>
  {{ with .Params.employer }}
  <script type="application/ld+json">
  {{ $org := dict "@type" "Organization" "name" . }}
  {{ $place := dict "@type" "Place" "address" $.Params.location }}
  {{ dict "@context" "https://schema.org" "@type" "JobPosting" "title" $.Title
       "datePosted" ($.Date.Format "2006-01-02") "hiringOrganization" $org "jobLocation" $place
     | jsonify | safeJS }}
  </script>
  {{ end }}
</article>
{{ end }}
"""

LAYOUTS["jobs/list.html"] = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<p>{{ len .Pages }} open jobs, newest first.</p>
{{ range .Pages.ByDate.Reverse }}
  {{ partial "job-card.html" . }}
{{ end }}
{{ end }}
"""

LAYOUTS["sectors/single.html"] = """\
{{ define "main" }}
{{ $key := .File.ContentBaseName }}
{{ $tagged := @@PAGES_OF_SECTOR@@ }}
<article>
  <h1>{{ .Title }}</h1>
  {{ .Content }}
  <section>
    <h2>Cities</h2>
    {{ $cities := where $tagged "Section" "cities" }}
    {{ range $cities.ByWeight }}
      {{ partial "city-card.html" . }}
    {{ else }}
      <p>No city lists this sector yet.</p>
    {{ end }}
  </section>
  <section>
    <h2>Open jobs</h2>
    {{ $jobs := where $tagged "Section" "jobs" }}
    {{ range $jobs.ByDate.Reverse }}
      {{ partial "job-card.html" . }}
    {{ else }}
      <p>No open jobs in this sector.</p>
    {{ end }}
  </section>
</article>
{{ end }}
"""

LAYOUTS["_default/list.html"] = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages.ByWeight }}
  <li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Description }}: {{ . }}{{ end }}</li>
{{ end }}
</ul>
{{ end }}
"""

LAYOUTS["_default/single.html"] = """\
{{ define "main" }}
<article>
  <h1>{{ .Title }}</h1>
  {{ .Content }}
</article>
{{ end }}
"""


# How a city page finds its jobs and a sector page its cities and jobs.
# "where": filter .Site.RegularPages by a front-matter field on every such page
#   (the common idiom; cost grows with pages x pages).
# "taxonomy": Hugo's own index (taxonomies whose term pages are never rendered),
#   the idiomatic fast way; a stricter baseline.
LOOKUPS: dict[str, dict[str, str]] = {
    "where": {
        "JOBS_OF_CITY": 'where site.RegularPages "Params.city" $slug',
        "PAGES_OF_SECTOR": 'where site.RegularPages "Params.sectors" "intersect" (slice $key)',
    },
    "taxonomy": {
        "JOBS_OF_CITY": "(index site.Taxonomies.jobcities $slug).Pages",
        "PAGES_OF_SECTOR": "(index site.Taxonomies.topics $key).Pages",
    },
}
TAXONOMIES_TOML = """
[taxonomies]
jobcity = "jobcities"
topic = "topics"
"""
# The taxonomy's own page is neither rendered nor listed; its term pages are not
# rendered but stay listed: since Hugo 0.123 a term page that is never listed
# drops out of site.Taxonomies, and the city and sector pages would find no jobs.
HIDDEN_TAXONOMY = (
    "---\ntitle: {title}\n{build}: {{render: never, list: never}}\n"
    "cascade:\n  {build}: {{render: never}}\n---\n"
)

Version = tuple[int, ...]
NEWEST: Version = (0, 168, 0)  # the newest Hugo this converter was checked with


def parse_version(text: str) -> Version:
    """(0, 168, 0) from "0.168.0", "v0.111.3+extended" or a `hugo version` line."""
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if match is None:
        raise ValueError(f"not a Hugo version: {text!r}")
    return tuple(int(part or 0) for part in match.groups())


def installed_version() -> Version:
    """The version of `hugo` on PATH, or NEWEST when there is none."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return NEWEST
    line = subprocess.run([hugo, "version"], capture_output=True, text=True, check=True).stdout
    return parse_version(line.split("hugo", 1)[-1])


def syntax(version: Version) -> dict[str, str]:
    """The spellings that changed between Hugo versions, for the one that will build."""
    new_build, new_locale = version >= (0, 145), version >= (0, 158)
    return {
        "build": "build" if new_build else "_build",  # `_build` removed in 0.145
        "language_key": "locale" if new_locale else "languageCode",  # renamed in 0.158
        "SITE_LANGUAGE": "site.Language.Locale" if new_locale else "site.LanguageCode",
    }


def load(path: Path) -> Any:
    """Parse one YAML file."""
    with path.open(encoding="utf-8-sig") as fh:
        return yaml.load(fh, Loader=LOADER)


def page(front: dict[str, Any], body: str) -> str:
    """A Hugo content file: YAML front matter and a Markdown body."""
    fm = yaml.dump(front, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{fm}---\n{body.rstrip()}\n"


def toml_str(text: str) -> str:
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def convert(
    content: Path,
    hugo: Path,
    today: dt.date,
    base_url: str | None,
    lookup: str = "where",
    version: Version = NEWEST,
) -> dict[str, int]:
    """Write the Hugo site for `content` into `hugo` (replacing it); return page counts."""
    spelling = syntax(version)
    if hugo.exists():
        shutil.rmtree(hugo)
    site = load(content / "site.yaml")
    sectors = load(content / "sectors.yaml")
    (hugo / "content").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(
        HUGO_TOML.format(
            base_url=toml_str(base_url or site["base_url"]),
            language_key=spelling["language_key"],
            language=toml_str(site["language"]),
            title=toml_str(site["title"]),
            description=toml_str(site["description"]),
            tagline=toml_str(site.get("tagline", "")),
            disable_kinds="[]" if lookup == "taxonomy" else '["taxonomy", "term"]',
            taxonomies=TAXONOMIES_TOML if lookup == "taxonomy" else "",
        ),
        encoding="utf-8",
    )
    for rel, text in LAYOUTS.items():
        path = hugo / "layouts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        names = {**LOOKUPS[lookup], "SITE_LANGUAGE": spelling["SITE_LANGUAGE"]}
        for name, expr in names.items():
            text = text.replace(f"@@{name}@@", expr)
        path.write_text(text, encoding="utf-8")

    out = hugo / "content"
    taxonomy = lookup == "taxonomy"
    if taxonomy:
        for name in ("jobcities", "topics"):
            (out / name).mkdir()
            (out / name / "_index.md").write_text(
                HIDDEN_TAXONOMY.format(title=name, build=spelling["build"]), encoding="utf-8"
            )
    home = {
        "title": site["title"],
        "description": site["description"],
        "why_uk": site.get("why_uk", []),
    }
    (out / "_index.md").write_text(page(home, site["intro"]), encoding="utf-8")
    for section, title in (("cities", "Cities"), ("jobs", "Jobs"), ("sectors", "Sectors")):
        (out / section).mkdir()
        (out / section / "_index.md").write_text(page({"title": title}, ""), encoding="utf-8")

    for key, sector in sectors.items():
        (out / "sectors" / f"{key}.md").write_text(
            page({"title": sector["name"]}, sector["description"]), encoding="utf-8"
        )

    n_cities = 0
    for path in sorted((content / "cities").glob("*.yaml")):
        c = load(path)
        secs: list[str] = []
        for item in c["specialisms"] + c.get("employers", []):
            secs.extend(s for s in item.get("sectors", []) if s not in secs)
        front = {
            "title": c["name"],
            "description": c["summary"],
            "weight": c["rank"],
            "rank": c["rank"],
            "nation": c["nation"],
            "status": c.get("status"),
            "location": c["location"],
            "specialisms": c["specialisms"],
            "employers": c.get("employers", []),
            "sectors": secs,
            "topics": secs if taxonomy else None,
        }
        front = {k: v for k, v in front.items() if v is not None}
        (out / "cities" / f"{path.stem}.md").write_text(
            page(front, c["overview"]), encoding="utf-8"
        )
        n_cities += 1

    n_jobs = n_closed = 0
    for path in sorted((content / "jobs").glob("*.yaml")):
        j = load(path)
        if "closes" in j and j["closes"] < today:
            n_closed += 1
            continue
        front = {"title": j["title"], "date": j["posted"]}
        for key in (
            "employer",
            "city",
            "location",
            "workplace",
            "employment_type",
            "salary",
            "closes",
            "apply_url",
            "sectors",
        ):
            if key in j:
                front[key] = j[key]
        if taxonomy:
            front["jobcities"] = [j["city"]] if "city" in j else []
            front["topics"] = j.get("sectors", [])
        (out / "jobs" / f"{path.stem}.md").write_text(page(front, j["summary"]), encoding="utf-8")
        n_jobs += 1

    n_pages = 0
    for path in sorted((content / "pages").glob("*.md")):
        text = path.read_text(encoding="utf-8-sig")
        _, fm, body = text.split("---\n", 2)
        meta = yaml.load(fm, Loader=LOADER)
        front = {"title": meta["title"], "description": meta["description"]}
        if "nav" in meta:
            front["menu"] = {"main": {"weight": 100 + int(meta["nav"])}}
        (out / path.name).write_text(page(front, body), encoding="utf-8")
        n_pages += 1
    return {
        "cities": n_cities,
        "jobs": n_jobs,
        "closed": n_closed,
        "sectors": len(sectors),
        "pages": n_pages,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and convert."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("content_dir", type=Path)
    ap.add_argument("hugo_dir", type=Path)
    ap.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=dt.date(2026, 11, 25),
        help="jobs closing before this date are left out (default 2026-11-25)",
    )
    ap.add_argument("--base-url", help="override site.yaml's base_url")
    ap.add_argument(
        "--lookup",
        choices=sorted(LOOKUPS),
        default="where",
        help="how city and sector pages find their jobs (default: where)",
    )
    ap.add_argument(
        "--hugo-version",
        type=parse_version,
        help="write for this Hugo version, e.g. 0.111.3 (default: that of `hugo` on PATH)",
    )
    args = ap.parse_args(argv)
    version = args.hugo_version or installed_version()
    t0 = time.perf_counter()
    n = convert(args.content_dir, args.hugo_dir, args.today, args.base_url, args.lookup, version)
    print(
        f"wrote {args.hugo_dir} ({args.lookup} lookups, for Hugo "
        f"{'.'.join(map(str, version))}): {n['cities']} cities, "
        f"{n['jobs']} open jobs ({n['closed']} closed left out), {n['sectors']} sectors, "
        f"{n['pages']} pages in {time.perf_counter() - t0:.2f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
