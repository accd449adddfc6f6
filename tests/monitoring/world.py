"""Folders for the monitoring tests, built with the pure plan functions (fast, seeded)."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from werkmap.plan import folder as wf
from werkmap.plan.folder import ProfileRecord, WorkFolder
from werkmap.profiler.model import ScoringModel, default_model
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.scoring import score_batch
from werkmap.profiler.synthetic import synthetic_cohort
from werkmap.workdays import add_months


def worse_health(
    columns: Mapping[str, npt.NDArray[np.generic]], *, share: float, seed: int
) -> dict[str, npt.NDArray[np.generic]]:
    """Return ``columns`` with perceived health one step worse for a random ``share`` of the people.

    One step worse on each item of the construct: health (q14) one point lower (not below 1), health
    hinders (q15) yes, and how much (q16) one step more ("a little" for someone it did not hinder before).
    """
    rng = np.random.default_rng(seed)
    n = len(next(iter(columns.values())))
    hit = rng.random(n) < share
    out = dict(columns)
    q14 = columns["q14"].astype(np.int64)
    out["q14"] = np.where(hit, np.maximum(q14 - 1, 1), q14).astype(str)
    q15 = columns["q15"].astype(bool)
    q16 = np.where(columns["q16"] == "", "0", columns["q16"]).astype(np.int64)
    worse16 = np.where(q15, np.minimum(q16 + 1, 3), 1)
    out["q15"] = np.where(hit, True, q15)
    out["q16"] = np.where(hit, worse16, q16).astype(str)
    out["q16"] = np.where(out["q16"] == "0", "", out["q16"])
    return out


def answers_of(columns: Mapping[str, npt.NDArray[np.generic]]) -> list[dict[str, object]]:
    """Return one answer mapping per person of column-wise answers (unanswered left out)."""
    names = list(columns)
    lists = [columns[k].tolist() for k in names]
    return [
        {k: v for k, v in zip(names, row, strict=True) if v != ""}
        for row in zip(*lists, strict=True)
    ]


def make_folders(
    answers: Sequence[Mapping[str, object]],
    *,
    start: dt.date,
    months: int,
    seed: int,
    model: ScoringModel | None = None,
    truth: npt.NDArray[np.float64] | None = None,
    prefix: str = "f",
) -> list[WorkFolder]:
    """Register one folder per person, spread over ``months`` from ``start``, profiled by ``model``.

    Work is found at an exponential time with P(within a year) = ``truth`` (default: the model's own
    score, so the model is calibrated).
    """
    model = model if model is not None else default_model()
    q = default_questionnaire()
    p = score_batch(answers, model, q).probabilities
    true_p = p if truth is None else truth
    rng = np.random.default_rng(seed)
    folders = []
    n = len(answers)
    for i, person in enumerate(answers):
        month = i * months // n
        first = add_months(start, month)
        days = (add_months(start, month + 1) - first).days
        registered = first + dt.timedelta(days=int(rng.integers(days)))
        f, _ = wf.create_folder(
            f"{prefix}-{i:06d}", on=registered, jobseeker_ref=f"js-{prefix}-{i}"
        )
        record = ProfileRecord(
            taken_on=registered + dt.timedelta(days=2),
            probability=float(p[i]),
            band=model.band(float(p[i])),
            questionnaire_id=q.ref.partition("|")[0],
            questionnaire_version=q.ref.partition("|")[2],
            model_id=model.id,
            model_version=model.version,
            answers={k: json.dumps(v) for k, v in person.items()},
        )
        f, _ = wf.add_profile(f, record, on=record.taken_on, actor="jobseeker")
        rate = -math.log(max(1.0 - float(true_p[i]), 1e-9)) / 365.0
        after = rng.exponential(1.0 / rate) if rate > 0 else math.inf
        if after < 3 * 365:
            found = registered + dt.timedelta(days=1 + int(after))
            f, _ = wf.record_work_found(f, on=found, actor="system")
        folders.append(f)
    return folders


def cohort_answers(n: int, seed: int) -> list[dict[str, object]]:
    """``n`` synthetic people's answers (the packaged generator)."""
    return answers_of(synthetic_cohort(n, seed=seed).columns)
