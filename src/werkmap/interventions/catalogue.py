"""The intervention catalogue: the evidence-based services an adviser can choose from, as dated data.

A catalogue is a TOML file (stdlib :mod:`tomllib`), in the house style of the policy files
(:mod:`werkmap.rules.policy`): English ``description`` with a Dutch ``description_nl``, dates as TOML
dates, ``valid_from`` inclusive and an optional ``valid_until`` exclusive (the first day a version no
longer holds). A header names the catalogue; each ``[[service]]`` is one version of one service::

    [catalogue]
    id = "werkmap-interventions"
    version = "2016.1"
    description = "..."
    description_nl = "..."

    [[service]]
    id = "job-search-training"
    kind = "extra_service"            # or "conversation" (a step of the service model itself)
    name = "Job-search training"
    name_nl = "Sollicitatietraining"
    description = "..."
    description_nl = "..."
    factors = ["job_search_intention", "self_efficacy"]   # the constructs it addresses
    band_groups = ["0-50", "50-100", "none"]               # the groups it is meant for
    capacity_per_month = 400                               # places per month
    valid_from = 2016-10-01
    sources = ["illustrative: ..."]                        # the effect studies behind it
    [service.eligibility]
    requires_hindrance = true      # one of its factors must be among the profile's top hindrances
    max_probability = 0.75         # optional bounds on the predicted chance
    conditions = "..."             # what the adviser checks in the conversation
    conditions_nl = "..."

Every problem is reported at once, as one :class:`InvalidCatalogue`, with codes:

| code | problem |
|---|---|
| WM-C001 | a factor that is not a construct of the questionnaire |
| WM-C002 | two versions of one service id whose validity overlaps (or one id given twice on one date) |
| WM-C003 | a service without a source (say ``"illustrative: ..."`` when there is no study) |
| WM-C004 | an unknown band group (``0-50``, ``50-100``, ``none``) |
| WM-C005 | a missing text or field: a name, description or condition in English or Dutch, no factors, no band groups, the catalogue's id or version |
| WM-C006 | a capacity that is not a whole number of at least 1 place per month |
| WM-C007 | ``valid_until`` not after ``valid_from`` |
| WM-C008 | a malformed file or field: bad TOML, an unknown key, a wrong type, a date that is not a date, a malformed id, an unknown kind |
| WM-C009 | eligibility bounds outside 0..1, or a lower bound above the upper one |
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import attrs

from werkmap.errors import InvalidInput, NotFound, Problem
from werkmap.plan.workplan import ExtraService
from werkmap.profiler.questionnaire import Text, default_questionnaire
from werkmap.report import BAND_GROUPS

__all__ = [
    "CODES",
    "DEFAULT_CATALOGUE_FILE",
    "KINDS",
    "Catalogue",
    "Eligibility",
    "InvalidCatalogue",
    "Service",
    "ServiceKind",
    "default_catalogue",
    "lint_catalogue",
    "load_catalogue",
    "parse_catalogue",
]

ServiceKind = Literal["extra_service", "conversation"]
"""``extra_service``: can be chosen in a work plan; ``conversation``: a step of the service model itself."""

KINDS: tuple[str, ...] = ("extra_service", "conversation")
"""The kinds of service."""

DEFAULT_CATALOGUE_FILE = "catalogue.toml"
"""The packaged catalogue, in ``werkmap/interventions/data``."""

CODES: Mapping[str, str] = {
    "WM-C001": "unknown factor",
    "WM-C002": "overlapping validity of one service id",
    "WM-C003": "missing source",
    "WM-C004": "unknown band group",
    "WM-C005": "missing text or field",
    "WM-C006": "capacity not a whole number of at least 1",
    "WM-C007": "valid_until not after valid_from",
    "WM-C008": "malformed file or field",
    "WM-C009": "eligibility bounds outside 0..1 or crossed",
}
"""The lint codes and what they mean."""

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_HEADER_KEYS = {"id", "version", "description", "description_nl"}
_SERVICE_KEYS = {
    "id",
    "kind",
    "name",
    "name_nl",
    "description",
    "description_nl",
    "factors",
    "band_groups",
    "capacity_per_month",
    "valid_from",
    "valid_until",
    "sources",
    "eligibility",
}
_ELIGIBILITY_KEYS = {
    "requires_hindrance",
    "min_probability",
    "max_probability",
    "conditions",
    "conditions_nl",
}


class InvalidCatalogue(InvalidInput):
    """An intervention catalogue that fails its load-time lint (codes ``WM-C…``)."""


@attrs.frozen(kw_only=True)
class Eligibility:
    """Who may get a service.

    Attributes:
        requires_hindrance: one of the service's factors must be among the profile's top hindrances (so a
            folder without a profile, having no diagnosis, is not eligible).
        min_probability: the lowest predicted chance that is eligible, or ``None``.
        max_probability: the highest predicted chance that is eligible, or ``None``.
        conditions: what the adviser checks in the conversation (not checked by werkmap), English and
            Dutch; empty when there is nothing to check.
    """

    requires_hindrance: bool = False
    min_probability: float | None = None
    max_probability: float | None = None
    conditions: Text = attrs.field(factory=lambda: Text(nl="", en=""))

    def admits(self, probability: float | None) -> bool:
        """Whether a predicted chance lies within the bounds (no profile: the bounds do not apply)."""
        if probability is None:
            return True
        if self.min_probability is not None and probability < self.min_probability:
            return False
        return not (self.max_probability is not None and probability > self.max_probability)


@attrs.frozen(kw_only=True)
class Service:
    """One version of one service of the catalogue.

    Attributes:
        id: the service's stable id (shared by its versions).
        kind: ``extra_service`` (chosen in a work plan) or ``conversation`` (a step of the service model).
        name: the name, Dutch and English.
        description: what the service is, Dutch and English.
        factors: the constructs (factors) it addresses.
        band_groups: the band groups it is meant for (``0-50``, ``50-100``, ``none``).
        eligibility: who may get it.
        capacity_per_month: the places available per month.
        valid_from: the first day this version holds.
        valid_until: the first day it no longer holds, or ``None``.
        sources: the effect studies (or the documents) behind it; ``"illustrative: ..."`` when none.
    """

    id: str
    kind: ServiceKind
    name: Text
    description: Text
    factors: tuple[str, ...]
    band_groups: tuple[str, ...]
    eligibility: Eligibility
    capacity_per_month: int
    valid_from: dt.date
    valid_until: dt.date | None
    sources: tuple[str, ...]

    @property
    def illustrative(self) -> bool:
        """Whether the service has no effect study behind it in werkmap's sources (a source says so)."""
        return any(s.lower().startswith("illustrative") for s in self.sources)

    def is_valid_on(self, day: dt.date) -> bool:
        """Whether this version holds on ``day`` (``valid_until`` is exclusive)."""
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


@attrs.frozen(kw_only=True)
class Catalogue:
    """A checked intervention catalogue. Build one with :func:`load_catalogue` or :func:`parse_catalogue`.

    Attributes:
        id: the catalogue's id.
        version: this catalogue's version (recorded with every service chosen from it).
        description: what it is, Dutch and English.
        services: every version of every service, in file order.
        source: the file it was read from.
    """

    id: str
    version: str
    description: Text
    services: tuple[Service, ...]
    source: str = ""

    @property
    def ref(self) -> str:
        """The catalogue's reference ``id|version``."""
        return f"{self.id}|{self.version}"

    def on(self, day: dt.date) -> tuple[Service, ...]:
        """Return the services valid on ``day``, in file order."""
        return tuple(s for s in self.services if s.is_valid_on(day))

    def service(self, service_id: str, *, on: dt.date) -> Service:
        """Return the version of ``service_id`` valid on ``on``.

        Raises:
            NotFound: no version of that service is valid on that day.
        """
        for s in self.services:
            if s.id == service_id and s.is_valid_on(on):
                return s
        raise NotFound(f"no service {service_id!r} valid on {on} in catalogue {self.ref}")

    def extra_service(self, service_id: str, *, reason: str, on: dt.date) -> ExtraService:
        """Return the work plan's record of ``service_id`` chosen on ``on`` for ``reason``.

        Raises:
            NotFound: no version of that service is valid on that day.
            InvalidInput: the service is a conversation, not an extra service.
        """
        s = self.service(service_id, on=on)
        if s.kind != "extra_service":
            raise InvalidInput(
                [
                    Problem(
                        path="$.service_id",
                        message=f"{service_id!r} is a {s.kind}, not an extra service",
                    )
                ],
                source=self.ref,
            )
        return ExtraService(
            name=s.name.nl, reason=reason, service_id=s.id, catalogue_version=self.version
        )


# --------------------------------------------------------------------------------------- the lint


def lint_catalogue(catalogue: Catalogue, *, factors: Iterable[str] | None = None) -> list[Problem]:
    """Return every problem of a built catalogue (codes ``WM-C001``…``WM-C007``, ``WM-C009``).

    Args:
        catalogue: the catalogue.
        factors: the known factors (default: the constructs of the packaged questionnaire).
    """
    known = set(factors) if factors is not None else _default_factors()
    problems: list[Problem] = []
    if not catalogue.id.strip():
        problems.append(Problem(path="catalogue.id", message="missing", code="WM-C005"))
    if not catalogue.version.strip():
        problems.append(Problem(path="catalogue.version", message="missing", code="WM-C005"))
    for i, s in enumerate(catalogue.services):
        where = f"service[{i}]" + (f" ({s.id})" if s.id else "")
        for field, text in (("name", s.name), ("description", s.description)):
            if not text.en.strip():
                problems.append(Problem(path=f"{where}.{field}", message="missing", code="WM-C005"))
            if not text.nl.strip():
                problems.append(
                    Problem(path=f"{where}.{field}_nl", message="missing", code="WM-C005")
                )
        cond = s.eligibility.conditions
        if bool(cond.en.strip()) != bool(cond.nl.strip()):
            missing = "conditions_nl" if cond.en.strip() else "conditions"
            problems.append(
                Problem(
                    path=f"{where}.eligibility.{missing}",
                    message="missing (a condition is given in both languages)",
                    code="WM-C005",
                )
            )
        if not s.factors:
            problems.append(Problem(path=f"{where}.factors", message="no factors", code="WM-C005"))
        for f in s.factors:
            if f not in known:
                problems.append(
                    Problem(
                        path=f"{where}.factors",
                        message=f"unknown factor {f!r} (known: {', '.join(sorted(known))})",
                        code="WM-C001",
                    )
                )
        if not s.band_groups:
            problems.append(
                Problem(path=f"{where}.band_groups", message="no band groups", code="WM-C005")
            )
        for g in s.band_groups:
            if g not in BAND_GROUPS:
                problems.append(
                    Problem(
                        path=f"{where}.band_groups",
                        message=f"unknown band group {g!r} (known: {', '.join(BAND_GROUPS)})",
                        code="WM-C004",
                    )
                )
        if not [x for x in s.sources if x.strip()] or any(not x.strip() for x in s.sources):
            problems.append(
                Problem(
                    path=f"{where}.sources",
                    message="every service names its sources (say 'illustrative: ...' when there "
                    "is no study)",
                    code="WM-C003",
                )
            )
        cap = s.capacity_per_month
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            problems.append(
                Problem(
                    path=f"{where}.capacity_per_month",
                    message=f"expected a whole number of at least 1 place per month, got {cap!r}",
                    code="WM-C006",
                )
            )
        if s.valid_until is not None and s.valid_until <= s.valid_from:
            problems.append(
                Problem(
                    path=f"{where}.valid_until",
                    message=f"{s.valid_until} is not after valid_from {s.valid_from}",
                    code="WM-C007",
                )
            )
        e = s.eligibility
        for name in ("min_probability", "max_probability"):
            value = getattr(e, name)
            if value is not None and not 0.0 <= value <= 1.0:
                problems.append(
                    Problem(
                        path=f"{where}.eligibility.{name}",
                        message=f"a probability lies in 0..1, got {value!r}",
                        code="WM-C009",
                    )
                )
        if (
            e.min_probability is not None
            and e.max_probability is not None
            and e.min_probability > e.max_probability
        ):
            problems.append(
                Problem(
                    path=f"{where}.eligibility",
                    message=f"min_probability {e.min_probability} is above max_probability "
                    f"{e.max_probability}",
                    code="WM-C009",
                )
            )
    problems.extend(_overlaps(catalogue.services))
    return problems


def _overlaps(services: Iterable[Service]) -> list[Problem]:
    by_id: dict[str, list[Service]] = {}
    for s in services:
        by_id.setdefault(s.id, []).append(s)
    problems = []
    for sid, versions in by_id.items():
        ordered = sorted(versions, key=lambda s: s.valid_from)
        for a, b in itertools.pairwise(ordered):
            if a.valid_until is None or a.valid_until > b.valid_from:
                until = a.valid_until.isoformat() if a.valid_until else "open"
                problems.append(
                    Problem(
                        path=f"service {sid}",
                        message=f"the version from {b.valid_from} overlaps the version from "
                        f"{a.valid_from} (valid until {until})",
                        code="WM-C002",
                    )
                )
    return problems


@functools.cache
def _default_factors() -> frozenset[str]:
    q = default_questionnaire()
    return frozenset(
        {c.construct for c in q.constructs} | {it.construct for it in q.iter_items()}
    ) - {""}


# --------------------------------------------------------------------------------------- reading


def parse_catalogue(
    text: str, *, source: str = "", factors: Iterable[str] | None = None
) -> Catalogue:
    """Read and lint a catalogue from TOML text.

    Args:
        text: the TOML text.
        source: the file name, named in the error.
        factors: the known factors (default: the constructs of the packaged questionnaire).

    Raises:
        InvalidCatalogue: every problem found, with its path and code.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidCatalogue(
            [Problem(path=source or "catalogue", message=f"invalid TOML: {exc}", code="WM-C008")],
            source=source,
        ) from None
    problems: list[Problem] = []
    catalogue = _build(data, source, problems)
    problems.extend(lint_catalogue(catalogue, factors=factors))
    if problems:
        raise InvalidCatalogue(problems, source=source)
    return catalogue


def load_catalogue(
    path: str | Path | None = None, *, factors: Iterable[str] | None = None
) -> Catalogue:
    """Load and lint a catalogue file; without ``path``, the packaged one.

    Raises:
        InvalidCatalogue: the file cannot be read, or fails the lint (every problem listed).
    """
    if path is None:
        return default_catalogue()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidCatalogue(
            [Problem(path=str(p), message=f"cannot read: {exc}", code="WM-C008")], source=str(p)
        ) from None
    return parse_catalogue(text, source=str(p), factors=factors)


@functools.cache
def default_catalogue() -> Catalogue:
    """Return the packaged catalogue (its services are illustrative where no study is named)."""
    text = (
        resources.files("werkmap.interventions")
        .joinpath("data", DEFAULT_CATALOGUE_FILE)
        .read_text(encoding="utf-8")
    )
    return parse_catalogue(text, source=f"werkmap/interventions/data/{DEFAULT_CATALOGUE_FILE}")


class _Reader:
    """Typed field access that records a ``WM-C008`` problem and returns a default on a wrong type."""

    def __init__(self, table: Mapping[str, Any], where: str, problems: list[Problem]) -> None:
        self.table = table
        self.where = where
        self.problems = problems

    def bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(path=f"{self.where}.{key}", message=message, code="WM-C008"))

    def keys(self, allowed: set[str]) -> None:
        for key in sorted(set(self.table) - allowed):
            self.bad(key, "unknown key")

    def text(self, key: str) -> str:
        value = self.table.get(key, "")
        if not isinstance(value, str):
            self.bad(key, f"expected text, got {value!r}")
            return ""
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad(key, f"expected a list of texts, got {value!r}")
            return ()
        return tuple(value)

    def date(self, key: str, *, required: bool) -> dt.date | None:
        value = self.table.get(key)
        if value is None:
            if required:
                self.problems.append(
                    Problem(path=f"{self.where}.{key}", message="missing", code="WM-C005")
                )
            return None
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.bad(key, f"expected a date (YYYY-MM-DD), got {value!r}")
            return None
        return value

    def number(self, key: str) -> float | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.bad(key, f"expected a number, got {value!r}")
            return None
        return float(value)


def _build(data: Mapping[str, Any], source: str, problems: list[Problem]) -> Catalogue:
    top = _Reader(data, "$", problems)
    top.keys({"catalogue", "service"})
    header = data.get("catalogue", {})
    if not isinstance(header, Mapping):
        top.bad("catalogue", "expected a table")
        header = {}
    h = _Reader(header, "catalogue", problems)
    h.keys(_HEADER_KEYS)
    raw = data.get("service", [])
    if not isinstance(raw, list):
        top.bad("service", "expected an array of tables [[service]]")
        raw = []
    services = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            top.bad(f"service[{i}]", "expected a table")
            continue
        services.append(_service(entry, f"service[{i}]", problems))
    return Catalogue(
        id=h.text("id"),
        version=h.text("version"),
        description=Text(nl=h.text("description_nl"), en=h.text("description")),
        services=tuple(services),
        source=source,
    )


def _service(entry: Mapping[str, Any], where: str, problems: list[Problem]) -> Service:
    r = _Reader(entry, where, problems)
    r.keys(_SERVICE_KEYS)
    sid = r.text("id")
    if not _ID.match(sid):
        r.bad("id", f"expected lower-case letters, digits, '.', '_' or '-', got {sid!r}")
    kind = entry.get("kind", "extra_service")
    if kind not in KINDS:
        r.bad("kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
        kind = "extra_service"
    capacity = entry.get("capacity_per_month", 0)
    raw_e = entry.get("eligibility", {})
    if not isinstance(raw_e, Mapping):
        r.bad("eligibility", "expected a table")
        raw_e = {}
    e = _Reader(raw_e, f"{where}.eligibility", problems)
    e.keys(_ELIGIBILITY_KEYS)
    requires = raw_e.get("requires_hindrance", False)
    if not isinstance(requires, bool):
        e.bad("requires_hindrance", f"expected true or false, got {requires!r}")
        requires = False
    valid_from = r.date("valid_from", required=True)
    return Service(
        id=sid,
        kind=kind,
        name=Text(nl=r.text("name_nl"), en=r.text("name")),
        description=Text(nl=r.text("description_nl"), en=r.text("description")),
        factors=r.texts("factors"),
        band_groups=r.texts("band_groups"),
        eligibility=Eligibility(
            requires_hindrance=requires,
            min_probability=e.number("min_probability"),
            max_probability=e.number("max_probability"),
            conditions=Text(nl=e.text("conditions_nl"), en=e.text("conditions")),
        ),
        capacity_per_month=capacity,
        valid_from=valid_from or dt.date.min,
        valid_until=r.date("valid_until", required=False),
        sources=r.texts("sources"),
    )
