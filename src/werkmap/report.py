"""Figures per period, and the forecast (*raming*) compared with what was realised.

Agencies steer by figures per period: how many jobseekers registered, how many conversations were held, how
many work plans with extra services were agreed, how many reminders, enforcement cases and measures there
were. :func:`period_report` counts them from the event logs of a set of
:class:`~werkmap.plan.folder.WorkFolder` values; :func:`compare` sets a realised report against a forecast
(made by the simulator, :mod:`werkmap.simulate`, on a sample and scaled up with :func:`scaled`);
:func:`monthly_counts` gives the conversations held per calendar month for a plot
(:func:`werkmap.plots.plot_monthly`).

Everything here is pure: folders and dates go in, values come out. Nothing is read from the wall clock, a
store or a file, and nothing is printed: :meth:`PeriodReport.to_text` returns the table as a string.

**The period** ``[start, end]`` is inclusive on both days. An event counts when its day (``FolderEvent.on``)
is in the period.

**Figure keys** (:data:`FIGURE_KEYS`, in this order; shares are floats in ``0..1`` rounded to six
decimals, everything else a count):

* ``registered``: folders whose ``registered_on`` is in the period
* ``profiled``: of those, folders with a profile taken on or before ``end``
* ``profiler_take_up``: ``profiled / registered`` (share; 0.0 when nobody registered)
* ``orientation_held``: ``conversation_held`` events of orientation conversations in the period
* ``orientation_held_0_50``: of those, held when the latest profile was in band ``0-25`` or ``25-50``
* ``orientation_held_50_100``: of those, held when the latest profile was in band ``50-75`` or ``75-100``
* ``orientation_held_none``: of those, held when there was no profile yet
* ``monitor_held``: ``conversation_held`` events of monitor conversations in the period
* ``coaching_held``: ``conversation_held`` events of coaching conversations in the period
* ``early_contact_held``: ``conversation_held`` events of early-contact conversations in the period
* ``no_shows``: ``conversation_no_show`` events (any kind of conversation) in the period
* ``plans_with_services``: ``plan_agreed`` events in the period whose agreed version has an extra service
* ``plans_with_services_0_50``: of those, agreed when the latest profile was in band ``0-25`` or ``25-50``
* ``plans_with_services_50_100``: of those, agreed when the latest profile was in band ``50-75`` or ``75-100``
* ``plans_with_services_none``: of those, agreed when there was no profile yet
* ``reminders_sent``: ``activity_reminded`` events in the period
* ``enforcement_referrals``: ``case_opened`` events in the period
* ``measures_proposed``: ``measure_proposed`` events in the period
* ``measures_imposed``: ``measure_decided`` events in the period that imposed a measure
* ``no_measure_decided``: ``case_no_measure`` events plus ``measure_decided`` events that imposed none, in the period
* ``three_months_completed``: folders whose ``registered_on`` + 3 months is in the period (the cohort below)
* ``digital_only_3m``: of the cohort, folders with no conversation held in their first three months
* ``digital_only_3m_share``: ``digital_only_3m / three_months_completed`` (share)
* ``digital_only_work_3m``: of the digital-only folders, those that found work in their first three months
* ``digital_only_work_3m_share``: ``digital_only_work_3m / digital_only_3m`` (share)
* ``work_found``: ``work_found`` events in the period

**Band groups.** The band group of a conversation or a plan is that of the latest profile taken on or before
its day: ``"0-50"`` for bands ``"0-25"`` and ``"25-50"`` (a weak or moderate chance of work), ``"50-100"``
for ``"50-75"`` and ``"75-100"``, and ``"none"`` when the profiler was not filled in by then.

**The first three months** of a folder are the days from ``registered_on`` up to, not including,
``registered_on`` + 3 calendar months (a registration on 31 January ends its three months on 30 April).

Examples:
    >>> import datetime as dt
    >>> from werkmap.plan import folder as wf
    >>> f, _ = wf.create_folder("f-1", on=dt.date(2017, 1, 2), jobseeker_ref="js-1")
    >>> f, _ = wf.propose_conversation(f, "c-1", "orientation", on=dt.date(2017, 1, 3), actor="c-7")
    >>> f, _ = wf.invite_conversation(f, "c-1", on=dt.date(2017, 1, 3), at=dt.date(2017, 1, 9), actor="c-7")
    >>> f, _ = wf.hold_conversation(f, "c-1", on=dt.date(2017, 1, 9), actor="c-7")
    >>> r = period_report([f], start=dt.date(2017, 1, 1), end=dt.date(2017, 12, 31))
    >>> r.figures["registered"], r.figures["orientation_held"], r.figures["orientation_held_none"]
    (1, 1, 1)
    >>> label("orientation_held", "nl")
    'Werkoriëntatiegesprekken gevoerd'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from werkmap import serialization
from werkmap.errors import InvalidInput, Problem
from werkmap.plan.conversation import ConversationKind
from werkmap.plan.folder import BANDS, ProfileRecord, WorkFolder
from werkmap.tables import REPR_ROWS, Table
from werkmap.texts import number, percent
from werkmap.workdays import add_months

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BAND_GROUPS",
    "COMPARISON_SCHEMA",
    "FIGURE_KEYS",
    "LANGUAGES",
    "REPORT_SCHEMA",
    "SHARE_KEYS",
    "Comparison",
    "ComparisonRow",
    "PeriodReport",
    "band_group",
    "compare",
    "label",
    "monthly_counts",
    "period_report",
    "scaled",
]

REPORT_SCHEMA = "werkmap.period_report"
"""The serialization schema name of a :class:`PeriodReport`."""
COMPARISON_SCHEMA = "werkmap.report_comparison"
"""The serialization schema name of a :class:`Comparison`."""

BAND_GROUPS = ("0-50", "50-100", "none")
"""The band groups, in report order (see :func:`band_group`)."""

LANGUAGES = ("en", "nl")
"""The languages labels and text tables are given in."""

_SHARE_DIGITS = 6

# key -> (English label, Dutch label), in report order.
_LABELS: dict[str, tuple[str, str]] = {
    "registered": ("Registered", "Ingeschreven"),
    "profiled": ("Registered, with a profile", "Ingeschreven, met Werkverkenner ingevuld"),
    "profiler_take_up": ("Work Profiler take-up", "Deelname Werkverkenner"),
    "orientation_held": ("Orientation conversations held", "Werkoriëntatiegesprekken gevoerd"),
    "orientation_held_0_50": (
        "Orientation conversations, band 0-50",
        "Werkoriëntatiegesprekken, kans 0-50%",
    ),
    "orientation_held_50_100": (
        "Orientation conversations, band 50-100",
        "Werkoriëntatiegesprekken, kans 50-100%",
    ),
    "orientation_held_none": (
        "Orientation conversations, no profile",
        "Werkoriëntatiegesprekken, Werkverkenner niet ingevuld",
    ),
    "monitor_held": ("Monitor conversations held", "Monitorgesprekken gevoerd"),
    "coaching_held": ("Coaching conversations held", "Coachingsgesprekken gevoerd"),
    "early_contact_held": ("Early-contact conversations held", "Vroege contactgesprekken gevoerd"),
    "no_shows": ("No-shows", "Niet verschenen"),
    "plans_with_services": (
        "Work plans with extra services",
        "Werkplannen met extra dienstverlening",
    ),
    "plans_with_services_0_50": (
        "Work plans with extra services, band 0-50",
        "Werkplannen met extra dienstverlening, kans 0-50%",
    ),
    "plans_with_services_50_100": (
        "Work plans with extra services, band 50-100",
        "Werkplannen met extra dienstverlening, kans 50-100%",
    ),
    "plans_with_services_none": (
        "Work plans with extra services, no profile",
        "Werkplannen met extra dienstverlening, Werkverkenner niet ingevuld",
    ),
    "reminders_sent": ("Reminders sent", "Herinneringen verstuurd"),
    "enforcement_referrals": ("Enforcement referrals", "Handhavingszaken geopend"),
    "measures_proposed": ("Measures proposed", "Maatregelen voorgesteld"),
    "measures_imposed": ("Measures imposed", "Maatregelen opgelegd"),
    "no_measure_decided": ("Decided: no measure", "Besloten: geen maatregel"),
    "three_months_completed": (
        "Folders completing their first three months",
        "Werkmappen die de eerste drie maanden afsloten",
    ),
    "digital_only_3m": (
        "Only digital in the first three months",
        "Alleen digitaal in de eerste drie maanden",
    ),
    "digital_only_3m_share": (
        "Share only digital in the first three months",
        "Aandeel alleen digitaal in de eerste drie maanden",
    ),
    "digital_only_work_3m": (
        "Of those: found work within three months",
        "Daarvan: werk gevonden binnen drie maanden",
    ),
    "digital_only_work_3m_share": (
        "Of those: share that found work within three months",
        "Daarvan: aandeel werk gevonden binnen drie maanden",
    ),
    "work_found": ("Work found", "Werk gevonden"),
}

FIGURE_KEYS: tuple[str, ...] = tuple(_LABELS)
"""Every figure key, in report order (see the module documentation for what each counts)."""

SHARE_KEYS: frozenset[str] = frozenset(
    {"profiler_take_up", "digital_only_3m_share", "digital_only_work_3m_share"}
)
"""The keys whose figures are shares (floats in ``0..1``); every other figure is a count (an int)."""

_ORDER = {k: i for i, k in enumerate(FIGURE_KEYS)}
_KINDS = tuple(str(k) for k in ConversationKind)


# ---------------------------------------------------------------------------------------- helpers


def _problem(path: str, message: str, source: str) -> InvalidInput:
    return InvalidInput([Problem(path=path, message=message)], source=source)


def _check_language(language: str) -> int:
    if language not in LANGUAGES:
        raise _problem(
            "$.language", f"expected one of {list(LANGUAGES)}, got {language!r}", "report"
        )
    return 0 if language == "en" else 1


def _check_period(start: object, end: object, source: str) -> list[Problem]:
    problems = []
    for name, day in (("start", start), ("end", end)):
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            problems.append(Problem(path=f"$.{name}", message=f"expected a date, got {day!r}"))
    if not problems and start > end:  # type: ignore[operator]
        problems.append(Problem(path="$.end", message=f"the end {end} is before the start {start}"))
    return problems


def _share(part: int, whole: int) -> float:
    return round(part / whole, _SHARE_DIGITS) if whole else 0.0


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fmt_csv(value: int | float | None) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _fmt_text(value: int | float | None, *, share: bool, language: str) -> str:
    if value is None:
        return "-"
    if share:
        return percent(value, language)
    return number(value, language, digits=2 if isinstance(value, float) else 0, grouping=True)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], title: str) -> str:
    # The heading, a blank line, then the table: the figure's label left, the values right.
    table = Table(header=header, rows=rows, align="l" + "r" * (len(header) - 1))
    return f"{title}\n\n{table.to_text()}\n"


def label(key: str, language: str = "en") -> str:
    """Return the label of the figure ``key`` in ``language`` (``"en"`` or ``"nl"``).

    Examples:
        >>> label("plans_with_services", "en"), label("no_shows", "nl")
        ('Work plans with extra services', 'Niet verschenen')

    Raises:
        InvalidInput: an unknown key or language.
    """
    i = _check_language(language)
    if key not in _LABELS:
        raise _problem("$.key", f"unknown figure key {key!r}", "report")
    return _LABELS[key][i]


def band_group(band: str | None) -> str:
    """Return the band group of a profile band: ``"0-50"``, ``"50-100"``, or ``"none"`` for no profile.

    Examples:
        >>> band_group("25-50"), band_group("50-75"), band_group(None)
        ('0-50', '50-100', 'none')

    Raises:
        InvalidInput: an unknown band.
    """
    if band is None:
        return "none"
    if band in BANDS[:2]:  # the band groups of the annual report: at most 50 %, above it
        return "0-50"
    if band in BANDS[2:]:
        return "50-100"
    raise _problem("$.band", f"expected one of the four bands or None, got {band!r}", "report")


def _group_on(profiles: Sequence[ProfileRecord], day: dt.date) -> str:
    latest: ProfileRecord | None = None
    for p in profiles:  # oldest first; a later record with the same day wins
        if p.taken_on <= day and (latest is None or p.taken_on >= latest.taken_on):
            latest = p
    return band_group(latest.band if latest is not None else None)


def _suffix(group: str) -> str:
    return group.replace("-", "_")


# ----------------------------------------------------------------------------------- the report


def _freeze(value: Mapping[str, int | float]) -> Mapping[str, int | float]:
    if not isinstance(value, Mapping):
        raise _problem("$.figures", f"expected a mapping, got {type(value).__name__}", "report")
    items = sorted(dict(value).items(), key=lambda kv: (_ORDER.get(kv[0], len(_ORDER)), kv[0]))
    return types.MappingProxyType(dict(items))


def _figure_problems(figures: Mapping[str, int | float]) -> list[Problem]:
    problems = []
    for key, value in figures.items():
        path = f"$.figures.{key}"
        if key not in _LABELS:
            problems.append(Problem(path=path, message="not a figure key"))
        elif key in SHARE_KEYS:
            if not isinstance(value, float) or not 0.0 <= value <= 1.0:
                problems.append(Problem(path=path, message=f"expected a share 0..1, got {value!r}"))
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(Problem(path=path, message=f"expected a count >= 0, got {value!r}"))
    return problems


@attrs.frozen(kw_only=True)
class PeriodReport:
    """The figures of one period.

    Attributes:
        start: the first day of the period.
        end: the last day of the period (inclusive).
        figures: the figures by key, in the order of :data:`FIGURE_KEYS` (a read-only mapping). Counts are
            ints; the keys in :data:`SHARE_KEYS` are floats in ``0..1``. A report may hold a subset of the
            keys (a forecast need not give every figure), never a key outside the vocabulary.
        quarantined: the folders left out because they could not be read (their ids, in order; see
            :class:`~werkmap.errors.FolderUnreadable`); empty when every folder was read. Written to
            JSON only when not empty.

    Raises:
        InvalidInput: an unknown key, a negative or non-integer count, a share outside ``0..1``, or an end
            before the start (every problem listed).
    """

    start: dt.date
    end: dt.date
    figures: Mapping[str, int | float] = attrs.field(converter=_freeze, hash=False)
    quarantined: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        problems = _check_period(self.start, self.end, "period report")
        problems.extend(_figure_problems(self.figures))
        if problems:
            raise InvalidInput(problems, source="period report")

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the report as a JSON envelope (schema ``werkmap.period_report``, keys sorted).

        Equal reports give identical text: keys are sorted, dates are ISO strings, and floats are written
        in Python's shortest round-trip form (shares are rounded to six decimals when computed).
        """
        return serialization.dumps(self, indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> PeriodReport:
        """Read a report written by :meth:`to_json`.

        Raises:
            InvalidInput: the text is not such a report (every problem listed).
        """
        return serialization.loads(text, cls, source="period report")

    def to_csv(self) -> str:
        """Return one CSV row per figure: ``key,label_en,label_nl,value`` (with that header row)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["key", "label_en", "label_nl", "value"])
        for key, value in self.figures.items():
            en, nl = _LABELS[key]
            writer.writerow([key, en, nl, _fmt_csv(value)])
        return out.getvalue()

    def to_text(self, language: str = "en") -> str:
        """Return the report as an aligned table for a terminal, in English (``"en"``) or Dutch (``"nl"``).

        Raises:
            InvalidInput: an unknown language.
        """
        i = _check_language(language)
        title = ("Period report", "Periodeoverzicht")[i]
        header = (("figure", "value"), ("cijfer", "waarde"))[i]
        rows = [
            (
                _LABELS[k][i],
                _fmt_text(v, share=k in SHARE_KEYS, language=language),
            )
            for k, v in self.figures.items()
        ]
        return _table(header, rows, f"{title} {self.start.isoformat()} - {self.end.isoformat()}")

    def to_frame(self) -> pd.DataFrame:
        """Return the figures as a pandas DataFrame indexed by ``key`` (needs pandas).

        Columns: ``label_en``, ``label_nl`` and ``value`` (counts as ints, shares as floats), as :meth:`to_csv`.
        """
        import pandas as pd  # lazy: pandas is an optional extra

        keys = list(self.figures)
        return pd.DataFrame(
            {
                "label_en": [_LABELS[k][0] for k in keys],
                "label_nl": [_LABELS[k][1] for k in keys],
                "value": pd.Series(list(self.figures.values()), index=keys, dtype=object),
            },
            index=pd.Index(keys, name="key"),
        )

    def __repr__(self) -> str:
        shown = ", ".join(f"{k} {v}" for k, v in list(self.figures.items())[:3])
        return (
            f"<PeriodReport {self.start.isoformat()} - {self.end.isoformat()}: "
            f"{len(self.figures)} figures; {shown or '-'}>"
        )

    def _repr_html_(self) -> str:
        rows = [
            (_LABELS[k][0], _fmt_text(v, share=k in SHARE_KEYS, language="en"))
            for k, v in self.figures.items()
        ]
        return Table(
            header=("figure", "value"),
            rows=rows,
            align="lr",
            title=f"Period report {self.start.isoformat()} - {self.end.isoformat()}",
            limit=REPR_ROWS,
            row_headers=True,
        ).to_html()


serialization.register_schema(REPORT_SCHEMA, PeriodReport, 1)
serialization.omit_defaults(PeriodReport)  # a report with nothing quarantined is written as before


def _three_months(day: dt.date) -> dt.date:
    return add_months(day, 3)


def period_report(folders: Iterable[WorkFolder], *, start: dt.date, end: dt.date) -> PeriodReport:
    """Count the figures of the period ``[start, end]`` (both days included) over ``folders``.

    See the module documentation for what each figure counts exactly.

    Args:
        folders: the folders to count (any iterable; read once).
        start: the first day of the period.
        end: the last day of the period.

    Returns:
        The report, with every key of :data:`FIGURE_KEYS`.

    Raises:
        InvalidInput: ``start`` or ``end`` is not a date, or the end is before the start.
    """
    problems = _check_period(start, end, "period report")
    if problems:
        raise InvalidInput(problems, source="period report")
    n: dict[str, int] = dict.fromkeys((k for k in FIGURE_KEYS if k not in SHARE_KEYS), 0)

    def inside(day: dt.date) -> bool:
        return start <= day <= end

    for f in folders:
        if inside(f.registered_on):
            n["registered"] += 1
            if any(p.taken_on <= end for p in f.profiles):
                n["profiled"] += 1
        kinds = {c.conversation_id: str(c.kind) for c in f.conversations}
        plans = {p.plan_id: p for p in f.plans}
        three = _three_months(f.registered_on)
        held_early = False
        work_early = f.work_found_on is not None and f.work_found_on < three
        for e in f.events:
            if e.kind == "conversation_held" and e.on < three:
                held_early = True
            if e.kind == "work_found" and e.on < three:
                work_early = True
            if not inside(e.on):
                continue
            if e.kind == "conversation_held":
                kind = kinds.get(e.data.get("conversation_id", ""))
                if kind == "orientation":
                    n["orientation_held"] += 1
                    n[f"orientation_held_{_suffix(_group_on(f.profiles, e.on))}"] += 1
                elif kind is not None:
                    n[f"{kind}_held"] += 1
            elif e.kind == "conversation_no_show":
                n["no_shows"] += 1
            elif e.kind == "plan_agreed":
                plan = plans.get(e.data.get("plan_id", ""))
                if plan is None:
                    continue
                try:
                    version = plan.version(int(e.data.get("version", "1")))
                except (KeyError, ValueError):
                    continue
                if version.services:
                    n["plans_with_services"] += 1
                    n[f"plans_with_services_{_suffix(_group_on(f.profiles, e.on))}"] += 1
            elif e.kind == "activity_reminded":
                n["reminders_sent"] += 1
            elif e.kind == "case_opened":
                n["enforcement_referrals"] += 1
            elif e.kind == "measure_proposed":
                n["measures_proposed"] += 1
            elif e.kind == "measure_decided":
                imposed = e.data.get("imposed", "true") == "true"
                n["measures_imposed" if imposed else "no_measure_decided"] += 1
            elif e.kind == "case_no_measure":
                n["no_measure_decided"] += 1
            elif e.kind == "work_found":
                n["work_found"] += 1
        if inside(three):
            n["three_months_completed"] += 1
            if not held_early:
                n["digital_only_3m"] += 1
                if work_early:
                    n["digital_only_work_3m"] += 1
    shares = {
        "profiler_take_up": _share(n["profiled"], n["registered"]),
        "digital_only_3m_share": _share(n["digital_only_3m"], n["three_months_completed"]),
        "digital_only_work_3m_share": _share(n["digital_only_work_3m"], n["digital_only_3m"]),
    }
    figures: dict[str, int | float] = {
        k: shares[k] if k in SHARE_KEYS else n[k] for k in FIGURE_KEYS
    }
    return PeriodReport(start=start, end=end, figures=figures)


def scaled(report: PeriodReport, factor: float) -> PeriodReport:
    """Return ``report`` with every count multiplied by ``factor`` and rounded to an int; shares stay.

    The forecast simulates a sample (say 1 in 100 jobseekers) and scales it up to the whole inflow.
    Rounding is Python's ``round`` (halves to even).

    Examples:
        >>> r = PeriodReport(
        ...     start=dt.date(2017, 1, 1),
        ...     end=dt.date(2017, 12, 31),
        ...     figures={"registered": 3, "profiler_take_up": 0.5},
        ... )
        >>> dict(scaled(r, 100).figures)
        {'registered': 300, 'profiler_take_up': 0.5}

    Raises:
        InvalidInput: the factor is not a finite number >= 0.
    """
    if not _is_number(factor) or not math.isfinite(factor) or factor < 0:
        raise _problem(
            "$.factor", f"expected a finite number >= 0, got {factor!r}", "scaled report"
        )
    figures = {k: v if k in SHARE_KEYS else round(v * factor) for k, v in report.figures.items()}
    return attrs.evolve(report, figures=figures)


# ----------------------------------------------------------------------------- forecast vs realised


@attrs.frozen(kw_only=True)
class ComparisonRow:
    """One figure, realised against forecast.

    Attributes:
        key: the figure key.
        realised: the realised value.
        forecast: the forecast value.
        deviation: ``realised - forecast`` (for shares rounded to six decimals).
        deviation_share: ``deviation / forecast`` rounded to six decimals, or ``None`` when the forecast is 0.
    """

    key: str
    realised: int | float
    forecast: int | float
    deviation: int | float
    deviation_share: float | None


@attrs.frozen(kw_only=True)
class Comparison:
    """A realised report set against a forecast, figure by figure.

    The two periods are recorded; they may differ (a forecast for a year set against the months realised
    so far, say), the comparison does not check that they are the same.

    Attributes:
        realised_start: the first day of the realised report's period.
        realised_end: the last day of the realised report's period.
        forecast_start: the first day of the forecast's period.
        forecast_end: the last day of the forecast's period.
        rows: one row per figure, in the order of :data:`FIGURE_KEYS`.
    """

    realised_start: dt.date
    realised_end: dt.date
    forecast_start: dt.date
    forecast_end: dt.date
    rows: tuple[ComparisonRow, ...]

    def row(self, key: str) -> ComparisonRow:
        """Return the row of figure ``key``.

        Raises:
            KeyError: there is no such row.
        """
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the comparison as a JSON envelope (schema ``werkmap.report_comparison``, keys sorted)."""
        return serialization.dumps(self, indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> Comparison:
        """Read a comparison written by :meth:`to_json`.

        Raises:
            InvalidInput: the text is not such a comparison.
        """
        return serialization.loads(text, cls, source="report comparison")

    def to_csv(self) -> str:
        """Return one CSV row per figure.

        Columns: ``key,label_en,label_nl,realised,forecast,deviation,deviation_share`` (header row first;
        an undefined deviation share is an empty cell).
        """
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["key", "label_en", "label_nl", "realised", "forecast", "deviation", "deviation_share"]
        )
        for r in self.rows:
            en, nl = _LABELS[r.key]
            writer.writerow(
                [
                    r.key,
                    en,
                    nl,
                    _fmt_csv(r.realised),
                    _fmt_csv(r.forecast),
                    _fmt_csv(r.deviation),
                    _fmt_csv(r.deviation_share),
                ]
            )
        return out.getvalue()

    def to_text(self, language: str = "en") -> str:
        """Return the comparison as an aligned table, in English (``"en"``) or Dutch (``"nl"``).

        Counts are shown as numbers, shares as percentages; the deviation of a share is in percentage
        points (``pp``, Dutch ``%-punt``), the last column is the deviation relative to the forecast.

        Raises:
            InvalidInput: an unknown language.
        """
        title, header, rows = self._cells(language)
        return _table(header, rows, title)

    def _cells(self, language: str) -> tuple[str, tuple[str, ...], list[tuple[str, ...]]]:
        i = _check_language(language)
        header = (
            ("figure", "realised", "forecast", "deviation", "deviation %"),
            ("cijfer", "realisatie", "raming", "afwijking", "afwijking %"),
        )[i]
        rows: list[tuple[str, ...]] = []
        for r in self.rows:
            share = r.key in SHARE_KEYS
            dev = _fmt_text(r.deviation, share=share, language=language)
            if share:  # a difference of two shares is in percentage points
                dev = dev.replace(" %", (" pp", " %-punt")[i])
            if not dev.startswith("-") and r.deviation != 0:
                dev = "+" + dev
            rows.append(
                (
                    _LABELS[r.key][i],
                    _fmt_text(r.realised, share=share, language=language),
                    _fmt_text(r.forecast, share=share, language=language),
                    dev,
                    _fmt_text(r.deviation_share, share=True, language=language),
                )
            )
        title = ("Realised against forecast", "Realisatie tegen raming")[i]
        period = (
            f"{self.realised_start.isoformat()} - {self.realised_end.isoformat()}"
            f" / {self.forecast_start.isoformat()} - {self.forecast_end.isoformat()}"
        )
        return f"{title} {period}", header, rows

    def to_frame(self) -> pd.DataFrame:
        """Return the comparison as a pandas DataFrame indexed by ``key`` (needs pandas).

        Columns: ``realised``, ``forecast``, ``deviation`` and ``deviation_share`` (``None`` when the forecast
        is 0).
        """
        import pandas as pd  # lazy: pandas is an optional extra

        return pd.DataFrame(
            {
                "realised": [r.realised for r in self.rows],
                "forecast": [r.forecast for r in self.rows],
                "deviation": [r.deviation for r in self.rows],
                "deviation_share": [r.deviation_share for r in self.rows],
            },
            index=pd.Index([r.key for r in self.rows], name="key"),
        )

    def __repr__(self) -> str:
        return (
            f"<Comparison {self.realised_start.isoformat()} - {self.realised_end.isoformat()} against "
            f"forecast {self.forecast_start.isoformat()} - {self.forecast_end.isoformat()}: "
            f"{len(self.rows)} figures>"
        )

    def _repr_html_(self) -> str:
        title, header, rows = self._cells("en")
        return Table(
            header=header,
            rows=rows,
            align="lrrrr",
            title=title,
            limit=REPR_ROWS,
            row_headers=True,
        ).to_html()


serialization.register_schema(COMPARISON_SCHEMA, Comparison, 1)


def compare(realised: PeriodReport, forecast: PeriodReport) -> Comparison:
    """Set a realised report against a forecast (*raming*), figure by figure.

    For every figure: ``deviation = realised - forecast`` and ``deviation_share = deviation / forecast``
    (``None`` when the forecast is 0). Both periods are recorded in the result; they may differ.

    Examples:
        >>> day = dt.date(2017, 1, 1)
        >>> real = PeriodReport(start=day, end=day, figures={"registered": 110})
        >>> plan = PeriodReport(start=day, end=day, figures={"registered": 100})
        >>> compare(real, plan).row("registered").deviation_share
        0.1

    Raises:
        InvalidInput: the two reports do not hold the same figure keys (the keys missing from each are
            named).
    """
    problems = []
    only_real = [k for k in realised.figures if k not in forecast.figures]
    only_fore = [k for k in forecast.figures if k not in realised.figures]
    if only_real:
        problems.append(Problem(path="$.forecast.figures", message=f"missing keys {only_real}"))
    if only_fore:
        problems.append(Problem(path="$.realised.figures", message=f"missing keys {only_fore}"))
    if problems:
        raise InvalidInput(problems, source="report comparison")
    rows = []
    for key, real in realised.figures.items():
        fore = forecast.figures[key]
        dev: int | float = real - fore
        if isinstance(dev, float):
            dev = round(dev, _SHARE_DIGITS)
        rows.append(
            ComparisonRow(
                key=key,
                realised=real,
                forecast=fore,
                deviation=dev,
                deviation_share=round(dev / fore, _SHARE_DIGITS) if fore else None,
            )
        )
    return Comparison(
        realised_start=realised.start,
        realised_end=realised.end,
        forecast_start=forecast.start,
        forecast_end=forecast.end,
        rows=tuple(rows),
    )


# --------------------------------------------------------------------------------- monthly series


def monthly_counts(
    folders: Iterable[WorkFolder],
    *,
    start: dt.date,
    end: dt.date,
    kinds: Sequence[str] = ("orientation", "monitor", "coaching"),
) -> dict[str, list[tuple[dt.date, int]]]:
    """Count the conversations held per calendar month, per kind, in ``[start, end]``.

    Every month that overlaps the period gets a point (zero when nothing was held), dated on its first
    day; in the first and last month only the days inside the period count.

    Examples:
        >>> day = dt.date(2017, 1, 1)
        >>> monthly_counts([], start=day, end=dt.date(2017, 3, 15), kinds=("monitor",))
        {'monitor': [(datetime.date(2017, 1, 1), 0), (datetime.date(2017, 2, 1), 0), (datetime.date(2017, 3, 1), 0)]}

    Args:
        folders: the folders to count (read once).
        start: the first day of the period.
        end: the last day of the period.
        kinds: the conversation kinds (``orientation``, ``monitor``, ``coaching``, ``early_contact``).

    Returns:
        For each kind, in the order given, the ``(first day of the month, count)`` points in month order.

    Raises:
        InvalidInput: an unknown kind, or a bad period.
    """
    wanted = tuple(str(k) for k in kinds)
    problems = _check_period(start, end, "monthly counts")
    problems.extend(
        Problem(path=f"$.kinds[{i}]", message=f"expected one of {list(_KINDS)}, got {k!r}")
        for i, k in enumerate(wanted)
        if k not in _KINDS
    )
    if problems:
        raise InvalidInput(problems, source="monthly counts")
    months: list[dt.date] = []
    m = start.replace(day=1)
    while m <= end:
        months.append(m)
        m = add_months(m, 1)
    counts = {k: dict.fromkeys(months, 0) for k in wanted}
    for f in folders:
        kind_of = {c.conversation_id: str(c.kind) for c in f.conversations}
        for e in f.events:
            if e.kind != "conversation_held" or not start <= e.on <= end:
                continue
            kind = kind_of.get(e.data.get("conversation_id", ""))
            if kind in counts:
                counts[kind][e.on.replace(day=1)] += 1
    return {k: list(counts[k].items()) for k in wanted}
