"""Score one person with the Work Profiler: answers in, probability, band and hindering factors out.

Run: python examples/score_one_person.py

The questionnaire and model are the packaged, *illustrative* ones: the agency's own item texts and
coefficients are not public. Load your own with ``load_questionnaire(path)`` and ``load_model(path)``.
"""

from werkmap import InvalidAnswers, load_model, load_questionnaire, score, score_batch
from werkmap.profiler import synthetic_cohort

questionnaire = load_questionnaire()
model = load_model()
print(f"questionnaire {questionnaire.ref}, model {model.ref}")

answers = {
    "q01": 58,  # age
    "q02": "vmbo",  # education
    "q03": 36,  # years worked
    "q04": "4",  # 10 years or more at the last employer
    "q05": "2",  # expects a small chance of work within six months
    "q06": "2",
    "q07": "4",
    "q08": 4,  # planned applications in four weeks
    "q09": "3",
    "q10": "2",
    "q11": "4",
    "q12": "2",
    "q13": "3",
    "q14": "2",  # health: fair
    "q15": True,  # health hinders work ...
    "q16": "2",  # ... quite a lot (asked only because q15 is true)
    "q17": "3",
    "q18": "4",
    "q19": "5",
}

profile = score(answers, questionnaire, model)
low, high = profile.interval or (float("nan"), float("nan"))
print(
    f"chance of work within a year: {profile.probability:.1%} (95% interval {low:.1%} .. {high:.1%})"
)
print(
    f"band: {profile.band} %  -> {'orientation conversation' if profile.probability <= 0.5 else 'digital service'}"
)
print("hindering factors (diagnosis):", ", ".join(profile.diagnosis))
for construct, value in sorted(profile.construct_contributions.items(), key=lambda kv: kv[1]):
    print(f"  {construct:<26} {value:+.3f} log-odds")

# Bad answers: one error lists every problem with its path.
try:
    score({**answers, "q01": 7, "q05": "9", "q99": 1}, questionnaire, model)
except InvalidAnswers as exc:
    print(exc)

# A whole (synthetic) population at once.
cohort = synthetic_cohort(10_000, seed=1)
scores = score_batch(cohort.design(model.encoding), model, questionnaire)
print("band distribution of 10,000 synthetic jobseekers:", scores.band_counts())
