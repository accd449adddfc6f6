"""FHIR QuestionnaireResponse both ways, validated by fhir.resources; scoring a response equals scoring the dict."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from werkmap.cli import main
from werkmap.errors import InvalidAnswers
from werkmap.profiler.fhir import (
    answers_from_response,
    is_questionnaire_response,
    to_questionnaire_response,
)
from werkmap.profiler.model import default_model
from werkmap.profiler.questionnaire import default_questionnaire, validate_answers
from werkmap.profiler.scoring import score
from werkmap.profiler.synthetic import synthetic_answers

Q = default_questionnaire()
M = default_model()


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_round_trip_validated_by_fhir_resources(seed):
    answers = synthetic_answers(1, seed=seed)[0]
    resource = to_questionnaire_response(
        answers, Q, authored=dt.date(2026, 12, 1), subject="Patient/pseudonym-1"
    )
    validated = QuestionnaireResponse.model_validate(json.loads(json.dumps(resource)))
    assert validated.questionnaire == Q.ref
    assert validated.status == "completed"
    assert is_questionnaire_response(resource)
    assert validate_answers(answers_from_response(resource, Q), Q) == validate_answers(answers, Q)
    assert score(resource, M, Q) == score(answers, M, Q)


def test_the_language_sets_texts_and_displays():
    answers = synthetic_answers(1, seed=1)[0]
    nl = to_questionnaire_response(answers, Q)
    en = to_questionnaire_response(answers, Q, language="en")
    assert nl["language"] == "nl"
    assert en["language"] == "en"
    first_nl, first_en = nl["item"][0], en["item"][0]
    assert first_nl["linkId"] == first_en["linkId"]
    item = next(it for it in Q.items if it.link_id == first_nl["linkId"])
    assert first_nl["text"] == item.text.nl
    assert first_en["text"] == item.text.en


def test_a_response_to_another_questionnaire_is_refused():
    resource = to_questionnaire_response(synthetic_answers(1, seed=1)[0], Q)
    resource["questionnaire"] = "https://example.org/other|1"
    with pytest.raises(InvalidAnswers, match=r"the response answers https://example\.org/other"):
        answers_from_response(resource, Q)


def test_a_malformed_response_lists_every_problem():
    resource = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"text": "no link id"}, {"linkId": "q04", "answer": [{}]}],
    }
    with pytest.raises(InvalidAnswers) as err:
        answers_from_response(resource, Q)
    paths = [p.path for p in err.value.problems]
    assert paths == ["$.item[0]", "$.item[1].answer[0]"]


def test_the_cli_scores_a_questionnaire_response(capsys, tmp_path):
    answers = synthetic_answers(1, seed=9)[0]
    path = tmp_path / "response.json"
    path.write_text(json.dumps(to_questionnaire_response(answers, Q)), encoding="utf-8")
    assert main(["score", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "score"
    assert doc["data"]["data"]["probability"] == score(answers, M, Q).probability


def test_the_cli_export_honours_the_language(capsys):
    assert main(["questionnaire", "--format", "fhir", "--language", "en"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["language"] == "en"
    assert doc["title"] == Q.title.en
