"""FHIR R4 Questionnaire export and import, validated by an independent FHIR implementation."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from werkmap.errors import InvalidQuestionnaire
from werkmap.profiler.fhir import EXTENSION_BASE, from_fhir, to_fhir
from werkmap.profiler.questionnaire import (
    AnswerOption,
    EnableWhen,
    Item,
    Questionnaire,
    Text,
    default_questionnaire,
    parse_questionnaire,
)

T = Text(nl="tekst", en="text")

RICH = Questionnaire(
    url="https://example.org/q",
    version="3",
    status="draft",
    valid_from=dt.date(2020, 1, 1),
    valid_until=dt.date(2020, 12, 31),
    title=Text(nl="Titel", en="Title"),
    description=Text(nl="Omschrijving", en="Description"),
    items=(
        Item(link_id="n", type="decimal", text=T, min_value=0.5, max_value=9.5, construct="x"),
        Item(link_id="d", type="date", text=T),
        Item(link_id="s", type="string", text=T),
        Item(
            link_id="g",
            type="group",
            text=T,
            enable_when=(
                EnableWhen(question="n", operator=">", answer=2.5),
                EnableWhen(question="d", operator="<=", answer="2020-06-01"),
                EnableWhen(question="s", operator="!=", answer="nee"),
            ),
            enable_behavior="any",
            items=(
                Item(link_id="g.i", type="integer", text=T, required=True, min_value=1),
                Item(
                    link_id="g.c",
                    type="choice",
                    text=T,
                    options=(
                        AnswerOption(code="a", label=Text(nl="A", en="A")),
                        AnswerOption(code="b", label=Text(nl="B", en="B"), ordinal=2.0),
                    ),
                    enable_when=(EnableWhen(question="g.i", operator="exists", answer=True),),
                ),
                Item(
                    link_id="g.t",
                    type="display",
                    text=T,
                    enable_when=(EnableWhen(question="g.c", operator="=", answer="b"),),
                ),
            ),
        ),
    ),
)


@pytest.mark.parametrize("q", [default_questionnaire(), RICH], ids=["default", "rich"])
def test_export_is_a_valid_fhir_r4_questionnaire_and_round_trips(q):
    resource = to_fhir(q)
    validated = FhirQuestionnaire.model_validate(resource)
    assert validated.url == q.url
    assert validated.version == q.version
    assert len(validated.item) == len(q.items)
    assert from_fhir(resource) == q
    # and back through the independent implementation's own JSON
    assert from_fhir(json.loads(validated.model_dump_json())) == q


def test_werkmap_fields_are_carried_in_werkmap_extensions():
    resource = to_fhir(default_questionnaire())
    q01 = resource["item"][1]
    urls = {e["url"] for e in q01["extension"]}
    assert EXTENSION_BASE + "construct" in urls
    assert EXTENSION_BASE + "text-en" in urls
    assert "http://hl7.org/fhir/StructureDefinition/minValue" in urls
    assert resource["language"] == "nl"
    assert resource["effectivePeriod"] == {"start": "2017-01-01"}


def test_parse_questionnaire_reads_fhir_json_too():
    q = default_questionnaire()
    assert parse_questionnaire(json.dumps(to_fhir(q))) == q


def test_import_lists_every_problem():
    resource = copy.deepcopy(to_fhir(RICH))
    del resource["version"]
    resource["status"] = "unknown"
    resource["item"][0]["type"] = "attachment"
    resource["item"][3]["item"][1]["answerOption"][0] = {"valueString": "a"}
    resource["item"][3]["enableWhen"][0]["operator"] = "~"
    with pytest.raises(InvalidQuestionnaire) as err:
        from_fhir(resource, source="q.fhir.json")
    paths = {p.path for p in err.value.problems}
    assert paths == {
        "$.version",
        "$.status",
        "$.item[0].type",
        "$.item[3].item[1].answerOption[0].valueCoding",
        "$.item[3].enableWhen[0].operator",
    }
    assert "q.fhir.json" in str(err.value)


def test_import_lints_the_result():
    resource = to_fhir(RICH)
    resource["item"][1]["linkId"] = "n"
    with pytest.raises(InvalidQuestionnaire) as err:
        from_fhir(resource)
    assert "WM-Q001" in err.value.codes


def test_import_refuses_other_resources():
    with pytest.raises(InvalidQuestionnaire):
        from_fhir({"resourceType": "Patient"})
