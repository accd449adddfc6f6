"""Randomised experiments on the service model: definitions as dated data, assignment, effect analysis.

* :mod:`werkmap.experiments.definition`: an experiment's definition (id, version, inflow period,
  eligibility, arms with shares and what each receives, who may see the arm), loaded from TOML and
  checked (codes ``WM-E…``); the packaged 2017 design (:func:`default_experiments`).
* :mod:`werkmap.experiments.assignment`: the arm of a folder, a keyed hash (HMAC-SHA256) of its
  pseudonym and the experiment's id: stable, reproducible from key and definition, independent of the
  order of registration (:func:`arm_of`, :func:`assign`).
* :mod:`werkmap.experiments.effect`: intention-to-treat effects with 95 % intervals, overall and by band
  group, an adjusted estimate and a balance table (:func:`analyse`, :func:`effect_report`).

The arm reaches the rules as two plain switches on the folder (:class:`werkmap.plan.folder.ArmAssignment`,
read by :func:`werkmap.rules.state.folder_state`), so every rule keeps its one definition.
"""

from __future__ import annotations

from werkmap.experiments.assignment import (
    MIN_KEY_BYTES,
    arm_of,
    arms_of,
    assign,
    assignment_for,
    check_key,
    experiment_for,
)
from werkmap.experiments.definition import (
    Arm,
    Experiment,
    default_experiments,
    default_experiments_dir,
    load_experiment_documents,
    load_experiments,
)
from werkmap.experiments.effect import (
    BAND_GROUPS,
    GROUPS,
    HORIZONS,
    OUTCOMES,
    AdjustedEstimate,
    BalanceRow,
    EffectReport,
    Estimate,
    analyse,
    effect_report,
    experiment_folders,
    group_of_bands,
)

__all__ = [
    "BAND_GROUPS",
    "GROUPS",
    "HORIZONS",
    "MIN_KEY_BYTES",
    "OUTCOMES",
    "AdjustedEstimate",
    "Arm",
    "BalanceRow",
    "EffectReport",
    "Estimate",
    "Experiment",
    "analyse",
    "arm_of",
    "arms_of",
    "assign",
    "assignment_for",
    "check_key",
    "default_experiments",
    "default_experiments_dir",
    "effect_report",
    "experiment_folders",
    "experiment_for",
    "group_of_bands",
    "load_experiment_documents",
    "load_experiments",
]
