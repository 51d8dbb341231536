"""The typed content model that templates read: one class per kind of file.

These pydantic models are the single statement of the content model, which
EDITING.md documents field by field for editors: the loader validates files
against them, the JSON Schemas in schema/ and the browser editor's forms
(/admin/) are generated from them, and templates read their attributes.
Instances are frozen; identity (the slug) comes from the file name and is
attached after validation.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    RootModel,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .address import canonical_base_url
from .graph import digest, note_late_read
from .links import web_url_problem
from .markup import markdown_problem
from .problems import describe_value

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"  # a BCP 47 tag, like en-GB
CURRENCY_PATTERN = r"^[A-Z]{3}$"  # an ISO 4217 code, like GBP
COUNTRY_PATTERN = r"^[A-Z]{2}$"  # an ISO 3166-1 alpha-2 code, like GB
# Every ISO 3166-1 alpha-2 code assigned.
COUNTRY_CODES = frozenset("""
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())  # noqa: SIM905 - a table is easier to check than 249 quoted codes
# Page slugs may not take the URLs that the site's own sections use.
RESERVED_PAGE_SLUGS = frozenset({"assets", "cities", "compare", "employers", "sectors", "jobs",
                                 "404", "sitemap", "robots", "search", "pagefind"})
# Job ids may not take the URLs of the job lists: jobs/cities/, jobs/sectors/, jobs/page/2/,
# jobs/remote/, jobs/visa-sponsorship/, jobs/contract/, jobs/employers/, jobs/alerts/.
RESERVED_JOB_IDS = frozenset({"cities", "sectors", "page", "remote", "visa-sponsorship",
                              "contract", "employers", "alerts"})
UK_LAT = (49.8, 60.9)
UK_LON = (-8.7, 1.8)

Nation = Literal["England", "Scotland", "Wales", "Northern Ireland"]
CityStatus = Literal["established", "emerging", "honourable-mention"]
EmployerType = Literal[
    "company", "university", "research-lab", "public-body", "hub", "startup", "consultancy"
]
Workplace = Literal["onsite", "hybrid", "remote"]
EmploymentType = Literal["full-time", "part-time", "contract", "temporary", "internship"]
SalaryPeriod = Literal["year", "month", "day", "hour"]
Ir35Status = Literal["inside", "outside", "undetermined"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _absolute_web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        message, fix = web_url_problem(value)
        raise PydanticCustomError("web_url", "{message}", {"message": message, "suggestion": fix})
    return value


def _secure_web_url(value: str) -> str:
    if urlsplit(value).scheme != "https":
        raise ValueError(f"expected an https:// address (the form sends readers' email "
                         f"addresses), got '{value}'")
    # The address goes into the Content-Security-Policy, where these would end it early.
    if any(character in value for character in " ;,'\""):
        raise ValueError(f"the address may not contain spaces, ';', ',' or quotes, got '{value}'")
    return value


def _a_number(value: Any) -> Any:
    # YAML gives booleans for yes/no/true, which Python would treat as 1 and 0.
    if isinstance(value, bool) or not isinstance(value, int | float):
        digits = re.sub(r"[£$€,\s]", "", value) if isinstance(value, str) else ""
        raise PydanticCustomError(
            "amount_type", "expected a number like 80000 (digits only, no commas or £), got {got}",
            {"got": describe_value(value), "suggestion": f"write {digits}"
             if re.fullmatch(r"\d+(\.\d+)?", digits) else "write digits only, like 80000"})
    # .inf, .nan and numbers past a float's range cannot be shown as an amount of money.
    if isinstance(value, int) and abs(value) > 10**15 or not math.isfinite(value):
        raise ValueError(f"expected an amount like 80000, got {describe_value(value)}")
    return float(value)


def _within_markdown_limits(value: str) -> str:
    problem = markdown_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _a_rank(value: Any) -> Any:
    # Any number orders the cities (3.5 goes between 3 and 4); yes/no is not a number.
    if isinstance(value, bool) or not isinstance(value, int | float):
        quoted = isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value)
        raise PydanticCustomError(
            "rank_type", "expected a number like 3 or 3.5, got {got}",
            {"got": describe_value(value),
             "suggestion": "remove the quotes" if quoted else "write digits, like 3"})
    return float(value)


PlainText = Annotated[str, AfterValidator(_not_blank)]
Markdown = Annotated[
    str, AfterValidator(_not_blank), AfterValidator(_within_markdown_limits),
    Field(json_schema_extra={"format": "markdown"})
]
WebUrl = Annotated[
    str, AfterValidator(_absolute_web_url), Field(json_schema_extra={"format": "uri"})
]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
FORM_FIELD_PATTERN = r"^[A-Za-z][A-Za-z0-9_.\-\[\]]*$"  # a form field name, like email or EMAIL


def _known(what: str) -> AfterValidator:
    """A reference to a sector or city, checked against the keys given as validation context.

    validate.py passes {"sector": [...], "city": [...]}; a kind that is absent (say,
    sectors.yaml is broken and reported on its own) is not checked.
    """

    def check(key: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get(what)
        if known is not None and key not in known:
            raise PydanticCustomError("unknown_reference", f"unknown {what} '{{key}}'",
                                      {"key": key, "known": sorted(known)})
        return key

    return AfterValidator(check)


SectorKey = Annotated[Slug, _known("sector")]
CitySlug = Annotated[Slug, _known("city")]
SectorKeys = Annotated[list[SectorKey], Field(min_length=1)]
Amount = Annotated[float, BeforeValidator(_a_number), Field(ge=0)]
LanguageTag = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]
CurrencyCode = Annotated[str, StringConstraints(pattern=CURRENCY_PATTERN)]
def _assigned_country(code: str) -> str:
    if code not in COUNTRY_CODES:
        hint = "the United Kingdom's code is GB" if code == "UK" else "check the code"
        raise PydanticCustomError("unknown_country", "'{code}' is not an ISO 3166 country code",
                                  {"code": code, "suggestion": hint})
    return code


CountryCode = Annotated[str, StringConstraints(pattern=COUNTRY_PATTERN),
                        AfterValidator(_assigned_country)]


class ContentModel(BaseModel):
    """Strict, frozen and closed: YAML values are taken as typed, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    @cached_property
    def digest(self) -> str:
        """The record's identity and every field: what a page showing it depends on.

        A renamed file is a new record (its slug is part of it); an edit that changes
        no field (a comment, a reordered key) is not, so nothing is made again.
        """
        return digest(type(self).__name__, getattr(self, "slug", ""), self.record_json)

    @cached_property
    def record_json(self) -> str:
        """Every field as JSON: what a build keeps, and validates again, for the next one."""
        return self.model_dump_json()

    # Fields only a few pages show (a city's overview: its own page): a page holding the
    # record depends on one of them only if it reads it (graph.note_late_read), so an edit
    # of it makes only those pages again. A page's route holds the record by shown_digest.
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ()

    @cached_property
    def shown_digest(self) -> str:
        """The record's digest without its late fields: what a page holding it depends on
        before it reads one of them."""
        if not self.LATE_FIELDS:
            return self.digest
        return digest(type(self).__name__, getattr(self, "slug", ""),
                      self.model_dump_json(exclude=set(self.LATE_FIELDS)))

    def late_field_digest(self, name: str) -> str | None:
        """The digest of one late field's value, or None if it is not one."""
        return digest(self.model_dump_json(include={name})) if name in self.LATE_FIELDS \
            else None

    # Reading the record whole reads its late fields too (a template printing or iterating it).
    def __iter__(self) -> Any:
        note_late_read(self)
        return super().__iter__()

    def __repr__(self) -> str:
        note_late_read(self)
        return super().__repr__()

    def __str__(self) -> str:
        note_late_read(self)
        return super().__str__()


class FileModel(ContentModel):
    """A model read from its own file: its slug comes from the file's name."""

    _slug: str = PrivateAttr(default="")

    # cached_property: pydantic's private-attribute lookup costs microseconds, and
    # templates and routes read these tens of thousands of times per build.
    @cached_property
    def slug(self) -> str:
        return self._slug

    def identified(self, slug: str) -> FileModel:
        """Attach the identity that comes from the file name."""
        self._slug = slug
        return self


class WhyPoint(ContentModel):
    title: PlainText
    body: Markdown


class Newsletter(ContentModel):
    """Where the subscribe form posts: a plain HTML form, no script of the provider's."""

    action: Annotated[WebUrl, AfterValidator(_secure_web_url)]
    email_field: Annotated[str, StringConstraints(pattern=FORM_FIELD_PATTERN)] = "email"
    # Left empty by people, filled in by form-filling bots: the endpoint drops those.
    honeypot_field: Annotated[str, StringConstraints(pattern=FORM_FIELD_PATTERN)] = "website"

    @property
    def host(self) -> str:
        """Who receives the address: 'news.example'."""
        return urlsplit(self.action).hostname or ""

    @property
    def form_action(self) -> str:
        """The action as a Content-Security-Policy source: the query left out, as CSP asks.

        'https://news.example/subscribe?u=1' => 'https://news.example/subscribe'
        """
        parts = urlsplit(self.action)
        return f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"


class Editing(ContentModel):
    """Where the browser editor (/admin/) commits: a GitHub repository and branch."""

    repo: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    branch: PlainText = "main"


class PageSizes(ContentModel):
    """How many entries one page of a long list holds; the rest go on numbered pages.

    A list within its size is one page, as it always was: the real guide's ten cities
    never meet these, and a guide of a thousand cities and ten thousand roles stays
    within 14 KB a page.
    """

    roles: Annotated[int, Field(gt=0)] = 50  # a list of roles: jobs/, a city's, a sector's
    lists: Annotated[int, Field(gt=0)] = 200  # the lists of lists: jobs/cities/, jobs/employers/
    # The home page's cities (more go on to cities/, page by page) and the comparison's.
    cities: Annotated[int, Field(gt=0)] = 50
    employers: Annotated[int, Field(gt=0)] = 500  # the employers A–Z


class Site(ContentModel):
    title: PlainText
    tagline: PlainText | None = None
    description: Annotated[PlainText, Field(max_length=160)]
    base_url: Annotated[WebUrl, StringConstraints(pattern=r"/$"),
                        AfterValidator(canonical_base_url)]
    language: LanguageTag
    intro: Markdown
    why_uk: list[WhyPoint] = []
    how_chosen: Markdown | None = None  # the home page's note on how the cities were chosen
    newsletter: Newsletter | None = None
    # `check` warns about a city's sourced figure older than this.
    figures_max_age_days: Annotated[int, Field(gt=0)] = 365
    # Days a closed job keeps its page (marked closed, noindex) before it redirects to its
    # city's roles; 0 redirects it the day after it closes.
    closed_job_days: Annotated[int, Field(ge=0)] = 30
    page_sizes: PageSizes = PageSizes()
    editing: Editing | None = None


class Sector(ContentModel):
    name: PlainText
    description: Markdown
    _slug: str = PrivateAttr(default="")

    @cached_property
    def slug(self) -> str:
        return self._slug


class SectorsFile(RootModel[dict[Slug, Sector]]):
    """sectors.yaml: the one vocabulary of sectors, keyed by slug."""

    model_config = ConfigDict(frozen=True, strict=True)

    @cached_property
    def record_json(self) -> str:
        """Every sector as JSON: what a build keeps, and validates again, for the next one."""
        return self.model_dump_json()

    def by_slug(self) -> dict[str, Sector]:
        """Each sector with its slug attached, in slug order."""
        for slug, sector in self.root.items():
            sector._slug = slug
        return dict(sorted(self.root.items()))


class Location(ContentModel):
    lat: Annotated[float, Field(ge=UK_LAT[0], le=UK_LAT[1])]
    lon: Annotated[float, Field(ge=UK_LON[0], le=UK_LON[1])]


class Correction(ContentModel):
    """Where the guide now says something other than its source article, and why."""

    note: PlainText  # what changed, in a sentence: 'Renamed Google DeepMind in 2023.'
    source: WebUrl  # where a reader can check it


class Specialism(ContentModel):
    name: PlainText
    sectors: SectorKeys
    description: Markdown
    correction: Correction | None = None


class Employer(ContentModel):
    name: PlainText
    type: EmployerType
    url: WebUrl | None = None
    description: Markdown
    sectors: list[SectorKey] = []
    correction: Correction | None = None


class Figure(ContentModel):
    """A number about a city that the site cannot compute, with where it comes from."""

    name: PlainText  # 'Median advertised ML salary'
    value: Annotated[float, BeforeValidator(_a_number)]
    unit: PlainText  # 'GBP a year', 'people', '%'
    source: WebUrl
    as_of: dt.date


class City(FileModel):
    # The overview is shown on the city's page alone; the summary on its page and its cards,
    # not on the many pages that hold the city for its name or figures (the comparison,
    # the pages of its roles).
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("overview", "summary")

    name: PlainText
    nation: Nation
    rank: Annotated[float, BeforeValidator(_a_rank), Field(gt=0)]
    status: CityStatus | None = None
    location: Location
    summary: Annotated[PlainText, Field(max_length=200)]
    overview: Markdown
    specialisms: Annotated[list[Specialism], Field(min_length=1)]
    employers: list[Employer] = []
    reviewed: dt.date | None = None  # when the city's text was last checked
    figures: list[Figure] = []

    _position: int = PrivateAttr(default=0)

    @cached_property
    def position(self) -> int:
        """The city's place in the guide as readers see it (1 is first), from the rank order."""
        return self._position

    @cached_property
    def sector_slugs(self) -> tuple[str, ...]:
        """Every sector this city is strong in, through its specialisms."""
        return tuple(sorted({key for s in self.specialisms for key in s.sectors}))

    @cached_property
    def sector_sizes(self) -> dict[str, int]:
        """How much of the city each of its sectors is: its specialisms and employers in it."""
        sizes = dict.fromkeys(self.sector_slugs, 0)
        lists = [s.sectors for s in self.specialisms] + [e.sectors for e in self.employers]
        for keys in lists:
            for key in keys:
                if key in sizes:
                    sizes[key] += 1
        return sizes


class Salary(ContentModel):
    min: Amount | None = None
    max: Amount | None = None
    currency: CurrencyCode = "GBP"
    period: SalaryPeriod = "year"

    @model_validator(mode="after")
    def _range_is_sound(self) -> Salary:
        if self.min is None and self.max is None:
            raise PydanticCustomError(
                "salary_empty", "give at least one of 'min' and 'max'",
                {"suggestion": "add 'min:' or 'max:' with the amount, or remove 'salary:' if "
                 "the posting gives no pay"})
        if self.min is not None and self.max is not None and self.max < self.min:
            raise PydanticCustomError(
                "salary_range", "max ({max}) is less than min ({min})",
                {"max": f"{self.max:g}", "min": f"{self.min:g}",
                 "suggestion": "swap the two amounts, or correct the one mistyped"})
        return self


class Contract(ContentModel):
    """What a contract role's posting says about its terms."""

    ir35: Ir35Status | None = None
    duration_months: Annotated[float, BeforeValidator(_a_number), Field(gt=0)] | None = None


def _only_for(field: str, wanted: str, name: str) -> classmethod[Any, Any, Any]:
    """A field validator: `name` only when `field` is `wanted` (office_days: hybrid roles)."""

    def check(cls: type, value: Any, info: ValidationInfo) -> Any:
        # A field validator (not a model one) so that it runs even when another field is wrong;
        # when `field` itself is wrong, it is reported on its own and this rule waits.
        if field not in info.data or value in (None, []):
            return value
        given = info.data[field]
        if given != wanted:
            said = f"'{given}'" if given else "not given"
            raise PydanticCustomError(
                f"{name}_needs_{field}", f"'{name}' is for roles with '{field}: {wanted}'; "
                f"this role's {field} is {{said}}", {"said": said,
                                               "suggestion": f"set '{field}: {wanted}' or "
                                                             f"remove '{name}'"})
        return value

    return field_validator(name)(classmethod(check))


class Job(FileModel):
    title: PlainText
    employer: PlainText | None = None
    city: CitySlug | None = None
    location: PlainText
    workplace: Workplace | None = None
    employment_type: EmploymentType | None = None
    salary: Salary | None = None
    posted: dt.date
    closes: dt.date | None = None
    apply_url: WebUrl
    summary: Markdown
    sectors: list[SectorKey] = []
    visa_sponsorship: bool | None = None  # None: the posting does not say
    office_days: Annotated[int, Field(ge=1, le=5)] | None = None  # hybrid: days a week on site
    applicant_locations: list[CountryCode] = []  # remote: countries applicants may live in
    contract: Contract | None = None  # contract roles: IR35 status and length

    _office_days_hybrid = _only_for("workplace", "hybrid", "office_days")
    _locations_remote = _only_for("workplace", "remote", "applicant_locations")
    _contract_terms = _only_for("employment_type", "contract", "contract")

    @field_validator("closes")
    @classmethod
    def _closes_after_posted(cls, closes: dt.date | None, info: ValidationInfo) -> dt.date | None:
        # A field validator (not a model one) so that it runs even when another field is wrong.
        posted = info.data.get("posted")
        if closes is not None and posted is not None and closes < posted:
            raise PydanticCustomError(
                "closes_before_posted", "closes ({closes}) is before posted ({posted})",
                {"closes": str(closes), "posted": str(posted),
                 "suggestion": f"a job cannot close before it is posted: make closes "
                 f"{posted} or later, or correct posted"})
        return closes

    @property
    def id(self) -> str:
        return self.slug

    def is_open_on(self, day: dt.date) -> bool:
        """A job is published until the end of its closing day."""
        return self.closes is None or self.closes >= day


NAV_TITLE_LENGTH = 24  # a menu label that fits a phone's navigation row


class PageFrontMatter(FileModel):
    title: PlainText
    description: Annotated[PlainText, Field(max_length=160)]
    nav: Annotated[int, Field(gt=0)] | None = None
    nav_title: Annotated[PlainText, Field(max_length=NAV_TITLE_LENGTH)] | None = None

    @property
    def label(self) -> str:
        """What the menu and the breadcrumbs call the page: its short title, else its title."""
        return self.nav_title or self.title


def is_slug(text: str) -> bool:
    """Whether `text` is a valid slug (a file name stem)."""
    return re.fullmatch(SLUG_PATTERN, text) is not None
