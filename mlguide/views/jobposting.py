"""schema.org JobPosting structured data for a job's page, as Google's guidelines ask.

Required: title, description (HTML), datePosted, hiringOrganization, and either
jobLocation or, for a fully remote role, jobLocationType TELECOMMUTE with
applicantLocationRequirements (the job's `applicant_locations`, else the UK,
where every role of the guide is based). Recommended, when the content
carries them: validThrough, employmentType, baseSalary (its unitText the
salary's period: YEAR, MONTH, DAY or HOUR), identifier, directApply, and the
employer's website as hiringOrganization.sameAs when the guide describes the
employer. Visa sponsorship, IR35 status, a contract's length and office days
have no schema.org property Google reads: they are on the page, not here
(applicantLocationRequirements is where applicants may live, never who may
work: schema.org says so). A job without an employer gets no structured data
at all: search engines require the hiring organisation, and a made-up one
would mislead them; nor does a closed job (its page says it is closed).

The JSON goes inside a <script> element, where the HTML parser ends the
element at the first `</script` and treats `<!--` specially whatever JSON
thinks; so `<`, `>` and `&` are written as JSON escapes, which no HTML
parser reads as markup, and U+2028/U+2029 too, which older JavaScript
parsers take for line ends.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..model import City, Job, Salary, Site
from ..routes import Links, job_url
from . import present

EMPLOYMENT_TYPES = {
    "full-time": "FULL_TIME", "part-time": "PART_TIME", "contract": "CONTRACTOR",
    "temporary": "TEMPORARY", "internship": "INTERN",
}
UNIT_TEXT = {"year": "YEAR", "month": "MONTH", "day": "DAY", "hour": "HOUR"}
COUNTRY_CODE = "GB"  # every job in the guide is in the UK
# Characters that could end or disturb a <script> element, as JSON escapes (same value).
SCRIPT_SAFE = (
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def _number(amount: float) -> int | float:
    """80000.0 => 80000, so the JSON reads as typed."""
    return int(amount) if amount == int(amount) else amount


def base_salary(pay: Salary) -> dict[str, Any]:
    """A MonetaryAmount whose value is a QuantitativeValue: a range, a bound or one figure."""
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": UNIT_TEXT[pay.period]}
    if pay.min is not None and pay.min == pay.max:
        value["value"] = _number(pay.min)
    else:
        if pay.min is not None:
            value["minValue"] = _number(pay.min)
        if pay.max is not None:
            value["maxValue"] = _number(pay.max)
    return {"@type": "MonetaryAmount", "currency": pay.currency, "value": value}


def place(job: Job, city: City | None) -> dict[str, Any]:
    """The workplace as a Place: the guide's city when the job names one, else its location."""
    address: dict[str, Any] = {"@type": "PostalAddress",
                               "addressLocality": city.name if city else job.location,
                               "addressCountry": COUNTRY_CODE}
    if city:
        address["addressRegion"] = city.nation
    return {"@type": "Place", "address": address}


def countries(codes: list[str]) -> dict[str, str] | list[dict[str, str]]:
    """Countries as schema.org Country items: one item, or a list of them.

    Named in English where the guide knows the name ('GB' => 'United Kingdom'), else
    by the ISO 3166 code, which search engines read too.
    """
    items = [{"@type": "Country", "name": present.COUNTRIES.get(code, code).removeprefix("the ")}
             for code in codes]
    return items[0] if len(items) == 1 else items


def job_posting(job: Job, city: City | None, site: Site, links: Links,
                description_html: str, employer_url: str | None = None) -> dict[str, Any] | None:
    """The JobPosting for `job`, or None when it has no employer to name."""
    if job.employer is None:
        return None
    organisation: dict[str, Any] = {"@type": "Organization", "name": job.employer}
    if employer_url:
        organisation["sameAs"] = employer_url
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": description_html,
        "datePosted": job.posted.isoformat(),
        "hiringOrganization": organisation,
        "identifier": {"@type": "PropertyValue", "name": site.title, "value": job.id},
        "url": links.absolute(job_url(job)),
        "directApply": False,  # readers apply on the employer's or agency's site
    }
    if job.workplace == "remote":
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = countries(job.applicant_locations or
                                                          [COUNTRY_CODE])
    else:
        data["jobLocation"] = place(job, city)
    if job.employment_type:
        data["employmentType"] = EMPLOYMENT_TYPES[job.employment_type]
    if job.closes:
        # Open until the end of the closing day (Job.is_open_on), in the job's own time.
        data["validThrough"] = f"{job.closes.isoformat()}T23:59:59"
    if job.salary:
        data["baseSalary"] = base_salary(job.salary)
    return data


def script_json(data: dict[str, Any]) -> Markup:
    """`data` as JSON that cannot end or disturb the <script> element it sits in."""
    # Compact separators keep json on its C encoder; str.replace beats str.translate here.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escape in SCRIPT_SAFE:
        text = text.replace(character, escape)
    return Markup(text)  # noqa: S704 - no '<', '>' or '&' is left to be read as markup


def embedded(job: Job, city: City | None, site: Site, links: Links,
             description_html: str, employer_url: str | None = None) -> Markup:
    """The JSON-LD body for a job page's <script type="application/ld+json">, or ''."""
    data = job_posting(job, city, site, links, description_html, employer_url)
    return script_json(data) if data is not None else Markup("")
