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
    data = json.loads(out)
    assert (data["werkmap"], data["kind"], data["audience"]) == (__version__, "folder", "coach")
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
