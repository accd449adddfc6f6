"""The simulation's transactions: one per day by default, the same year whatever the unit of work's length."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from werkmap.clock import FixedClock
from werkmap.errors import InvalidInput
from werkmap.serialization import dump
from werkmap.service import Actor, Werkmap
from werkmap.simulate import SimulationConfig, simulate

CFG = SimulationConfig(jobseekers=120, months=3, seed=11)


def _year(url: str, unit_days: int) -> tuple[dict[str, object], list[str], int]:
    clock = FixedClock(CFG.start)
    with Werkmap(url, clock=clock) as wm:
        saves: list[int] = []
        save_many = wm.store.save_many

        def counting(requests: Any) -> Any:
            saves.append(len(requests))
            return save_many(requests)

        wm.store.save_many = counting  # type: ignore[method-assign]
        result = simulate(wm, clock, CFG, unit_days=unit_days)
        folders = [dump(f) for f in wm.all_folders(Actor.system())]
        assert result.notifications == len(wm.store.outbox())
    return result.to_dict(), folders, len(saves)


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_day_or_a_week_per_transaction_gives_the_same_folders(store: str, tmp_path: Path) -> None:
    def url(name: str) -> str:
        return "memory://" if store == "memory" else f"sqlite:///{tmp_path / name}"

    daily, daily_folders, daily_saves = _year(url("day.db"), 1)
    weekly, weekly_folders, weekly_saves = _year(url("week.db"), 7)
    assert daily == weekly
    assert daily_folders == weekly_folders
    days = (CFG.end - CFG.start).days + 1
    # one transaction a day with something to write (nothing is held across days), or one a week
    assert weekly_saves <= -(-days // 7) < daily_saves <= days


def test_the_outbox_size_is_the_number_of_items_on_every_store(tmp_path: Path) -> None:
    for url in ("memory://", f"sqlite:///{tmp_path / 's.db'}"):
        clock = FixedClock(CFG.start)
        with Werkmap(url, clock=clock) as wm:
            assert wm.store.outbox_size() == 0  # type: ignore[attr-defined]
            result = simulate(wm, clock, CFG)
            size = wm.store.outbox_size()  # type: ignore[attr-defined]
            assert size == len(wm.store.outbox()) == result.notifications > 0


def test_a_unit_of_fewer_than_one_day_is_refused() -> None:
    clock = FixedClock(CFG.start)
    with Werkmap("memory://", clock=clock) as wm:
        with pytest.raises(InvalidInput, match="unit_days"):
            simulate(wm, clock, CFG, unit_days=0)
        assert wm.store.index_columns().folder_id.size == 0  # nothing was simulated


def test_the_demo_reports_its_days_and_then_the_folders_the_report_reads(tmp_path: Path) -> None:
    from werkmap.cli_service import run_demo

    days: list[tuple[int, int]] = []
    folders: list[tuple[int, int]] = []
    out = run_demo(
        tmp_path / "demo.db",
        jobseekers=30,
        months=1,
        parallel=False,
        progress=lambda done, total: days.append((done, total)),
        report_progress=lambda done, total: folders.append((done, total)),
    )
    assert days[-1] == (31, 31)
    assert folders == [(30, 30)]  # fewer than 1,000 folders: once, at the end
    assert out.realised.figures["registered"] == 30


def test_the_inflow_builds_each_ones_answers_when_asked_as_the_cohort_has_them() -> None:
    from werkmap.profiler.model import default_model
    from werkmap.profiler.questionnaire import default_questionnaire
    from werkmap.profiler.scoring import score_batch
    from werkmap.profiler.synthetic import synthetic_answers
    from werkmap.simulate import draw_inflow

    q, model = default_questionnaire(), default_model()
    inflow = draw_inflow(CFG, model=model, questionnaire=q)
    expected = synthetic_answers(CFG.jobseekers, seed=CFG.seed)
    got = [inflow.answers_of(i) for i in range(len(inflow))]
    assert got == expected == list(inflow.answers)
    assert [{k: type(v) for k, v in a.items()} for a in got] == [
        {k: type(v) for k, v in a.items()} for a in expected
    ]
    # the probabilities are those of the answers themselves (scored from columns, the same numbers)
    assert inflow.probability.tolist() == score_batch(expected, model, q).probabilities.tolist()
