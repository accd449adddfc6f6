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
* **A planted effect.** In an experiment (the service has experiments and their key), each jobseeker's
  arm is known at inflow (the real assignment, :func:`werkmap.experiments.arm_of`), and ``planted`` shifts
  the probability before the draw: ``p -> p + δ(arm, band group)``, clipped to ``[0, 1)``, so that
  ``P(found within 365 days) = p + δ``. ``δ`` is given in percentage points per arm and band group
  (``low`` = bands 0-25 and 25-50, ``high`` = 50-75 and 75-100, ``all`` = both); an arm without a planted
  effect keeps ``p``. The effect is thus on the chance of work within a year, as the 2017 evaluation
  measured it (+2.0 points for the service against the control without service).
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
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.clock import FixedClock
from werkmap.errors import InvalidInput, Problem, WerkmapError
from werkmap.interventions import default_catalogue, orientation_agenda
from werkmap.plan.folder import WorkFolder
from werkmap.service import Actor, PlannedActivity, Werkmap
from werkmap.workdays import HolidayCalendar, add_months, dutch_calendar

if TYPE_CHECKING:
    from werkmap.experiments.definition import Experiment
    from werkmap.experiments.effect import EffectReport
    from werkmap.outcomes import Outcomes
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire
    from werkmap.profiler.synthetic import SyntheticCohort
    from werkmap.report import PeriodReport
    from werkmap.rules.policy import Policy

__all__ = [
    "Inflow",
    "SimulationConfig",
    "SimulationResult",
    "chance_found_within",
    "draw_inflow",
    "forecast",
    "forecast_periods",
    "planted_shift",
    "simulate",
    "simulated_experiment",
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
        inflow_months: the months registrations are spread over, from ``start`` (default: ``months``);
            fewer than ``months`` leaves the last months for follow-up.
        planted: planted effects ``(arm, band group, percentage points)``: the band group is ``low``,
            ``high`` or ``all``; a group's own entry wins over ``all`` (see the module docstring).
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
    inflow_months: int | None = None
    planted: tuple[tuple[str, str, float], ...] = ()

    def __attrs_post_init__(self) -> None:
        problems = []
        if self.inflow_months is not None and not 1 <= self.inflow_months <= self.months:
            problems.append(Problem(path="$.inflow_months", message="expected 1..months"))
        for i, entry in enumerate(self.planted):
            _arm, group, points = entry
            if group not in ("low", "high", "all") or not -100.0 <= points <= 100.0:
                problems.append(
                    Problem(
                        path=f"$.planted[{i}]",
                        message="expected (arm, 'low' | 'high' | 'all', points in -100..100)",
                    )
                )
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

_NEVER = -1
_FOUND_CAP_DAYS = 3 * 365  # work found later than this is not scheduled


def planted_shift(
    planted: tuple[tuple[str, str, float], ...], arm: str, probability: float
) -> float:
    """Return the planted shift (a share: 0.02 for 2 points) of ``arm`` for a jobseeker with ``probability``.

    The band group is that of the probability (``low`` up to 50 %, ``high`` above); a group's own entry
    wins over an ``all`` entry; no entry: 0.
    """
    if not arm:
        return 0.0
    group = "low" if probability <= 0.5 else "high"
    shift = 0.0
    for a, g, points in planted:
        if a == arm and g == "all":
            shift = points / 100.0
    for a, g, points in planted:
        if a == arm and g == group:
            shift = points / 100.0
    return shift


def chance_found_within(probability: npt.ArrayLike, days: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The chance that :func:`draw_inflow`'s jobseeker is recorded with work before ``days`` have passed.

    Work drawn after ``x`` days is recorded on day ``1 + floor(x)`` after registration, so "recorded
    before day ``D``" is ``x < D - 1``: ``1 - (1 - p) ** ((D - 1) / 365)`` (``p`` the shifted probability).
    This is the truth a simulated experiment's estimate is checked against.
    """
    p = np.clip(np.asarray(probability, dtype=np.float64), 0.0, 1.0 - 1e-12)
    d = np.asarray(days, dtype=np.float64)
    result: npt.NDArray[np.float64] = 1.0 - (1.0 - p) ** (np.maximum(d - 1.0, 0.0) / 365.0)
    return result


@attrs.frozen(kw_only=True, eq=False)
class Inflow:
    """The drawn inflow of a simulation: who registers when, their profile and when they find work.

    One row per jobseeker, in registration-number order. Offsets are days after registration,
    ``-1`` for "never".

    Attributes:
        folder_id: the folder ids (``f-000001`` …).
        jobseeker_ref: the jobseekers' references (``js-000001`` …).
        coach_id: the coach of each.
        registered_on: the registration days (``datetime64[D]``).
        probability: the model's chance of work within a year for each one's answers.
        arm: the experiment arm each registration is assigned to (``""``: in no experiment).
        shifted: the probability the work-found time was drawn from (``probability`` + the planted shift).
        found_after: the days until work is found (``inf``: never within the simulated horizon).
        profile_after: the day the Work Profiler is filled in (``-1``: not filled in).
        request_after: the day a conversation is asked for (``-1``: never).
        override_after: the day a coach overrides the route (``-1``: never).
        applications_after: the day the first application activities are registered.
        cohort: everyone's answers to the Work Profiler, column-wise (:meth:`answers_of` gives one person's).
    """

    folder_id: tuple[str, ...]
    jobseeker_ref: tuple[str, ...]
    coach_id: tuple[str, ...]
    registered_on: npt.NDArray[np.datetime64]
    probability: npt.NDArray[np.float64]
    arm: npt.NDArray[np.str_]
    shifted: npt.NDArray[np.float64]
    found_after: npt.NDArray[np.float64]
    profile_after: npt.NDArray[np.int64]
    request_after: npt.NDArray[np.int64]
    override_after: npt.NDArray[np.int64]
    applications_after: npt.NDArray[np.int64]
    cohort: SyntheticCohort

    def __len__(self) -> int:
        return len(self.folder_id)

    @property
    def answers(self) -> tuple[Mapping[str, object], ...]:
        """Each one's answers to the Work Profiler (built when asked for: one mapping per jobseeker)."""
        return tuple(self.cohort.iter_answers())

    def answers_of(self, index: int) -> Mapping[str, object]:
        """The answers of the jobseeker in row ``index`` (built when asked for)."""
        return self.cohort.answers_of(index)

    @property
    def work_found_on(self) -> npt.NDArray[np.datetime64]:
        """The day work is recorded as found (``NaT``: not within the simulated horizon)."""
        found = self.found_after < _FOUND_CAP_DAYS
        days = np.where(found, 1 + np.floor(np.where(found, self.found_after, 0)), 0)
        out = self.registered_on + days.astype("timedelta64[D]")
        out[~found] = np.datetime64("NaT")
        result: npt.NDArray[np.datetime64] = out.astype("datetime64[D]")
        return result

    def outcomes(self, observed_until: dt.date) -> Outcomes:
        """Return the outcome table the service would hold on ``observed_until`` (without running it).

        A jobseeker has a profile when they fill in the Work Profiler before finding work (a folder with
        work found is closed: later steps are skipped), by ``observed_until``; its band is the model's.
        """
        from werkmap.outcomes import Outcomes
        from werkmap.profiler.model import band_of

        nat = np.datetime64("NaT", "D")
        last = np.datetime64(observed_until, "D")
        found = self.work_found_on
        profiled_on = self.registered_on + np.maximum(self.profile_after, 0).astype(
            "timedelta64[D]"
        )
        has = (
            (self.profile_after >= 0)
            & (np.isnat(found) | (profiled_on < found))
            & (profiled_on <= last)
        )
        probability = np.where(has, self.probability, np.nan)
        bands = np.array(
            [band_of(float(p)) if h else "" for p, h in zip(self.probability, has, strict=True)],
            dtype=np.str_,
        )
        return Outcomes(
            folder_id=np.array(self.folder_id, dtype=np.str_),
            registered_on=self.registered_on,
            profiled_on=np.where(has, profiled_on, nat),
            probability=probability,
            band=bands,
            model_ref=np.where(has, "", ""),
            work_found_on=np.where(~np.isnat(found) & (found <= last), found, nat),
            benefit_ended_on=np.full(len(self), nat),
            observed_until=observed_until,
        )


def _shared(column: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    """A text column as an object array of one string per distinct answer (8 bytes a person, not 84)."""
    if column.dtype.kind != "U":
        return column
    values, inverse = np.unique(column, return_inverse=True)
    shared: npt.NDArray[np.generic] = np.array(values.tolist(), dtype=object)[inverse]
    return shared


def draw_inflow(
    config: SimulationConfig,
    *,
    model: ScoringModel,
    questionnaire: Questionnaire,
    rng: np.random.Generator | None = None,
    calendar: HolidayCalendar | None = None,
    arm_of: Callable[[str, dt.date], str | None] | None = None,
) -> Inflow:
    """Draw a simulation's inflow and outcomes: the one home of what :func:`simulate` schedules.

    Args:
        config: what to simulate (inflow size and months, take-up, requests, overrides, planted effects).
        model: the scoring model the probabilities come from.
        questionnaire: its questionnaire.
        rng: the generator to draw from (default: ``numpy.random.default_rng(config.seed)``);
            :func:`simulate` passes its own, which it goes on using afterwards.
        calendar: the holiday calendar registrations fall on working days of (default: the Dutch one).
        arm_of: the experiment arm of a reference registering on a day (``None`` or ``""``: none), for
            the planted effects; :func:`simulate` passes :meth:`werkmap.service.Werkmap.experiment_arm`.
    """
    from werkmap.profiler.scoring import score_batch
    from werkmap.profiler.synthetic import synthetic_cohort

    cfg = config
    rng = rng if rng is not None else np.random.default_rng(cfg.seed)
    cal = calendar if calendar is not None else dutch_calendar()
    # column-wise: no answer mapping per person until one is submitted (the same probabilities)
    people = synthetic_cohort(cfg.jobseekers, seed=cfg.seed)
    probabilities = score_batch(people.design(model.encoding), model, questionnaire).probabilities
    cohort = attrs.evolve(people, columns={k: _shared(c) for k, c in people.columns.items()})
    del people
    coaches = cfg.coaches
    spread = cfg.inflow_months if cfg.inflow_months is not None else cfg.months
    months = [add_months(cfg.start, m) for m in range(spread + 1)]
    n = cfg.jobseekers
    registered: list[dt.date] = []
    arms: list[str] = []
    shifted = np.empty(n, dtype=np.float64)
    found_after = np.full(n, math.inf, dtype=np.float64)
    profile_after = np.full(n, _NEVER, dtype=np.int64)
    request_after = np.full(n, _NEVER, dtype=np.int64)
    override_after = np.full(n, _NEVER, dtype=np.int64)
    applications_after = np.empty(n, dtype=np.int64)
    refs = tuple(f"js-{i + 1:06d}" for i in range(n))
    for i in range(n):
        month = i * spread // n
        first, last = months[month], months[month + 1]
        span = max((last - first).days, 1)
        day = cal.next_working_day(first + dt.timedelta(days=int(rng.integers(span))))
        while day >= last:  # past the month's last working day: take the last one
            day -= dt.timedelta(days=1)
            while not cal.is_working_day(day):
                day -= dt.timedelta(days=1)
        registered.append(day)
        arm = (arm_of(refs[i], day) or "") if arm_of is not None else ""
        arms.append(arm)
        p = float(probabilities[i])
        q = min(max(p + planted_shift(cfg.planted, arm, p), 0.0), 1.0 - 1e-12)
        shifted[i] = q
        rate = -math.log(max(1.0 - q, 1e-9)) / 365.0
        drawn = rng.exponential(1.0 / rate) if rate > 0 else math.inf
        if drawn < _FOUND_CAP_DAYS:
            found_after[i] = drawn
        if rng.random() < cfg.take_up:
            profile_after[i] = int(rng.integers(1, 8))
        if rng.random() < cfg.request:
            request_after[i] = int(rng.integers(10, 120))
        if rng.random() < cfg.override:
            override_after[i] = int(rng.integers(8, 20))
        applications_after[i] = int(rng.integers(20, 28))
    return Inflow(
        folder_id=tuple(f"f-{i + 1:06d}" for i in range(n)),
        jobseeker_ref=refs,
        coach_id=tuple(coaches[i % len(coaches)] for i in range(n)),
        registered_on=np.array(registered, dtype="datetime64[D]"),
        probability=np.asarray(probabilities, dtype=np.float64),
        arm=np.array(arms, dtype=np.str_),
        shifted=shifted,
        found_after=found_after,
        profile_after=profile_after,
        request_after=request_after,
        override_after=override_after,
        applications_after=applications_after,
        cohort=cohort,
    )


def simulated_experiment(
    config: SimulationConfig,
    experiment: Experiment,
    key: bytes,
    *,
    model: ScoringModel,
    questionnaire: Questionnaire,
    observed_until: dt.date,
    adjusted: bool = False,
) -> tuple[EffectReport, dict[tuple[str, str, str], float]]:
    """Draw an experiment's inflow and outcomes (:func:`draw_inflow`), assign and analyse, without the service.

    The coverage study's one run: the same draw :func:`simulate` schedules, the real assignment
    (:func:`werkmap.experiments.arm_of`) and the real analysis (:func:`werkmap.experiments.analyse`) over the
    :class:`~werkmap.outcomes.Outcomes` the service would hold on ``observed_until``.

    Returns:
        The report, and the true effect on work within 12 months per ``(arm, reference, group)`` (group
        ``all``, ``low``, ``high``, and ``profiled``: the folders with a profile, whom the adjusted
        estimate is over): the mean, over the group's folders followed up for 12 months, of
        :func:`chance_found_within` under the one arm's planted shift minus under the other's.
    """
    from werkmap.experiments.assignment import arm_of, experiment_for
    from werkmap.experiments.effect import analyse, group_of_bands

    def arm(ref: str, day: dt.date) -> str | None:
        e = experiment_for([experiment], day)
        return arm_of(e, key, ref) if e is not None else None

    inflow = draw_inflow(config, model=model, questionnaire=questionnaire, arm_of=arm)
    inside = inflow.arm != ""
    table = inflow.outcomes(observed_until).take(inside)
    arms = inflow.arm[inside]
    report = analyse(table, arms, experiment, adjusted=adjusted, balance=False)
    p = inflow.probability[inside]
    horizon_days = (table.horizon_end(12) - table.registered_on).astype(np.float64)
    known = table.followed_up(12)
    groups = group_of_bands(table.band)
    truth: dict[tuple[str, str, str], float] = {}
    names = experiment.arm_names
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            shift_a = np.array([planted_shift(config.planted, a, float(x)) for x in p])
            shift_b = np.array([planted_shift(config.planted, b, float(x)) for x in p])
            effect = chance_found_within(p + shift_a, horizon_days) - chance_found_within(
                p + shift_b, horizon_days
            )
            for g in ("all", "low", "high", "profiled"):
                if g == "all":
                    sel = known
                elif g == "profiled":
                    sel = known & table.profiled
                else:
                    sel = known & (groups == g)
                truth[(a, b, g)] = float(effect[sel].mean()) if sel.any() else math.nan
    return report, truth


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
        self.row: dict[
            str, int
        ] = {}  # a folder's row in the inflow (its coach, reference and answers)
        self.inflow: Inflow | None = None
        self.planned: set[str] = set()
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
        inflow = draw_inflow(
            self.config,
            model=self.wm.model,
            questionnaire=self.wm.questionnaire,
            rng=self.rng,
            calendar=self.calendar,
            arm_of=self.wm.experiment_arm if self.wm.experiments else None,
        )
        self.inflow = inflow
        for i, fid in enumerate(inflow.folder_id):
            day = inflow.registered_on[i].item()
            self.row[fid] = i
            self.at(day, "register", fid)
            found = float(inflow.found_after[i])
            if found < _FOUND_CAP_DAYS:
                self.at(day + dt.timedelta(days=1 + int(found)), "work_found", fid)
            for what, after in (
                ("profile", inflow.profile_after[i]),
                ("request", inflow.request_after[i]),
                ("override", inflow.override_after[i]),
            ):
                if after != _NEVER:
                    self.at(day + dt.timedelta(days=int(after)), what, fid)
            self.at(day + dt.timedelta(days=int(inflow.applications_after[i])), "applications", fid)

    # ------------------------------------------------------------------------------- a day

    def day(self, today: dt.date) -> None:
        """One day: the planned actions, the sweep, the reactions (in the caller's unit of work)."""
        self.clock.set(today)
        wm = self.wm
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
        inflow, i = self.inflow, self.row[fid]
        assert inflow is not None  # planned before the first day
        coach_id, ref = inflow.coach_id[i], inflow.jobseeker_ref[i]
        coach = Actor.coach(coach_id)
        jobseeker = Actor.jobseeker(ref)
        if what == "register":
            months = int(rng.integers(6, 25))
            self.do(
                "register",
                lambda: wm.register(
                    self.system,
                    fid,
                    jobseeker_ref=ref,
                    coach_id=coach_id,
                    benefit_ends_on=add_months(today, months),
                ),
            )
        elif what == "profile":
            answers = inflow.answers_of(i)
            self.do("submit_profile", lambda: wm.submit_profile(jobseeker, fid, answers))
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
    unit_days: int = 1,
) -> SimulationResult:
    """Run a synthetic cohort through ``wm`` day by day, moving ``clock`` (the one ``wm`` was made with).

    Each simulated day is one unit of work (:meth:`Werkmap.unit_of_work`): the jobseekers', the coaches'
    and the daily sweep's commands of that day are written in one transaction, so a simulation killed
    midway leaves whole days behind, and the sweep run again afterwards finds nothing lost. What the unit
    of work holds until it is written is one day's folders, whatever the population.

    Args:
        wm: the service (any store).
        clock: the fixed clock ``wm`` reads; the simulation sets it to each day.
        config: what to simulate (default: :class:`SimulationConfig` ()).
        progress: called after every day with (days done, days in all).
        unit_days: days per transaction (default 1). More days write a folder touched on several of them
            once, but hold all their folders in memory until then; the result is the same.

    Raises:
        InvalidInput: ``unit_days`` is less than 1.

    Returns:
        What the simulation did; the folders, outbox and audit trail are in ``wm.store``.
    """
    cfg = config if config is not None else SimulationConfig()
    if unit_days < 1:
        raise InvalidInput([Problem(path="unit_days", message="expected at least 1")])
    run = _Run(wm, clock, cfg)
    run.plan_inflow()
    days = (cfg.end - cfg.start).days + 1
    n = 0
    while n < days:  # one transaction per unit_days days
        with wm.unit_of_work():
            for _ in range(unit_days):
                if n == days:
                    break
                run.day(cfg.start + dt.timedelta(days=n))
                n += 1
                if progress is not None:
                    progress(n, days)
    size = getattr(wm.store, "outbox_size", None)  # a count, not every item in memory
    notifications = int(size()) if size is not None else len(wm.store.outbox())
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
        # figures only: the folders are not audited one by one (Werkmap.all_folders would)
        folders = list(wm._folders(Actor.system(), audited=False))
    factor = config.jobseekers / n
    return tuple(
        scaled(period_report(folders, start=start, end=end), factor) for start, end in periods
    )
