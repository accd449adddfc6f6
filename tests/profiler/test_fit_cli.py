"""`werkmap fit` and `werkmap model-card`: files in, files and text out, exit codes 0 / 1 / 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from werkmap.cli import main
from werkmap.profiler.evaluate import EvaluationReport
from werkmap.profiler.model import default_model, load_model
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.scoring import score_batch
from werkmap.profiler.synthetic import simulate_outcomes, synthetic_cohort
from werkmap.serialization import loads


def write_csv(path: Path, answers, outcomes, groups=None) -> Path:
    items = [it.link_id for it in default_questionnaire().answerable_items()]
    header = [*items, "werk_binnen_jaar"] + (["leeftijdsklasse"] if groups is not None else [])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i, person in enumerate(answers):
            row = []
            for link_id in items:
                value = person.get(link_id, "")
                row.append(str(value).lower() if isinstance(value, bool) else str(value))
            row.append(str(int(outcomes[i])))
            if groups is not None:
                row.append(groups[i])
            writer.writerow(row)
    return path


@pytest.fixture(scope="module")
def cohort_csv(tmp_path_factory):
    model = default_model()
    cohort = synthetic_cohort(6000, seed=11)
    p = score_batch(cohort.design(model.encoding), model).probabilities
    y = simulate_outcomes(p, seed=12)
    answers = cohort.answers()
    groups = ["18-34" if a["q01"] < 35 else "35-54" if a["q01"] < 55 else "55+" for a in answers]
    path = write_csv(tmp_path_factory.mktemp("fit") / "uitkomsten.csv", answers, y, groups)
    return path, y


def test_fit_writes_model_and_report_then_model_card(cohort_csv, tmp_path, capsys):
    path, y = cohort_csv
    model_path, report_path = tmp_path / "model.json", tmp_path / "report.json"
    code = main(
        [
            "fit",
            str(path),
            "--outcome",
            "werk_binnen_jaar",
            "--group",
            "leeftijdsklasse",
            "--out",
            str(model_path),
            "--report",
            str(report_path),
            "--id",
            "wv-test",
            "--model-version",
            "2026.1",
            "--created",
            "2026-11-22",
            "--valid-from",
            "2027-01-01",
            "--language",
            "en",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "fitted wv-test|2026.1 on 6000 rows" in out.out
    assert "model written to" in out.out
    model = load_model(model_path, questionnaire=default_questionnaire())
    assert model.provenance.created.isoformat() == "2026-11-22"
    assert model.valid_from.isoformat() == "2027-01-01"
    assert model.provenance.n_observations == 6000
    assert model.encoding == default_model().encoding
    # the outcomes were simulated from the default model: the refit recovers its coefficients
    truth = np.array([default_model().intercept, *default_model().coefficients])
    fitted = np.array([model.intercept, *model.coefficients])
    se = np.array(model.standard_errors)
    assert np.mean(np.abs(fitted - truth) / se) < 1.5
    report = loads(report_path.read_text(encoding="utf-8"), EvaluationReport)
    assert report.n == 6000
    assert report.n_positive == int(y.sum())
    assert [g.group for g in report.groups] == ["18-34", "35-54", "55+"]
    assert report.group_column == "leeftijdsklasse"
    assert report.model_id == "wv-test"

    code = main(["model-card", str(model_path), "--report", str(report_path), "--language", "en"])
    card = capsys.readouterr().out
    assert code == 0
    assert card.startswith("# Model card: wv-test 2026.1")
    assert "#### Per group: leeftijdsklasse" in card
    assert "| 55+ |" in card
    code = main(["model-card", str(model_path), "--language", "nl"])
    assert code == 0
    assert capsys.readouterr().out.startswith("# Modelkaart: wv-test 2026.1")


def test_model_card_of_the_packaged_model_is_illustrative(tmp_path, capsys):
    from werkmap.profiler.model import save_model

    path = save_model(default_model(), tmp_path / "default.json")
    assert main(["model-card", str(path), "--language", "en"]) == 0
    card = capsys.readouterr().out
    assert "Illustrative coefficients" in card
    assert "No evaluation report was given" in card


def test_bad_csv_exits_2_listing_every_problem(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "q01,q02,werk,schoenmaat\n34,hbo,1,44\n",
        encoding="utf-8",
    )
    out = tmp_path / "model.json"
    code = main(["fit", str(bad), "--outcome", "werk", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    # an extra column is left out (not a problem); each missing required column is one problem
    assert "schoenmaat" not in err
    assert err.count("'q19' is missing") == 1
    assert not out.exists()

    rows = tmp_path / "rows.csv"
    answers = synthetic_cohort(3, seed=1).answers()
    write_csv(rows, answers, [1, 0, 1])
    lines = rows.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[0] = "oud"  # q01 not an integer
    cells[-1] = "misschien"  # outcome not 0/1
    lines[2] = ",".join(cells)
    lines[3] = (
        lines[3]
        .replace(",hbo,", ",phd,")
        .replace(",mbo,", ",phd,")
        .replace(",vmbo,", ",phd,")
        .replace(",wo,", ",phd,")
        .replace(",basis,", ",phd,")
        .replace(",havo_vwo,", ",phd,")
    )
    rows.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["fit", str(rows), "--outcome", "werk_binnen_jaar", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "line 3, column q01" in err
    assert "line 3, column werk_binnen_jaar" in err
    assert "line 4, column q02" in err
    assert str(rows) in err


def test_missing_and_corrupt_files_exit_2(tmp_path, capsys):
    code = main(["fit", str(tmp_path / "nope.csv"), "--outcome", "y", "--out", "m.json"])
    assert code == 2
    assert "cannot read the file" in capsys.readouterr().err
    corrupt = tmp_path / "model.json"
    data = {"schema": "werkmap.scoring_model", "schema_version": 1, "data": {"id": "m"}}
    corrupt.write_text(json.dumps(data), encoding="utf-8")
    code = main(["model-card", str(corrupt)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(corrupt) in err
    assert "$.version" in err
    report = tmp_path / "report.json"
    report.write_text('{"schema": "werkmap.evaluation_report", "schema_version": 1}', "utf-8")
    from werkmap.profiler.model import save_model

    model = save_model(default_model(), tmp_path / "default.json")
    code = main(["model-card", str(model), "--report", str(report)])
    err = capsys.readouterr().err
    assert code == 2
    assert "$.data" in err


def test_report_of_another_model_exits_1(cohort_csv, tmp_path, capsys):
    path, _ = cohort_csv
    report = tmp_path / "report.json"
    model = tmp_path / "model.json"
    args = ["fit", str(path), "--outcome", "werk_binnen_jaar", "--group", "leeftijdsklasse"]
    assert main([*args, "--out", str(model), "--report", str(report), "--model-version", "1"]) == 0
    other = tmp_path / "other.json"
    assert main([*args, "--out", str(other), "--model-version", "2", "--l2", "1.0"]) == 0
    capsys.readouterr()
    assert main(["model-card", str(other), "--report", str(report)]) == 1
    assert "evaluates model" in capsys.readouterr().err


def test_separation_exits_1_naming_the_answer(tmp_path, capsys):
    cohort = synthetic_cohort(800, seed=5)
    answers = cohort.answers()
    rng = np.random.default_rng(5)
    y = (rng.random(800) < 0.6).astype(int)
    y[[a["q02"] == "wo" for a in answers]] = 1
    path = write_csv(tmp_path / "sep.csv", answers, y)
    code = main(["fit", str(path), "--outcome", "werk_binnen_jaar", "--out", str(tmp_path / "m")])
    err = capsys.readouterr().err
    assert code == 1
    assert "perfect separation" in err
    assert "q02=wo" in err


def test_fit_with_own_questionnaire_and_like(tmp_path, capsys):
    from werkmap.profiler.model import default_encoding, save_model
    from werkmap.profiler.questionnaire import dump_questionnaire

    rng = np.random.default_rng(8)
    answers = synthetic_cohort(1500, seed=8).answers()
    y = (rng.random(1500) < 0.6).astype(int)
    path = write_csv(tmp_path / "data.csv", answers, y)
    qfile = tmp_path / "q.json"
    qfile.write_text(dump_questionnaire(default_questionnaire()), encoding="utf-8")
    like = save_model(default_model(), tmp_path / "like.json")
    base = ["fit", str(path), "--outcome", "werk_binnen_jaar", "--questionnaire", str(qfile)]
    assert main([*base, "--like", str(like), "--out", str(tmp_path / "a.json")]) == 0
    assert load_model(tmp_path / "a.json").encoding == default_model().encoding
    # --like a model of the packaged questionnaire, or the packaged default: the same encoding
    assert main([*base, "--out", str(tmp_path / "b.json"), "--l2", "2"]) == 0
    b = load_model(tmp_path / "b.json")
    assert b.encoding == default_model().encoding
    assert "l2 = 2" in b.provenance.method
    # another questionnaire version: the encoding is derived from the questionnaire itself
    import attrs

    other = attrs.evolve(default_questionnaire(), version="2099.1")
    qfile.write_text(dump_questionnaire(other), encoding="utf-8")
    assert main([*base, "--out", str(tmp_path / "c.json")]) == 0
    c = load_model(tmp_path / "c.json", questionnaire=other)
    assert c.questionnaire == other.ref
    assert c.encoding == default_encoding(other)
    assert c.encoding != default_model().encoding
    capsys.readouterr()
