"""Start a new city or job file, with every field present and explained.

    python build.py new city "Milton Keynes"   => content/cities/milton-keynes.yaml
    python build.py new job "Senior ML Engineer, Leeds"
                                               => content/jobs/senior-ml-engineer-leeds.yaml

Required fields the editor has to fill are left empty, so `build.py check`
names each of them until it is filled; optional ones are empty too, which
the model takes as "not given". A city gets the next free rank, a job
today's date. An existing file is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from ..load import load_yaml_file
from ..model import RESERVED_JOB_IDS
from ..problems import Refusal, display_path

KINDS = ("city", "job")


class ScaffoldRefused(Refusal):
    """The new file cannot be written (it exists, or the name makes no slug): exit status 2."""


def slugify(text: str) -> str:
    """'Milton Keynes' => 'milton-keynes'; 'Zürich & Co.' => 'zurich-co'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def yaml_scalar(value: str) -> str:
    """`value` as one YAML scalar, quoted only where YAML needs it ('yes', 'a: b')."""
    return yaml.safe_dump([value], allow_unicode=True, width=1000).strip()[2:]


def _mappings(folder: Path) -> list[dict[str, Any]]:
    """The readable top-level mappings of the YAML files in `folder` (broken ones skipped)."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        data = load_yaml_file(path, display_path(path)).data
        if isinstance(data, dict):
            found.append(data)
    return found


def next_rank(content: Path) -> int:
    """The first whole number above the highest rank any city has (3.5 => 4)."""
    ranks = [d["rank"] for d in _mappings(content / "cities")
             if isinstance(d.get("rank"), int | float) and not isinstance(d.get("rank"), bool)]
    return int(max(ranks, default=0)) + 1


def sector_keys(content: Path) -> list[str]:
    """The keys of sectors.yaml, for the comments; none if it is missing or broken."""
    path = content / "sectors.yaml"
    data = load_yaml_file(path, display_path(path)).data if path.is_file() else None
    return sorted(str(key) for key in data) if isinstance(data, dict) else []


def city_slugs(content: Path) -> list[str]:
    """The slugs a job's city may name."""
    return sorted(path.stem for path in (content / "cities").glob("*.yaml"))


def listing(keys: list[str], indent: str = "") -> str:
    """The known keys as comment lines, wrapped to fit."""
    text, lines = "", []
    for key in keys:
        if len(text) + len(key) > 70:
            lines.append(text.rstrip())
            text = ""
        text += key + ", "
    lines.append(text.rstrip(", "))
    return "\n".join(f"{indent}#   {line}" for line in lines if line)


CITY = """\
# yaml-language-server: $schema=../../schema/city.schema.json
# A city of the guide. Fill in every empty field below, then run, in the project folder,
#   .venv/bin/python build.py check      (or: python3 tasks.py build check)
# which names each field still missing. EDITING.md explains every field.

# The city's name as readers see it (unique across cities).
name: {name}
# England, Scotland, Wales or Northern Ireland.
nation:
# The city's place in the guide: a number no other city has; lower comes first.
# Gaps are fine, and 3.5 puts a city between 3 and 4: no other file needs to change.
rank: {rank}
# Optional: established, emerging or honourable-mention. Leave empty if unsure.
status:
# Where the city is, for the map: latitude and longitude in degrees, like
#   lat: 53.4808
#   lon: -2.2426
location:
  lat:
  lon:
# One or two plain sentences for cards and search engines (at most 200 characters).
summary:
# The city page's main text, in Markdown. For more than one line, write
# 'overview: |' and the text on the lines below it, indented by two spaces.
overview:
# What the city is strong in: at least one. Copy the block (from '- name') for more.
specialisms:
  - name:
    # At least one sector key, like [healthcare, fintech]. The keys are:
{sectors}
    sectors: []
    description:
# Optional: companies and institutions. To add one, delete the '[]' below and
# remove the '# ' from the example's lines; copy the block for more. type is one of
# company, university, research-lab, public-body, hub, startup, consultancy;
# url and sectors are optional.
employers: []
# - name: University of Example
#   type: university
#   url: https://www.example.ac.uk/
#   description: What it does in machine learning, in Markdown.
#   sectors: [healthcare]
# Optional: the date you last checked the city's text, like 2026-11-25
# (shown as "Last reviewed").
reviewed:
# Optional: figures from elsewhere, each with its source and date; never one
# without a source. To add one, delete the '[]' and remove the '# ' below.
figures: []
# - name: Median advertised ML salary
#   value: 72000
#   unit: GBP a year
#   source: https://www.example.org/salary-survey
#   as_of: 2026-10-01
"""

JOB = """\
# yaml-language-server: $schema=../../schema/job.schema.json
# A job posting. Fill in every empty required field below, then run, in the project folder,
#   .venv/bin/python build.py check      (or: python3 tasks.py build check)
# which names each field still missing. EDITING.md explains every field.

# The job title as advertised.
title: {title}
# Optional: the hiring organisation or agency. Leave empty when the posting
# does not say (the site then shows "employer not disclosed").
employer:
# Optional: the city file this job is listed under, one of:
{cities}
city:
# Where the job is, as readers should see it, like "Leeds (hybrid)".
location:
# Optional: onsite, hybrid or remote.
workplace:
# Optional: full-time, part-time, contract, temporary or internship.
employment_type:
# Optional: the pay, digits only (no commas or £). Give min, max or both;
# currency is GBP and period is year unless you say otherwise (month, day, hour).
# Remove the '# ' from the lines you use:
salary:
#   min: 50000
#   max: 60000
#   currency: GBP
#   period: year
# The date the job was posted (today unless you change it), without quotes.
posted: {today}
# Optional: the last day to apply, like 2027-01-31. The job leaves the site after it.
closes:
# Where to apply: the full address of the posting, starting with https://
apply_url:
# What the job is, in Markdown. For more than one line, write 'summary: |'
# and the text on the lines below it, indented by two spaces.
summary:
# Optional: sector keys, like [insurance]. The keys are:
{sectors}
sectors: []
# Optional: true if the employer sponsors a work visa, false if not; leave it out
# when the posting does not say.
visa_sponsorship:
# Optional, hybrid roles only: days a week in the office, 1 to 5.
office_days:
# Optional, remote roles only: where applicants may live, as two-letter country
# codes, like [GB, IE].
applicant_locations: []
# Optional, contract roles only: IR35 status (inside, outside or undetermined) and
# the length in months. Remove the '# ' from the lines you use:
contract:
#   ir35: outside
#   duration_months: 6
"""


def city_text(content: Path, name: str) -> str:
    return CITY.format(name=yaml_scalar(name), rank=next_rank(content),
                       sectors=listing(sector_keys(content), indent="    "))


def job_text(content: Path, title: str, today: dt.date) -> str:
    return JOB.format(title=yaml_scalar(title), today=today.isoformat(),
                      cities=listing(city_slugs(content)), sectors=listing(sector_keys(content)))


def new_file(content: Path, kind: str, name: str, today: dt.date) -> Path:
    """Write the new file for a city called `name` or a job titled `name`; its path."""
    name = " ".join(name.split())
    slug = slugify(name)
    if not slug:
        raise ScaffoldRefused(f"'{name}' gives no file name: use letters or digits")
    if kind == "job" and slug in RESERVED_JOB_IDS:
        raise ScaffoldRefused(f"'{slug}' is taken by the job lists' URLs; add the employer or "
                              "city to the title")
    folder = content / ("cities" if kind == "city" else "jobs")
    path = folder / f"{slug}.yaml"
    text = city_text(content, name) if kind == "city" else job_text(content, name, today)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        hint = "edit it, or choose another name" if kind == "city" else \
            "edit it, or make the title more specific (add the employer or city)"
        raise ScaffoldRefused(f"{display_path(path)} already exists; {hint}") from None
    return path

