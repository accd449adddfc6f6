"""``werkmap folder``: the overview on the command line, as the jobseeker or the coach."""

from __future__ import annotations

import csv
import io
import json

import pytest
from tests.shell.service_world import TODAY, build_world

from werkmap._version import __version__
from werkmap.cli import main


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("folder") / "world.db"
    build_world(f"sqlite:///{path}").close()
    return str(path)


def _run(capsys, *argv):
    code = main(["folder", *argv, "--date", TODAY.isoformat()])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_jobseekers_view_in_plain_dutch(store, capsys):
    code, out, err = _run(capsys, "--db", store, "--folder", "f-1")
    assert (code, err) == (0, "")
    assert out.startswith("Uw Werkmap op 6 maart 2025")
    assert "Wat gebeurt er hierna?" in out
    assert "Sollicitatieplicht:" in out, "the glossary explains the terms"


def test_the_coachs_view_as_json_is_one_object(store, capsys):
    code, out, _ = _run(
        capsys,
        "--db",
        store,
        "--folder",
        "f-1",
        "--as",
        "coach",
        "--format",
        "json",
        "--language",
        "en",
    )
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"werkmap", "kind", "data"}
    assert (doc["werkmap"], doc["kind"]) == (__version__, "folder")
    data = doc["data"]
    assert data["audience"] == "coach"
    assert data["on"] == TODAY.isoformat()
    assert data["explanation"]["probability"] is not None
    assert {i["section"] for i in data["items"]} >= {"activities", "next", "duty", "plan"}


def test_html_is_escaped_and_csv_has_a_row_per_line(store, capsys):
    code, out, _ = _run(capsys, "--db", store, "--folder", "f-1", "--format", "html")
    assert code == 0
    assert out.startswith('<article class="werkmap-overview" lang="nl">')
    code, out, _ = _run(capsys, "--db", store, "--folder", "f-1", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["section", "day", "text"]
    assert len(rows) > 10
    code, out, _ = _run(
        capsys, "--db", store, "--folder", "f-1", "--letter", "case-3", "--format", "csv"
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["n", "text"]
    assert rows[1][0] == "0"


@pytest.mark.parametrize("form", ["url", "path"])
def test_db_is_a_path_or_a_sqlite_url(store, capsys, form):
    db = f"sqlite:///{store}" if form == "url" else store
    code, out, err = _run(capsys, "--db", db, "--folder", "f-1")
    assert (code, err) == (0, "")
    assert out.startswith("Uw Werkmap op 6 maart 2025")


def test_a_missing_sqlite_url_is_no_store_and_makes_none(tmp_path, capsys):
    missing = tmp_path / "none.db"
    code, out, err = _run(capsys, "--db", f"sqlite:///{missing}", "--folder", "f-1")
    assert code == 2
    assert f"no store at {missing}" in err
    assert out == ""
    assert not missing.exists()


def test_without_date_today_is_the_command_lines_today(store, capsys, monkeypatch):
    monkeypatch.setenv("WERKMAP_TODAY", TODAY.isoformat())
    code = main(["folder", "--db", store, "--folder", "f-1"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out.startswith("Uw Werkmap op 6 maart 2025")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--db", "/nonexistent/x.db", "--folder", "f-1"], "no store at"),
        (["--folder", "f-nope"], "no folder 'f-nope'"),
    ],
)
def test_bad_input_is_exit_2_without_a_traceback(store, capsys, argv, message):
    if "--db" not in argv:
        argv = ["--db", store, *argv]
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert out == ""


def test_the_coachs_view_ends_with_the_advisers_section(store, capsys):
    code, out, _ = _run(capsys, "--db", store, "--folder", "f-1", "--as", "coach")
    assert code == 0
    assert "Voor de adviseur: wat de klasse zou veranderen (richtlijn, geen belofte)" in out
    assert "Voor de adviseur: de vaste stappen van het werkoriëntatiegesprek" in out
    assert "geen belofte" in out.split("Voor de adviseur: de vaste stappen")[0]
    code, out, _ = _run(
        capsys, "--db", store, "--folder", "f-1", "--as", "coach", "--format", "json"
    )
    data = json.loads(out)["data"]
    heads = [i for i in data["items"] if i["section"] == "recourse" and "guidance" in i]
    assert heads
    assert heads[0]["guidance"] is True
    assert any(i["section"] == "agenda" and i.get("status") == "step" for i in data["items"])


def test_the_jobseekers_view_has_no_advisers_section(store, capsys):
    code, out, _ = _run(capsys, "--db", store, "--folder", "f-1", "--format", "json")
    assert code == 0
    sections = {i["section"] for i in json.loads(out)["data"]["items"]}
    assert not sections & {"recourse", "agenda"}


def _folder(store):
    from werkmap.service import Actor, Werkmap

    with Werkmap(f"sqlite:///{store}") as wm:
        return wm.folder(Actor.system(), "f-1"), wm.policy


def test_a_letter_is_printed_as_regenerated_from_the_case(store, capsys):
    from werkmap.jobseeker import decision_letter, hearing_letter

    folder, policy = _folder(store)
    code, out, err = _run(capsys, "--db", store, "--folder", "f-1", "--letter", "case-3")
    assert (code, err) == (0, "")
    assert out == decision_letter(folder, "case-3", policy=policy).to_text()
    code, out, _ = _run(
        capsys,
        "--db",
        store,
        "--folder",
        "f-1",
        "--letter",
        "case-3",
        "--kind",
        "hearing",
        "--language",
        "en",
    )
    assert code == 0
    assert out == hearing_letter(folder, "case-3", policy=policy, language="en").to_text()
    code, out, _ = _run(
        capsys, "--db", store, "--folder", "f-1", "--letter", "case-3", "--format", "json"
    )
    doc = json.loads(out)
    assert (doc["werkmap"], doc["kind"]) == (__version__, "folder")
    data = doc["data"]
    assert data["letter"]["kind"] == "decision_letter"
    assert data["letter"]["case_id"] == "case-3"
    assert data["letter"]["object_by"] is not None
    code, out, _ = _run(
        capsys, "--db", store, "--folder", "f-1", "--letter", "case-3", "--format", "html"
    )
    assert out.startswith('<article class="werkmap-letter decision_letter" lang="nl">')


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--letter", "case-nope"], "no case 'case-nope' in folder 'f-1'"),
        (["--letter", "case-1"], "has no proposed measure"),
        (["--letter", "case-1", "--kind", "decision"], "has no decision imposing a measure"),
        (["--kind", "hearing"], "--kind needs --letter"),
    ],
)
def test_a_letter_that_is_not_there_is_exit_2_in_one_line(store, capsys, argv, message):
    code, out, err = _run(capsys, "--db", store, "--folder", "f-1", *argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert out == ""
