"""Similar roles for a job's page: open roles that share its sectors, city and title words.

Each candidate scores 3 for each sector it shares, 2 for the same city and 1
for each title word it shares (words like 'senior' or 'and' do not count);
the best five with a score above nought are shown, newest first among equals,
then by id, so the choice is the same on every build. When fewer than three
score, the newest other open roles fill the list up to three. A closed role is
never a candidate: the pools hold open roles only.

To stay linear at ten thousand roles, candidates are the role's own city's
roles and the newest POOL roles of each of its sectors (of all roles, when it
has no sector), not every role of the site.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from ..model import Job

SHOWN = 5
AT_LEAST = 3
POOL = 40
SECTOR_WEIGHT, CITY_WEIGHT, WORD_WEIGHT = 3, 2, 1
IGNORED_WORDS = frozenset({
    "a", "an", "and", "the", "of", "for", "in", "to", "with", "at", "on", "or",
    "senior", "junior", "lead", "principal", "staff", "head", "graduate", "mid", "level",
})


@functools.lru_cache(maxsize=1 << 16)  # each title is scored against some seventy others
def title_words(title: str) -> frozenset[str]:
    """'Senior Machine Learning Engineer – Insurance' => {'machine', 'learning', ...}."""
    return frozenset(w for w in re.findall(r"[a-z0-9]+", title.casefold())
                     if w not in IGNORED_WORDS)


def score(job: Job, other: Job) -> int:
    """How alike two roles are, by sector, city and title words."""
    shared_sectors = len(set(job.sectors) & set(other.sectors))
    same_city = job.city is not None and job.city == other.city
    shared_words = len(title_words(job.title) & title_words(other.title))
    return (SECTOR_WEIGHT * shared_sectors + CITY_WEIGHT * same_city
            + WORD_WEIGHT * shared_words)


def similar_roles(job: Job, open_jobs: Sequence[Job], by_city: Mapping[str, Sequence[Job]],
                  by_sector: Mapping[str, Sequence[Job]]) -> tuple[Job, ...]:
    """Three to five open roles like `job` (fewer only when the site has fewer)."""
    pools = [by_city.get(job.city or "", ())]
    pools += [by_sector.get(key, ())[:POOL] for key in job.sectors] or [open_jobs[:POOL]]
    candidates = {other.slug: other for pool in pools for other in pool
                  if other.slug != job.slug}
    ranked = sorted(((score(job, other), other) for other in candidates.values()),
                    key=lambda pair: (-pair[0], -pair[1].posted.toordinal(), pair[1].slug))
    chosen = [other for points, other in ranked if points > 0][:SHOWN]
    taken = {job.slug, *(other.slug for other in chosen)}
    for other in open_jobs:  # newest first: fill up to three
        if len(chosen) >= AT_LEAST:
            break
        if other.slug not in taken:
            chosen.append(other)
            taken.add(other.slug)
    return tuple(chosen)
