"""When a closed folder may be erased: a dated retention policy and the pure decision by it.

The retention policy is dated data like the service-model policy (:mod:`werkmap.rules.policy`): one
parameter, ``retention_months_after_close``, with values by ``valid_from``. The packaged file
(``rules/data/retention.toml``) holds an **illustrative** term, marked as such, with the sources an agency
must check; load its own with :func:`load_retention`.

A folder *closes* when its benefit ended or the jobseeker found work (the later of the two when both are
recorded). It may be erased from the day its retention ends (on that day too): the closing day plus the months in force on
that day (:func:`erasure_decision`). A folder that has not closed is never erased.

Examples:
    >>> import datetime as dt
    >>> policy = default_retention()
    >>> closed = dt.date(2020, 5, 31)
    >>> d = erasure_decision("f-1", closed_on=closed, on=dt.date(2025, 5, 30), policy=policy)
    >>> d.may_erase, d.retention_ends_on.isoformat()
    (False, '2025-05-31')
    >>> erasure_decision("f-1", closed_on=closed, on=dt.date(2025, 5, 31), policy=policy).may_erase
    True
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from werkmap.errors import InvalidPolicy, Problem
from werkmap.rules.policy import Parameter, ValuePeriod, check_periods
from werkmap.workdays import add_months

__all__ = [
    "RETENTION_PARAMETER",
    "RULE_ID",
    "ErasureDecision",
    "RetentionPolicy",
    "closed_on",
    "default_retention",
    "erasure_decision",
    "load_retention",
]

RETENTION_PARAMETER = "retention_months_after_close"
"""The one parameter of a retention policy."""

RULE_ID = "R-RETAIN-01"
"""The rule that decides whether a folder may be erased."""

_META = ("description", "description_nl", "unit", "reference", "illustrative")


@attrs.frozen(kw_only=True)
class RetentionPolicy:
    """A validated retention policy. Build one with :func:`load_retention`.

    Attributes:
        parameter: ``retention_months_after_close`` with its dated values.
        illustrative: whether the file says its values are illustrative (the packaged default does).
        sources: the files it was read from.
    """

    parameter: Parameter
    illustrative: bool = False
    sources: tuple[str, ...] = ()

    def months_on(self, day: dt.date) -> int | None:
        """Return the retention in months in force on ``day`` (``None``: no value then)."""
        value = self.parameter.value_on(day)
        return None if value is None else int(value)

    def version_on(self, day: dt.date) -> str:
        """Return the policy's version in force on ``day``: the ``valid_from`` of its value, or ``""``."""
        period = self.parameter.period_on(day)
        return "" if period is None else period.valid_from.isoformat()


@attrs.frozen(kw_only=True)
class ErasureDecision:
    """Whether a folder may be erased on a day, and why (the decision record of :data:`RULE_ID`).

    Attributes:
        folder_id: the folder.
        on: the day asked about.
        may_erase: whether it may be erased on ``on``.
        closed_on: the day it closed, or ``None`` (not closed).
        retention_ends_on: the first day it may be erased, or ``None`` (not closed, or no term).
        rule_id: :data:`RULE_ID`.
        policy_version: the version of the retention policy used (the ``valid_from`` of the term).
        parameters: the parameter values used, by name.
        reason_en: why, in English.
        reason_nl: why, in Dutch.
    """

    folder_id: str
    on: dt.date
    may_erase: bool
    closed_on: dt.date | None
    retention_ends_on: dt.date | None
    rule_id: str = RULE_ID
    policy_version: str = ""
    parameters: Mapping[str, int] = attrs.field(factory=dict)
    reason_en: str = ""
    reason_nl: str = ""


def closed_on(benefit_ended_on: dt.date | None, work_found_on: dt.date | None) -> dt.date | None:
    """Return the day a folder closed: the later of the benefit's end and work found, or ``None``.

    Examples:
        >>> closed_on(dt.date(2024, 5, 1), None), closed_on(None, None)
        (datetime.date(2024, 5, 1), None)
    """
    days = [d for d in (benefit_ended_on, work_found_on) if d is not None]
    return max(days) if days else None


def erasure_decision(
    folder_id: str, *, closed_on: dt.date | None, on: dt.date, policy: RetentionPolicy
) -> ErasureDecision:
    """Decide whether a folder that closed on ``closed_on`` may be erased on ``on`` (pure)."""
    if closed_on is None:
        return ErasureDecision(
            folder_id=folder_id,
            on=on,
            may_erase=False,
            closed_on=None,
            retention_ends_on=None,
            reason_en="the folder has not closed (no benefit end, no work found recorded)",
            reason_nl="de werkmap is niet gesloten (geen einde uitkering of werk gevonden vastgelegd)",
        )
    months = policy.months_on(closed_on)
    if months is None:
        return ErasureDecision(
            folder_id=folder_id,
            on=on,
            may_erase=False,
            closed_on=closed_on,
            retention_ends_on=None,
            reason_en=f"the retention policy has no term for {closed_on.isoformat()}",
            reason_nl=f"het bewaarbeleid heeft geen termijn voor {closed_on.isoformat()}",
        )
    ends = add_months(closed_on, months)
    may = on >= ends
    return ErasureDecision(
        folder_id=folder_id,
        on=on,
        may_erase=may,
        closed_on=closed_on,
        retention_ends_on=ends,
        policy_version=policy.version_on(closed_on),
        parameters={RETENTION_PARAMETER: months},
        reason_en=(
            f"closed on {closed_on.isoformat()}; kept {months} months, until "
            f"{ends.isoformat()}; " + ("may be erased" if may else "may not be erased yet")
        ),
        reason_nl=(
            f"gesloten op {closed_on.isoformat()}; {months} maanden bewaard, tot "
            f"{ends.isoformat()}; " + ("mag gewist worden" if may else "mag nog niet gewist worden")
        ),
    )


def _period(entry: Any, where: str, source: str, problems: list[Problem]) -> ValuePeriod | None:
    if not isinstance(entry, Mapping):
        problems.append(Problem(path=where, message="expected a table", code="WM-P001"))
        return None
    start, until, value = entry.get("valid_from"), entry.get("valid_until"), entry.get("value")
    ok = True
    for key in sorted(set(entry) - {"valid_from", "valid_until", "value", "reference"}):
        problems.append(Problem(path=f"{where}.{key}", message="unknown key", code="WM-P001"))
        ok = False
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        problems.append(
            Problem(path=f"{where}.valid_from", message="expected a date", code="WM-P001")
        )
        ok = False
    if until is not None and (not isinstance(until, dt.date) or isinstance(until, dt.datetime)):
        problems.append(
            Problem(path=f"{where}.valid_until", message="expected a date", code="WM-P001")
        )
        ok = False
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.append(
            Problem(path=f"{where}.value", message="expected whole months >= 0", code="WM-P004")
        )
        ok = False
    if not ok:
        return None
    assert isinstance(start, dt.date)
    assert isinstance(value, int)
    return ValuePeriod(
        valid_from=start,
        valid_until=until,
        value=value,
        reference=str(entry.get("reference", "")),
        source=source,
    )


def _build(documents: list[tuple[str, Mapping[str, Any]]]) -> RetentionPolicy:
    problems: list[Problem] = []
    meta: dict[str, Any] = {}
    periods: list[ValuePeriod] = []
    for source, data in documents:
        for name, table in data.items():
            where = f"{source}:{name}"
            if name != RETENTION_PARAMETER or not isinstance(table, Mapping):
                problems.append(Problem(path=where, message="unknown parameter", code="WM-P006"))
                continue
            for key in sorted(set(table) - {*_META, "values"}):
                problems.append(
                    Problem(path=f"{where}.{key}", message="unknown key", code="WM-P001")
                )
            if table.get("unit", "months") != "months":
                problems.append(
                    Problem(path=f"{where}.unit", message="expected months", code="WM-P004")
                )
            meta.update({k: table[k] for k in _META if k in table})
            values = table.get("values", [])
            if not isinstance(values, list):
                problems.append(
                    Problem(path=f"{where}.values", message="expected a list", code="WM-P001")
                )
                continue
            for i, entry in enumerate(values):
                period = _period(entry, f"{where}.values[{i}]", source, problems)
                if period is not None:
                    periods.append(period)
    ordered = sorted(periods, key=lambda p: p.valid_from)
    if not ordered:
        problems.append(Problem(path=RETENTION_PARAMETER, message="no value", code="WM-P002"))
    check_periods(RETENTION_PARAMETER, ordered, problems)
    if problems:
        raise InvalidPolicy(problems, source="retention policy")
    return RetentionPolicy(
        parameter=Parameter(
            name=RETENTION_PARAMETER,
            description=str(meta.get("description", "")),
            description_nl=str(meta.get("description_nl", "")),
            unit="months",
            reference=str(meta.get("reference", "")),
            values=tuple(ordered),
        ),
        illustrative=bool(meta.get("illustrative", False)),
        sources=tuple(s for s, _ in documents),
    )


def load_retention(*paths: str | Path) -> RetentionPolicy:
    """Load a retention policy from TOML files (default: the packaged, illustrative one).

    Raises:
        InvalidPolicy: every problem found, with its file and place.
    """
    documents: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[Problem] = []
    if not paths:
        text = resources.files("werkmap.rules").joinpath("data/retention.toml").read_text("utf-8")
        documents.append(("retention.toml", tomllib.loads(text)))
    for path in paths:
        p = Path(path)
        try:
            documents.append((p.name, tomllib.loads(p.read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(Problem(path=p.name, message=f"cannot read: {exc}", code="WM-P001"))
    if problems:
        raise InvalidPolicy(problems, source="retention policy")
    return _build(documents)


@functools.cache
def default_retention() -> RetentionPolicy:
    """Return the packaged retention policy (illustrative: see the file), loaded once per process."""
    return load_retention()
