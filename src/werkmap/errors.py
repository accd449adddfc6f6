"""One exception family for werkmap.

Every error werkmap raises on purpose is a :class:`WerkmapError`. Errors about bad input derive from
:class:`InvalidInput` and carry **every** problem found, each with the path where it was found, so one
error tells the caller all that must be fixed (``$.q07: expected one of 1..5, got 7``). An error about
bad input is raised before anything is changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "ConcurrencyConflict",
    "FitError",
    "FolderUnreadable",
    "GuardRefused",
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
    "RankDeficient",
    "SchemaVersionError",
    "StorageError",
    "VersionMismatch",
    "WerkmapError",
]


@attrs.frozen(kw_only=True)
class Problem:
    """One problem found in some input.

    Attributes:
        path: where the problem is, as a JSONPath-like string (``$.items[3].link_id``) or a file and field.
        message: what is wrong, in English, naming what was expected and what was found.
        code: a stable machine-readable code (``WM-Q001``), or ``""`` when the problem has none.
    """

    path: str
    message: str
    code: str = ""

    def __str__(self) -> str:
        prefix = f"[{self.code}] " if self.code else ""
        return f"{prefix}{self.path}: {self.message}"


class WerkmapError(Exception):
    """The base class of every error werkmap raises on purpose."""


class InvalidInput(WerkmapError, ValueError):
    """Input that cannot be used; :attr:`problems` lists every problem, each with its path.

    The message lists the problems one per line, so the error is useful when printed as it is.
    """

    problems: tuple[Problem, ...]
    source: str

    def __init__(self, problems: Iterable[Problem], *, source: str = "") -> None:
        self.problems = tuple(problems)
        self.source = source
        if not self.problems:
            raise ValueError("an InvalidInput error needs at least one problem")
        super().__init__(self._render())

    def _render(self) -> str:
        what = f" in {self.source}" if self.source else ""
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''}{what}:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the problems, in order (empty strings for problems without a code)."""
        return tuple(p.code for p in self.problems)


class InvalidAnswers(InvalidInput):
    """Answers to a questionnaire that do not fit it: missing, unknown, wrong type, out of range."""


class InvalidQuestionnaire(InvalidInput):
    """A questionnaire definition that fails its load-time lint (codes ``WM-Q…``)."""


class InvalidModel(InvalidInput):
    """A scoring model file that is corrupt or does not fit its questionnaire (codes ``WM-M…``)."""


class InvalidPolicy(InvalidInput):
    """A policy parameter file or decision table that fails its load-time checks (codes ``WM-P…``)."""


class VersionMismatch(WerkmapError, ValueError):
    """Something was asked of one version of a questionnaire, model or schema and given another."""


class FitError(WerkmapError, ValueError):
    """A model could not be fitted to the data given."""


class PerfectSeparation(FitError):
    """The outcome is perfectly predicted by the design, so maximum likelihood has no finite solution."""


class RankDeficient(FitError):
    """The design matrix does not have full column rank: some features are linear combinations of others."""


class IllegalTransition(WerkmapError):
    """An event that the current state of an object does not allow.

    Attributes:
        machine: the name of the state machine (``activity``).
        obj: an identifier of the object the event was applied to.
        state: the state the object was in.
        event: the event that was refused.
        allowed: the events the state does allow.
        reason: why a guard refused, when a guard refused (empty otherwise).
    """

    def __init__(
        self,
        *,
        machine: str,
        obj: str,
        state: str,
        event: str,
        allowed: Sequence[str],
        reason: str = "",
    ) -> None:
        self.machine = machine
        self.obj = obj
        self.state = state
        self.event = event
        self.allowed = tuple(allowed)
        self.reason = reason
        allowed_text = ", ".join(self.allowed) if self.allowed else "none (final state)"
        because = f": {reason}" if reason else ""
        super().__init__(
            f"{machine} {obj!r} in state {state!r} cannot take event {event!r}{because}; "
            f"allowed there: {allowed_text}"
        )


class GuardRefused(IllegalTransition):
    """An event allowed by the state but refused by a guard, which said why."""


class ConcurrencyConflict(WerkmapError):
    """A save based on a stale version: someone else changed the folder first. Reload and retry."""

    def __init__(self, folder_id: str, expected: int, actual: int | None) -> None:
        self.folder_id = folder_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"folder {folder_id!r} was saved from version {expected} but the store holds version "
            f"{actual}; reload it and apply the change again"
        )


class NotAuthorized(WerkmapError, PermissionError):
    """The actor may not perform this command on this folder. Nothing was changed."""


class NotFound(WerkmapError, LookupError):
    """A folder, model, questionnaire or record that does not exist."""


class StorageError(WerkmapError):
    """The store could not do what was asked (disk full, read-only, corrupt file). Nothing was half-written."""


class NoStorageProvider(StorageError):
    """No installed plugin serves the storage URL that was given."""


class SchemaVersionError(StorageError):
    """Data written by a schema version this werkmap does not know (newer, or without a migration)."""


class FolderUnreadable(StorageError):
    """A stored folder that cannot be read back (damaged document, events or columns).

    The message names the folder and what could not be read, never the folder's contents. Commands that
    work on many folders (the sweep, caseloads, dashboards, reports) skip such a folder, report its id and
    go on; ``werkmap verify`` lists it.

    Attributes:
        folder_id: the folder that could not be read.
    """

    def __init__(self, folder_id: str, what: str) -> None:
        super().__init__(f"folder {folder_id!r} cannot be read: {what}")
        self.folder_id = folder_id
        self.what = what

    def __reduce__(self) -> tuple[type[FolderUnreadable], tuple[str, str]]:
        """Pickle by the folder id and what could not be read (for errors crossing processes)."""
        return (type(self), (self.folder_id, self.what))
