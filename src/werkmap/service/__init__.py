"""The service shell: :class:`Werkmap` ties the clock, the store, the rules and the notifications together.

* :mod:`werkmap.service.access`: who may do what (:class:`Actor`, :data:`ROLES`, :data:`PERMISSIONS`,
  :func:`authorize`). A jobseeker acts only on their own folder, a coach only on folders in their
  caseload, a team lead only reads, and the ``system`` actor does what the service model does by itself.
* :mod:`werkmap.service.messages`: notification texts (Dutch and English) and channels
  (:func:`notifications_for`).
* :mod:`werkmap.service.unit`: the unit of work, its cache and the retry on a stale copy.
* :mod:`werkmap.service.facade`: :class:`Werkmap`, whose commands each authorise, call one pure function
  (:mod:`werkmap.plan.commands`, :mod:`werkmap.rules.commands`) and write. The commands are grouped by
  job in private modules beside it (``_registration``, ``_profiling``, ``_conversations``, ``_plans``,
  ``_enforcement``, ``_sweep``, ``_reads``, ``_erasure``, ``_delivery``, all on ``_core``).
"""

from __future__ import annotations

from werkmap.plan.commands import PlannedActivity
from werkmap.service.access import PERMISSIONS, ROLES, Actor, authorize
from werkmap.service.facade import DEFAULT_STORE, SweepPart, SweepResult, Werkmap, measure_policy
from werkmap.service.messages import notifications_for

__all__ = [
    "DEFAULT_STORE",
    "PERMISSIONS",
    "ROLES",
    "Actor",
    "PlannedActivity",
    "SweepPart",
    "SweepResult",
    "Werkmap",
    "authorize",
    "measure_policy",
    "notifications_for",
]
