"""``werkmap catalogue lint`` and ``werkmap catalogue show``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from werkmap._version import __version__
from werkmap.cli import main
from werkmap.interventions import default_catalogue

from .test_catalogue import BROKEN

PACKAGED = (
    Path(__file__).parents[2] / "src" / "werkmap" / "interventions" / "data" / "catalogue.toml"
)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_lint_a_good_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "catalogue", "lint", str(PACKAGED), "--language", "en")
    assert (code, err) == (0, "")
    assert f"ok, catalogue {default_catalogue().ref}" in out
    code, out, _ = cli(capsys, "catalogue", "lint", str(PACKAGED), "--format", "json")
    doc = json.loads(out)
    assert set(doc) == {"werkmap", "kind", "data"}
    assert doc["werkmap"] == __version__
    data = doc["data"]
    assert (doc["kind"], data["ok"], data["problems"]) == ("catalogue lint", True, [])
    assert data["catalogue"] == default_catalogue().ref
    code, out, _ = cli(capsys, "catalogue", "lint", str(PACKAGED), "--format", "csv")
    assert (code, out) == (0, "code,path,message\r\n")


@pytest.mark.parametrize("code_", sorted(BROKEN))
def test_lint_a_broken_file_exits_2_with_the_code(
    code_: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN[code_], encoding="utf-8")
    code, out, err = cli(capsys, "catalogue", "lint", str(path))
    assert code == 2
    assert out == ""
    assert f"[{code_}]" in err
    assert "Traceback" not in err
    code, out, _ = cli(capsys, "catalogue", "lint", str(path), "--format", "json")
    assert code == 2
    doc = json.loads(out)
    assert doc["kind"] == "catalogue lint"
    assert doc["data"]["ok"] is False
    assert [p["code"] for p in doc["data"]["problems"]] == [code_]
    code, out, _ = cli(capsys, "catalogue", "lint", str(path), "--format", "csv")
    assert code == 2
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["code"] for r in rows] == [code_]


def test_lint_a_missing_file_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "catalogue", "lint", str(tmp_path / "none.toml"))
    assert code == 2
    assert "WM-C008" in err


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("[catalogue]\n".encode("utf-16"), "is UTF-16 or UTF-32 encoded"),
        (b"\x00\x01\x02binary", "is a binary file"),
    ],
)
def test_lint_a_file_that_is_not_utf8_text_says_so(
    data: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "odd.toml"
    path.write_bytes(data)
    for command in (["lint", str(path)], ["show", "--file", str(path)]):
        code, out, err = cli(capsys, "catalogue", *command)
        assert code == 2
        assert out == ""
        assert "WM-C008" in err
        assert message in err
        assert "Traceback" not in err


def test_show_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    c = default_catalogue()
    code, out, _ = cli(capsys, "catalogue", "show", "--language", "en")
    assert code == 0
    for s in c.services:
        assert f"{s.id}: {s.name.en}" in out
    code, out, _ = cli(capsys, "catalogue", "show", "--on", "2020-06-01", "--format", "json")
    doc = json.loads(out)
    assert doc["kind"] == "catalogue show"
    data = doc["data"]
    assert data["on"] == "2020-06-01"
    on = dt.date(2020, 6, 1)
    assert [s["id"] for s in data["services"]] == [s.id for s in c.services if s.is_valid_on(on)]
    code, out, _ = cli(capsys, "catalogue", "show", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(c.services)
    assert rows[0]["id"] == c.services[0].id
    code, out, _ = cli(capsys, "catalogue", "show")
    assert "plaatsen per maand" in out
