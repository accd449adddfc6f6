"""One command line: --format everywhere, one JSON envelope, nl by default, --db as a path or URL."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

import werkmap.interventions
from werkmap._version import __version__
from werkmap.cli import build_parser, main
from werkmap.cli_common import csv_text, envelope, reference_markdown, store_url, unwrap_envelope
from werkmap.profiler.model import default_model, save_model
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.synthetic import synthetic_answers
from werkmap.service import Werkmap

from .conftest import CFG, run

LAST = CFG.end.isoformat()
FOLLOWED_UP = (
    CFG.end + dt.timedelta(days=700)
).isoformat()  # every demo person followed up 12 months
SPAN = ["--from", CFG.start.isoformat(), "--to", LAST]


CATALOGUE = Path(werkmap.interventions.__file__).parent / "data" / "catalogue.toml"


def _commands(demo: Path, tmp: Path) -> dict[str, list[str]]:
    """Every command of the command line, by its full name, with arguments that make it run (exit 0).

    None changes the shared demo store except for audited reads: ``dispatch`` gets an empty store of its
    own, ``monitor`` sends no notification, and files are written under ``tmp``.
    """
    answers = tmp / "answers.json"
    answers.write_text(json.dumps(synthetic_answers(1, seed=3)[0]), encoding="utf-8")
    model = save_model(default_model(), tmp / "model.json")
    empty = tmp / "empty.db"
    if not empty.exists():
        Werkmap(f"sqlite:///{empty}").close()
    trial = tmp / "experiment.db"
    if not trial.exists():  # a small store of the 2017 experiment, for `werkmap effect`
        assert main(["demo", "--experiment", "--db", str(trial), "--jobseekers", "60", "-q"]) == 0
    db = str(demo)
    return {
        "questionnaire": ["questionnaire"],
        "effect": ["effect", "--db", str(trial), "--experiment", "uwv-ww-2017"],
        "score": ["score", str(answers)],
        "bands": ["bands", "--jobseekers", "200"],
        "fit": ["fit", str(_fit_csv(tmp)), "--outcome", "y", "--out", str(tmp / "fitted.json")],
        "model-card": ["model-card", str(model)],
        "demo": ["demo", "--db", str(tmp / "demo.db"), "--jobseekers", "10", "--months", "1"],
        "sweep": ["sweep", "--db", db, "--date", LAST],
        "dispatch": ["dispatch", "--db", str(empty)],
        "dashboard": ["dashboard", "--db", db, "--coach", "coach-01", "--date", LAST],
        "report": ["report", "--db", db, *SPAN],
        "replay": ["replay", "--db", db],
        "catalogue lint": ["catalogue", "lint", str(CATALOGUE)],
        "catalogue show": ["catalogue", "show", "--on", LAST],
        "folder": ["folder", "--db", db, "--folder", "f-000001", "--date", LAST],
        "monitor": ["monitor", "--db", db, "--on", LAST, "--no-notify"],
        "recalibrate": [
            "recalibrate",
            "--db",
            db,
            "--on",
            FOLLOWED_UP,
            "--out",
            str(tmp / "recalibrated.json"),
            "--card",
            str(tmp / "card.md"),
        ],
        "compare": ["compare", "--db", db, "--on", LAST, "--candidate", str(model)],
        "capacity": ["capacity", "--jobseekers", "100", "--months", "1", "--sample", "50"],
    }


def _fit_csv(tmp: Path) -> Path:
    """Answers of 300 made-up people with a seeded outcome ``y``, as a CSV for ``werkmap fit``."""
    items = [it.link_id for it in default_questionnaire().answerable_items()]
    rows = [",".join([*items, "y"])]
    for i, person in enumerate(synthetic_answers(300, seed=9)):
        cells = [
            str(person.get(k, "")).lower()
            if isinstance(person.get(k), bool)
            else str(person.get(k, ""))
            for k in items
        ]
        rows.append(",".join([*cells, str(i % 3 == 0).lower()]))
    path = tmp / "fit.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _leaf_commands(parser, prefix=""):
    """Every command that runs (a command with sub-commands of its own gives those, by full name)."""
    sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    if sub is None:
        yield prefix.strip(), parser
        return
    for name, command in sub.choices.items():
        yield from _leaf_commands(command, f"{prefix} {name}")


def test_the_table_of_commands_has_every_command(demo_store, tmp_path):
    names = {name for name, _ in _leaf_commands(build_parser())}
    assert set(_commands(demo_store, tmp_path)) == names


def test_every_command_takes_format_text_json_and_csv():
    for name, command in _leaf_commands(build_parser()):
        fmt = next((a for a in command._actions if a.dest == "format"), None)
        assert fmt is not None, f"{name} has no --format"
        assert {"text", "json", "csv"} <= set(fmt.choices), name
        assert fmt.default == "text"


def test_every_command_that_prints_texts_defaults_to_dutch():
    for name, command in _leaf_commands(build_parser()):
        lang = next((a for a in command._actions if a.dest == "language"), None)
        if lang is not None:
            assert lang.default == "nl", name


def test_json_is_one_envelope_for_every_command(demo_store, tmp_path, capsys):
    for kind, argv in _commands(demo_store, tmp_path).items():
        code, out, err = run(capsys, *argv, "--format", "json")
        assert code == 0, (kind, err)
        doc = json.loads(out)
        assert set(doc) == {"werkmap", "kind", "data"}, kind
        assert doc["werkmap"] == __version__
        assert doc["kind"] == kind


def test_csv_is_one_table_with_a_header_for_every_command(demo_store, tmp_path, capsys):
    for kind, argv in _commands(demo_store, tmp_path).items():
        code, out, err = run(capsys, *argv, "--format", "csv")
        assert code == 0, (kind, err)
        rows = list(csv.reader(io.StringIO(out)))
        assert rows, kind
        assert all(len(r) == len(rows[0]) for r in rows), kind


def test_the_old_json_flags_still_work_with_a_note(demo_store, capsys):
    code, out, err = run(capsys, "sweep", "--db", str(demo_store), "--date", LAST, "--json")
    assert code == 0
    assert json.loads(out)["kind"] == "sweep"
    assert "--json is deprecated" in err
    code, out, err = run(capsys, "bands", "--jobseekers", "100", "--json")
    assert json.loads(out)["data"]["jobseekers"] == 100
    assert "deprecated" in err


def test_the_default_language_is_dutch(demo_store, tmp_path, capsys):
    db = str(demo_store)
    _, out, _ = run(capsys, "sweep", "--db", db, "--date", LAST)
    assert "acties" in out
    _, out, _ = run(capsys, "report", "--db", db, *SPAN)
    _, out_en, _ = run(capsys, "report", "--db", db, *SPAN, "--language", "en")
    assert out != out_en
    model = save_model(default_model(), tmp_path / "m.json")
    _, out, _ = run(capsys, "model-card", str(model))
    assert out.startswith("# Modelkaart")
    _, out, _ = run(capsys, "bands", "--jobseekers", "100")
    assert "verzonnen werkzoekenden" in out


@pytest.mark.parametrize("form", ["url", "relative"])
def test_db_takes_a_sqlite_url_or_a_path(demo_store, capsys, monkeypatch, form):
    monkeypatch.chdir(demo_store.parent)
    db = f"sqlite:///{demo_store}" if form == "url" else demo_store.name
    code, out, err = run(capsys, "sweep", "--db", db, "--date", LAST)
    assert code == 0, err
    assert out.startswith(f"sweep {LAST}")
    code, out, err = run(capsys, "replay", "--db", db)
    assert code == 0, err


def test_every_command_taking_db_takes_a_sqlite_url(demo_store, tmp_path, capsys):
    commands = _commands(demo_store, tmp_path)
    with_db = {name for name, command in _leaf_commands(build_parser()) if _takes(command, "--db")}
    assert {"demo", "sweep", "dispatch", "folder", "monitor", "recalibrate", "compare"} <= with_db
    for name in sorted(with_db):
        argv = list(commands[name])
        at = argv.index("--db") + 1
        argv[at] = f"sqlite:///{Path(argv[at]).resolve()}"
        code, out, err = run(capsys, *argv, "--format", "json")
        assert code == 0, (name, err)
        assert json.loads(out)["kind"] == name


def test_every_command_taking_db_refuses_a_missing_sqlite_file(demo_store, tmp_path, capsys):
    commands = _commands(demo_store, tmp_path)
    missing = tmp_path / "none.db"
    for name, command in _leaf_commands(build_parser()):
        if not _takes(command, "--db") or name == "demo":  # the demo makes its store
            continue
        argv = list(commands[name])
        argv[argv.index("--db") + 1] = f"sqlite:///{missing}"
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, ""), name
        assert f"no store at {missing}" in err, name
        assert not missing.exists(), name


def test_every_command_taking_db_refuses_a_file_that_is_not_a_store_and_leaves_it(
    demo_store, tmp_path, capsys
):
    from tests.shell.test_opening import NOT_OURS, state_of

    commands = _commands(demo_store, tmp_path)
    for kind, (make, _error, words) in sorted(NOT_OURS.items()):
        path = tmp_path / f"{kind.replace(' ', '-').replace(',', '')}.db"
        make(path)
        before = state_of(path)
        for name, command in _leaf_commands(build_parser()):
            if (
                not _takes(command, "--db") or name == "demo"
            ):  # the demo's own refusal: test_bad_input
                continue
            argv = list(commands[name])
            argv[argv.index("--db") + 1] = str(path)
            code, out, err = run(capsys, *argv)
            assert (code, out) == (2, ""), (kind, name, err)
            assert err.startswith("werkmap: "), (kind, name, err)
            assert err.count("werkmap:") == 1, (kind, name, err)
            assert words in err, (kind, name, err)
            assert "Traceback" not in err, (kind, name, err)
            assert state_of(path) == before, (kind, name)


def _takes(command: argparse.ArgumentParser, flag: str) -> bool:
    return any(flag in a.option_strings for a in command._actions)


def test_the_reference_page_has_every_command_and_flag_by_full_name():
    page = reference_markdown(build_parser())
    for name, command in _leaf_commands(build_parser()):
        section = page.split(f"## werkmap {name}\n", 1)
        assert len(section) == 2, name
        body = section[1].split("\n## ", 1)[0]
        for action in command._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help", "--json"):
                    assert f"`{flag}`" in body, (name, flag)


def test_verbosity_flags_come_after_a_nested_command_too(capsys):
    for argv in (
        ["catalogue", "lint", str(CATALOGUE), "-v"],
        ["-v", "catalogue", "lint", str(CATALOGUE)],
        ["catalogue", "show", "-q"],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 0, (argv, err)
        assert out


def test_db_takes_a_memory_url(capsys):
    code, out, err = run(capsys, "sweep", "--db", "memory://", "--date", LAST)
    assert code == 0, err
    assert out.startswith(f"sweep {LAST}: 0 acties in 0 mappen")


def test_a_missing_sqlite_url_is_no_store(tmp_path, capsys):
    missing = tmp_path / "none.db"
    code, _, err = run(capsys, "sweep", "--db", f"sqlite:///{missing}", "--date", LAST)
    assert code == 2
    assert f"no store at {missing}" in err
    assert not missing.exists()


def test_an_unknown_scheme_is_bad_input_without_secrets(capsys):
    code, _, err = run(capsys, "sweep", "--db", "nosuch://app:s3cret@host/x", "--date", LAST)
    assert code == 2
    assert "s3cret" not in err
    assert "Traceback" not in err


def test_helpers():
    assert envelope("x", [1]) == {"werkmap": __version__, "kind": "x", "data": [1]}
    text = json.dumps(envelope("questionnaire", {"a": 1}), sort_keys=True)
    assert json.loads(unwrap_envelope(text)) == {"a": 1}
    assert store_url("memory://") == "memory://"
    assert store_url("x.db").startswith("sqlite:///")
    assert store_url("x.db").endswith("/x.db")
    assert csv_text([{"a": [1, 2], "b": None}]) == "a,b\r\n1;2,\r\n"


def test_a_questionnaire_printed_as_json_reads_back(tmp_path, capsys):
    _, out, _ = run(capsys, "questionnaire", "--format", "json")
    path = tmp_path / "q.json"
    path.write_text(out, encoding="utf-8")
    code, again, err = run(capsys, "questionnaire", "--file", str(path), "--format", "json")
    assert code == 0, err
    assert again == out


def test_verbose_logs_what_a_sweep_did_and_quiet_does_not(demo_store, capsys):
    db = str(demo_store)
    code, _, err = run(capsys, "sweep", "--db", db, "--date", LAST, "-v")
    assert code == 0
    assert f"werkmap: INFO werkmap.service: sweep {LAST}: 0 actions" in err
    code, _, err = run(capsys, "-q", "sweep", "--db", db, "--date", LAST)
    assert err == ""
    code, _, err = run(capsys, "sweep", "--db", db, "--date", LAST)
    assert err == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_goes_to_stderr_only_on_a_terminal(monkeypatch):
    from werkmap.cli_common import end_progress, progress_bar

    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert progress_bar("days") is None
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert progress_bar("days", quiet=True) is None
    bar = progress_bar("days")
    assert bar is not None
    bar(5, 10)
    end_progress(bar)
    assert terminal.getvalue() == "\r[" + "#" * 20 + "." * 20 + "] 5/10 days\n"


def test_the_demo_draws_its_progress_on_a_terminal(tmp_path, monkeypatch, capsys):
    terminal = _Terminal()
    code, _, _ = run(
        capsys,
        "demo",
        "--db",
        str(tmp_path / "d.db"),
        "--jobseekers",
        "10",
        "--months",
        "1",
        "--format",
        "json",
    )
    assert code == 0
    monkeypatch.setattr("sys.stderr", terminal)

    assert (
        main(["demo", "--db", str(tmp_path / "d.db"), "--jobseekers", "10", "--months", "1"]) == 0
    )
    assert re.search(r"\] \d+/\d+ days", terminal.getvalue())
    assert terminal.getvalue().endswith("\n")
