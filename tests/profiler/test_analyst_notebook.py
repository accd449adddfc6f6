"""The analyst notebook runs from read_csv to a model card, and what it shows is right."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "analyst.ipynb"


@pytest.fixture(scope="module")
def namespace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Execute the code cells in order in one namespace, as a kernel would (no kernel needed)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("WERKMAP_EXAMPLE_TMP", str(tmp_path_factory.mktemp("analyst")))
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    ns: dict[str, object] = {"__name__": "__main__"}
    try:
        for number, cell in enumerate(notebook["cells"]):
            if cell["cell_type"] == "code":
                exec(compile("".join(cell["source"]), f"analyst.ipynb[cell {number}]", "exec"), ns)
    finally:
        mp.undo()
    return ns


def test_the_notebook_is_clean_nbformat_4():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code, "the notebook has code"
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code), "outputs cleared"
    first = "".join(notebook["cells"][0]["source"])
    assert "without a kernel" in first


def test_it_reads_the_csv_with_pandas_and_integer_codes_score_like_strings(namespace):
    frame = namespace["frame"]
    assert isinstance(frame, pd.DataFrame)
    assert frame["q04"].dtype.kind == "i", "read_csv gives integer codes"
    from werkmap.profiler import score_batch
    from werkmap.profiler.synthetic import synthetic_answers

    originals = synthetic_answers(len(frame), seed=21)  # the dicts the CSV was written from
    assert isinstance(originals[0]["q04"], str), "string codes"
    expected = score_batch(originals, namespace["model"], namespace["questionnaire"])
    np.testing.assert_allclose(
        namespace["scores"].probabilities, expected.probabilities, rtol=0, atol=1e-15
    )
    assert len(namespace["scored"]) == len(frame)


def test_its_summary_equals_statsmodels(namespace):
    fitted = namespace["fitted"]
    theirs = sm.Logit(fitted.outcomes, sm.add_constant(fitted.design)).fit(disp=0)
    theirs.set_null_options(method="newton", tol=1e-12, maxiter=100)
    expected = theirs.summary2(xname=list(fitted.result.names)).tables[1]
    table = namespace["coefficients"]
    assert list(table.columns) == list(expected.columns)
    np.testing.assert_allclose(
        table.loc[expected.index].to_numpy(),
        expected.to_numpy(dtype=float),
        rtol=1e-8,
        atol=1e-8,
    )
    stats = namespace["summary"].statistics()
    assert stats["AIC"] == pytest.approx(theirs.aic, abs=1e-8)
    assert stats["Log-Likelihood"] == pytest.approx(theirs.llf, abs=1e-8)
    assert stats["Pseudo R-squared"] == pytest.approx(theirs.prsquared, abs=1e-8)


def test_its_evaluation_and_model_card(namespace):
    evaluation = namespace["evaluation"]
    assert list(evaluation.index) == ["all", "50+", "<50"]
    assert evaluation.loc["all", "n"] == len(namespace["frame"])
    assert evaluation.loc["50+", "n"] + evaluation.loc["<50", "n"] == evaluation.loc["all", "n"]
    card = namespace["card"]
    assert card.startswith("# Model card: analyst-example 1")
    assert "#### Per group: age" in card
