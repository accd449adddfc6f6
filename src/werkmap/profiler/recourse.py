"""What would move the band: the smallest changes in *changeable* factors that lift the chance over a cut point.

For the adviser's conversation (*recourse*): given one person's answers, :func:`recourse` finds the
smallest set of changed answers, to items of the changeable factors only, with which the model predicts a
chance of work above the next band cut point (the cut point of the band above the person's band, from
:attr:`~werkmap.profiler.model.ScoringModel.cut_points`; in the top band there is nothing to move).

**Only changeable factors.** The factors a person can work on are :data:`CHANGEABLE`: job-search
intention, self-efficacy, re-employment expectation, perceived health, attitude and social norm (the
constructs of the packaged questionnaire with the same ids). Age, education and work history are facts,
not advice, and are never proposed; neither is any factor outside :data:`CHANGEABLE` (asking for one is
an error). An answer change that would switch a question of another factor on or off is refused too.

**Smallest, precisely.** A solution is a set of new answers; it is compared by, in this order:

1. the number of questions answered differently (a question that falls away by skip logic, such as
   "how strongly does your health hinder you" once health no longer hinders, does not count);
2. the total number of answer steps: for a choice item the distance between the old and the new option
   in the option order, for a yes/no item 1, for a number the difference (one application more is one
   step), for a question newly asked 1;
3. the changed questions in questionnaire order (a change of an earlier question goes first);
4. the new answers' positions in their option order (lower first), question by question.

The first solution in this order whose re-scored chance lies above the cut point is returned: the
result is deterministic and exactly minimal for the logistic model.

**How it is solved (exact, and its cost).** The changeable questions are grouped into *units*: questions
tied together by skip logic (``q15``/``q16`` of the packaged questionnaire) form one unit, every other
question is a unit by itself. Every alternative answer of every unit is enumerated (choice options,
yes/no, every whole number between an integer item's bounds; numeric items without bounds are not
searched) and scored once: **one model evaluation per alternative**, 89 for the packaged questionnaire
(nine five-point items with 4 alternatives each, 50 numbers of applications, 3 for the health unit).
Because the linear predictor of the logistic model is a sum over questions, a combination's log-odds is
the sum of its units' gains; an exact integer dynamic programme (a multiple-choice knapsack over
``(questions changed, steps)``, one vectorised table update per alternative) gives, for every cost, the
largest gain, hence the least cost that can cross the cut point. The solutions of exactly that cost are
then enumerated (pruned by the same table), ordered as above, and re-scored with the model until one
crosses: a few more evaluations. :attr:`Recourse.evaluations` reports the model evaluations made.

**Guidance, never a promise.** The result says what the *model* would predict if these answers were
different; it is a prompt for the conversation, not a forecast that working on these factors will get
the person a job, nor a reason to change answers. :attr:`Recourse.guidance` is always ``True`` and every
text says so.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np

from werkmap.errors import InvalidInput, Problem
from werkmap.profiler.model import ScoringModel
from werkmap.profiler.questionnaire import (
    AnswerValue,
    Item,
    Questionnaire,
    Text,
    enabled_items,
    validate_answers,
)
from werkmap.profiler.scoring import _expit, check_compatible, scoring_core
from werkmap.texts import percent

__all__ = [
    "CHANGEABLE",
    "FIXED",
    "MAX_NUMBER_OPTIONS",
    "Recourse",
    "RecourseChange",
    "RecourseStatus",
    "recourse",
]

CHANGEABLE: tuple[str, ...] = (
    "job_search_intention",
    "self_efficacy",
    "reemployment_expectation",
    "perceived_health",
    "attitude",
    "social_norm",
)
"""The factors (construct ids) a person can work on, the only ones recourse may propose."""

FIXED: tuple[str, ...] = ("age", "education", "work_history")
"""The "hard" factors: facts, never proposed as something to change."""

MAX_NUMBER_OPTIONS = 1000
"""An integer item with more whole numbers than this between its bounds is not searched."""

RecourseStatus = Literal["found", "top_band", "unreachable"]
"""``found``: changes that move the band; ``top_band``: nothing to move; ``unreachable``: the changeable
factors alone cannot move it."""

_ABSENT: Any = None
_TOL = 1e-9  # log-odds slack of the table search; every candidate is re-scored exactly


@attrs.frozen(kw_only=True)
class RecourseChange:
    """One answer that would be different.

    Attributes:
        link_id: the question.
        construct: the factor it measures (one of :data:`CHANGEABLE`).
        question: the question's text, Dutch and English.
        before: the current answer (``None``: not answered).
        after: the answer of the solution (``None``: the question falls away by skip logic).
        before_label: the current answer as the questionnaire shows it.
        after_label: the new answer as the questionnaire shows it.
        steps: the answer steps of this change (see the module text); 0 for a question that falls away.
    """

    link_id: str
    construct: str
    question: Text
    before: AnswerValue | None
    after: AnswerValue | None
    before_label: Text
    after_label: Text
    steps: int

    @property
    def counted(self) -> bool:
        """Whether the change counts as a question answered differently (one that falls away does not)."""
        return self.after is not None

    def text(self, language: str = "nl") -> str:
        """Return the change as one line: the question, from which answer to which."""
        if language == "en":
            return (
                f"{self.question.get('en')}: from '{self.before_label.get('en')}' "
                f"to '{self.after_label.get('en')}'"
            )
        return (
            f"{self.question.get('nl')}: van '{self.before_label.get('nl')}' "
            f"naar '{self.after_label.get('nl')}'"
        )

    def to_dict(self) -> dict[str, object]:
        """Return the change as JSON-ready data."""
        return {
            "link_id": self.link_id,
            "construct": self.construct,
            "before": _json_value(self.before),
            "after": _json_value(self.after),
            "before_label": {"nl": self.before_label.nl, "en": self.before_label.en},
            "after_label": {"nl": self.after_label.nl, "en": self.after_label.en},
            "steps": self.steps,
        }


@attrs.frozen(kw_only=True)
class Recourse:
    """The smallest changes in changeable factors that would move the predicted chance into the band above.

    Attributes:
        status: ``found``, ``top_band`` (nothing to move) or ``unreachable``.
        probability: the current predicted chance.
        band: the current band.
        target_band: the band above (``None`` in the top band).
        cut_point: the cut point to cross (the chance must lie above it), or ``None`` in the top band.
        changes: the changed answers, in questionnaire order (empty unless ``found``).
        new_probability: the chance predicted with the changes, or ``None`` unless ``found``.
        new_band: the band of ``new_probability``, or ``None`` unless ``found``.
        questions_changed: the number of questions answered differently.
        steps: the total number of answer steps.
        evaluations: the model evaluations the search made.
        changeable: the factors that were allowed to change.
        model: the ``id|version`` of the model.
        questionnaire: the ``url|version`` of the questionnaire.
        guidance: always ``True``: the result is guidance for a conversation, never a promise.
    """

    status: RecourseStatus
    probability: float
    band: str
    target_band: str | None
    cut_point: float | None
    changes: tuple[RecourseChange, ...] = ()
    new_probability: float | None = None
    new_band: str | None = None
    questions_changed: int = 0
    steps: int = 0
    evaluations: int = 0
    changeable: tuple[str, ...] = CHANGEABLE
    model: str = ""
    questionnaire: str = ""
    guidance: bool = attrs.field(default=True, init=False)

    @property
    def found(self) -> bool:
        """Whether changes that move the band were found."""
        return self.status == "found"

    def new_answers(self, answers: Mapping[str, object]) -> dict[str, object]:
        """Return ``answers`` with the changes applied (questions that fall away left out)."""
        out = dict(answers)
        for c in self.changes:
            if c.after is None:
                out.pop(c.link_id, None)
            else:
                out[c.link_id] = c.after
        return out

    def text(self, language: str = "nl") -> str:
        """Return the result for the adviser, in plain Dutch (``"nl"``) or English (``"en"``)."""
        en = language == "en"
        now = percent(self.probability, language)
        if self.status == "top_band":
            return (
                f"The predicted chance ({now}) is already in the top band ({self.band}): there is no "
                "band above to move to."
                if en
                else f"De voorspelde kans ({now}) valt al in de hoogste klasse ({self.band}): er is "
                "geen hogere klasse."
            )
        assert self.cut_point is not None
        cut = percent(self.cut_point, language, digits=None)
        promise = (
            "This is guidance for the conversation, not a promise: it says what the model would "
            "predict with other answers, not that working on these factors will lead to work. Age, "
            "education and work history are never advised."
            if en
            else "Dit is een hulpmiddel voor het gesprek, geen belofte: het zegt wat het model zou "
            "voorspellen bij andere antwoorden, niet dat werken aan deze punten tot werk leidt. "
            "Leeftijd, opleiding en werkverleden worden nooit als advies genoemd."
        )
        if self.status == "unreachable":
            head = (
                f"With changes in the changeable factors alone the predicted chance ({now}, band "
                f"{self.band}) does not rise above {cut}."
                if en
                else f"Met veranderingen in de beïnvloedbare factoren alleen komt de voorspelde kans "
                f"({now}, klasse {self.band}) niet boven {cut}."
            )
            return f"{head}\n{promise}\n"
        assert self.new_probability is not None
        new = percent(self.new_probability, language)
        if en:
            head = (
                f"What would move the chance above {cut} (band {self.target_band}): now {now} "
                f"(band {self.band}); with {_count(self.questions_changed, 'en')} {new}:"
            )
        else:
            head = (
                f"Wat de kans boven {cut} brengt (klasse {self.target_band}): nu {now} (klasse "
                f"{self.band}); met {_count(self.questions_changed, 'nl')} {new}:"
            )
        lines = [head, *(f"- {c.text(language)}" for c in self.changes), promise]
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, object]:
        """Return the result as JSON-ready data (``guidance`` is always ``true``)."""
        return {
            "status": self.status,
            "guidance": self.guidance,
            "probability": self.probability,
            "band": self.band,
            "target_band": self.target_band,
            "cut_point": self.cut_point,
            "changes": [c.to_dict() for c in self.changes],
            "new_probability": self.new_probability,
            "new_band": self.new_band,
            "questions_changed": self.questions_changed,
            "steps": self.steps,
            "evaluations": self.evaluations,
            "changeable": list(self.changeable),
            "model": self.model,
            "questionnaire": self.questionnaire,
        }


def _count(n: int, language: str) -> str:
    if language == "en":
        return "this changed answer" if n == 1 else f"these {n} changed answers"
    return "dit andere antwoord" if n == 1 else f"deze {n} andere antwoorden"


def _json_value(value: AnswerValue | None) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ------------------------------------------------------------------------------------ the search


@attrs.frozen
class _Alternative:
    """One alternative answer set of a unit: new values, cost and log-odds gain."""

    values: tuple[AnswerValue | None, ...]
    count: int
    steps: int
    gain: float
    positions: tuple[int, ...]  # questionnaire positions of the counted changes
    order: tuple[int, ...]  # option positions of the new answers, for the last tie-break


def _domain(item: Item) -> list[AnswerValue] | None:
    """The answers an item can take, in option order, or ``None`` when it cannot be searched."""
    if item.type == "choice":
        return list(item.option_codes())
    if item.type == "boolean":
        return [False, True]
    if item.type == "integer" and item.min_value is not None and item.max_value is not None:
        lo, hi = math.ceil(item.min_value), math.floor(item.max_value)
        if hi - lo + 1 > MAX_NUMBER_OPTIONS:
            return None
        return list(range(lo, hi + 1))
    return None


def _position(item: Item, value: AnswerValue) -> int:
    if item.type == "choice":
        return item.option_codes().index(str(value))
    if item.type == "boolean":
        return int(bool(value))
    assert isinstance(value, int)
    return value


def _steps(item: Item, before: AnswerValue | None, after: AnswerValue) -> int:
    if before is None:
        return 1
    return abs(_position(item, after) - _position(item, before))


def _units(questionnaire: Questionnaire, searched: Sequence[Item]) -> list[list[Item]]:
    """Group the searched items into units: connected by skip logic, in questionnaire order."""
    ids = [it.link_id for it in searched]
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for it in searched:
        for cond in it.enable_when:
            if cond.question in parent:
                parent[find(it.link_id)] = find(cond.question)
    groups: dict[str, list[Item]] = {}
    for it in searched:
        groups.setdefault(find(it.link_id), []).append(it)
    return sorted(groups.values(), key=lambda g: ids.index(g[0].link_id))


def recourse(
    answers: Mapping[str, object],
    model: ScoringModel,
    questionnaire: Questionnaire,
    *,
    changeable: Iterable[str] = CHANGEABLE,
    validate: bool = True,
    on: dt.date | None = None,
) -> Recourse:
    """Return the smallest changes in changeable factors that move the predicted chance into the band above.

    "Smallest" and the exact search (with its cost) are defined in the module text
    (:mod:`werkmap.profiler.recourse`). The result is guidance, never a promise.

    Args:
        answers: one person's answers, ``link_id -> answer``.
        model: the logistic scoring model (its cut points define the bands).
        questionnaire: the questionnaire answered (the version the model is calibrated for).
        changeable: the factors that may change; a subset of :data:`CHANGEABLE` (default: all of it).
        validate: check the answers first (turn off only for answers already validated).
        on: when given, the model and questionnaire must both be valid on this date.

    Raises:
        InvalidInput: a factor in ``changeable`` that is not in :data:`CHANGEABLE` (age, education and
            work history never are).
        InvalidAnswers: the answers do not fit the questionnaire.
        VersionMismatch: the model is for another questionnaire version (or not valid ``on``).
    """
    allowed = tuple(dict.fromkeys(changeable))
    wrong = [c for c in allowed if c not in CHANGEABLE]
    if wrong:
        raise InvalidInput(
            [
                Problem(
                    path="$.changeable",
                    message=f"{c!r} is not a changeable factor (allowed: {', '.join(CHANGEABLE)})",
                )
                for c in wrong
            ],
            source="recourse",
        )
    check_compatible(questionnaire, model, on=on)
    current: dict[str, object] = dict(
        validate_answers(answers, questionnaire) if validate else answers
    )
    core = scoring_core(model, questionnaire)
    w = model.coefficients
    evaluations = 0

    def log_odds(values: Mapping[str, object]) -> float:
        nonlocal evaluations
        evaluations += 1
        row = core.encoder.encode_list(values)
        return model.intercept + math.fsum(a * b for a, b in zip(w, row, strict=True))

    z0 = log_odds(current)
    p0 = _expit(z0)
    cuts, bands = model.cut_points, model.bands
    index = sum(1 for c in cuts if p0 > c)
    base = {
        "probability": p0,
        "band": bands[index],
        "changeable": allowed,
        "model": model.ref,
        "questionnaire": questionnaire.ref,
    }
    if index == len(cuts):
        return Recourse(status="top_band", target_band=None, cut_point=None, evaluations=1, **base)  # type: ignore[arg-type]
    cut = cuts[index]
    need = math.log(cut / (1.0 - cut)) - z0  # the gain needed: the log-odds must exceed logit(cut)

    items = questionnaire.answerable_items()
    position = {it.link_id: k for k, it in enumerate(items)}
    searched = [
        it
        for it in items
        if it.construct in allowed
        and _domain(it) is not None
        and (it.link_id in core.encoder.slices or _controls(it, items))
    ]
    units = _units(questionnaire, searched)
    enabled0 = enabled_items(questionnaire, current)
    alternatives: list[list[_Alternative]] = []
    for unit in units:
        alternatives.append(
            _unit_alternatives(unit, current, questionnaire, enabled0, position, z0, log_odds)
        )

    # the exact table: suffix[i][k, s] = the largest gain of units i.. at exactly k questions, s steps
    k_max = sum(max((a.count for a in alts), default=0) for alts in alternatives)
    s_max = sum(max((a.steps for a in alts), default=0) for alts in alternatives)
    suffix = [np.full((k_max + 1, s_max + 1), -np.inf) for _ in range(len(units) + 1)]
    suffix[-1][0, 0] = 0.0
    for i in range(len(units) - 1, -1, -1):
        nxt = suffix[i + 1]
        table = nxt.copy()
        for a in alternatives[i]:
            k, s = a.count, a.steps
            shifted = nxt[: k_max + 1 - k, : s_max + 1 - s] + a.gain
            view = table[k:, s:]
            np.maximum(view, shifted, out=view)
        suffix[i] = table

    feasible = np.argwhere(suffix[0] > need - _TOL)  # rows sorted by (k, s)
    for k, s in feasible:
        k, s = int(k), int(s)
        if k == 0:
            continue
        for solution in _solutions(alternatives, suffix, k, s, need):
            values = dict(current)
            for unit, alt in zip(units, solution, strict=True):
                if alt is None:
                    continue
                for it, v in zip(unit, alt.values, strict=True):
                    if v is None:
                        values.pop(it.link_id, None)
                    else:
                        values[it.link_id] = v
            z = log_odds(values)
            p = _expit(z)
            if p <= cut:
                continue
            changes = _changes(units, solution, current, questionnaire)
            return Recourse(
                status="found",
                target_band=bands[index + 1],
                cut_point=cut,
                changes=changes,
                new_probability=p,
                new_band=bands[sum(1 for c in cuts if p > c)],
                questions_changed=k,
                steps=s,
                evaluations=evaluations,
                **base,  # type: ignore[arg-type]
            )
    return Recourse(
        status="unreachable",
        target_band=bands[index + 1],
        cut_point=cut,
        evaluations=evaluations,
        **base,  # type: ignore[arg-type]
    )


def _controls(item: Item, items: Sequence[Item]) -> bool:
    """Whether another item's skip logic looks at ``item``."""
    return any(c.question == item.link_id for it in items for c in it.enable_when)


def _unit_alternatives(
    unit: Sequence[Item],
    current: Mapping[str, object],
    questionnaire: Questionnaire,
    enabled0: frozenset[str],
    position: Mapping[str, int],
    z0: float,
    log_odds: Any,
) -> list[_Alternative]:
    """Every valid alternative answer set of one unit, scored once each."""
    linked = (
        len(unit) > 1
        or any(c for it in unit for c in it.enable_when)
        or any(_controls(it, questionnaire.answerable_items()) for it in unit)
    )
    domains: list[list[AnswerValue | None]] = []
    for it in unit:
        dom: list[AnswerValue | None] = list(_domain(it) or [])
        if linked or it.link_id not in current:
            dom.append(_ABSENT)
        domains.append(dom)
    before = tuple(current.get(it.link_id) for it in unit)
    outside = enabled0 - {it.link_id for it in unit}
    out: list[_Alternative] = []
    for combo in itertools.product(*domains):
        if combo == before:
            continue
        values = dict(current)
        for it, v in zip(unit, combo, strict=True):
            if v is None:
                values.pop(it.link_id, None)
            else:
                values[it.link_id] = v
        if linked:
            enabled = enabled_items(questionnaire, values)
            if enabled - {it.link_id for it in unit} != outside:
                continue  # it would switch a question of another unit on or off
            ok = True
            for it, v, b in zip(unit, combo, before, strict=True):
                on = it.link_id in enabled
                if v is None and on and b is not None:
                    ok = False  # an asked question left unanswered
                if v is not None and not on:
                    ok = False  # an answer to a question that is not asked
            if not ok:
                continue
        count, steps = 0, 0
        positions: list[int] = []
        order: list[int] = []
        for it, v, b in zip(unit, combo, before, strict=True):
            if v is None or v == b:
                continue
            count += 1
            steps += _steps(it, b, v)  # type: ignore[arg-type]
            positions.append(position[it.link_id])
            order.append(_position(it, v))
        if count == 0:
            continue
        gain = log_odds(values) - z0
        out.append(
            _Alternative(
                values=combo,
                count=count,
                steps=steps,
                gain=gain,
                positions=tuple(positions),
                order=tuple(order),
            )
        )
    return out


def _solutions(
    alternatives: Sequence[Sequence[_Alternative]],
    suffix: Sequence[np.ndarray],
    k: int,
    s: int,
    need: float,
) -> list[tuple[_Alternative | None, ...]]:
    """Every combination of exactly ``k`` questions and ``s`` steps whose table gain can cross, in order.

    ``None`` in a combination keeps the unit's answers. The order is the tie-break of the module text.
    """
    found: list[tuple[tuple[int, ...], tuple[int, ...], tuple[_Alternative | None, ...]]] = []
    chosen: list[_Alternative | None] = []
    n = len(alternatives)

    def walk(i: int, k_left: int, s_left: int, gain: float) -> None:
        if i == n:
            if k_left == 0 and s_left == 0 and gain > need - _TOL:
                pairs = sorted(
                    pair
                    for a in chosen
                    if a is not None
                    for pair in zip(a.positions, a.order, strict=True)
                )
                positions = tuple(p for p, _ in pairs)
                order = tuple(o for _, o in pairs)
                found.append((positions, order, tuple(chosen)))
            return
        table = suffix[i + 1]
        if gain + table[k_left, s_left] > need - _TOL:
            chosen.append(None)
            walk(i + 1, k_left, s_left, gain)
            chosen.pop()
        for a in alternatives[i]:
            kk, ss = k_left - a.count, s_left - a.steps
            if kk < 0 or ss < 0 or gain + a.gain + table[kk, ss] <= need - _TOL:
                continue
            chosen.append(a)
            walk(i + 1, kk, ss, gain + a.gain)
            chosen.pop()

    if suffix[0][k, s] > need - _TOL:
        walk(0, k, s, 0.0)
    found.sort(key=lambda t: (t[0], t[1]))
    return [t[2] for t in found]


def _label(item: Item, value: AnswerValue | None) -> Text:
    if value is None:
        return Text(nl="(niet gevraagd)", en="(not asked)")
    if item.type == "choice":
        for o in item.options:
            if o.code == value:
                return o.label
    if item.type == "boolean":
        return Text(nl="ja", en="yes") if value else Text(nl="nee", en="no")
    return Text(nl=str(value), en=str(value))


def _changes(
    units: Sequence[Sequence[Item]],
    solution: Sequence[_Alternative | None],
    current: Mapping[str, object],
    questionnaire: Questionnaire,
) -> tuple[RecourseChange, ...]:
    out: list[RecourseChange] = []
    for unit, alt in zip(units, solution, strict=True):
        if alt is None:
            continue
        for it, v in zip(unit, alt.values, strict=True):
            b = current.get(it.link_id)
            if v == b:
                continue
            out.append(
                RecourseChange(
                    link_id=it.link_id,
                    construct=it.construct,
                    question=it.text,
                    before=b,  # type: ignore[arg-type]
                    after=v,
                    before_label=_label(it, b),  # type: ignore[arg-type]
                    after_label=_label(it, v),
                    steps=0 if v is None else _steps(it, b, v),  # type: ignore[arg-type]
                )
            )
    order = {it.link_id: k for k, it in enumerate(questionnaire.answerable_items())}
    return tuple(sorted(out, key=lambda c: order[c.link_id]))
