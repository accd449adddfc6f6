"""Model cards: every section present, numbers from the model and report, both languages, caveats."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pytest

from werkmap.errors import VersionMismatch
from werkmap.profiler.evaluate import evaluate
from werkmap.profiler.fit import fit_model
from werkmap.profiler.model import Provenance
from werkmap.profiler.model_card import is_illustrative, model_card
from werkmap.profiler.questionnaire import AnswerOption, Item, Questionnaire, Text

QUESTIONNAIRE = Questionnaire(
    url="https://example.org/card",
    version="3",
    status="active",
    valid_from=dt.date(2020, 1, 1),
    title=Text(nl="Kaart", en="Card"),
    items=(
        Item(link_id="age", type="integer", text=Text(nl="Leeftijd", en="Age"), required=True),
        Item(
            link_id="edu",
            type="choice",
            text=Text(nl="Opleiding", en="Education"),
            required=True,
            options=tuple(
                AnswerOption(code=c, label=Text(nl=c, en=c)) for c in ("low", "mid", "high")
            ),
        ),
    ),
)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(3)
    n = 3000
    age = rng.integers(18, 67, n)
    edu = rng.choice(["low", "mid", "high"], n)
    eta = 2.0 - 0.05 * (age - 18) + np.select([edu == "mid", edu == "high"], [0.4, 0.8], 0)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    answers = [{"age": int(a), "edu": str(e)} for a, e in zip(age, edu, strict=True)]
    out = fit_model(
        answers,
        y,
        questionnaire=QUESTIONNAIRE,
        id="card-model",
        version="1.2",
        valid_from=dt.date(2027, 1, 1),
        valid_until=dt.date(2027, 12, 31),
        created=dt.date(2026, 11, 20),
        data="UWV inflow 2024, outcomes after 12 months",
        description="Refit for 2027",
    )
    report = evaluate(
        y,
        out.predict_proba(),
        groups=edu,
        group_column="education",
        model_id="card-model",
        model_version="1.2",
        data_description="hold-out 2025",
    )
    return out, report


def test_card_has_every_section_and_the_numbers(fitted):
    out, report = fitted
    card = model_card(out.model, report)
    for heading in (
        "# Model card: card-model 1.2",
        "## Summary",
        "## Intended use",
        "## Human oversight",
        "## Data and method",
        "## Features and coefficients",
        "## Bands",
        "## Metrics",
        "### Observed against predicted, by band",
        "### Observed against predicted, by decile of the score",
        "### Routing errors",
        "#### Per group: education",
        "## Limitations",
    ):
        assert heading in card, heading
    assert "UWV inflow 2024, outcomes after 12 months" in card
    assert "from 2027-01-01, until 2027-12-31" in card
    assert "2026-11-20" in card
    assert "`https://example.org/card\\|3`" in card
    assert "Refit for 2027" in card
    assert "hold-out 2025" in card
    assert f"| {report.auc:.3f} |" in card
    assert f"| {report.brier:.4f} |" in card
    coef = out.model.coefficients[out.model.feature_names.index("edu=high")]
    se = out.model.standard_errors[1 + out.model.feature_names.index("edu=high")]
    assert f"| edu=high | edu (one_hot) | {coef:.3f} | {se:.3f} |" in card
    assert f"{coef - 1.959963984540054 * se:.3f} … {coef + 1.959963984540054 * se:.3f}" in card
    for g in report.groups:
        assert f"| {g.group} | {g.n} |" in card
    assert "override" in card
    assert "score ≤ 50.0 %" in card
    assert "Illustrative coefficients" not in card
    assert not is_illustrative(out.model)


def test_card_in_dutch(fitted):
    out, report = fitted
    card = model_card(out.model, report, language="nl")
    assert card.startswith("# Modelkaart: card-model 1.2")
    assert "## Menselijke tussenkomst" in card
    assert "## Beperkingen" in card
    assert "AVG artikel 22" in card
    assert "Intended use" not in card
    # Dutch numbers: a decimal comma in percentages and coefficients, never a decimal point
    assert "50,0 %" in card
    assert "50.0 %" not in card
    coef = out.model.coefficients[out.model.feature_names.index("edu=high")]
    assert f"{coef:.3f}".replace(".", ",") in card
    assert f"| {coef:.3f} |" not in card


def test_card_without_report_says_accuracy_is_unknown(fitted):
    out, _ = fitted
    card = model_card(out.model)
    assert "No evaluation report was given" in card
    assert "### Routing errors" not in card
    assert "## Limitations" in card


def test_illustrative_model_carries_the_caveat(fitted):
    out, report = fitted
    illustrative = attrs.evolve(
        out.model,
        provenance=Provenance(method="illustrative", notice="coefficients are illustrative"),
    )
    assert is_illustrative(illustrative)
    card = model_card(illustrative, report)
    assert "> **Illustrative coefficients.**" in card
    assert "Do not use this model to route real people" in card
    assert "not recorded" in card  # no creation date, no data size
    nl = model_card(illustrative, language="nl")
    assert "> **Illustratieve coëfficiënten.**" in nl


def test_report_of_another_model_is_refused(fitted):
    out, report = fitted
    other = attrs.evolve(report, model_version="9.9")
    with pytest.raises(VersionMismatch, match=r"card-model\|9\.9"):
        model_card(out.model, other)
    with pytest.raises(ValueError, match="language"):
        model_card(out.model, language="de")  # type: ignore[arg-type]
