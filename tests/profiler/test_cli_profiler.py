"""The questionnaire, score and demo commands: output, exit codes, every problem on stderr."""

from __future__ import annotations

import io
import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from werkmap.cli import main
from werkmap.cli_common import unwrap_envelope
from werkmap.profiler.model import default_model, dump_model
from werkmap.profiler.questionnaire import (
    default_questionnaire,
    dump_questionnaire,
    parse_questionnaire,
)
from werkmap.profiler.scoring import score
from werkmap.profiler.synthetic import synthetic_answers

Q = default_questionnaire()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_questionnaire_as_text_in_both_languages(capsys):
    code, out, _ = run(capsys, "questionnaire")
    assert code == 0
    assert "Wat is uw leeftijd?" in out
    assert "q16" in out
    assert "alleen als q15 = True" in out
    code, out, _ = run(capsys, "questionnaire", "--language", "en")
    assert "What is your age?" in out
    assert "Illustrative" in out


def test_questionnaire_as_json_and_fhir(capsys):
    code, out, _ = run(capsys, "questionnaire", "--format", "json")
    assert code == 0
    assert json.loads(out)["kind"] == "questionnaire"
    assert parse_questionnaire(unwrap_envelope(out)) == Q
    code, out, _ = run(capsys, "questionnaire", "--format", "fhir")
    assert code == 0
    resource = json.loads(out)
    assert FhirQuestionnaire.model_validate(resource).url == Q.url


def test_questionnaire_from_a_bad_file_exits_2_with_every_problem(capsys, tmp_path):
    path = tmp_path / "q.json"
    data = json.loads(dump_questionnaire(Q))
    data["data"]["items"][1]["link_id"] = "q02"
    data["data"]["title"]["en"] = ""
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, "questionnaire", "--file", str(path))
    assert code == 2
    assert out == ""
    assert "WM-Q001" in err
    assert "WM-Q005" in err
    assert str(path) in err
    code, _, err = run(capsys, "questionnaire", "--file", str(tmp_path / "missing.json"))
    assert code == 2
    assert "cannot read" in err


def test_score_a_file_as_text_and_json(capsys, tmp_path):
    answers = synthetic_answers(1, seed=12)[0]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    expected = score(answers, default_model(), Q)
    code, out, _ = run(capsys, "score", str(path), "--language", "en")
    assert code == 0
    assert f"chance of work within a year: {100 * expected.probability:.1f} %" in out
    assert f"band: {expected.band} %" in out
    code, out, _ = run(capsys, "score", str(path), "--format", "json")
    assert code == 0
    doc = json.loads(out)["data"]
    assert doc["schema"] == "werkmap.profile"
    assert doc["data"]["probability"] == expected.probability
    assert doc["data"]["diagnosis"] == list(expected.diagnosis)


def test_score_in_dutch_uses_dutch_numbers_and_construct_names(capsys, tmp_path):
    answers = synthetic_answers(1, seed=12)[0]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    expected = score(answers, Q, default_model())
    code, out, _ = run(capsys, "score", str(path), "--language", "nl")
    assert code == 0
    pct = f"{100 * expected.probability:.1f}".replace(".", ",")
    assert f"kans op werk binnen een jaar: {pct} %" in out
    assert expected.diagnosis
    names = [Q.construct_label(c, "nl") for c in expected.diagnosis]
    assert f"belemmerende factoren: {', '.join(names)}" in out
    body = out.split("bijdrage per factor (log-odds):\n")[1].split("vragenlijst:")[0]
    shown = {line.rsplit(" ", 1)[0].strip(): line.rsplit(" ", 1)[1] for line in body.splitlines()}
    assert set(shown) == {Q.construct_label(c, "nl") for c in expected.construct_contributions}
    assert "perceived_health" not in shown
    assert "ervaren gezondheid" in shown
    for value in shown.values():
        assert "," in value
        assert "." not in value


def test_score_reads_stdin_and_a_wrapped_response(capsys, monkeypatch):
    answers = synthetic_answers(1, seed=13)[0]
    body = json.dumps({"questionnaire": Q.ref, "answers": answers})
    monkeypatch.setattr("sys.stdin", io.StringIO(body))
    code, out, _ = run(capsys, "score", "-")
    assert code == 0
    assert "kans op werk binnen een jaar" in out


def test_score_bad_answers_exit_2_listing_every_problem(capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"q01": 200, "q02": "x", "zz": 1}), encoding="utf-8")
    code, out, err = run(capsys, "score", str(path))
    assert code == 2
    assert out == ""
    assert "$.q01: expected an integer in 16..70, got 200" in err
    assert "$.q02: expected one of" in err
    assert "$.zz: unknown item" in err
    assert "$.q19: required, but not answered" in err


def test_score_bad_json_exits_2(capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "score", str(path))
    assert code == 2
    assert "invalid JSON" in err
    path.write_text(json.dumps({"answers": {}, "extra": 1}), encoding="utf-8")
    code, _, err = run(capsys, "score", str(path))
    assert code == 2
    assert "unknown keys ['extra']" in err


def test_score_answers_to_another_version_exit_1(capsys, tmp_path):
    path = tmp_path / "answers.json"
    answers = synthetic_answers(1, seed=1)[0]
    path.write_text(json.dumps({"questionnaire": f"{Q.url}|1999", "answers": answers}))
    code, _, err = run(capsys, "score", str(path))
    assert code == 1
    assert "1999" in err


def test_score_with_a_corrupt_model_file_exits_2(capsys, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(synthetic_answers(1, seed=1)[0]))
    model = tmp_path / "model.json"
    model.write_text(dump_model(default_model()).replace('"intercept"', '"intercep"'))
    code, _, err = run(capsys, "score", str(answers), "--model", str(model))
    assert code == 2
    assert str(model) in err
    assert "intercep" in err


def test_bands_prints_the_band_distribution(capsys):
    code, out, _ = run(capsys, "bands", "--jobseekers", "300", "--seed", "5", "--language", "en")
    assert code == 0
    for band in ("0-25", "25-50", "50-75", "75-100"):
        assert band in out
    assert "300 synthetic jobseekers" in out


def test_bands_json_is_reproducible(capsys):
    _, first, _ = run(capsys, "bands", "--json", "--jobseekers", "1000")
    _, again, _ = run(capsys, "bands", "--json", "--jobseekers", "1000")
    assert first == again
    doc = json.loads(first)["data"]
    assert doc["jobseekers"] == 1000
    assert sum(doc["bands"].values()) == 1000
    assert doc["bands"]["0-25"] + doc["bands"]["25-50"] == doc["at_most_50"]


def test_bands_refuses_a_non_positive_cohort(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["bands", "--jobseekers", "0"])
    assert exc.value.code == 2
