"""FHIR R4 Questionnaire export and import, validated by an independent FHIR implementation."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from werkmap.errors import InvalidQuestionnaire
from werkmap.profiler.fhir import EXTENSION_BASE, TRANSLATION, from_fhir, to_fhir
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
    assert EXTENSION_BASE + "text-en" not in urls  # English travels in HL7's translation extension
    assert "http://hl7.org/fhir/StructureDefinition/minValue" in urls
    assert resource["language"] == "nl"
    assert resource["effectivePeriod"] == {"start": "2017-01-01"}


def translation_of(element: dict) -> dict[str, str]:
    (ext,) = element["extension"]
    assert ext["url"] == TRANSLATION == "http://hl7.org/fhir/StructureDefinition/translation"
    parts = {e["url"]: e.get("valueCode", e.get("valueString")) for e in ext["extension"]}
    return {parts["lang"]: parts["content"]}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_texts_travel_in_hl7_translation_extensions(language):
    q = default_questionnaire()
    other = "en" if language == "nl" else "nl"
    resource = to_fhir(q, language=language)
    assert resource["language"] == language
    assert resource["title"] == q.title.get(language)
    assert translation_of(resource["_title"]) == {other: q.title.get(other)}
    item = next(i for i in resource["item"] if "answerOption" in i)
    source = next(it for it in q.iter_items() if it.link_id == item["linkId"])
    assert item["text"] == source.text.get(language)
    assert translation_of(item["_text"]) == {other: source.text.get(other)}
    coding = item["answerOption"][0]["valueCoding"]
    assert coding["display"] == source.options[0].label.get(language)
    assert translation_of(coding["_display"]) == {other: source.options[0].label.get(other)}
    validated = FhirQuestionnaire.model_validate(resource)
    assert from_fhir(json.loads(validated.model_dump_json())) == q
    assert from_fhir(resource) == q


def legacy(resource: dict) -> dict:
    """Rewrite a resource in werkmap's older form: English in custom extensions, no translations."""
    out = copy.deepcopy(resource)

    def move(node: dict, key: str, url: str) -> None:
        element = node.pop("_" + key, None)
        if element is not None:
            (en,) = translation_of(element).values()
            node.setdefault("extension", []).append(
                {"url": EXTENSION_BASE + url, "valueString": en}
            )

    move(out, "title", "title-en")
    move(out, "description", "description-en")

    def walk(items: list) -> None:
        for it in items:
            move(it, "text", "text-en")
            for opt in it.get("answerOption", []):
                element = opt["valueCoding"].pop("_display", None)
                if element is not None:
                    (en,) = translation_of(element).values()
                    opt.setdefault("extension", []).append(
                        {"url": EXTENSION_BASE + "label-en", "valueString": en}
                    )
            walk(it.get("item", []))

    walk(out["item"])
    return out


def test_the_older_custom_english_extensions_are_still_read():
    q = default_questionnaire()
    old = legacy(to_fhir(q))
    assert "_title" not in old
    assert from_fhir(old) == q


def strip_translations(node):
    if isinstance(node, dict):
        return {k: strip_translations(v) for k, v in node.items() if not k.startswith("_")}
    if isinstance(node, list):
        return [strip_translations(v) for v in node]
    return node


def test_a_single_language_questionnaire_is_refused_with_a_way_out_then_accepted_on_request():
    q = default_questionnaire()
    dutch_only = strip_translations(to_fhir(q))
    with pytest.raises(InvalidQuestionnaire) as err:
        from_fhir(dutch_only)
    assert "missing_translations='copy'" in str(err.value)
    assert TRANSLATION in str(err.value)
    accepted = from_fhir(dutch_only, missing_translations="copy")
    assert accepted.title.en == accepted.title.nl == q.title.nl
    assert all(it.text.en == it.text.nl for it in accepted.iter_items())
    # an English-only questionnaire is read as English, the Dutch copied
    english_only = strip_translations(to_fhir(q, language="en"))
    accepted_en = from_fhir(english_only, missing_translations="copy")
    assert accepted_en.title.en == q.title.en
    assert accepted_en.title.nl == q.title.en


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
