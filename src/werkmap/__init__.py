"""werkmap: the digital service for people on unemployment benefit.

werkmap models the Work Profiler (*Werkverkenner*), the Personal Work Folder (*Werkmap*) and the service
model that routes jobseekers between them. It is a library: a host application supplies storage and
the channels that reach people, through plugins.

The public face is this module; the rooms are :mod:`werkmap.profiler`, :mod:`werkmap.plan`,
:mod:`werkmap.rules` and :mod:`werkmap.storage`, and the shell is :mod:`werkmap.service` (the
:class:`Werkmap` service with :class:`Actor` and :class:`PlannedActivity`), :mod:`werkmap.dashboard`,
:mod:`werkmap.report` and :mod:`werkmap.simulate`. The shell's names load on first use, so
``import werkmap`` stays light.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from werkmap._version import __version__
from werkmap.clock import AMSTERDAM, Clock, FixedClock, SystemClock
from werkmap.errors import (
    ConcurrencyConflict,
    FitError,
    GuardRefused,
    IllegalTransition,
    InvalidAnswers,
    InvalidInput,
    InvalidModel,
    InvalidPolicy,
    InvalidQuestionnaire,
    NoStorageProvider,
    NotAuthorized,
    NotFound,
    PerfectSeparation,
    Problem,
    RankDeficient,
    SchemaVersionError,
    StorageError,
    VersionMismatch,
    WerkmapError,
)
from werkmap.profiler import (
    Profile,
    Questionnaire,
    ScoringModel,
    load_model,
    load_questionnaire,
    score,
    score_batch,
    validate_answers,
)
from werkmap.workdays import HolidayCalendar, add_months, dutch_calendar, dutch_public_holidays

if TYPE_CHECKING:
    from werkmap.service import Actor, PlannedActivity, Werkmap

# werkmap logs through ``logging.getLogger("werkmap.<module>")`` and leaves the handlers to the host.
logging.getLogger("werkmap").addHandler(logging.NullHandler())

_LAZY = {
    "Actor": "werkmap.service",
    "PlannedActivity": "werkmap.service",
    "Werkmap": "werkmap.service",
}


def __getattr__(name: str) -> Any:
    """Load the shell's names (:class:`Werkmap`, :class:`Actor`, :class:`PlannedActivity`) on first use."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'werkmap' has no attribute {name!r}")


__all__ = [
    "AMSTERDAM",
    "Actor",
    "Clock",
    "ConcurrencyConflict",
    "FitError",
    "FixedClock",
    "GuardRefused",
    "HolidayCalendar",
    "IllegalTransition",
    "InvalidAnswers",
    "InvalidInput",
    "InvalidModel",
    "InvalidPolicy",
    "InvalidQuestionnaire",
    "NoStorageProvider",
    "NotAuthorized",
    "NotFound",
    "PerfectSeparation",
    "PlannedActivity",
    "Problem",
    "Profile",
    "Questionnaire",
    "RankDeficient",
    "SchemaVersionError",
    "ScoringModel",
    "StorageError",
    "SystemClock",
    "VersionMismatch",
    "Werkmap",
    "WerkmapError",
    "__version__",
    "add_months",
    "dutch_calendar",
    "dutch_public_holidays",
    "load_model",
    "load_questionnaire",
    "score",
    "score_batch",
    "validate_answers",
]
