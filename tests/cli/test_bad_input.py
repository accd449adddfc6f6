"""Bad input and Ctrl-C: exit 2 (or 130) with one message naming the file, no traceback, nothing written."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from werkmap.cli import main
from werkmap.clock import FixedClock
from werkmap.profiler.model import default_model
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.synthetic import synthetic_answers
from werkmap.service import Werkmap

from .conftest import run


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _answers_csv(path: Path, n: int = 400, seed: int = 4) -> Path:
    items = [it.link_id for it in default_questionnaire().answerable_items()]
    lines = [",".join([*items, "y"])]
    for i, person in enumerate(synthetic_answers(n, seed=seed)):
        cells = [
            str(person.get(k, "")).lower()
            if isinstance(person.get(k), bool)
            else str(person.get(k, ""))
            for k in items
        ]
        lines.append(",".join([*cells, str(i % 2)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- files that are not UTF-8 text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file"),
        ('{"q01": 30}'.encode("utf-16"), "UTF-16"),
        (b'{"q01": "\xe9t\xe9"}', "is not UTF-8 text"),
    ],
    ids=["binary", "utf-16", "latin-1"],
)
def test_score_refuses_a_file_that_is_not_utf8_text(tmp_path, capsys, content, message):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    code, out, err = run(capsys, "score", str(path))
    assert code == 2
    assert out == ""
    assert message in err
    assert str(path) in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 2  # "1 problem:" and the problem


def test_fit_refuses_a_utf16_csv(tmp_path, capsys):
    csv_path = _answers_csv(tmp_path / "a.csv", n=20)
    csv_path.write_bytes(csv_path.read_text(encoding="utf-8").encode("utf-16"))
    out = tmp_path / "m.json"
    code, _, err = run(capsys, "fit", str(csv_path), "--outcome", "y", "--out", str(out))
    assert code == 2
    assert "UTF-16" in err
    assert not out.exists()


def test_a_directory_given_as_input_is_bad_input(tmp_path, capsys):
    code, _, err = run(capsys, "score", str(tmp_path))
    assert code == 2
    assert "is a directory" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------- outputs checked before writing


@pytest.mark.parametrize("where", ["directory", "missing-folder", "file-as-folder"])
def test_fit_out_that_cannot_be_written_writes_nothing(tmp_path, capsys, where):
    csv_path = _answers_csv(tmp_path / "a.csv")
    report = tmp_path / "report.json"
    target = {
        "directory": tmp_path,
        "missing-folder": tmp_path / "no" / "such" / "m.json",
        "file-as-folder": csv_path / "m.json",
    }[where]
    code, _out, err = run(
        capsys,
        "fit",
        str(csv_path),
        "--outcome",
        "y",
        "--out",
        str(target),
        "--report",
        str(report),
    )
    assert code == 2
    assert "--out" in err
    assert "Traceback" not in err
    assert not report.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_a_report_that_cannot_be_written_leaves_no_model(tmp_path, capsys):
    csv_path = _answers_csv(tmp_path / "a.csv")
    model = tmp_path / "m.json"
    code, _, err = run(
        capsys,
        "fit",
        str(csv_path),
        "--outcome",
        "y",
        "--out",
        str(model),
        "--report",
        str(tmp_path / "missing" / "r.json"),
    )
    assert code == 2
    assert "--report" in err
    assert not model.exists()


def test_fit_refuses_an_existing_output_unless_forced(tmp_path, capsys):
    csv_path = _answers_csv(tmp_path / "a.csv")
    model = tmp_path / "m.json"
    model.write_text("keep me", encoding="utf-8")
    argv = ["fit", str(csv_path), "--outcome", "y", "--out", str(model)]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "exists; use --force" in err
    assert model.read_text(encoding="utf-8") == "keep me"
    code, _, err = run(capsys, *argv, "--force")
    assert code == 0, err
    assert json.loads(model.read_text(encoding="utf-8"))["schema"] == "werkmap.scoring_model"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_fit_report_and_out_may_not_be_one_file(tmp_path, capsys):
    csv_path = _answers_csv(tmp_path / "a.csv")
    same = str(tmp_path / "m.json")
    code, _, err = run(
        capsys, "fit", str(csv_path), "--outcome", "y", "--out", same, "--report", same
    )
    assert code == 2
    assert "same file" in err


# ---------------------------------------------------------------------------- the demo writes over nothing else


def test_the_demo_refuses_a_werkmap_store_it_did_not_make(tmp_path, capsys):
    prod = tmp_path / "prod.db"
    with Werkmap(f"sqlite:///{prod}", clock=FixedClock(default_model().valid_from)):
        pass
    assert sqlite3.connect(prod).execute("SELECT count(*) FROM werkmap_schema").fetchone()
    before = _digest(prod)
    code, _out, err = run(capsys, "demo", "--db", str(prod), "--jobseekers", "20", "--months", "1")
    assert code == 2
    assert "is not a demo store" in err
    assert "Traceback" not in err
    assert _digest(prod) == before


def test_the_demo_refuses_any_other_file(tmp_path, capsys):
    other = tmp_path / "notes.txt"
    other.write_text("important", encoding="utf-8")
    code, _, err = run(capsys, "demo", "--db", str(other), "--jobseekers", "20", "--months", "1")
    assert code == 2
    assert other.read_text(encoding="utf-8") == "important"
    empty = tmp_path / "empty.db"
    empty.touch()
    code, _, _ = run(capsys, "demo", "--db", str(empty), "--jobseekers", "20", "--months", "1")
    assert code == 2
    assert empty.stat().st_size == 0
    code, _, err = run(
        capsys, "demo", "--db", str(tmp_path / "no" / "d.db"), "--jobseekers", "20", "--months", "1"
    )
    assert code == 2
    assert "does not exist" in err


def test_the_demo_replaces_its_own_store_and_a_bad_coach_changes_nothing(
    demo_store, tmp_path, capsys
):
    import shutil

    db = tmp_path / "d.db"
    shutil.copyfile(demo_store, db)
    before = _digest(db)
    code, _, err = run(capsys, "demo", "--db", str(db), "--coach", "nobody", "--months", "1")
    assert code == 2
    assert _digest(db) == before
    code, _, err = run(
        capsys, "demo", "--db", f"sqlite:///{db}", "--jobseekers", "20", "--months", "1", "-q"
    )
    assert code == 0, err
    assert _digest(db) != before
    code, _, err = run(capsys, "demo", "--db", "memory://", "--jobseekers", "20")
    assert code == 2
    assert "SQLite file" in err


# ---------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_is_exit_130_with_one_line(tmp_path, capsys, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("werkmap.profiler.scoring.score", interrupted)
    path = tmp_path / "a.json"
    path.write_text(json.dumps(synthetic_answers(1, seed=1)[0]), encoding="utf-8")
    code, _out, err = run(capsys, "score", str(path))
    assert code == 130
    assert err == "werkmap: interrupted\n"


def test_ctrl_c_during_the_demo_shows_no_traceback(tmp_path):
    db = tmp_path / "ctrl-c.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "werkmap", "demo", "--db", str(db), "--jobseekers", "3000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        # as from a terminal: Ctrl-C is not ignored, even when this test runs in a background job
        # (which ignores SIGINT, and a child inherits that)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        wal = db.with_name(db.name + "-wal")
        while time.monotonic() < deadline and proc.poll() is None:
            # the simulation is writing (in WAL mode the changes reach the -wal file first)
            if sum(f.stat().st_size for f in (db, wal) if f.exists()) > 100_000:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the demo ended before Ctrl-C"
        time.sleep(0.5)  # the forecast process is running beside it by now
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # pragma: no cover - only when an assertion above failed
            proc.kill()
            proc.wait(timeout=10)
    text = err.decode("utf-8")
    assert proc.returncode == 130, text
    assert text.strip().splitlines()[-1] == "werkmap: interrupted"
    assert "Traceback" not in text
    # the interrupted store is still the demo's own: a new demo replaces it
    code = main(["demo", "--db", str(db), "--jobseekers", "20", "--months", "1", "-q"])
    assert code == 0


def test_bad_arguments_exit_2_without_a_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "werkmap", "fit", "x.csv"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
