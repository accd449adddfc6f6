"""Assignment to an experiment's arms: a keyed hash of the folder's pseudonym, at registration.

The arm of a folder is a function of three things only: the host's secret key, the experiment's id and
the folder's ``jobseeker_ref`` (a pseudonym; never a clear BSN). It does not depend on when the folder was
registered, on how many registered before it or on anything random, so the assignment is

* **stable**: the same jobseeker gets the same arm on every registration of the same experiment;
* **reproducible**: anybody with the key and the definition recomputes every arm (an audit can check
  each folder's recorded arm);
* **independent of order**: registering in another order gives the same arms.

How: the first 8 bytes of ``HMAC-SHA256(key, "<experiment id>|<jobseeker_ref>")`` are read as an unsigned
integer ``u`` in ``[0, 2**64)``; the arms' shares, in the order of the definition, cut that range into
consecutive intervals (arm *k* gets ``u`` in ``[floor(2**64 * S_{k-1}), floor(2**64 * S_k))`` with ``S``
the cumulative shares), and the folder gets the arm whose interval holds ``u``. Without the key the
arms cannot be predicted from the pseudonyms, so neither a coach nor a jobseeker can steer them.

Examples:
    >>> from werkmap.experiments import default_experiments
    >>> design = default_experiments()[0]
    >>> key = b"a host secret of 16+ bytes"
    >>> arm_of(design, key, "js-000001") == arm_of(design, key, "js-000001")
    True
    >>> arm_of(design, key, "js-000001") in design.arm_names
    True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from werkmap.errors import InvalidInput, Problem
from werkmap.experiments.definition import Experiment
from werkmap.plan.folder import ArmAssignment, Change, WorkFolder
from werkmap.plan.folder import assign_arm as _assign_arm

__all__ = [
    "MIN_KEY_BYTES",
    "arm_of",
    "arms_of",
    "assign",
    "assignment_for",
    "check_key",
    "experiment_for",
]

MIN_KEY_BYTES = 16
"""The shortest key accepted (as for BSN pseudonyms)."""

_SPAN = 2**64


def check_key(key: bytes) -> bytes:
    """Return ``key`` after checking it is a secret of at least :data:`MIN_KEY_BYTES` bytes.

    Raises:
        InvalidInput: it is not bytes or is too short (the key itself is never shown).
    """
    if not isinstance(key, bytes | bytearray) or len(key) < MIN_KEY_BYTES:
        raise InvalidInput(
            [
                Problem(
                    path="$.experiment_key",
                    message=f"expected a secret key of at least {MIN_KEY_BYTES} bytes",
                )
            ],
            source="experiment assignment",
        )
    return bytes(key)


def _bounds(experiment: Experiment) -> list[int]:
    total = 0.0
    bounds = []
    for arm in experiment.arms:
        total += arm.share
        bounds.append(min(int(total * _SPAN), _SPAN))
    bounds[-1] = _SPAN  # the shares sum to 1: the last arm takes the rest
    return bounds


def _point(key: bytes, experiment_id: str, jobseeker_ref: str) -> int:
    message = f"{experiment_id}|{jobseeker_ref}".encode()
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big")


def arm_of(experiment: Experiment, key: bytes, jobseeker_ref: str) -> str:
    """Return the name of the arm ``jobseeker_ref`` is assigned to in ``experiment`` under ``key``.

    Raises:
        InvalidInput: the key is too short, or the reference is empty.
    """
    key = check_key(key)
    if not jobseeker_ref:
        raise InvalidInput(
            [Problem(path="$.jobseeker_ref", message="empty")], source="experiment assignment"
        )
    u = _point(key, experiment.id, jobseeker_ref)
    for arm, bound in zip(experiment.arms, _bounds(experiment), strict=True):
        if u < bound:
            return arm.name
    return experiment.arms[-1].name  # pragma: no cover - the last bound is 2**64


def arms_of(experiment: Experiment, key: bytes, refs: Iterable[str]) -> npt.NDArray[np.str_]:
    """Return the arm of each reference in ``refs`` (the population form of :func:`arm_of`)."""
    key = check_key(key)
    bounds = np.array(_bounds(experiment)[:-1], dtype=np.uint64)
    points = np.array([_point(key, experiment.id, r) for r in refs], dtype=np.uint64)
    names = np.array(experiment.arm_names, dtype=np.str_)
    index = np.searchsorted(bounds, points, side="right")
    result: npt.NDArray[np.str_] = names[index]
    return result


def experiment_for(
    experiments: Sequence[Experiment], registered_on: dt.date, pension_on: dt.date | None = None
) -> Experiment | None:
    """Return the experiment a registration on ``registered_on`` takes part in, or ``None``.

    The inflow periods of the experiments given may not overlap (``WM-E008`` when loaded together), so at
    most one is eligible; with several versions of one experiment, the highest version is used.
    """
    eligible = [e for e in experiments if e.eligible(registered_on, pension_on)]
    if not eligible:
        return None
    return max(eligible, key=lambda e: (e.version, e.id))


def assignment_for(
    experiments: Sequence[Experiment], key: bytes, folder: WorkFolder, *, on: dt.date
) -> ArmAssignment | None:
    """Return the assignment of ``folder`` (the experiment its registration takes part in), or ``None``."""
    experiment = experiment_for(experiments, folder.registered_on, folder.pension_on)
    if experiment is None:
        return None
    arm = experiment.arm(arm_of(experiment, key, folder.jobseeker_ref))
    return ArmAssignment(
        experiment_id=experiment.id,
        experiment_version=experiment.version,
        arm=arm.name,
        services=arm.services,
        enforcement=arm.enforcement,
        assigned_on=on,
    )


def assign(
    folder: WorkFolder,
    experiments: Sequence[Experiment],
    key: bytes,
    *,
    on: dt.date,
    actor: str = "system",
) -> Change:
    """Assign ``folder`` to its arm and return the change (an ``arm_assigned`` event).

    A folder whose registration takes part in no experiment is returned unchanged, with no event.

    Raises:
        InvalidInput: the folder is assigned already, or the key is too short.
    """
    assignment = assignment_for(experiments, key, folder, on=on)
    if assignment is None:
        return folder, ()
    return _assign_arm(folder, assignment, on=on, actor=actor)
