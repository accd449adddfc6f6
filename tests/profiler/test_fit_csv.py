"""Reading outcome data from CSV: typed cells, every problem with its line and column."""

from __future__ import annotations

import datetime as dt

import pytest

from werkmap.errors import InvalidInput
from werkmap.profiler.fit import parse_outcome_csv
from werkmap.profiler.questionnaire import AnswerOption, EnableWhen, Item, Questionnaire, Text


def options(*codes: str) -> tuple[AnswerOption, ...]:
    return tuple(AnswerOption(code=c, label=Text(nl=c, en=c), ordinal=float(c)) for c in codes)


@pytest.fixture
def questionnaire() -> Questionnaire:
    return Questionnaire(
        url="https://example.org/q",
        version="1",
        status="active",
        valid_from=dt.date(2020, 1, 1),
        title=Text(nl="Test", en="Test"),
        items=(
            Item(
                link_id="age",
                type="integer",
                text=Text(nl="Leeftijd", en="Age"),
                required=True,
                min_value=15,
                max_value=70,
            ),
            Item(
                link_id="health",
                type="choice",
                text=Text(nl="Gezondheid", en="Health"),
                required=True,
                options=options("1", "2", "3"),
            ),
            Item(link_id="hours", type="decimal", text=Text(nl="Uren", en="Hours")),
            Item(link_id="worked", type="boolean", text=Text(nl="Gewerkt", en="Worked")),
            Item(
                link_id="years",
                type="integer",
                text=Text(nl="Jaren", en="Years"),
                enable_when=(EnableWhen(question="worked", operator="=", answer=True),),
            ),
        ),
    )


def test_reads_typed_answers_outcomes_and_groups(questionnaire):
    text = (
        "age,health,hours,worked,years,found_work,region\n"
        '34,2,"12,5",ja,4,1,Noord\n'
        "58,1,,false,,0,\n"
        "\n"
        "21,3,36.0,1,1,true,Zuid\n"
    )
    table = parse_outcome_csv(text, questionnaire, outcome="found_work", group="region")
    assert table.outcomes == (1, 0, 1)
    assert table.groups == ("Noord", "(missing)", "Zuid")
    assert table.group_column == "region"
    assert table.questionnaire_ref == "https://example.org/q|1"
    assert table.answers[0] == {"age": 34, "health": "2", "hours": 12.5, "worked": True, "years": 4}
    assert table.answers[1] == {"age": 58, "health": "1", "worked": False}
    assert table.answers[2]["hours"] == 36.0
    assert table.outcome_array().tolist() == [1.0, 0.0, 1.0]


def test_semicolon_delimiter(questionnaire):
    table = parse_outcome_csv(
        "age;health;uitkomst\n30;1;0\n40;2;1\n", questionnaire, outcome="uitkomst"
    )
    assert table.outcomes == (0, 1)
    assert table.groups is None


def test_every_problem_is_listed_with_line_and_column(questionnaire):
    text = (
        "age,health,worked,years,found_work\n"
        "34,2,ja,4,1\n"
        "abc,7,no,3,2\n"  # line 3: age not an integer, health not an option, years disabled, outcome bad
        "80,,1,2,0\n"  # line 4: age out of range, health required
        "30,1\n"  # line 5: ragged
    )
    with pytest.raises(InvalidInput) as info:
        parse_outcome_csv(text, questionnaire, outcome="found_work", source="data.csv")
    paths = [p.path for p in info.value.problems]
    assert paths.count("line 3, column age") == 1
    assert "line 3, column health" in paths
    assert "line 3, column years" in paths
    assert "line 3, column found_work" in paths
    assert "line 4, column age" in paths
    assert "line 4, column health" in paths
    assert "line 5" in paths
    assert len(paths) == 7
    assert "data.csv" in str(info.value)


def test_header_problems(questionnaire):
    with pytest.raises(InvalidInput) as info:
        parse_outcome_csv(
            "age,age,shoe_size\n1,2,3\n", questionnaire, outcome="found_work", group="region"
        )
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 4
    assert any("duplicate column 'age'" in m for m in messages)
    assert any("shoe_size" in m and "unknown column" in m for m in messages)
    assert any("'found_work' is missing" in m for m in messages)
    assert any("'region' is missing" in m for m in messages)


def test_empty_inputs(questionnaire):
    with pytest.raises(InvalidInput, match="empty"):
        parse_outcome_csv("", questionnaire, outcome="y")
    with pytest.raises(InvalidInput, match="no data rows"):
        parse_outcome_csv("age,health,y\n", questionnaire, outcome="y")
