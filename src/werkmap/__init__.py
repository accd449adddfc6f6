"""werkmap: the digital service for people on unemployment benefit.

werkmap models the Work Profiler (*Werkverkenner*), the Personal Work Folder (*Werkmap*) and the service
model that routes jobseekers between them. It is a library: a host application supplies storage and
the channels that reach people, through plugins.

The public face is this module; the rooms are :mod:`werkmap.profiler`, :mod:`werkmap.plan`,
:mod:`werkmap.rules` and :mod:`werkmap.storage`.
"""

from __future__ import annotations

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

__all__ = [
    "AMSTERDAM",
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
    "Problem",
    "Profile",
    "Questionnaire",
    "RankDeficient",
    "SchemaVersionError",
    "ScoringModel",
    "StorageError",
    "SystemClock",
    "VersionMismatch",
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
