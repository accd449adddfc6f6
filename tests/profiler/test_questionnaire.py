"""The questionnaire schema: every lint code, loading, versions, skip logic."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap.errors import InvalidQuestionnaire
from werkmap.profiler.questionnaire import (
    AnswerOption,
    EnableWhen,
    Item,
    Questionnaire,
    Text,
    check_versions,
    default_questionnaire,
    dump_questionnaire,
    enabled_items,
    lint_questionnaire,
    load_questionnaire,
    parse_questionnaire,
    questionnaire_from_data,
    questionnaire_to_data,
    select_version,
)

T = Text(nl="tekst", en="text")


def opt(code: str) -> AnswerOption:
    return AnswerOption(code=code, label=Text(nl=f"optie {code}", en=f"option {code}"))


def item(link_id: str, type_: str = "integer", **kw: object) -> Item:
    return Item(link_id=link_id, type=type_, text=T, **kw)  # type: ignore[arg-type]


def make(*items: Item, **kw: object) -> Questionnaire:
    base: dict[str, object] = {
        "url": "https://example.org/q",
        "version": "1",
        "status": "active",
        "valid_from": dt.date(2020, 1, 1),
        "title": Text(nl="Titel", en="Title"),
        "items": items,
    }
    base.update(kw)
    return Questionnaire(**base)  # type: ignore[arg-type]


def codes(q: Questionnaire) -> list[str]:
    return [p.code for p in lint_questionnaire(q)]


def test_the_packaged_questionnaire_is_clean_and_has_19_questions():
    q = default_questionnaire()
    assert lint_questionnaire(q) == []
    assert len(q.answerable_items()) == 19
    constructs = {it.construct for it in q.answerable_items()}
    assert {
        "age",
        "education",
        "work_history",
        "reemployment_expectation",
        "job_search_intention",
        "attitude",
        "social_norm",
        "self_efficacy",
        "perceived_health",
        "attribution",
        "motivation",
    } <= constructs
    assert "illustrative" in q.description.en.lower()
    assert "illustratief" in q.description.nl.lower()
    assert all(it.text.nl and it.text.en for it in q.iter_items())


def test_a_clean_questionnaire_has_no_problems():
    q = make(item("a"), item("b", enable_when=(EnableWhen(question="a", operator=">", answer=3),)))
    assert lint_questionnaire(q) == []


def test_wm_q001_duplicate_link_id():
    q = make(item("a"), item("a"))
    problems = lint_questionnaire(q)
    assert [p.code for p in problems] == ["WM-Q001"]
    assert problems[0].path == "$.items[1].link_id"
    assert "first at $.items[0]" in problems[0].message


def test_wm_q002_enable_when_names_an_unknown_item():
    q = make(item("a", enable_when=(EnableWhen(question="zz", operator="exists", answer=True),)))
    problems = lint_questionnaire(q)
    assert [p.code for p in problems] == ["WM-Q002"]
    assert problems[0].path == "$.items[0].enable_when[0].question"


def test_wm_q003_enable_when_cycle():
    q = make(
        item("a", enable_when=(EnableWhen(question="c", operator="exists", answer=True),)),
        item("b", enable_when=(EnableWhen(question="a", operator="exists", answer=True),)),
        item("c", enable_when=(EnableWhen(question="b", operator="exists", answer=True),)),
    )
    problems = [p for p in lint_questionnaire(q) if p.code == "WM-Q003"]
    assert len(problems) == 1
    assert "a -> " in problems[0].message or "c -> " in problems[0].message


def test_wm_q003_an_item_depending_on_itself():
    q = make(item("a", enable_when=(EnableWhen(question="a", operator="exists", answer=True),)))
    assert codes(q) == ["WM-Q003"]


def test_wm_q004_option_without_code_and_duplicate_codes():
    q = make(item("a", "choice", options=(opt(""), opt("x"), opt("x"))))
    problems = lint_questionnaire(q)
    assert [p.code for p in problems] == ["WM-Q004", "WM-Q004"]
    assert problems[0].path == "$.items[0].options[0].code"
    assert problems[1].path == "$.items[0].options[2].code"


def test_wm_q005_missing_translations():
    q = make(
        item("a", "choice", options=(AnswerOption(code="1", label=Text(nl="een")),)),
        Item(link_id="b", type="integer", text=Text(nl="", en="only English")),
        title=Text(nl="Titel"),
    )
    problems = lint_questionnaire(q)
    assert {(p.code, p.path) for p in problems} == {
        ("WM-Q005", "$.title.en"),
        ("WM-Q005", "$.items[0].options[0].label.en"),
        ("WM-Q005", "$.items[1].text.nl"),
    }


def test_wm_q006_overlapping_versions():
    a = make(version="1", valid_until=dt.date(2021, 12, 31))
    b = make(version="2", valid_from=dt.date(2021, 6, 1))
    with pytest.raises(InvalidQuestionnaire) as err:
        check_versions([a, b])
    assert err.value.codes == ("WM-Q006",)
    assert "overlap" in str(err.value)


def test_wm_q006_same_version_twice_and_adjacent_periods_are_fine():
    a = make(version="1", valid_until=dt.date(2021, 12, 31))
    b = make(version="2", valid_from=dt.date(2022, 1, 1))
    check_versions([a, b])
    with pytest.raises(InvalidQuestionnaire) as err:
        check_versions([a, a])
    assert err.value.codes == ("WM-Q006",)


def test_select_version_picks_the_version_valid_on_a_date():
    a = make(version="1", valid_until=dt.date(2021, 12, 31))
    b = make(version="2", valid_from=dt.date(2022, 1, 1))
    assert select_version([a, b], a.url, dt.date(2021, 12, 31)).version == "1"
    assert select_version([a, b], a.url, dt.date(2022, 1, 1)).version == "2"
    with pytest.raises(LookupError):
        select_version([a, b], a.url, dt.date(2019, 1, 1))


def test_wm_q007_item_structure():
    q = make(
        item("a", "choice"),
        item("b", "integer", options=(opt("1"),)),
        item("g", "group"),
        item("d", "display", required=True),
        item("n", "integer", items=(item("child"),)),
    )
    problems = lint_questionnaire(q)
    assert [p.code for p in problems] == ["WM-Q007"] * 5


def test_wm_q008_bounds():
    q = make(
        item("a", "string", min_value=1),
        item("b", "integer", min_value=5, max_value=1),
        item("c", "integer", max_value=2.5),
    )
    assert codes(q) == ["WM-Q008"] * 3


def test_wm_q009_validity_period():
    q = make(item("a"), valid_until=dt.date(2019, 1, 1))
    assert codes(q) == ["WM-Q009"]


def test_wm_q010_enable_when_that_does_not_fit_its_item():
    q = make(
        item("c", "choice", options=(opt("1"), opt("2"))),
        item("b", "boolean"),
        item("g", "display"),
        item("x1", enable_when=(EnableWhen(question="c", operator="=", answer="9"),)),
        item("x2", enable_when=(EnableWhen(question="c", operator=">", answer="1"),)),
        item("x3", enable_when=(EnableWhen(question="b", operator="=", answer="yes"),)),
        item("x4", enable_when=(EnableWhen(question="g", operator="exists", answer=True),)),
        item("x5", enable_when=(EnableWhen(question="b", operator="exists", answer=1),)),
    )
    assert codes(q) == ["WM-Q010"] * 5


def test_wm_q011_identity():
    q = make(Item(link_id="bad id!", type="integer", text=T), url=" ", version="1|2")
    assert sorted(codes(q)) == ["WM-Q011"] * 3


def test_every_problem_is_reported_at_once_when_loading(tmp_path):
    q = make(item("a"), item("a"), item("b", "choice"), title=Text(nl="Titel"))
    path = tmp_path / "q.json"
    path.write_text(dump_questionnaire(q), encoding="utf-8")
    with pytest.raises(InvalidQuestionnaire) as err:
        load_questionnaire(path)
    assert set(err.value.codes) == {"WM-Q001", "WM-Q005", "WM-Q007"}
    assert str(path) in str(err.value)


def test_a_corrupt_file_names_the_file_and_the_field(tmp_path):
    data = questionnaire_to_data(make(item("a")))
    data["data"]["items"][0]["type"] = "slider"
    data["data"]["valid_from"] = "not a date"
    path = tmp_path / "corrupt.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InvalidQuestionnaire) as err:
        load_questionnaire(path)
    text = str(err.value)
    assert str(path) in text
    paths = [p.path for p in err.value.problems]
    assert "$.valid_from" in paths
    assert any(p.startswith("$.items[0].type") for p in paths)


def test_bad_json_and_unknown_keys_are_named():
    with pytest.raises(InvalidQuestionnaire) as err:
        parse_questionnaire("{", source="x.json")
    assert "x.json" in str(err.value)
    assert "invalid JSON" in str(err.value)
    data = questionnaire_to_data(make(item("a")))
    data["data"]["colour"] = "red"
    with pytest.raises(InvalidQuestionnaire):
        questionnaire_from_data(data)


def test_round_trip_through_the_envelope():
    q = default_questionnaire()
    assert parse_questionnaire(dump_questionnaire(q)) == q
    assert load_questionnaire() is q


def test_skip_logic_all_and_any():
    q = make(
        item("a"),
        item("b", "boolean"),
        item(
            "c",
            enable_when=(
                EnableWhen(question="a", operator=">=", answer=5),
                EnableWhen(question="b", operator="=", answer=True),
            ),
        ),
        item(
            "d",
            enable_when=(
                EnableWhen(question="a", operator=">=", answer=5),
                EnableWhen(question="b", operator="=", answer=True),
            ),
            enable_behavior="any",
        ),
        item("e", enable_when=(EnableWhen(question="c", operator="exists", answer=True),)),
    )
    assert enabled_items(q, {"a": 5, "b": True, "c": 1}) == {"a", "b", "c", "d", "e"}
    assert enabled_items(q, {"a": 5, "b": False}) == {"a", "b", "d"}
    # c is disabled, so its (stray) answer counts as absent for e
    assert enabled_items(q, {"a": 1, "b": False, "c": 1}) == {"a", "b"}


def test_groups_pass_their_conditions_to_their_children():
    q = make(
        item("a", "boolean"),
        Item(
            link_id="g",
            type="group",
            text=T,
            items=(item("g1"),),
            enable_when=(EnableWhen(question="a", operator="=", answer=True),),
        ),
    )
    assert "g1" in enabled_items(q, {"a": True})
    assert "g1" not in enabled_items(q, {"a": False})


def test_items_can_be_looked_up():
    q = default_questionnaire()
    assert q.item("q16").enable_when[0].question == "q15"
    with pytest.raises(KeyError):
        q.item("nope")
    assert q.ref.endswith("|2017.1")
    assert attrs.evolve(q, version="2").ref.endswith("|2")


def _enabled_reference(q, answers):
    """The skip logic asked of every item, conditions or not (what ``enabled_items`` shortens)."""
    from werkmap.profiler.questionnaire import _compiled, _item_enabled

    checks, _ = _compiled(q)
    effective = dict(answers)
    enabled = set()
    for link_id, chk in checks.items():
        if all(_item_enabled(g, effective) for g in chk.parent_conditions) and _item_enabled(
            chk.item, effective
        ):
            enabled.add(link_id)
        else:
            effective.pop(link_id, None)
    return enabled


_SKIPPY = make(
    item("a"),
    item("b", "boolean"),
    item("c", enable_when=(EnableWhen(question="a", operator=">=", answer=5),)),
    item("plain"),
    Item(
        link_id="g",
        type="group",
        text=T,
        items=(
            item("g1"),
            item("g2", enable_when=(EnableWhen(question="b", operator="=", answer=True),)),
        ),
        enable_when=(EnableWhen(question="c", operator="exists", answer=True),),
    ),
    item("last", "boolean"),
)


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "plain", "g1", "g2", "last"]),
        st.one_of(st.integers(0, 9), st.booleans()),
    )
)
def test_enabled_items_equal_the_reference_that_asks_every_item(answers):
    assert enabled_items(_SKIPPY, answers) == _enabled_reference(_SKIPPY, answers)
    q = load_questionnaire()
    assert enabled_items(q, answers) == _enabled_reference(q, answers)
