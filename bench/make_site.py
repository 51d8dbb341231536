#!/usr/bin/env python3
"""Write a synthetic but valid content folder for benchmarking a site build.

Usage: make_site.py OUT_DIR [--cities 1000] [--jobs 10000] [--seed 1] [--today 2026-11-25]

The folder follows the documented content model: site.yaml, sectors.yaml,
cities/<slug>.yaml, jobs/<id>.yaml and pages/about.md. The same seed always
gives the same bytes. Only the standard library is used; the YAML is written
by hand (double-quoted scalars via json.dumps, Markdown as block scalars).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
import time
from pathlib import Path

SECTORS: dict[str, str] = {
    "healthcare": "Healthcare and life sciences",
    "fintech": "Finance and fintech",
    "insurance": "Insurance",
    "retail": "Retail and e-commerce",
    "media": "Media and advertising",
    "manufacturing": "Manufacturing and engineering",
    "energy": "Energy and climate",
    "public-sector": "Public sector and government",
    "defence": "Defence and security",
    "transport": "Transport and logistics",
    "gaming": "Games and interactive entertainment",
    "agritech": "Agriculture and food",
}

PREFIXES = [
    "Ash",
    "Bram",
    "Cal",
    "Dun",
    "El",
    "Fern",
    "Glen",
    "Hal",
    "Ink",
    "Kel",
    "Lang",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Ros",
    "Sand",
    "Thorn",
    "Wex",
    "Yar",
    "Bex",
    "Clay",
    "Dar",
    "Elm",
    "Frith",
    "Gold",
    "Hart",
    "Ivy",
    "Kings",
    "Lyn",
    "Mill",
    "Ned",
    "Orm",
    "Pol",
    "Quen",
    "Rad",
    "Stan",
    "Tarn",
    "Up",
    "Wold",
]
SUFFIXES = [
    "bury",
    "ford",
    "ton",
    "ham",
    "wick",
    "mouth",
    "field",
    "ley",
    "chester",
    "by",
    "stead",
    "port",
    "minster",
    "well",
    "bridge",
    "combe",
    "thorpe",
    "dale",
    "holm",
    "gate",
]
QUALIFIERS = [
    "",
    "Great ",
    "Little ",
    "North ",
    "South ",
    "East ",
    "West ",
    "Upper ",
    "Lower ",
    "New ",
]

NATIONS = ["England"] * 7 + ["Scotland", "Scotland", "Wales", "Northern Ireland"]
STATUSES = ["established", "emerging", "honourable-mention", None]
EMPLOYER_TYPES = [
    "company",
    "university",
    "research-lab",
    "public-body",
    "hub",
    "startup",
    "consultancy",
]
WORKPLACES = ["onsite", "hybrid", "hybrid", "remote", None]
EMPLOYMENT_TYPES = ["full-time"] * 5 + [
    "part-time",
    "contract",
    "contract",
    "temporary",
    "internship",
    None,
]

SENIORITY = ["", "Junior ", "Senior ", "Lead ", "Principal ", "Staff "]
ROLES = [
    "Machine Learning Engineer",
    "Data Scientist",
    "MLOps Engineer",
    "Research Scientist",
    "Computer Vision Engineer",
    "NLP Engineer",
    "Applied Scientist",
    "Data Engineer",
    "AI Product Manager",
    "ML Platform Engineer",
    "Quantitative Researcher",
    "Recommender Systems Engineer",
    "Deep Learning Researcher",
    "Analytics Engineer",
]
ORG_WORDS = [
    "Quantum",
    "Vector",
    "Tensor",
    "Cobalt",
    "Harbour",
    "Northern",
    "Meridian",
    "Lattice",
    "Signal",
    "Beacon",
    "Granite",
    "Kestrel",
    "Aurora",
    "Pylon",
    "Cedar",
    "Orbit",
    "Summit",
    "Atlas",
    "Helix",
    "Falcon",
    "Juniper",
    "Nimbus",
    "Sparrow",
    "Vantage",
]
ORG_SUFFIXES = [
    "Analytics",
    "Labs",
    "AI",
    "Systems",
    "Health",
    "Robotics",
    "Insights",
    "Data",
    "Group",
    "Bank",
]

WORDS = [
    "model",
    "data",
    "pipeline",
    "training",
    "inference",
    "feature",
    "evaluation",
    "deployment",
    "monitoring",
    "experiment",
    "dataset",
    "label",
    "research",
    "product",
    "team",
    "platform",
    "cloud",
    "latency",
    "accuracy",
    "customer",
    "forecasting",
    "ranking",
    "retrieval",
    "embedding",
    "transformer",
    "vision",
    "language",
    "signal",
    "risk",
    "fraud",
    "clinical",
    "imaging",
    "sensor",
    "robotics",
    "optimisation",
    "scheduling",
    "pricing",
    "demand",
    "reliability",
    "governance",
    "fairness",
    "privacy",
    "annotation",
    "benchmark",
    "baseline",
    "ablation",
    "gradient",
    "regression",
    "classification",
    "clustering",
    "anomaly",
    "causal",
    "simulation",
    "graph",
]
VERBS = [
    "build",
    "improve",
    "ship",
    "measure",
    "scale",
    "design",
    "maintain",
    "evaluate",
    "deploy",
    "refine",
    "automate",
    "analyse",
    "document",
    "review",
    "support",
    "lead",
    "mentor",
    "prototype",
    "test",
]
ADJECTIVES = [
    "robust",
    "scalable",
    "careful",
    "practical",
    "reproducible",
    "efficient",
    "open",
    "modern",
    "production-grade",
    "interpretable",
    "fast",
    "reliable",
    "collaborative",
]


def slugify(text: str) -> str:
    """Lower-case slug matching ^[a-z0-9]+(-[a-z0-9]+)*$."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def block(text: str, indent: int) -> str:
    """A YAML literal block scalar ('|') holding text, indented by indent spaces."""
    pad = " " * indent
    lines = text.rstrip("\n").split("\n")
    return "|\n" + "\n".join((pad + line) if line else "" for line in lines) + "\n"


def sentence(rng: random.Random, n_words: int) -> str:
    """One plain sentence of roughly n_words words."""
    parts = [rng.choice(VERBS), rng.choice(ADJECTIVES)]
    while len(parts) < n_words:
        parts.append(rng.choice(WORDS))
    text = " ".join(parts)
    return "We " + text + "."


def paragraph(rng: random.Random, n_words: int, link: bool = False, emphasis: bool = False) -> str:
    """A Markdown paragraph of about n_words words, optionally with a link and emphasis."""
    sentences: list[str] = []
    count = 0
    while count < n_words:
        k = rng.randint(8, 16)
        sentences.append(sentence(rng, k))
        count += k + 1
    if emphasis:
        i = rng.randrange(len(sentences))
        word = rng.choice(WORDS)
        sentences[i] = sentences[i][:-1] + f", with *{word}* at the centre."
    if link:
        word = rng.choice(WORDS)
        sentences.append(
            f"Read more about [{word} work](https://{word}.example.org/{rng.randint(1, 999)})."
        )
    return " ".join(sentences)


def city_names(rng: random.Random, n: int) -> list[str]:
    """n unique synthetic place names, in a seed-determined order."""
    base = [p + s for p in PREFIXES for s in SUFFIXES]
    rng.shuffle(base)
    names: list[str] = []
    for qual in QUALIFIERS:
        for name in base:
            names.append(qual + name)
            if len(names) == n:
                return names
    raise SystemExit(f"at most {len(names)} unique city names can be made")


def site_yaml() -> str:
    """The site-wide settings."""
    return (
        'title: "UK Machine Learning Location Guide (benchmark)"\n'
        'tagline: "Where ML careers grow, city by city"\n'
        'description: "A synthetic guide used to measure how fast the site builds."\n'
        "base_url: https://bench.example/\n"
        "language: en-GB\n"
        "intro: |\n"
        "  This guide ranks **synthetic** cities for machine learning careers.\n"
        "\n"
        "  Compare the [cities by sector](/compare/) or read [about the guide](/about/).\n"
        "why_uk:\n"
        '  - title: "Research depth"\n'
        "    body: |\n"
        "      Universities and labs publish *widely* and hire often.\n"
        '  - title: "Broad adoption"\n'
        "    body: |\n"
        "      Banks, hospitals and councils all [use ML](https://example.org/adoption).\n"
        '  - title: "Start-up funding"\n'
        "    body: |\n"
        "      Seed funds back **MLOps** and vision start-ups.\n"
    )


def sectors_yaml(rng: random.Random) -> str:
    """The sector vocabulary."""
    out: list[str] = []
    for key, name in SECTORS.items():
        out.append(f"{key}:\n  name: {q(name)}\n  description: ")
        out.append(block(paragraph(rng, 40, link=True, emphasis=True), 4))
    return "".join(out)


def city_yaml(rng: random.Random, name: str, rank: int, sector_keys: list[str]) -> str:
    """One city file."""
    lat = round(rng.uniform(50.0, 58.0), 4)
    lon = round(rng.uniform(-5.0, 1.0), 4)
    status = rng.choice(STATUSES)
    out = [
        f"name: {q(name)}\n",
        f"nation: {q(rng.choice(NATIONS))}\n",
        f"rank: {rank}\n",
    ]
    if status:
        out.append(f"status: {status}\n")
    out.append(f"location:\n  lat: {lat}\n  lon: {lon}\n")
    topics = f"{rng.choice(WORDS)} and {rng.choice(WORDS)}"
    summary = f"{name} is a {rng.choice(ADJECTIVES)} home for {topics} work."
    out.append(f"summary: {q(summary[:200])}\n")
    paras = [
        paragraph(rng, 70, link=True, emphasis=True),
        paragraph(rng, 60, emphasis=True),
        paragraph(rng, 50, link=True),
    ]
    out.append("overview: " + block("\n\n".join(paras), 2))
    out.append("specialisms:\n")
    for _ in range(3):
        spec = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}"
        secs = rng.sample(sector_keys, rng.randint(1, 2))
        out.append(f"  - name: {q(spec)}\n")
        out.append(f"    sectors: [{', '.join(secs)}]\n")
        out.append("    description: " + block(paragraph(rng, 30, emphasis=True), 6))
    out.append("employers:\n")
    for _ in range(6):
        org = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)} {rng.choice(ORG_SUFFIXES)}"
        out.append(f"  - name: {q(org)}\n")
        out.append(f"    type: {rng.choice(EMPLOYER_TYPES)}\n")
        if rng.random() < 0.8:
            out.append(f"    url: https://{slugify(org)}.example/\n")
        out.append("    description: " + block(paragraph(rng, 25, link=rng.random() < 0.3), 6))
        if rng.random() < 0.7:
            out.append(f"    sectors: [{', '.join(rng.sample(sector_keys, rng.randint(1, 3)))}]\n")
    return "".join(out)


def job_summary(rng: random.Random) -> str:
    """A Markdown job summary of about 150 words."""
    bullets = "\n".join(
        f"- {rng.choice(VERBS).capitalize()} {rng.choice(WORDS)} {rng.choice(WORDS)}"
        for _ in range(4)
    )
    return (
        paragraph(rng, 60, link=True, emphasis=True)
        + "\n\n**What you will do:**\n\n"
        + bullets
        + "\n\n"
        + paragraph(rng, 60, emphasis=True)
        + "\n"
    )


def job_yaml(
    rng: random.Random,
    title: str,
    city_slug: str,
    city_name: str,
    sector_keys: list[str],
    shared: list[str],
    today: dt.date,
    job_id: str,
) -> tuple[str, bool]:
    """One job file, and whether it is closed on `today`."""
    start = dt.date(today.year, 1, 1)
    age = min(int(rng.expovariate(1 / 60)), (today - start).days)
    posted = today - dt.timedelta(days=age)
    out = [f"title: {q(title)}\n"]
    if rng.random() < 0.9:
        org = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_SUFFIXES)}"
        out.append(f"employer: {q(org)}\n")
    out.append(f"city: {city_slug}\n")
    workplace = rng.choice(WORKPLACES)
    out.append(f"location: {q(f'{city_name} ({workplace})' if workplace else city_name)}\n")
    if workplace:
        out.append(f"workplace: {workplace}\n")
    etype = rng.choice(EMPLOYMENT_TYPES)
    if etype:
        out.append(f"employment_type: {etype}\n")
    if rng.random() < 0.85:
        out.append("salary:\n")
        if etype == "contract":
            lo = rng.randrange(350, 800, 25)
            out.append(f"  min: {lo}\n  max: {lo + rng.randrange(0, 300, 25)}\n  period: day\n")
        else:
            lo = rng.randrange(30000, 120000, 1000)
            if rng.random() < 0.8:
                out.append(f"  min: {lo}\n  max: {lo + rng.randrange(0, 40000, 1000)}\n")
            else:
                out.append(f"  min: {lo}\n")
            if rng.random() < 0.1:
                out.append("  currency: GBP\n  period: year\n")
    out.append(f"posted: {posted.isoformat()}\n")
    closed = False
    if rng.random() < 0.45:
        closes = posted + dt.timedelta(days=rng.randint(7, 90))
        closed = closes < today
        out.append(f"closes: {closes.isoformat()}\n")
    out.append(f"apply_url: https://jobs.example/apply/{job_id}\n")
    text = rng.choice(shared) if rng.random() < 0.3 else job_summary(rng)
    out.append("summary: " + block(text, 2))
    if rng.random() < 0.8:
        out.append(f"sectors: [{', '.join(rng.sample(sector_keys, rng.randint(1, 2)))}]\n")
    return "".join(out), closed


ABOUT_MD = """---
title: "About this guide"
description: "How the synthetic benchmark guide was made and what it measures."
nav: 1
---
This guide is **synthetic**: every city, employer and job is made up.

It exists to measure build speed. See the [home page](/) or the
[project's notes](https://example.org/notes) for *why* it matters.
"""


def make_site(out_dir: Path, cities: int, jobs: int, seed: int, today: dt.date) -> dict[str, int]:
    """Write the content folder (replacing it) and return some counts."""
    rng = random.Random(seed)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    for sub in ("cities", "jobs", "pages"):
        (out_dir / sub).mkdir(parents=True)
    (out_dir / "site.yaml").write_text(site_yaml(), encoding="utf-8")
    sector_keys = list(SECTORS)
    (out_dir / "sectors.yaml").write_text(sectors_yaml(rng), encoding="utf-8")
    (out_dir / "pages" / "about.md").write_text(ABOUT_MD, encoding="utf-8")

    names = city_names(rng, cities)
    slugs = [slugify(n) for n in names]
    assert len(set(slugs)) == len(slugs)
    ranks = list(range(1, cities + 1))
    rng.shuffle(ranks)
    for name, slug, rank in zip(names, slugs, ranks, strict=True):
        text = city_yaml(rng, name, rank, sector_keys)
        (out_dir / "cities" / f"{slug}.yaml").write_text(text, encoding="utf-8")

    shared = [job_summary(rng) for _ in range(max(1, min(50, jobs // 100)))]
    closed = 0
    for i in range(1, jobs + 1):
        title = rng.choice(SENIORITY) + rng.choice(ROLES)
        job_id = f"{slugify(title)}-{i:05d}"
        k = rng.randrange(cities)
        text, is_closed = job_yaml(
            rng, title, slugs[k], names[k], sector_keys, shared, today, job_id
        )
        closed += is_closed
        (out_dir / "jobs" / f"{job_id}.yaml").write_text(text, encoding="utf-8")
    return {"cities": cities, "jobs": jobs, "closed_jobs": closed, "sectors": len(sector_keys)}


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and write the site."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--cities", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=dt.date(2026, 11, 25),
        help="the build date the jobs' posted/closes dates are drawn around",
    )
    args = ap.parse_args(argv)
    if args.cities < 1 or args.jobs < 0:
        ap.error("need at least one city and a non-negative number of jobs")
    t0 = time.perf_counter()
    counts = make_site(args.out_dir, args.cities, args.jobs, args.seed, args.today)
    print(
        f"wrote {args.out_dir}: {counts['cities']} cities, {counts['jobs']} jobs "
        f"({counts['closed_jobs']} closed before {args.today}), {counts['sectors']} sectors "
        f"in {time.perf_counter() - t0:.2f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
