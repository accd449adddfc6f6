"""The door: every argument a person gives a :class:`~werkmap.Werkmap` command is checked before anything else.

:data:`FIELDS` says, per command, which argument is which kind of input (an id, a short or long text, a
date, a choice, a list of titles, answers, planned activities, services); :func:`check_arguments` checks
them all against the limits of :mod:`werkmap.limits` and raises **one**
:class:`~werkmap.errors.InvalidInput` naming every field that is wrong. It runs before the actor is
authorised and before the folder is loaded, so a refused input changes nothing and reads nothing.

This is the service's trust boundary. The pure layers below it (:mod:`werkmap.plan`, :mod:`werkmap.rules`)
check what their rules need (an activity's kind, a deadline's working day, the counts of
:data:`werkmap.limits.MAX_ACTIVITIES` and :data:`werkmap.limits.MAX_APPLICATIONS`), not the length or the
characters of a text: a caller who uses them directly owns that.

Examples:
    >>> import datetime as dt
    >>> check_arguments("excuse", {"folder_id": "f-1", "activity_id": "a1", "reason": "ziek"})
    >>> check_arguments("add_activity", {"folder_id": "f-1", "kind": "dance", "due": dt.date.max})
    Traceback (most recent call last):
    ...
    werkmap.errors.InvalidInput: 2 problems in add_activity:
      [WM-I009] $.kind: expected one of application, cv, vacancy_matching, e_learning, workshop, other_task, got 'dance'
      [WM-I007] $.due: expected a date from 1900-01-01 to 2199-12-31, got 9999-12-31
"""

from __future__ import annotations

import enum
import functools
import inspect
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from werkmap import limits
from werkmap.errors import InvalidInput, Problem
from werkmap.plan.activity import ActivityKind
from werkmap.plan.commands import PlannedActivity
from werkmap.plan.conversation import ConversationKind
from werkmap.plan.enforcement import MeasureKind
from werkmap.plan.folder import is_valid_bsn
from werkmap.plan.workplan import ExtraService
from werkmap.storage.values import Notification

__all__ = ["FIELDS", "Check", "bsn_positions", "check_arguments", "guarded"]

Check = Callable[[str, object], list[Problem]]
"""A check of one argument: ``(path, value) -> problems``."""


def _optional(check: Check) -> Check:
    def run(path: str, value: object) -> list[Problem]:
        return [] if value is None else check(path, value)

    return run


_BSN_LIKE = re.compile(
    r"(?<![0-9A-Za-z])(?:NL ?)?([0-9](?:[ .\-]?[0-9]){8})(?![0-9])", re.IGNORECASE
)


def bsn_positions(text: str) -> list[int]:
    """Return where ``text`` holds a number that passes the BSN's eleven-test, in any common format.

    Nine digits, optionally grouped by spaces, dots or dashes and prefixed with ``NL``, not part of a
    longer number: ``123456782``, ``123 456 782``, ``123.45.6782``, ``NL123456782``.

    Examples:
        >>> bsn_positions("BSN 123 456 782, telefoon 0612345678")
        [4]
        >>> bsn_positions("f-000123")
        []
    """
    found = []
    for match in _BSN_LIKE.finditer(text):
        digits = re.sub(r"[^0-9]", "", match.group(1))
        if is_valid_bsn(digits):
            found.append(match.start())
    return found


def _bsn_free(path: str, value: object) -> list[Problem]:
    if not isinstance(value, str):
        return []
    positions = bsn_positions(value)
    if not positions:
        return []
    return [
        Problem(
            path=path,
            message=(
                f"holds a number that looks like a BSN at position {positions[0]}; werkmap keeps no "
                "BSN in clear: give it as `bsn=` (kept as a pseudonym) or leave it out"
            ),
            code="WM-I011",
        )
    ]


def _text(limit: limits.TextLimit) -> Check:
    def run(path: str, value: object) -> list[Problem]:
        return limits.check_text(path, value, limit) or _bsn_free(path, value)

    return run


def _choice(kind: type[enum.StrEnum]) -> Check:
    names = [str(m) for m in kind]

    def run(path: str, value: object) -> list[Problem]:
        if isinstance(value, kind):
            return []
        problems = limits.check_text(path, value, limits.SHORT_TEXT)
        if not problems and value not in names:
            text = str(value)
            shown = repr(text) if len(text) <= 40 else f"a text of {len(text)} characters"
            problems.append(
                Problem(
                    path=path,
                    message=f"expected one of {', '.join(names)}, got {shown}",
                    code="WM-I009",
                )
            )
        return problems

    return run


def _number(path: str, value: object) -> list[Problem]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [
            Problem(
                path=path, message=f"expected a number, got {type(value).__name__}", code="WM-I010"
            )
        ]
    if not math.isfinite(value):
        return [
            Problem(path=path, message=f"expected a finite number, got {value!r}", code="WM-I010")
        ]
    return []


def _titles(path: str, value: object) -> list[Problem]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        return [Problem(path=path, message="expected a list of titles", code="WM-I001")]
    problems = limits.check_count(path, len(value), limits.MAX_APPLICATIONS, "applications")
    for i, title in enumerate(value):
        problems += limits.check_text(f"{path}[{i}]", title, limits.SHORT_TEXT)
    return problems


def _answers(path: str, value: object) -> list[Problem]:
    if not isinstance(value, Mapping):
        return []  # a FHIR resource or a frame row: the questionnaire's own validation reports it
    problems = limits.check_count(path, len(value), limits.MAX_ANSWERS, "answers")
    for key, answer in value.items():
        problems += limits.check_text(f"{path}.key", key, limits.ID)
        if isinstance(answer, str) and len(answer) > limits.MAX_ANSWER_LENGTH:
            problems.append(
                Problem(
                    path=f"{path}.{key}" if isinstance(key, str) and len(key) <= 64 else path,
                    message=f"at most {limits.MAX_ANSWER_LENGTH} characters, got {len(answer)}",
                    code="WM-I002",
                )
            )
    return problems


def _items(kind: type, fields: Mapping[str, Check], *, optional: bool = False) -> Check:
    """A check of a list of ``kind`` values (planned activities, services), field by field."""

    def run(path: str, value: object) -> list[Problem]:
        if value is None and optional:
            return []
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            return [
                Problem(path=path, message=f"expected a list of {kind.__name__}", code="WM-I001")
            ]
        items = list(value)
        problems = limits.check_count(path, len(items), limits.MAX_ACTIVITIES, "items")
        for i, item in enumerate(items):
            if not isinstance(item, kind):
                problems.append(
                    Problem(
                        path=f"{path}[{i}]",
                        message=f"expected a {kind.__name__}, got {type(item).__name__}",
                        code="WM-I001",
                    )
                )
                continue
            for name, check in fields.items():
                problems += check(f"{path}[{i}].{name}", getattr(item, name))
        return problems

    return run


def _plain(limit: limits.TextLimit) -> Check:
    """A text check without the BSN check (for the one argument that is a BSN)."""

    def run(path: str, value: object) -> list[Problem]:
        return limits.check_text(path, value, limit)

    return run


_ID = _text(limits.ID)
_OPTIONAL_ID = _optional(_ID)
_SHORT = _text(limits.SHORT_TEXT)
_LONG = _text(limits.LONG_TEXT)
_OPTIONAL_LONG = _optional(_LONG)
_DATE = limits.check_date
_OPTIONAL_DATE = _optional(limits.check_date)
_PLANNED_FIELDS: dict[str, Check] = {
    "kind": _choice(ActivityKind),
    "due": limits.check_date,
    "title": _SHORT,
}
_PLANNED = _items(PlannedActivity, _PLANNED_FIELDS)
_SERVICES = _items(ExtraService, {"name": _SHORT, "reason": _LONG})
_OPTIONAL_SERVICES = _items(ExtraService, {"name": _SHORT, "reason": _LONG}, optional=True)

_FOLDER = {"folder_id": _ID}
_ACTIVITY = {"folder_id": _ID, "activity_id": _ID}
_CONVERSATION = {"folder_id": _ID, "conversation_id": _ID}
_CASE = {"folder_id": _ID, "case_id": _ID}

FIELDS: dict[str, dict[str, Check]] = {
    "register": {
        **_FOLDER,
        "jobseeker_ref": _OPTIONAL_ID,
        "bsn": _optional(_plain(limits.ID)),
        "coach_id": _OPTIONAL_ID,
        "registered_on": _OPTIONAL_DATE,
        "benefit_ends_on": _OPTIONAL_DATE,
        "pension_on": _OPTIONAL_DATE,
    },
    "assign_coach": {**_FOLDER, "coach_id": _OPTIONAL_ID, "reason": _LONG},
    "invite_profiler": _FOLDER,
    "submit_profile": {**_FOLDER, "answers": _answers},
    "route": {**_FOLDER, "override": _optional(_SHORT), "reason": _LONG},
    "request_conversation": {**_FOLDER, "note": _LONG},
    "invite_conversation": {
        **_FOLDER,
        "kind": _choice(ConversationKind),
        "at": _DATE,
        "reason": _LONG,
    },
    "reschedule_conversation": {**_CONVERSATION, "at": _DATE, "reason": _LONG},
    "hold_conversation": {**_CONVERSATION, "outcome": _LONG},
    "record_no_show": _CONVERSATION,
    "cancel_conversation": {**_CONVERSATION, "reason": _LONG},
    "agree_plan": {**_FOLDER, "activities": _PLANNED, "services": _SERVICES, "note": _LONG},
    "revise_plan": {
        **_FOLDER,
        "reason": _LONG,
        "activities": _PLANNED,
        "services": _OPTIONAL_SERVICES,
        "note": _OPTIONAL_LONG,
    },
    "add_activity": {**_FOLDER, "kind": _choice(ActivityKind), "due": _DATE, "title": _SHORT},
    "register_applications": {**_FOLDER, "titles": _titles},
    "complete_activity": _ACTIVITY,
    "remind": _ACTIVITY,
    "excuse": {**_ACTIVITY, "reason": _LONG},
    "refer": {**_ACTIVITY, "reason": _LONG},
    "open_duty_case": {**_FOLDER, "reason": _LONG},
    "respond": {**_CASE, "response": _LONG},
    "propose_measure": _CASE,
    "decide_case": {
        **_CASE,
        "reason": _LONG,
        "percentage": _optional(_number),
        "duration_weeks": _optional(_number),
        "kind": _optional(_choice(MeasureKind)),
    },
    "record_objection": {**_CASE, "note": _LONG},
    "close_case": {**_CASE, "reason": _LONG},
    "record_work_found": _FOLDER,
    "record_benefit_ended": {**_FOLDER, "reason": _LONG},
    "sweep": {"on": _OPTIONAL_DATE},
    "erase": {**_FOLDER, "why": _LONG},
    "retention_ended": {"on": _OPTIONAL_DATE},
    "folder": {**_FOLDER, "why": _LONG},
    "overview": {**_FOLDER, "on": _OPTIONAL_DATE, "language": _SHORT},
    "export": {**_FOLDER, "why": _LONG},
    "caseload": {"coach_id": _ID},
    "dashboard": {"coach_id": _ID, "on": _OPTIONAL_DATE},
    "report": {"start": _DATE, "end": _DATE},
    "enqueue": {"notifications": _items(Notification, {})},
}
"""Per command, the check of each argument a person gives (the others are actors, flags or objects)."""


def check_arguments(command: str, arguments: Mapping[str, object]) -> None:
    """Check ``arguments`` of ``command`` against :data:`FIELDS`; raise one error naming every problem.

    Raises:
        InvalidInput: with a problem per wrong field (its path ``$.<argument>`` and a code ``WM-I…``).
    """
    problems: list[Problem] = []
    for name, check in FIELDS.get(command, {}).items():
        if name in arguments:
            problems += check(f"$.{name}", arguments[name])
    if arguments.get("idempotency_key") is not None:  # every command takes one
        problems += _SHORT("$.idempotency_key", arguments["idempotency_key"])
    if problems:
        raise InvalidInput(problems, source=command)


_F = TypeVar("_F", bound=Callable[..., Any])


def guarded(command: str, method: _F) -> _F:
    """Return ``method`` with its arguments checked by :func:`check_arguments` before it runs.

    The signature is read once, here: a call costs a few set operations instead of
    ``inspect.Signature.bind`` (2,000 commands of ``shell_commands``: the guard took 0.74 s of 18.7 s
    profiled, 0.35 s of it in ``bind``). A call that does not fit the signature gets Python's own error.
    """
    kinds = inspect.Parameter
    parameters = list(inspect.signature(method).parameters.values())
    positional = tuple(
        p.name for p in parameters if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)
    )
    by_keyword = frozenset(
        p.name for p in parameters if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)
    )
    any_positional = any(p.kind is kinds.VAR_POSITIONAL for p in parameters)
    any_keyword = any(p.kind is kinds.VAR_KEYWORD for p in parameters)
    # the required parameters: (position, name), a keyword-only one at no position
    required = tuple(
        (positional.index(p.name) if p.name in positional else len(parameters), p.name)
        for p in parameters
        if p.default is kinds.empty and p.kind not in (kinds.VAR_POSITIONAL, kinds.VAR_KEYWORD)
    )

    def fits(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        n = len(args)
        return (
            (n <= len(positional) or any_positional)
            and (any_keyword or by_keyword.issuperset(kwargs))
            and not any(name in kwargs for name in positional[:n])
            and all(at < n or name in kwargs for at, name in required)
        )

    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        if fits(args, kwargs):
            arguments = dict(zip(positional, args, strict=False))
            arguments.update(kwargs)
            check_arguments(command, arguments)
        return method(*args, **kwargs)  # Python's own error for a call that does not fit

    return cast("_F", run)
