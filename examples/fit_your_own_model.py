"""Fit your own Work Profiler model, evaluate it on a hold-out cohort and write its model card.

The outcome data here are synthetic (drawn from the packaged illustrative model), so the script runs
anywhere; with real data you would read your own answers and outcomes instead (see the guide
"Fit and publish your own model").

Run it with ``python examples/fit_your_own_model.py``; it writes ``model.json``, ``report.json`` and
``model-card.md`` into the current directory.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from werkmap.profiler.evaluate import evaluate
from werkmap.profiler.fit import fit_model
from werkmap.profiler.model import default_model, save_model
from werkmap.profiler.model_card import model_card
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.scoring import score_batch
from werkmap.profiler.synthetic import simulate_outcomes, synthetic_cohort
from werkmap.serialization import dumps

questionnaire = default_questionnaire()
truth = default_model()

# 1. Data: answers of a "fitting" cohort and a later "hold-out" cohort, with observed outcomes
#    (1 = found work within a year). Here both are synthetic.
fit_cohort = synthetic_cohort(20_000, seed=2023)
holdout_cohort = synthetic_cohort(10_000, seed=2024)
fit_y = simulate_outcomes(
    score_batch(fit_cohort.design(truth.encoding), truth).probabilities, seed=1
)
holdout_y = simulate_outcomes(
    score_batch(holdout_cohort.design(truth.encoding), truth).probabilities, seed=2
)
fit_answers = fit_cohort.answers()

# 2. Fit: validate the answers, encode them like the packaged model, maximum likelihood.
fitted = fit_model(
    fit_answers,
    fit_y,
    questionnaire=questionnaire,
    encoding=truth.encoding,
    id="werkverkenner-example",
    version="2027.1",
    valid_from=dt.date(2027, 1, 1),
    created=dt.date(2026, 12, 1),
    data="synthetic inflow cohort 2023 (werkmap.profiler.synthetic, seed 2023), n=20,000",
    description="Example refit of the Work Profiler on synthetic outcome data.",
)
result = fitted.result
print(
    f"fitted {fitted.model.ref}: {result.n_observations} people, {result.iterations} Newton steps"
)
print(f"log-likelihood {result.log_likelihood:.1f} (null {result.null_log_likelihood:.1f})")
for row in result.coefficient_table()[:6]:
    print(f"  {row.name:<14} {row.estimate:+.3f}  (95% {row.ci_low:+.3f} .. {row.ci_high:+.3f})")

# 3. Evaluate on the hold-out cohort, with per-group routing errors (age class).
holdout_p = score_batch(holdout_cohort.design(fitted.model.encoding), fitted.model).probabilities
ages = holdout_cohort.columns["q01"]
age_class = ["18-34" if a < 35 else "35-54" if a < 55 else "55+" for a in ages.tolist()]
report = evaluate(
    holdout_y,
    holdout_p,
    groups=age_class,
    group_column="age class",
    model_id=fitted.model.id,
    model_version=fitted.model.version,
    data_description="synthetic hold-out cohort 2024, n=10,000",
)
print(f"hold-out AUC {report.auc:.3f}, Brier {report.brier:.4f}")
assert report.calibration is not None
print(
    f"calibration intercept {report.calibration.intercept:+.3f}, "
    f"slope {report.calibration.slope:.3f}"
)
for g in report.groups:
    print(
        f"  {g.group:<6} invited {g.positive_rate:6.1%}  false-negative {g.false_negative_rate:6.1%}"
        f"  false-positive {g.false_positive_rate:6.1%}"
    )

# 4. Publish: the model file, the report and the model card (English and Dutch).
out = Path.cwd()
save_model(fitted.model, out / "model.json")
(out / "report.json").write_text(dumps(report, indent=2) + "\n", encoding="utf-8")
(out / "model-card.md").write_text(model_card(fitted.model, report), encoding="utf-8")
(out / "modelkaart.md").write_text(
    model_card(fitted.model, report, language="nl"), encoding="utf-8"
)
print(f"wrote model.json, report.json, model-card.md and modelkaart.md to {out}")
