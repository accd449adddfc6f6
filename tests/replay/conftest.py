"""Shared set-up of the replay tests: running the command line and editing a stored folder by hand."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from werkmap.cli import main
from werkmap.storage.compact import apply_patches, text_of


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``werkmap argv`` in this process; return exit code, stdout and stderr."""
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse refuses bad arguments with exit code 2
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def edit_document(
    db: Path, pick: Callable[[dict[str, Any]], bool], edit: Callable[[dict[str, Any]], None]
) -> str:
    """Change the stored document of the first folder (in id order) ``pick`` accepts; return its id."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT folder_id, document FROM folders ORDER BY folder_id").fetchall()
        for folder_id, stored in rows:
            envelope = json.loads(text_of(stored))
            patches = [
                patch
                for (patch,) in conn.execute(
                    "SELECT patch FROM folder_changes WHERE folder_id = ? ORDER BY version",
                    (folder_id,),
                )
            ]
            apply_patches(envelope["data"], patches)
            if pick(envelope["data"]):
                edit(envelope["data"])
                conn.execute(
                    "UPDATE folders SET document = ? WHERE folder_id = ?",
                    (json.dumps(envelope), folder_id),
                )
                conn.execute("DELETE FROM folder_changes WHERE folder_id = ?", (folder_id,))
                conn.commit()
                return str(folder_id)
    finally:
        conn.close()
    raise AssertionError("no folder to edit")
