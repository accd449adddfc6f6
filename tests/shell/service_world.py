"""Shared set-up for the service-shell tests: a small world of folders and a snapshot of a store.

``build_world`` drives a :class:`~werkmap.service.Werkmap` through its public commands (with a
:class:`~werkmap.clock.FixedClock`) until folder ``f-1`` holds something every command can act on:

* ``f-1``: jobseeker ``js-1``, coach ``c-1``, a low score (routed to an orientation conversation),
  ``conv-1`` invited for today, ``conv-2`` a no-show, an agreed plan ``plan-1``, activities ``act-1``,
  ``act-2`` overdue, ``act-3`` reminded, ``act-4``/``act-5`` referred, ``act-6`` open; enforcement cases
  ``case-1`` informed, ``case-2`` responded, ``case-3`` decided with a measure.
* ``f-2``: jobseeker ``js-2``, coach ``c-2``, registered and invited to the Work Profiler.
* ``f-3``: jobseeker ``js-3``, coach ``c-1``, registered and invited to the Work Profiler (no plan yet).

The clock then stands at :data:`TODAY` (a Thursday).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any

from werkmap.clock import FixedClock
from werkmap.profiler.model import ScoringModel, load_model
from werkmap.profiler.questionnaire import Questionnaire, load_questionnaire
from werkmap.profiler.scoring import score_batch
from werkmap.profiler.synthetic import synthetic_answers
from werkmap.service import Actor, PlannedActivity, Werkmap
from werkmap.storage.protocol import Store
from werkmap.storage.values import Notification

D0 = dt.date(2025, 3, 3)  # a Monday; no public holiday in March 2025
TODAY = D0 + dt.timedelta(days=3)

SYSTEM = Actor.system()
LEAD = Actor.team_lead("tl-1")
COACH = Actor.coach("c-1")
OTHER_COACH = Actor.coach("c-2")
JOBSEEKER = Actor.jobseeker("js-1")
OTHER_JOBSEEKER = Actor.jobseeker("js-2")


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


@functools.cache
def profiler() -> tuple[Questionnaire, ScoringModel]:
    """The packaged questionnaire and model, loaded once for every test (loading takes a while)."""
    q = load_questionnaire()
    return q, load_model(questionnaire=q)


@functools.cache
def _answers() -> tuple[tuple[Mapping[str, object], float], ...]:
    q, m = profiler()
    answers = synthetic_answers(40, seed=7)
    probabilities = score_batch(answers, m, q).probabilities
    return tuple((a, float(p)) for a, p in zip(answers, probabilities, strict=True))


def low_answers() -> Mapping[str, object]:
    """Answers scoring at most 50 % (routed to an orientation conversation)."""
    return next(a for a, p in _answers() if p <= 0.45)


def high_answers() -> Mapping[str, object]:
    """Answers scoring above 50 % (digital service)."""
    return next(a for a, p in _answers() if p >= 0.6)


def service(store: str | Store = "memory://", *, at: dt.date = D0, cache: bool = True) -> Werkmap:
    q, m = profiler()
    return Werkmap(store, clock=FixedClock(at), questionnaire=q, model=m, cache=cache)


def clock_of(wm: Werkmap) -> FixedClock:
    assert isinstance(wm.clock, FixedClock)
    return wm.clock


def build_world(store: str | Store = "memory://", *, cache: bool = True) -> Werkmap:
    wm = service(store, cache=cache)
    clock = clock_of(wm)
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    wm.register(SYSTEM, "f-2", jobseeker_ref="js-2", coach_id="c-2")
    wm.register(SYSTEM, "f-3", jobseeker_ref="js-3", coach_id="c-1")
    wm.submit_profile(JOBSEEKER, "f-1", low_answers())
    wm.invite_conversation(COACH, "f-1", "orientation", at=TODAY)
    wm.invite_conversation(COACH, "f-1", "coaching", at=TODAY)
    wm.agree_plan(
        COACH,
        "f-1",
        activities=[PlannedActivity(kind="cv", due=day(1), title=f"cv {i}") for i in range(5)]
        + [PlannedActivity(kind="e_learning", due=day(30), title="e-learning")],
    )
    clock.set(TODAY)
    wm.sweep(SYSTEM)  # act-1 .. act-5 overdue, f-2 invited to the Work Profiler
    for activity in ("act-3", "act-4", "act-5"):
        wm.remind(COACH, "f-1", activity)
    wm.refer(COACH, "f-1", "act-4", reason="geen reactie / no response")  # case-1
    case = wm.refer(COACH, "f-1", "act-5", reason="geen reactie / no response")  # case-2
    wm.respond(JOBSEEKER, "f-1", case, response="ziek / ill")
    wm.record_no_show(COACH, "f-1", "conv-2")  # case-3
    wm.respond(JOBSEEKER, "f-1", "case-3", response="vergeten / forgot")
    wm.propose_measure(COACH, "f-1", "case-3")
    wm.decide_case(COACH, "f-1", "case-3", measure=True, reason="geen geldige reden / no reason")
    return wm


# --------------------------------------------------------------------------------- the commands

Call = Callable[[Werkmap, Actor, str], object]
"""Run one command as ``actor`` on folder ``folder_id`` of the world (ignored by folder-less commands)."""

FOLDERLESS = frozenset({"register", "sweep", "dashboard", "report", "enqueue"})
READS = frozenset({"read_folder", "export", "dashboard", "report"})


_NOTE = Notification.create(
    kind="model_drift",
    folder_id="monitoring",
    recipient="role:model_owner",
    channel="dashboard",
    cause="test",
    text_nl="melding",
    text_en="alert",
    created_on=D0,
)


def _register(wm: Werkmap, actor: Actor, folder_id: str) -> object:
    coach = "c-1" if actor.role != "coach" else actor.id
    return wm.register(actor, "f-new", jobseeker_ref="js-new", coach_id=coach)


COMMANDS: Mapping[str, Call] = {
    "register": _register,
    "assign_coach": lambda wm, a, f: wm.assign_coach(a, f, "c-3"),
    "invite_profiler": lambda wm, a, f: wm.invite_profiler(a, f),
    "submit_profile": lambda wm, a, f: wm.submit_profile(a, f, high_answers()),
    "route": lambda wm, a, f: wm.route(
        a, f, override="digital", reason="zelfredzaam / self-reliant"
    ),
    "request_conversation": lambda wm, a, f: wm.request_conversation(a, f, note="graag / please"),
    "invite_conversation": lambda wm, a, f: wm.invite_conversation(
        a, f, "monitor", at=day(10), reason="monitor"
    ),
    "reschedule_conversation": lambda wm, a, f: wm.reschedule_conversation(
        a, f, "conv-1", at=day(8), reason="ziek / ill"
    ),
    "hold_conversation": lambda wm, a, f: wm.hold_conversation(a, f, "conv-1", outcome="ok"),
    "record_no_show": lambda wm, a, f: wm.record_no_show(a, f, "conv-1"),
    "cancel_conversation": lambda wm, a, f: wm.cancel_conversation(
        a, f, "conv-1", reason="dubbel / duplicate"
    ),
    "agree_plan": lambda wm, a, f: wm.agree_plan(
        a, f, activities=[PlannedActivity(kind="cv", due=day(20))]
    ),
    "revise_plan": lambda wm, a, f: wm.revise_plan(a, f, reason="bijgesteld / revised"),
    "add_activity": lambda wm, a, f: wm.add_activity(a, f, "application", due=day(14)),
    "register_applications": lambda wm, a, f: wm.register_applications(a, f, ["sollicitatie"]),
    "complete_activity": lambda wm, a, f: wm.complete_activity(a, f, "act-6"),
    "remind": lambda wm, a, f: wm.remind(a, f, "act-1"),
    "excuse": lambda wm, a, f: wm.excuse(a, f, "act-2", reason="ziek / ill"),
    "refer": lambda wm, a, f: wm.refer(a, f, "act-3", reason="geen reactie / no response"),
    "respond": lambda wm, a, f: wm.respond(a, f, "case-1", response="ziek / ill"),
    "open_duty_case": lambda wm, a, f: wm.open_duty_case(
        a, f, reason="te weinig sollicitaties / too few applications"
    ),
    "propose_measure": lambda wm, a, f: wm.propose_measure(a, f, "case-2"),
    "decide_case": lambda wm, a, f: wm.decide_case(
        a, f, "case-2", measure=False, reason="ziek / ill"
    ),
    "record_objection": lambda wm, a, f: wm.record_objection(a, f, "case-3", note="bezwaar"),
    "close_case": lambda wm, a, f: wm.close_case(a, f, "case-3", reason="afgehandeld / settled"),
    "record_work_found": lambda wm, a, f: wm.record_work_found(a, f),
    "record_benefit_ended": lambda wm, a, f: wm.record_benefit_ended(a, f, reason="einde / end"),
    "sweep": lambda wm, a, f: wm.sweep(a),
    "read_folder": lambda wm, a, f: wm.folder(a, f, why="controle / check"),
    "export": lambda wm, a, f: wm.export(a, f, why="inzageverzoek / access request"),
    "dashboard": lambda wm, a, f: wm.dashboard(a, "c-1"),
    "report": lambda wm, a, f: wm.report(a, start=D0, end=TODAY),
    "enqueue": lambda wm, a, f: wm.enqueue(a, [_NOTE]),
}


def actor_of(role: str) -> Actor:
    """The actor of ``role`` who is *right* for folder ``f-1`` (its jobseeker, its coach)."""
    return {"jobseeker": JOBSEEKER, "coach": COACH, "team_lead": LEAD, "system": SYSTEM}[role]


# ---------------------------------------------------------------------------------- snapshots


def refused_records(store: Store, folder_id: str) -> list[tuple[str, str]]:
    """The refused attempts recorded on a folder's audit chain, as ``(actor, command)``."""
    return [(r.actor, r.what) for r in store.audit_records(folder_id) if r.action == "refused"]


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a command may write: versions, documents, event logs, audit trails (without the
    records of refused attempts), outbox, index."""
    columns = store.index_columns()
    ids = [str(f) for f in columns.folder_id.tolist()]
    folders = {}
    for fid in ids:
        folder = store.load(fid)
        folders[fid] = (
            folder.version,
            folder,
            store.events(fid),
            # a refused attempt changes nothing but leaves its trace (checked by refused_records)
            tuple(r for r in store.audit_records(fid) if r.action != "refused"),
            tuple(sorted((k, str(v)) for k, v in _index_row(store, fid).items())),
        )
    return {
        "folders": folders,
        "outbox": store.outbox(),
    }


def _index_row(store: Store, folder_id: str) -> dict[str, object]:
    columns = store.index_columns()
    i = columns.folder_id.tolist().index(folder_id)
    return {
        name: getattr(columns, name)[i]
        for name in (
            "version",
            "coach_id",
            "status",
            "band",
            "next_due_on",
            "next_conversation_on",
            "open_activities",
            "overdue_activities",
        )
    }


def outbox_keys(store: Store) -> list[str]:
    return [item.notification.idempotency_key for item in store.outbox()]
