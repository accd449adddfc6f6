"""Simulation: a seeded synthetic cohort run day by day through the real :class:`~werkmap.service.Werkmap`.

:func:`simulate` registers a monthly inflow of jobseekers and lets them, their work coaches and the daily
sweep act through the service's public commands, with a :class:`~werkmap.clock.FixedClock` that the
simulation moves forward one day at a time. What happens is drawn from one seeded
:class:`numpy.random.Generator`, so the same seed and configuration give the same folders, the same
notifications and the same report.

What the synthetic people do (each a parameter of :class:`SimulationConfig`):

* **Inflow.** ``jobseekers`` registrations spread evenly over the ``months``, on working days, each in
  the caseload of one of the coaches (``jobseekers_per_coach``).
* **Work Profiler.** A share ``take_up`` fills it in within a few days of the invitation; their answers
  come from :func:`werkmap.profiler.synthetic.synthetic_answers`.
* **Work found.** Each jobseeker finds work at a time drawn from the model's own probability ``p``: an
  exponential time with ``P(found within a year) = p`` (so the model is right on average).
* **Conversations.** The jobseeker comes to an invited conversation unless drawn as a no-show
  (``no_show``); a share asks for a conversation themselves (``request``); coaches override a high score
  now and then (``override``), always with a reason.
* **Work plan.** At the first conversation the coach agrees a plan with two activities (a CV on werk.nl,
  an e-learning module) and often an extra service (more often for a low score or none), chosen from the
  orientation conversation's agenda (:func:`werkmap.interventions.orientation_agenda`): one of its first
  candidates from the packaged intervention catalogue, with the agenda's reason and catalogue reference.
* **Activities.** An activity is done in time with probability ``compliance``; otherwise, after the
  reminder, late with probability ``late_response``, else it is referred to enforcement and decided by
  the coach (a measure with probability ``measure``).
* **Application duty.** Every four weeks the jobseeker registers their application activities (on average
  ``applications``), sometimes fewer than the duty.

:func:`forecast` runs the same simulation on a sample in memory and scales its figures up: the *raming*
to compare with what a store realised (:func:`werkmap.report.compare`).
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np

from werkmap.clock import FixedClock
from werkmap.errors import InvalidInput, Problem, WerkmapError
from werkmap.interventions import default_catalogue, orientation_agenda
from werkmap.plan.folder import WorkFolder
from werkmap.service import Actor, PlannedActivity, Werkmap
from werkmap.workdays import add_months, dutch_calendar

if TYPE_CHECKING:
    from werkmap.report import PeriodReport
    from werkmap.rules.policy import Policy

__all__ = [
    "SimulationConfig",
    "SimulationResult",
    "forecast",
    "forecast_periods",
    "simulate",
]

Progress = Callable[[int, int], None]
"""A progress callback: ``(days done, days in all)``."""


@attrs.frozen(kw_only=True)
class SimulationConfig:
    """What to simulate.

    Attributes:
        jobseekers: how many jobseekers register over the period (the inflow).
        months: how many months the simulation runs (and registrations are spread over).
        start: the first day.
        seed: the seed of every random draw.
        jobseekers_per_coach: the size of a coach's inflow (coaches ``coach-01``, ``coach-02`` ...).
        take_up: the share that fills in the Work Profiler (70 % in 2017).
        no_show: the chance of not coming to an invited conversation.
        request: the chance that a jobseeker asks for a conversation.
        override: the chance that a coach routes a high score to a conversation anyway.
        compliance: the chance that an activity is done by its deadline.
        late_response: the chance that an overdue activity is done after the reminder.
        measure: the chance that a coach decides a measure in an enforcement case.
        applications: the mean number of application activities registered per four weeks.
    """

    jobseekers: int = 5000
    months: int = 12
    start: dt.date = dt.date(2025, 1, 6)
    seed: int = 2017
    jobseekers_per_coach: int = 250
    take_up: float = 0.70
    no_show: float = 0.06
    request: float = 0.03
    override: float = 0.02
    compliance: float = 0.85
    late_response: float = 0.6
    measure: float = 0.5
    applications: float = 5.0

    def __attrs_post_init__(self) -> None:
        problems = []
        if self.jobseekers < 1:
            problems.append(Problem(path="$.jobseekers", message="expected at least 1"))
        if not 1 <= self.months <= 60:
            problems.append(Problem(path="$.months", message="expected 1..60"))
        if self.jobseekers_per_coach < 1:
            problems.append(Problem(path="$.jobseekers_per_coach", message="expected at least 1"))
        for name in ("take_up", "no_show", "request", "override", "compliance", "late_response"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                problems.append(Problem(path=f"$.{name}", message=f"expected 0..1, got {value!r}"))
        if not 0.0 <= self.measure <= 1.0:
            problems.append(Problem(path="$.measure", message="expected 0..1"))
        if self.applications < 0:
            problems.append(Problem(path="$.applications", message="expected at least 0"))
        if problems:
            raise InvalidInput(problems, source="simulation config")

    @property
    def end(self) -> dt.date:
        """The last day simulated (the day before ``start`` plus ``months``)."""
        return add_months(self.start, self.months) - dt.timedelta(days=1)

    @property
    def coaches(self) -> tuple[str, ...]:
        """The coach ids."""
        n = max(1, math.ceil(self.jobseekers / self.jobseekers_per_coach))
        return tuple(f"coach-{i + 1:02d}" for i in range(n))


@attrs.frozen(kw_only=True)
class SimulationResult:
    """What a simulation did.

    Attributes:
        config: the configuration.
        start: the first day simulated.
        end: the last day simulated.
        commands: how often each command was run through the service.
        sweep: how many actions the daily sweeps applied, by kind.
        refused: commands the service refused (a person's action that no longer fitted the folder).
        notifications: notifications written to the outbox.
    """

    config: SimulationConfig
    start: dt.date
    end: dt.date
    commands: dict[str, int]
    sweep: dict[str, int]
    refused: int
    notifications: int

    def to_dict(self) -> dict[str, object]:
        """Return the result as JSON-ready data."""
        return {
            "jobseekers": self.config.jobseekers,
            "months": self.config.months,
            "seed": self.config.seed,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "commands": dict(sorted(self.commands.items())),
            "sweep": dict(sorted(self.sweep.items())),
            "refused": self.refused,
            "notifications": self.notifications,
        }


_PICK_FROM = 3
"""A coach agreeing a first plan picks one of the orientation agenda's first this many candidates."""


class _Run:
    """The state of one simulation: the service, the random generator and the agenda."""

    def __init__(self, wm: Werkmap, clock: FixedClock, config: SimulationConfig) -> None:
        self.wm = wm
        self.clock = clock
        self.config = config
        self.rng = np.random.default_rng(config.seed)
        self.calendar = dutch_calendar()
        self.agenda: list[tuple[dt.date, int, str, str, str]] = []
        self.counter = 0
        self.commands: dict[str, int] = {}
        self.sweep: dict[str, int] = {}
        self.refused = 0
        self.closed: set[str] = set()
        self.coach_of: dict[str, str] = {}
        self.ref_of: dict[str, str] = {}
        self.planned: set[str] = set()
        self.answers: dict[str, dict[str, object]] = {}
        self.system = Actor.system()
        self.catalogue = default_catalogue()

    def at(self, day: dt.date, what: str, folder_id: str, subject: str = "") -> None:
        self.counter += 1
        heapq.heappush(self.agenda, (day, self.counter, what, folder_id, subject))

    def do(self, command: str, fn: Callable[[], object]) -> object | None:
        try:
            out = fn()
        except WerkmapError:
            self.refused += 1
            return None
        self.commands[command] = self.commands.get(command, 0) + 1
        return out

    # ---------------------------------------------------------------------------- the inflow

    def plan_inflow(self) -> None:
        from werkmap.profiler.scoring import score_batch
        from werkmap.profiler.synthetic import synthetic_answers

        cfg = self.config
        answers = synthetic_answers(cfg.jobseekers, seed=cfg.seed)
        probabilities = score_batch(answers, self.wm.model, self.wm.questionnaire).probabilities
        coaches = cfg.coaches
        start = cfg.start
        months = [add_months(start, m) for m in range(cfg.months + 1)]
        rng = self.rng
        for i in range(cfg.jobseekers):
            month = i * cfg.months // cfg.jobseekers
            first, last = months[month], months[month + 1]
            span = max((last - first).days, 1)
            day = self.calendar.next_working_day(first + dt.timedelta(days=int(rng.integers(span))))
            while day >= last:  # past the month's last working day: take the last one
                day -= dt.timedelta(days=1)
                while not self.calendar.is_working_day(day):
                    day -= dt.timedelta(days=1)
            fid = f"f-{i + 1:06d}"
            self.coach_of[fid] = coaches[i % len(coaches)]
            self.ref_of[fid] = f"js-{i + 1:06d}"
            self.answers[fid] = answers[i]
            self.at(day, "register", fid)
            p = float(probabilities[i])
            rate = -math.log(max(1.0 - p, 1e-9)) / 365.0
            found_after = rng.exponential(1.0 / rate) if rate > 0 else math.inf
            if found_after < 3 * 365:
                self.at(day + dt.timedelta(days=1 + int(found_after)), "work_found", fid)
            if rng.random() < cfg.take_up:
                self.at(day + dt.timedelta(days=int(rng.integers(1, 8))), "profile", fid)
            if rng.random() < cfg.request:
                self.at(day + dt.timedelta(days=int(rng.integers(10, 120))), "request", fid)
            if rng.random() < cfg.override:
                self.at(day + dt.timedelta(days=int(rng.integers(8, 20))), "override", fid)
            self.at(day + dt.timedelta(days=int(rng.integers(20, 28))), "applications", fid)

    # ------------------------------------------------------------------------------- a day

    def day(self, today: dt.date) -> None:
        self.clock.set(today)
        wm = self.wm
        with wm.unit_of_work():
            while self.agenda and self.agenda[0][0] <= today:
                _, _, what, fid, subject = heapq.heappop(self.agenda)
                if fid in self.closed and what != "register":
                    continue
                self.act(what, fid, subject, today)
            result = wm.sweep(self.system)
            for kind, n in result.counts().items():
                self.sweep[kind] = self.sweep.get(kind, 0) + n
            for action in result.actions:
                self.react(action.kind, action.folder_id, action.subject, today)
            for fid, cid, _kind, at in result.invitations:
                self.at(at, "conversation", fid, cid)

    def act(self, what: str, fid: str, subject: str, today: dt.date) -> None:
        wm = self.wm
        cfg = self.config
        rng = self.rng
        coach = Actor.coach(self.coach_of[fid])
        jobseeker = Actor.jobseeker(self.ref_of[fid])
        if what == "register":
            months = int(rng.integers(6, 25))
            self.do(
                "register",
                lambda: wm.register(
                    self.system,
                    fid,
                    jobseeker_ref=self.ref_of[fid],
                    coach_id=self.coach_of[fid],
                    benefit_ends_on=add_months(today, months),
                ),
            )
        elif what == "profile":
            self.do("submit_profile", lambda: wm.submit_profile(jobseeker, fid, self.answers[fid]))
        elif what == "request":
            self.do("request_conversation", lambda: wm.request_conversation(jobseeker, fid))
        elif what == "override":
            self.do(
                "route",
                lambda: wm.route(
                    coach,
                    fid,
                    override="conversation",
                    reason="aanvullende analyse: weinig netwerk / additional analysis: little network",
                ),
            )
        elif what == "work_found":
            self.do("record_work_found", lambda: wm.record_work_found(jobseeker, fid))
            self.closed.add(fid)
        elif what == "applications":
            n = int(rng.poisson(cfg.applications))
            if n:
                titles = [f"sollicitatie {k + 1}" for k in range(n)]
                self.do(
                    "register_applications",
                    lambda: wm.register_applications(jobseeker, fid, titles),
                )
            self.at(today + dt.timedelta(days=28), "applications", fid)
        elif what == "conversation":
            if rng.random() < cfg.no_show:
                missed = self.do("record_no_show", lambda: wm.record_no_show(coach, fid, subject))
                if isinstance(missed, WorkFolder) and missed.cases:
                    self.at(today + dt.timedelta(days=21), "decide", fid, missed.cases[-1].case_id)
                return
            held = self.do("hold_conversation", lambda: wm.hold_conversation(coach, fid, subject))
            if isinstance(held, WorkFolder) and fid not in self.planned:
                self.planned.add(fid)
                self.first_plan(held, coach, today)
        elif what == "do_activity":
            self.do("complete_activity", lambda: wm.complete_activity(jobseeker, fid, subject))
        elif what == "refer":
            case = self.do(
                "refer",
                lambda: wm.refer(
                    coach, fid, subject, reason="geen reactie op herinnering / no response"
                ),
            )
            if isinstance(case, str):
                self.at(today + dt.timedelta(days=21), "decide", fid, case)
        elif what == "decide":
            case_id = subject
            measure = bool(rng.random() < cfg.measure)
            reason = (
                "verplichting niet nagekomen, geen geldige reden / obligation missed without good reason"
                if measure
                else "verzachtende omstandigheden / mitigating circumstances"
            )
            proposed = not measure or self.do(
                "propose_measure", lambda: wm.propose_measure(coach, fid, case_id)
            )
            if proposed and self.do(
                "decide_case",
                lambda: wm.decide_case(coach, fid, case_id, measure=measure, reason=reason),
            ):
                self.at(today + dt.timedelta(days=42), "close", fid, case_id)
        elif what == "close":
            self.do("close_case", lambda: wm.close_case(coach, fid, subject))

    def first_plan(self, folder: WorkFolder, coach: Actor, today: dt.date) -> None:
        rng = self.rng
        fid = folder.folder_id
        profile = folder.latest_profile
        low = profile is None or profile.probability <= 0.5
        services = []
        if rng.random() < (0.6 if low else 0.3):  # 2017: 36,500 low, 26,600 high, 12,700 no profile
            # the coach picks one of the agenda's first three candidates (one draw, as before)
            pick = int(rng.integers(_PICK_FROM))
            agenda = orientation_agenda(profile, self.catalogue, on=today)
            chosen = agenda.candidates[:_PICK_FROM]
            if chosen:
                services.append(chosen[pick % len(chosen)].extra_service())
        activities = [
            PlannedActivity(kind="cv", due=today + dt.timedelta(days=14), title="CV op werk.nl"),
            PlannedActivity(
                kind="e_learning", due=today + dt.timedelta(days=28), title="e-learning module"
            ),
        ]
        plan = self.do(
            "agree_plan",
            lambda: self.wm.agree_plan(coach, fid, activities=activities, services=services),
        )
        if plan is None:
            return
        base = len(folder.activities)  # agree_plan adds act-{base + 1}, act-{base + 2}
        for k, planned in enumerate(activities, start=1):
            if rng.random() < self.config.compliance:
                due = self.calendar.next_working_day(planned.due)
                self.at(
                    max(today, due - dt.timedelta(days=int(rng.integers(0, 10)))),
                    "do_activity",
                    fid,
                    f"act-{base + k}",
                )

    def react(self, kind: str, fid: str, subject: str, today: dt.date) -> None:
        if kind == "send_reminder" and self.rng.random() < self.config.late_response:
            self.at(
                today + dt.timedelta(days=int(self.rng.integers(1, 10))),
                "do_activity",
                fid,
                subject,
            )
        elif kind == "propose_enforcement":
            self.at(
                self.calendar.next_working_day(today + dt.timedelta(days=1)), "refer", fid, subject
            )
        elif kind == "cancel_invitation":
            self.closed.add(fid)


def simulate(
    wm: Werkmap,
    clock: FixedClock,
    config: SimulationConfig | None = None,
    *,
    progress: Progress | None = None,
) -> SimulationResult:
    """Run a synthetic cohort through ``wm`` day by day, moving ``clock`` (the one ``wm`` was made with).

    Each simulated week is one unit of work (:meth:`Werkmap.unit_of_work`): the jobseekers', the coaches'
    and the daily sweeps' commands of its seven days are written in one transaction, so a simulation killed
    midway leaves whole weeks behind, and the sweep run again afterwards finds nothing lost.

    Args:
        wm: the service (any store).
        clock: the fixed clock ``wm`` reads; the simulation sets it to each day.
        config: what to simulate (default: :class:`SimulationConfig` ()).
        progress: called after every day with (days done, days in all).

    Returns:
        What the simulation did; the folders, outbox and audit trail are in ``wm.store``.
    """
    cfg = config if config is not None else SimulationConfig()
    run = _Run(wm, clock, cfg)
    run.plan_inflow()
    days = (cfg.end - cfg.start).days + 1
    n = 0
    while n < days:  # one unit of work per week: the days of a week are written in one transaction
        with wm.unit_of_work():
            for _ in range(7):
                if n == days:
                    break
                run.day(cfg.start + dt.timedelta(days=n))
                n += 1
                if progress is not None:
                    progress(n, days)
    notifications = len(wm.store.outbox())
    return SimulationResult(
        config=cfg,
        start=cfg.start,
        end=cfg.end,
        commands=run.commands,
        sweep=run.sweep,
        refused=run.refused,
        notifications=notifications,
    )


def forecast(
    config: SimulationConfig,
    *,
    start: dt.date,
    end: dt.date,
    policy: Policy | None = None,
    sample: int = 1000,
    seed: int | None = None,
) -> PeriodReport:
    """Forecast the period figures from the policy and the expected inflow (the *raming*).

    Simulates ``sample`` jobseekers (at most the inflow) with the same behaviour in memory, under
    ``policy``, with another seed than the realised run (default ``config.seed + 1``), and scales the counts
    up to the inflow of ``config`` (:func:`werkmap.report.scaled`); shares are left as they are.
    """
    return forecast_periods(config, [(start, end)], policy=policy, sample=sample, seed=seed)[0]


def forecast_periods(
    config: SimulationConfig,
    periods: Sequence[tuple[dt.date, dt.date]],
    *,
    policy: Policy | None = None,
    sample: int = 1000,
    seed: int | None = None,
) -> tuple[PeriodReport, ...]:
    """Forecast the period figures of several periods (say, each month) from one simulated sample.

    The same sample and scaling as :func:`forecast`, run once; one report per ``(start, end)``.
    """
    from werkmap.report import period_report, scaled

    n = min(sample, config.jobseekers)
    cfg = attrs.evolve(
        config,
        jobseekers=n,
        seed=config.seed + 1 if seed is None else seed,
        jobseekers_per_coach=max(1, round(config.jobseekers_per_coach * n / config.jobseekers)),
    )
    clock = FixedClock(cfg.start)
    with Werkmap("memory://", clock=clock, policy=policy) as wm:
        simulate(wm, clock, cfg)
        folders = list(wm.all_folders(Actor.system()))
    factor = config.jobseekers / n
    return tuple(
        scaled(period_report(folders, start=start, end=end), factor) for start, end in periods
    )
