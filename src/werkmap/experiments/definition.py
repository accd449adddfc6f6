"""Experiment definitions: a randomised evaluation of the service model as dated, validated data.

An experiment is a TOML file (stdlib :mod:`tomllib`), in the style of the policy parameters
(:mod:`werkmap.rules.policy`)::

    [experiment]
    id = "uwv-ww-2017"
    version = 1
    title = "Effect of the WW service model (2017-2018)"
    title_nl = "Effect van de WW-dienstverlening (2017-2018)"
    reference = "SEO Economisch Onderzoek 2019-2021"
    inflow_from = 2017-12-01        # the first registration day that takes part
    inflow_until = 2018-12-31       # the last one (included)
    visible_to = ["system", "team_lead"]   # the roles that may see a folder's arm

    [eligibility]
    exclude_pension_within_months = 0      # 0: nobody is excluded for nearing state-pension age

    [[arms]]
    name = "service"
    share = 0.80
    services = true        # the service model's conversations and invitations
    enforcement = true     # reminders, enforcement proposals, the application-duty check
    description = "..."
    description_nl = "..."

The packaged definition is the 2017 design (:func:`default_experiments`): 80 % service, 10 % control with
enforcement only, 10 % control without service, for the inflow of 1 December 2017 to 31 December 2018.

Load-time checks raise one :class:`~werkmap.errors.InvalidPolicy` listing every problem, with codes:

* ``WM-E001`` malformed file or field (bad TOML, an unknown key, a value of the wrong type);
* ``WM-E002`` a missing field (id, version, title, reference, inflow dates, arms, an arm's fields);
* ``WM-E003`` the arms' shares are not each in (0, 1] or do not sum to 1;
* ``WM-E004`` two arms with the same name, or an arm name that is not a lower-case identifier;
* ``WM-E005`` the inflow period ends before it starts;
* ``WM-E006`` an unknown role in ``visible_to`` (the roles of :data:`werkmap.service.ROLES`);
* ``WM-E007`` two definitions of one experiment with the same version;
* ``WM-E008`` two experiments whose inflow periods overlap (a registration would belong to both).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from werkmap.errors import InvalidPolicy, Problem
from werkmap.workdays import add_months

__all__ = [
    "Arm",
    "Experiment",
    "default_experiments",
    "default_experiments_dir",
    "load_experiment_documents",
    "load_experiments",
]

_EXPERIMENT_KEYS = {
    "id",
    "version",
    "title",
    "title_nl",
    "reference",
    "inflow_from",
    "inflow_until",
    "visible_to",
}
_ELIGIBILITY_KEYS = {"exclude_pension_within_months"}
_ARM_KEYS = {"name", "share", "services", "enforcement", "description", "description_nl"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TOLERANCE = 1e-9


@attrs.frozen(kw_only=True)
class Arm:
    """One arm of an experiment: its share of the inflow and what it receives.

    Attributes:
        name: the arm's name (a lower-case identifier: ``service``, ``control_none``).
        share: the share of the eligible inflow assigned to it, in (0, 1].
        services: whether it receives the service model's conversations and invitations.
        enforcement: whether it receives enforcement (reminders, proposals, the application-duty check).
        description: what the arm receives, in English.
        description_nl: the same in Dutch.
    """

    name: str
    share: float
    services: bool
    enforcement: bool
    description: str = ""
    description_nl: str = ""


@attrs.frozen(kw_only=True)
class Experiment:
    """A randomised experiment on the service model. Build one with :func:`load_experiments`.

    Attributes:
        id: the experiment's id (``uwv-ww-2017``); with the host's key it fixes every assignment.
        version: the version of this definition (recorded with each assignment).
        title: the title, in English.
        title_nl: the title, in Dutch.
        reference: the design's source.
        inflow_from: the first registration day that takes part.
        inflow_until: the last registration day that takes part (included).
        visible_to: the roles that may see a folder's arm (others see the folder without it).
        exclude_pension_within_months: a folder whose state-pension date is within this many months of
            registration does not take part (0: nobody is excluded).
        arms: the arms, in the order of the file (the order the assignment's hash is cut in).
        source: the file the definition was read from.
    """

    id: str
    version: int
    title: str
    title_nl: str = ""
    reference: str
    inflow_from: dt.date
    inflow_until: dt.date
    visible_to: frozenset[str] = frozenset({"system"})
    exclude_pension_within_months: int = 0
    arms: tuple[Arm, ...]
    source: str = ""

    @property
    def arm_names(self) -> tuple[str, ...]:
        """The arms' names, in order."""
        return tuple(a.name for a in self.arms)

    def arm(self, name: str) -> Arm:
        """Return the arm called ``name``.

        Raises:
            KeyError: there is none.
        """
        for a in self.arms:
            if a.name == name:
                return a
        raise KeyError(name)

    def eligible(self, registered_on: dt.date, pension_on: dt.date | None = None) -> bool:
        """Whether a registration on ``registered_on`` (state pension on ``pension_on``) takes part."""
        if not self.inflow_from <= registered_on <= self.inflow_until:
            return False
        months = self.exclude_pension_within_months
        return not (
            months and pension_on is not None and pension_on <= add_months(registered_on, months)
        )

    def may_see(self, role: str) -> bool:
        """Whether an actor of ``role`` may see a folder's arm."""
        return role in self.visible_to


def default_experiments_dir() -> Path:
    """Return the directory of the packaged experiment definitions."""
    return Path(str(resources.files("werkmap.experiments") / "data"))


@functools.cache
def default_experiments() -> tuple[Experiment, ...]:
    """Return the packaged experiments (the 2017 design ``uwv-ww-2017``), loaded and checked once."""
    return load_experiments()


def load_experiments(*paths: str | Path) -> tuple[Experiment, ...]:
    """Load and check experiment definitions from TOML files or directories (default: the packaged ones).

    A directory contributes its ``*.toml`` files in name order.

    Raises:
        InvalidPolicy: every problem found in any file, with its file, path and code (``WM-E…``).
    """
    files: list[Path] = []
    for path in paths or (default_experiments_dir(),):
        p = Path(path)
        files.extend(sorted(p.glob("*.toml")) if p.is_dir() else [p])
    documents: list[tuple[str, Any]] = []
    problems: list[Problem] = []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            problems.append(Problem(path=file.name, message=f"cannot read: {exc}", code="WM-E001"))
            continue
        try:
            documents.append((file.name, tomllib.loads(text)))
        except tomllib.TOMLDecodeError as exc:
            problems.append(Problem(path=file.name, message=f"invalid TOML: {exc}", code="WM-E001"))
    experiments = _build(documents, problems)
    if problems:
        raise InvalidPolicy(problems, source="experiments")
    return experiments


def load_experiment_documents(
    documents: Iterable[tuple[str, Mapping[str, Any]]],
) -> tuple[Experiment, ...]:
    """Build experiments from already parsed TOML documents as ``(file name, data)`` pairs.

    The checks are those of :func:`load_experiments`.

    Raises:
        InvalidPolicy: every problem found (``WM-E…``).
    """
    problems: list[Problem] = []
    experiments = _build(list(documents), problems)
    if problems:
        raise InvalidPolicy(problems, source="experiments")
    return experiments


def _build(documents: list[tuple[str, Any]], problems: list[Problem]) -> tuple[Experiment, ...]:
    found = [e for name, data in documents if (e := _one(name, data, problems)) is not None]
    for a, b in itertools.combinations(found, 2):
        if a.id == b.id and a.version == b.version:
            problems.append(
                Problem(
                    path=f"{b.source}:experiment.version",
                    message=f"experiment {a.id!r} version {a.version} is defined in {a.source} too",
                    code="WM-E007",
                )
            )
        elif a.inflow_from <= b.inflow_until and b.inflow_from <= a.inflow_until:
            problems.append(
                Problem(
                    path=f"{b.source}:experiment.inflow_from",
                    message=(
                        f"the inflow {b.inflow_from.isoformat()}..{b.inflow_until.isoformat()} of "
                        f"{b.id!r} overlaps that of {a.id!r} ({a.source}): a registration would "
                        "belong to both"
                    ),
                    code="WM-E008",
                )
            )
    return tuple(found)


def _text(table: Mapping[str, Any], key: str, where: str, problems: list[Problem]) -> str | None:
    if key not in table:
        problems.append(Problem(path=f"{where}.{key}", message="missing", code="WM-E002"))
        return None
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        problems.append(
            Problem(path=f"{where}.{key}", message="expected a non-empty string", code="WM-E001")
        )
        return None
    return value


def _date(
    table: Mapping[str, Any], key: str, where: str, problems: list[Problem]
) -> dt.date | None:
    if key not in table:
        problems.append(Problem(path=f"{where}.{key}", message="missing", code="WM-E002"))
        return None
    value = table[key]
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        problems.append(
            Problem(
                path=f"{where}.{key}",
                message=f"expected a date (YYYY-MM-DD), got {value!r}",
                code="WM-E001",
            )
        )
        return None
    return value


def _unknown(
    table: Mapping[str, Any], known: set[str], where: str, problems: list[Problem]
) -> None:
    for key in sorted(set(table) - known):
        problems.append(Problem(path=f"{where}.{key}", message="unknown key", code="WM-E001"))


def _one(name: str, data: Any, problems: list[Problem]) -> Experiment | None:
    from werkmap.service.access import ROLES  # the one list of roles (imported late: no cycle)

    before = len(problems)
    _unknown(data, {"experiment", "eligibility", "arms"}, name, problems)
    head = data.get("experiment")
    if not isinstance(head, Mapping):
        problems.append(
            Problem(path=f"{name}:experiment", message="missing [experiment] table", code="WM-E002")
        )
        return None
    where = f"{name}:experiment"
    _unknown(head, _EXPERIMENT_KEYS, where, problems)
    ident = _text(head, "id", where, problems)
    if ident is not None and not re.match(r"^[a-z0-9][a-z0-9._-]*$", ident):
        problems.append(
            Problem(
                path=f"{where}.id",
                message="expected lower-case letters, digits, '.', '_' or '-'",
                code="WM-E001",
            )
        )
    version = head.get("version")
    if version is None:
        problems.append(Problem(path=f"{where}.version", message="missing", code="WM-E002"))
    elif isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(
            Problem(path=f"{where}.version", message="expected a whole number >= 1", code="WM-E001")
        )
    title = _text(head, "title", where, problems)
    title_nl = _text(head, "title_nl", where, problems) if "title_nl" in head else ""
    reference = _text(head, "reference", where, problems)
    start = _date(head, "inflow_from", where, problems)
    end = _date(head, "inflow_until", where, problems)
    if start is not None and end is not None and end < start:
        problems.append(
            Problem(
                path=f"{where}.inflow_until",
                message=f"the inflow ends ({end.isoformat()}) before it starts ({start.isoformat()})",
                code="WM-E005",
            )
        )
    visible = head.get("visible_to", ["system"])
    roles: frozenset[str] = frozenset()
    if not isinstance(visible, list) or not all(isinstance(r, str) for r in visible):
        problems.append(
            Problem(path=f"{where}.visible_to", message="expected a list of roles", code="WM-E001")
        )
    else:
        for role in visible:
            if role not in ROLES:
                problems.append(
                    Problem(
                        path=f"{where}.visible_to",
                        message=f"unknown role {role!r}; expected some of {list(ROLES)}",
                        code="WM-E006",
                    )
                )
        roles = frozenset(visible)
    eligibility = data.get("eligibility", {})
    exclude = 0
    if not isinstance(eligibility, Mapping):
        problems.append(
            Problem(path=f"{name}:eligibility", message="expected a table", code="WM-E001")
        )
    else:
        _unknown(eligibility, _ELIGIBILITY_KEYS, f"{name}:eligibility", problems)
        value = eligibility.get("exclude_pension_within_months", 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(
                Problem(
                    path=f"{name}:eligibility.exclude_pension_within_months",
                    message="expected a whole number of months >= 0",
                    code="WM-E001",
                )
            )
        else:
            exclude = value
    arms = _arms(name, data.get("arms"), problems)
    if len(problems) > before:
        return None
    assert ident is not None
    assert title is not None
    assert reference is not None
    assert start is not None
    assert end is not None
    assert isinstance(version, int)
    return Experiment(
        id=ident,
        version=version,
        title=title,
        title_nl=title_nl or "",
        reference=reference,
        inflow_from=start,
        inflow_until=end,
        visible_to=roles,
        exclude_pension_within_months=exclude,
        arms=arms,
        source=name,
    )


def _arms(name: str, raw: Any, problems: list[Problem]) -> tuple[Arm, ...]:
    if raw is None:
        problems.append(Problem(path=f"{name}:arms", message="no arms", code="WM-E002"))
        return ()
    if not isinstance(raw, list) or not raw:
        problems.append(
            Problem(path=f"{name}:arms", message="expected a list of [[arms]]", code="WM-E001")
        )
        return ()
    arms: list[Arm] = []
    seen: set[str] = set()
    total = 0.0
    shares_ok = True
    for i, table in enumerate(raw):
        where = f"{name}:arms[{i}]"
        if not isinstance(table, Mapping):
            problems.append(Problem(path=where, message="expected a table", code="WM-E001"))
            shares_ok = False
            continue
        before = len(problems)
        _unknown(table, _ARM_KEYS, where, problems)
        arm_name = _text(table, "name", where, problems)
        if arm_name is not None:
            if not _NAME.match(arm_name):
                problems.append(
                    Problem(
                        path=f"{where}.name",
                        message=f"{arm_name!r} is not a lower-case identifier",
                        code="WM-E004",
                    )
                )
            elif arm_name in seen:
                problems.append(
                    Problem(
                        path=f"{where}.name",
                        message=f"arm {arm_name!r} is given twice",
                        code="WM-E004",
                    )
                )
            seen.add(arm_name)
        share = table.get("share")
        if share is None:
            problems.append(Problem(path=f"{where}.share", message="missing", code="WM-E002"))
            shares_ok = False
        elif (
            isinstance(share, bool)
            or not isinstance(share, int | float)
            or not math.isfinite(share)
            or not 0.0 < share <= 1.0
        ):
            problems.append(
                Problem(
                    path=f"{where}.share",
                    message=f"a share lies in (0, 1], got {share!r}",
                    code="WM-E003",
                )
            )
            shares_ok = False
        else:
            total += float(share)
        flags: dict[str, bool] = {}
        for key in ("services", "enforcement"):
            if key not in table:
                problems.append(Problem(path=f"{where}.{key}", message="missing", code="WM-E002"))
            elif not isinstance(table[key], bool):
                problems.append(
                    Problem(path=f"{where}.{key}", message="expected true or false", code="WM-E001")
                )
            else:
                flags[key] = table[key]
        description = _text(table, "description", where, problems)
        description_nl = _text(table, "description_nl", where, problems)
        if len(problems) == before:
            assert arm_name is not None
            assert isinstance(share, int | float)
            arms.append(
                Arm(
                    name=arm_name,
                    share=float(share),
                    services=flags["services"],
                    enforcement=flags["enforcement"],
                    description=description or "",
                    description_nl=description_nl or "",
                )
            )
    if shares_ok and abs(total - 1.0) > _TOLERANCE:
        problems.append(
            Problem(
                path=f"{name}:arms",
                message=f"the shares sum to {total:g}, not 1",
                code="WM-E003",
            )
        )
    return tuple(arms)
