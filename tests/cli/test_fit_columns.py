"""`werkmap fit`: an id column, ignored columns, extra columns left out, header problems once, a design matrix."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from werkmap.profiler.fit import FitResult, fit
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.synthetic import synthetic_answers
from werkmap.serialization import loads

from .conftest import run

ITEMS = [it.link_id for it in default_questionnaire().answerable_items()]


def _csv(
    path: Path, *, extra: dict[str, list[str]] | None = None, drop: str = "", n: int = 300
) -> Path:
    extra = extra or {}
    items = [k for k in ITEMS if k != drop]
    rows = [",".join([*extra, *items, "y"])]
    for i, person in enumerate(synthetic_answers(n, seed=9)):
        cells = []
        for k in items:
            v = person.get(k, "")
            cells.append(str(v).lower() if isinstance(v, bool) else str(v))
        rows.append(
            ",".join([*(values[i] for values in extra.values()), *cells, str((i * 7) % 3 == 0)])
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_extra_columns_are_left_out_and_named_once(tmp_path, capsys):
    n = 300
    path = _csv(
        tmp_path / "a.csv", extra={"datum": ["2024-01-01"] * n, "regio": ["noord"] * n}, n=n
    )
    out = tmp_path / "m.json"
    code, _, err = run(
        capsys, "fit", str(path), "--outcome", "y", "--out", str(out), "--format", "json"
    )
    assert code == 0, err
    assert err.count("left out the columns datum, regio") == 1
    assert out.exists()
    code, stdout, err = run(
        capsys,
        "fit",
        str(path),
        "--outcome",
        "y",
        "--out",
        str(out),
        "--force",
        "--ignore-column",
        "datum",
        "--ignore-column",
        "regio",
        "--format",
        "json",
    )
    assert code == 0
    assert err == ""
    assert json.loads(stdout)["data"]["ignored_columns"] == ["datum", "regio"]


def test_an_id_column_must_be_unique(tmp_path, capsys):
    n = 300
    ids = [f"p{i}" for i in range(n)]
    path = _csv(tmp_path / "a.csv", extra={"persoon": ids}, n=n)
    out = tmp_path / "m.json"
    code, _, err = run(
        capsys, "fit", str(path), "--outcome", "y", "--id-column", "persoon", "--out", str(out)
    )
    assert code == 0, err
    assert err == ""
    ids[5] = "p4"
    path = _csv(tmp_path / "b.csv", extra={"persoon": ids}, n=n)
    code, _, err = run(
        capsys,
        "fit",
        str(path),
        "--outcome",
        "y",
        "--id-column",
        "persoon",
        "--out",
        str(tmp_path / "x.json"),
    )
    assert code == 2
    assert "duplicate id 'p4'" in err


def test_a_missing_required_column_is_one_problem_not_one_per_row(tmp_path, capsys):
    path = _csv(tmp_path / "a.csv", drop="q19")
    code, _, err = run(
        capsys, "fit", str(path), "--outcome", "y", "--out", str(tmp_path / "m.json")
    )
    assert code == 2
    assert err.count("q19") == 1
    assert "the column 'q19' is missing" in err
    assert "300 rows need it" in err


def test_a_column_to_ignore_must_be_there(tmp_path, capsys):
    path = _csv(tmp_path / "a.csv")
    code, _, err = run(
        capsys,
        "fit",
        str(path),
        "--outcome",
        "y",
        "--ignore-column",
        "nope",
        "--out",
        str(tmp_path / "m.json"),
    )
    assert code == 2
    assert "'nope' to ignore is not in the header" in err


def _design(tmp_path: Path, n: int = 500) -> tuple[Path, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = np.column_stack([rng.normal(size=n), rng.integers(0, 2, size=n).astype(float)])
    p = 1 / (1 + np.exp(-(0.3 + 0.8 * x[:, 0] - 0.5 * x[:, 1])))
    y = (rng.random(n) < p).astype(int)
    lines = ["id;leeftijd_z;vrouw;werk;notitie"]
    lines += [
        f"r{i};{str(round(x[i, 0], 6)).replace('.', ',')};{int(x[i, 1])};{y[i]};x" for i in range(n)
    ]
    path = tmp_path / "design.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, np.round(x, 6), y


def test_a_design_matrix_is_fitted_without_a_questionnaire(tmp_path, capsys):
    path, x, y = _design(tmp_path)
    out = tmp_path / "fit.json"
    argv = ["fit", str(path), "--design-matrix", "--outcome", "werk", "--id-column", "id"]
    code, stdout, err = run(
        capsys, *argv, "--ignore-column", "notitie", "--out", str(out), "--format", "json"
    )
    assert code == 0, err
    data = json.loads(stdout)["data"]
    expected = fit(x, y, feature_names=["leeftijd_z", "vrouw"])
    assert [r["parameter"] for r in data["coefficients"]] == ["intercept", "leeftijd_z", "vrouw"]
    assert np.allclose([r["coef"] for r in data["coefficients"]], expected.estimates, atol=1e-10)
    written = loads(out.read_text(encoding="utf-8"), FitResult)
    assert np.allclose(written.estimates, expected.estimates, atol=1e-10)
    code, stdout, _ = run(capsys, *argv, "--ignore-column", "notitie")
    assert code == 0
    assert "Logistic regression" in stdout
    assert "leeftijd_z" in stdout


def test_a_design_matrix_needs_numbers(tmp_path, capsys):
    path, _, _ = _design(tmp_path)
    code, _, err = run(
        capsys, "fit", str(path), "--design-matrix", "--outcome", "werk", "--id-column", "id"
    )
    assert code == 2
    assert "column notitie: expected a number, got 'x'" in err
    assert "line 2," in err
