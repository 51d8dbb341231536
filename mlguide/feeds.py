"""The job feeds: Atom (RFC 4287), JSON Feed 1.1 and Indeed's XML, made from a job list.

An Atom and a JSON Feed hold a list's newest roles (routes.FEED_ENTRIES);
Indeed's XML holds every open role, as Indeed requires.

Feeds are outputs like pages: each is a route (routes.job_feed_routes) whose
`producer` names one of PRODUCERS below, so it gets a key and is reused when
its jobs did not change. Nothing here reads the clock: an entry's dates are
the job's posted date, a feed's `updated` is its newest entry's (the build
date for a feed with none), so two builds of the same content are
byte-identical. Entry ids are tag: URIs (RFC 4151) made from the site's
host and the job id, so a job keeps its id across builds and edits.

    jobs/feed.xml                 Atom, the newest open jobs
    jobs/cities/leeds/feed.json   JSON Feed, Leeds's newest open jobs
    jobs/indeed.xml               Indeed's XML, every open job
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree
from markupsafe import escape

from .graph import Reads
from .model import City, Job, Sector, Site
from .routes import Links, Listing, Route, city_url, job_url
from .views import present
from .views.pay import annual_range, conversion

TAG_DATE = "2026"  # tag: URIs pair a domain with a date it was held: the guide's first year
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
INDEED_JOB_TYPES = {
    "full-time": "fulltime", "part-time": "parttime", "contract": "contract",
    "temporary": "temporary", "internship": "internship",
}
INDEED_REMOTE_TYPES = {"remote": "Fully remote", "hybrid": "Hybrid remote"}
COUNTRY_CODE = "GB"
NO_EMPLOYER = "Employer not disclosed"


class FeedContext:
    """What the producers need from the build: the site, its links, and jobs' HTML.

    Each site-wide fact a producer reads through it is recorded in `reads`, so a
    feed's key holds what it read (graph.py), as a template's does.
    """

    def __init__(self, site: Site, links: Links, today: dt.date,
                 city_by_slug: Mapping[str, City], sectors: Mapping[str, Sector],
                 html: Callable[[str], str]) -> None:
        self._site, self._links, self._today = site, links, today
        self._city_by_slug, self._sectors = city_by_slug, sectors
        self.html = html  # a job's Markdown summary as sanitized HTML: pure
        self.reads = Reads()
        # A job sits in several feeds (all jobs, its city, its sectors; Atom and JSON):
        # its entry HTML is made once per build, keyed by the job's record digest.
        self.entries: dict[str, str] = {}

    @property
    def site(self) -> Site:
        self.reads.add("site")
        return self._site

    @property
    def links(self) -> Links:
        self.reads.add("links")
        return self._links

    @property
    def today(self) -> dt.date:
        self.reads.add("today")
        return self._today

    def city(self, slug: str | None) -> City | None:
        """The guide's city of that slug, if any: a read of that city alone, so a feed is
        not made again when another city changes."""
        self.reads.add(f"city:{slug or ''}")
        return self._city_by_slug.get(slug or "")

    @property
    def sectors(self) -> Mapping[str, Sector]:
        self.reads.add("sectors")
        return self._sectors

    def tag(self, name: str) -> str:
        """'jobs/leeds-data-scientist/' => 'tag:guide.example,2026:jobs/leeds-data-scientist/'."""
        host = urlsplit(self.links.base_url).hostname or "localhost"
        return f"tag:{host},{TAG_DATE}:{name}"

    def city_name(self, job: Job) -> str:
        """The job's town as a place name: its guide city, else its location as written."""
        city = self.city(job.city)
        return city.name if city else job.location


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def updated(listing: Listing, today: dt.date) -> dt.datetime:
    """When a list last changed, by its content: its newest posting (or the build date if empty)."""
    return _midnight(max((job.posted for job in listing.jobs), default=today))


def facts(job: Job) -> list[tuple[str, str]]:
    """A job's facts as (label, text), in readers' terms."""
    rows = [("Employer", job.employer or NO_EMPLOYER), ("Location", job.location)]
    if job.workplace:
        rows.append(("Workplace", present.WORKPLACE[job.workplace]))
    if job.employment_type:
        rows.append(("Type", present.EMPLOYMENT[job.employment_type]))
    if job.office_days:
        rows.append(("Office days", present.office_days(job.office_days)))
    if job.applicant_locations:
        rows.append(("Applicants may live in", present.countries(job.applicant_locations)))
    if present.contract_terms(job.contract):
        rows.append(("Contract", present.contract_terms(job.contract)))
    rows.append(("Salary", present.salary_or_not(job.salary)))
    if present.annual_equivalent(job.salary):
        rows.append(("A year, about", present.annual_equivalent(job.salary)))
    rows.append(("Visa sponsorship", present.VISA[job.visa_sponsorship]))
    rows.append(("Posted", present.long_date(job.posted)))
    if job.closes:
        rows.append(("Closes", present.long_date(job.closes)))
    return rows


def summary_text(job: Job) -> str:
    """'Leeds Data Lab · Leeds (hybrid) · £50,000–£60,000 a year': a one-line summary."""
    parts = [job.employer or NO_EMPLOYER, job.location]
    if job.salary:
        parts.append(present.salary(job.salary))
    return " · ".join(parts)


def entry_html(job: Job, context: FeedContext) -> str:
    """The job's facts, description and apply link as HTML; every text escaped."""
    if (known := context.entries.get(job.digest)) is not None:
        return known
    rows = "".join(f"<li>{escape(label)}: {escape(text)}</li>" for label, text in facts(job))
    description = context.html(job.summary)  # already sanitized (markup.py)
    html = (f"<ul>{rows}</ul>\n{description}"
            f'<p><a href="{escape(job.apply_url)}">Apply for this role</a></p>')
    context.entries[job.digest] = html
    return html


class EntryLinks(BaseEntryExtension):  # type: ignore[misc]
    """An entry's links, written with their rel and type (feedgen 1.0 drops both)."""

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        for attributes in self.links:
            etree.SubElement(entry, "link", attributes)
        return entry


def entry_links(entry: FeedEntry, links: list[dict[str, str]]) -> None:
    """Give an Atom entry these links, rel and type included."""
    entry.register_extension("job_links", EntryLinks, atom=True, rss=False)
    entry.job_links.links = links


def atom_feed(listing: Listing, context: FeedContext) -> bytes:
    """The list as an Atom feed, with RFC 4287's required elements and links."""
    links, site = context.links, context.site
    feed = FeedGenerator()
    feed.id(context.tag(listing.atom_url))
    feed.title(f"{listing.title} · {site.title}")
    feed.subtitle(site.description)
    feed.author({"name": site.title, "uri": links.absolute("")})
    feed.link(href=links.absolute(listing.url), rel="alternate", type="text/html")
    feed.link(href=links.absolute(listing.atom_url), rel="self", type="application/atom+xml")
    feed.language(site.language)
    feed.updated(updated(listing, context.today))
    for job in listing.jobs:
        entry = feed.add_entry(order="append")
        entry.id(context.tag(job_url(job)))
        entry.title(job.title)
        entry.published(_midnight(job.posted))
        entry.updated(_midnight(job.posted))
        entry_links(entry, [
            {"href": links.absolute(job_url(job)), "rel": "alternate", "type": "text/html"},
            {"href": job.apply_url, "rel": "related", "title": "Apply for this role"},
        ])
        entry.summary(summary_text(job))
        entry.content(entry_html(job, context), type="html")
        for key in job.sectors:
            entry.category(term=key, label=context.sectors[key].name)
    data: bytes = feed.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data


def job_extension(job: Job, context: FeedContext) -> dict[str, Any]:
    """The `_job` extension object: the job's facts as data."""
    city = context.city(job.city)
    pay = job.salary
    return {
        "employer": job.employer,
        "location": job.location,
        "city": ({"slug": city.slug, "name": city.name,
                  "url": context.links.absolute(city_url(city))} if city else None),
        "workplace": job.workplace,
        "employment_type": job.employment_type,
        "salary": ({"min": pay.min, "max": pay.max, "currency": pay.currency,
                    "period": pay.period, "text": present.salary(pay),
                    "annual": dict(zip(("min", "max"), annual_range(pay), strict=True)),
                    "annual_basis": conversion(pay) or None} if pay else None),
        "visa_sponsorship": job.visa_sponsorship,  # null: the posting does not say
        "office_days": job.office_days,
        "applicant_locations": list(job.applicant_locations),
        "contract": ({"ir35": job.contract.ir35,
                      "duration_months": job.contract.duration_months}
                     if job.contract else None),
        "posted": job.posted.isoformat(),
        "closes": job.closes.isoformat() if job.closes else None,
        "apply_url": job.apply_url,
        "sectors": list(job.sectors),
    }


def json_feed(listing: Listing, context: FeedContext) -> bytes:
    """The list as a JSON Feed 1.1, each item carrying its facts in `_job`."""
    links, site = context.links, context.site
    items = [{
        "id": context.tag(job_url(job)),
        "url": links.absolute(job_url(job)),
        "external_url": job.apply_url,
        "title": job.title,
        "summary": summary_text(job),
        "content_html": entry_html(job, context),
        "date_published": _midnight(job.posted).isoformat(),
        "tags": [context.sectors[key].name for key in job.sectors],
        "_job": job_extension(job, context),
    } for job in listing.jobs]
    feed = {
        "version": JSON_FEED_VERSION,
        "title": f"{listing.title} · {site.title}",
        "home_page_url": links.absolute(listing.url),
        "feed_url": links.absolute(listing.json_url),
        "description": site.description,
        "language": site.language,
        "authors": [{"name": site.title, "url": links.absolute("")}],
        "items": items,
    }
    return (json.dumps(feed, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _add(parent: etree._Element, name: str, text: str, cdata: bool = True) -> None:
    """A child element holding `text`, in CDATA as Indeed asks, unless the text would end it."""
    child = etree.SubElement(parent, name)
    child.text = etree.CDATA(text) if cdata and "]]>" not in text else text


def indeed_fields(job: Job, context: FeedContext) -> list[tuple[str, str]]:
    """One job's elements in Indeed's XML feed format, in its documented order."""
    city = context.city(job.city)
    fields = [
        ("title", job.title),
        ("date", _midnight(job.posted).strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("referencenumber", job.id),  # the file name: never changes for a job
        ("requisitionid", job.id),
        ("url", context.links.absolute(job_url(job))),
        ("company", job.employer or NO_EMPLOYER),
        ("city", context.city_name(job)),
    ]
    if city:
        fields.append(("state", city.nation))
    fields += [("country", COUNTRY_CODE), ("description", context.html(job.summary))]
    if job.salary:
        fields.append(("salary", present.salary(job.salary)))
    if job.employment_type:
        fields.append(("jobtype", INDEED_JOB_TYPES[job.employment_type]))
    if job.workplace in INDEED_REMOTE_TYPES:
        fields.append(("remotetype", INDEED_REMOTE_TYPES[job.workplace]))
    if job.closes:
        fields.append(("expirationdate", job.closes.isoformat()))
    if job.sectors:
        fields.append(("category", ", ".join(context.sectors[k].name for k in job.sectors)))
    return fields


def indeed_feed(listing: Listing, context: FeedContext) -> bytes:
    """Every job of the list in Indeed's XML job feed format."""
    source = etree.Element("source")
    _add(source, "publisher", context.site.title, cdata=False)
    _add(source, "publisherurl", context.links.absolute(""), cdata=False)
    for job in listing.jobs:
        node = etree.SubElement(source, "job")
        for name, text in indeed_fields(job, context):
            _add(node, name, text)
    data: bytes = etree.tostring(source, xml_declaration=True, encoding="utf-8",
                                 pretty_print=True)
    return data


PRODUCERS: dict[str, Callable[[Listing, FeedContext], bytes]] = {
    "atom": atom_feed, "json": json_feed, "indeed": indeed_feed,
}


def produce(route: Route, context: FeedContext, reads: Reads) -> bytes:
    """The bytes of a feed route; the site-wide facts it read are added to `reads`."""
    listing: Listing = route.context["listing"]
    context.reads = reads
    try:
        return PRODUCERS[route.producer](listing, context)
    finally:
        context.reads = Reads()
