"""Recourse: minimal against a plain brute force, never a fixed factor, and it really moves the band."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap.errors import InvalidInput
from werkmap.profiler.model import default_model
from werkmap.profiler.questionnaire import Item, default_questionnaire, validate_answers
from werkmap.profiler.recourse import CHANGEABLE, FIXED, Recourse, recourse
from werkmap.profiler.scoring import score, score_batch
from werkmap.profiler.synthetic import encode_columns, synthetic_answers

Q = default_questionnaire()
M = default_model()
ITEMS = Q.answerable_items()
CHANGEABLE_ITEMS = [it for it in ITEMS if it.construct in CHANGEABLE]


def _domain(item: Item) -> list[object]:
    if item.type == "choice":
        return list(item.option_codes())
    if item.type == "boolean":
        return [False, True]
    assert item.type == "integer"
    assert item.min_value is not None
    assert item.max_value is not None
    return list(range(int(item.min_value), int(item.max_value) + 1))


def _pos(item: Item, value: object) -> int:
    if item.type == "choice":
        return item.option_codes().index(str(value))
    if item.type == "boolean":
        return int(bool(value))
    assert isinstance(value, int)
    return value


def _column(item: Item, values: Sequence[object]) -> np.ndarray:
    if item.type == "choice":
        return np.array(["" if v is None else str(v) for v in values])
    if item.type == "boolean":
        assert all(v is not None for v in values)
        return np.array(values, dtype=bool)
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def brute_force(
    answers: Mapping[str, object], items: Sequence[Item] = CHANGEABLE_ITEMS
) -> tuple[int, int, tuple[str, ...], tuple[object, ...]] | None:
    """The first solution by (questions, steps, questions in order, new answers' positions).

    Plain enumeration, fewest questions first: every set of ``k`` questions answered differently, every
    combination of their other answers; the rest keep their answers, except questions that skip logic
    turns off (they fall away). Scored with the real encoder and the batch scorer, many at once.
    """
    p0 = score(answers, M, Q).probability
    index = sum(1 for c in M.cut_points if p0 > c)
    if index == len(M.cut_points):
        return None
    cut = M.cut_points[index]
    dependent = [it for it in ITEMS if it.enable_when]
    for it in dependent:  # the packaged questionnaire's skip logic is "=" on a yes/no item
        assert it.type == "choice"
        assert all(c.operator == "=" for c in it.enable_when)
    for k in range(1, len(items) + 1):
        best: tuple[int, int, tuple[str, ...], tuple[object, ...]] | None = None
        for subset in itertools.combinations(items, k):
            domains = [[v for v in _domain(it) if v != answers.get(it.link_id)] for it in subset]
            grids = np.meshgrid(*[np.arange(len(d)) for d in domains], indexing="ij")
            picks = [g.ravel() for g in grids]
            n = picks[0].size
            chosen = {it.link_id: [domains[j][i] for i in picks[j]] for j, it in enumerate(subset)}
            values: dict[str, list[object]] = {
                it.link_id: chosen.get(it.link_id, [answers.get(it.link_id)] * n) for it in ITEMS
            }
            valid = np.ones(n, dtype=bool)
            for it in dependent:
                on = np.ones(n, dtype=bool)
                for c in it.enable_when:
                    on &= np.array([v == c.answer for v in values[c.question]])
                if it.link_id in chosen:
                    valid &= on
                else:
                    if answers.get(it.link_id) is None:
                        valid &= ~on  # a question newly asked must be among the changed ones
                    values[it.link_id] = [
                        v if o else None for v, o in zip(values[it.link_id], on, strict=True)
                    ]
            columns = {it.link_id: _column(it, values[it.link_id]) for it in ITEMS}
            design = encode_columns(columns, M.encoding)
            p = score_batch(design, M).probabilities
            ok = valid & (p > cut)
            if not ok.any():
                continue
            steps = np.zeros(n, dtype=np.int64)
            for j, it in enumerate(subset):
                before = answers.get(it.link_id)
                new = np.array([_pos(it, domains[j][i]) for i in picks[j]])
                steps += 1 if before is None else np.abs(new - _pos(it, before))
            steps = np.where(ok, steps, np.iinfo(np.int64).max)
            row = int(np.argmin(steps))  # the first row with the fewest steps: lowest positions
            key = (
                k,
                int(steps[row]),
                tuple(it.link_id for it in subset),
                tuple(domains[j][picks[j][row]] for j in range(k)),
            )
            if best is None or key[1] < best[1]:
                best = key
        if best is not None:
            return best
    return None


def _key(r: Recourse) -> tuple[int, int, tuple[str, ...], tuple[object, ...]] | None:
    if r.status == "top_band":
        return None
    counted = [c for c in r.changes if c.counted]
    return (
        r.questions_changed,
        r.steps,
        tuple(c.link_id for c in counted),
        tuple(c.after for c in counted),
    )


def test_minimal_against_brute_force_for_1000_synthetic_answer_sets() -> None:
    people = synthetic_answers(1000, seed=14)
    found = several = 0
    for answers in people:
        answers = validate_answers(answers, Q)
        r = recourse(answers, M, Q)
        assert (
            r.status != "unreachable"
        )  # the packaged model: the next cut point is always reachable
        assert _key(r) == brute_force(answers), answers
        found += r.found
        several += r.questions_changed > 1
    assert found > 400
    assert several > 10


def test_minimal_against_brute_force_when_only_some_factors_may_change() -> None:
    rng = np.random.default_rng(5)
    people = synthetic_answers(150, seed=15)
    for answers in people:
        answers = validate_answers(answers, Q)
        allowed = tuple(c for c in CHANGEABLE if rng.random() < 0.5) or ("social_norm",)
        items = [it for it in CHANGEABLE_ITEMS if it.construct in allowed]
        r = recourse(answers, M, Q, changeable=allowed)
        expected = brute_force(answers, items) if r.status != "unreachable" else None
        if r.status == "unreachable":
            # nothing up to all the allowed questions at once crosses: check the best of each
            best = dict(answers)
            for it in items:
                if it.link_id in ("q15", "q16"):
                    best["q15"] = False
                    best.pop("q16", None)
                else:
                    best[it.link_id] = _domain(it)[-1]
            assert score(best, M, Q).probability <= r.cut_point
        else:
            assert _key(r) == expected


def test_skip_logic_a_question_that_falls_away_is_not_counted() -> None:
    answers = validate_answers(synthetic_answers(1, seed=1)[0], Q)
    answers = {**answers, "q15": True, "q16": "3", "q14": "1", "q05": "1", "q06": "1"}
    r = recourse(answers, M, Q, changeable=("perceived_health",))
    assert r.found
    assert _key(r) == brute_force(
        answers, [it for it in ITEMS if it.link_id in ("q14", "q15", "q16")]
    )
    gone = [c for c in r.changes if not c.counted]
    if any(c.link_id == "q15" and c.after is False for c in r.changes):
        assert [c.link_id for c in gone] == ["q16"]
        assert "q16" not in r.new_answers(answers)


def test_top_band_has_nothing_to_move() -> None:
    answers = next(a for a in synthetic_answers(50, seed=2) if score(a, M, Q).band == M.bands[-1])
    r = recourse(answers, M, Q)
    assert (r.status, r.changes, r.target_band, r.cut_point) == ("top_band", (), None, None)
    assert "hoogste klasse" in r.text("nl")
    assert "top band" in r.text("en")


@pytest.mark.parametrize("factor", [*FIXED, "attribution", "motivation", "nonsense"])
def test_a_factor_that_is_not_changeable_is_refused(factor: str) -> None:
    with pytest.raises(InvalidInput, match=factor):
        recourse(synthetic_answers(1, seed=3)[0], M, Q, changeable=("self_efficacy", factor))


people = st.builds(
    lambda seed, i: synthetic_answers(i + 1, seed=seed)[i],
    st.integers(0, 10_000),
    st.integers(0, 4),
)


@given(
    answers=people,
    allowed=st.sets(st.sampled_from(CHANGEABLE), min_size=1).map(
        lambda s: tuple(c for c in CHANGEABLE if c in s)
    ),
)
def test_never_a_fixed_factor_and_the_changes_move_the_band(
    answers: dict[str, object], allowed: tuple[str, ...]
) -> None:
    r = recourse(answers, M, Q, changeable=allowed)
    assert r.guidance is True
    constructs = {Q.item(c.link_id).construct for c in r.changes}
    assert constructs <= set(allowed)
    assert not constructs & set(FIXED)
    before = score(answers, M, Q)
    assert (r.probability, r.band) == (pytest.approx(before.probability, abs=1e-12), before.band)
    if r.found:
        new = validate_answers(r.new_answers(answers), Q)  # still a valid answer set
        after = score(new, M, Q)
        assert after.probability > r.cut_point
        assert after.band == r.new_band
        assert M.bands.index(after.band) > M.bands.index(before.band)
        assert after.probability == pytest.approx(r.new_probability, abs=1e-12)
        for key in ("q01", "q02", "q03", "q04"):
            assert new[key] == answers[key]
        assert r.questions_changed == sum(c.counted for c in r.changes)
        assert r.steps == sum(c.steps for c in r.changes)
        assert r.evaluations > 0


def test_texts_are_dutch_and_english_and_say_guidance_not_a_promise() -> None:
    answers = next(
        a for a in synthetic_answers(50, seed=4) if recourse(a, M, Q).questions_changed >= 1
    )
    r = recourse(answers, M, Q)
    nl, en = r.text("nl"), r.text("en")
    assert "geen belofte" in nl
    assert "not a promise" in en
    for c in r.changes:
        assert c.question.nl in nl
        assert c.question.en in en
        assert f"'{c.after_label.nl}'" in nl
        assert f"'{c.after_label.en}'" in en
    data = r.to_dict()
    assert data["guidance"] is True
    assert data["status"] == "found"
    assert [c["link_id"] for c in data["changes"]] == [c.link_id for c in r.changes]  # type: ignore[index,union-attr]
