"""Reading the decision test cases in tests/rules/cases/*.toml (OpenFisca test-file spirit).

A case file holds one case: a ``name``, the ``corner`` or rule it covers, an optional folder ``state``, an
optional ``policy`` amendment (file name -> TOML tables, added to the default policy), and checks:

* ``[[route]]``: a routing decision on ``on`` from the given inputs, with the expected rule, outcome and
  (optionally) parameters, or the expected error code;
* ``[[due]]``: the exact list of due actions on ``on`` (``kind``, ``subject``, ``fired_on``, ``due_by``),
  optionally with a ``state`` patch for this check and the expected ``next_due_on``;
* ``[[measure]]``: a measure proposal on ``on`` with the expected rule and outcome.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from werkmap.rules import (
    ActivityRow,
    FolderState,
    Invitation,
    Policy,
    action_id,
    default_policy_dir,
    load_policy_documents,
)

CASES = Path(__file__).resolve().parent / "cases"


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.toml"))


def read_case(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def policy_of(case: dict[str, Any]) -> Policy:
    documents = [
        (p.name, tomllib.loads(p.read_text(encoding="utf-8")))
        for p in sorted(default_policy_dir().glob("*.toml"))
    ]
    documents.extend(case.get("policy", {}).items())
    return load_policy_documents(documents)


def build_state(raw: dict[str, Any]) -> FolderState:
    data = dict(raw)
    data.setdefault("folder_id", "f-1")
    data["activities"] = tuple(ActivityRow(**a) for a in data.get("activities", ()))
    data["pending"] = tuple(Invitation(**i) for i in data.get("pending", ()))
    data["applications_on"] = tuple(data.get("applications_on", ()))
    data["handled"] = frozenset(
        action_id(data["folder_id"], h["kind"], h.get("subject", ""), h["fired_on"])
        for h in data.get("handled", ())
    )
    return FolderState(**data).check()


def state_for(case: dict[str, Any], check: dict[str, Any]) -> FolderState:
    return build_state({**case.get("state", {}), **check.get("state", {})})


def expected_actions(check: dict[str, Any]) -> list[tuple[str, str, dt.date, dt.date | None]]:
    return [
        (a["kind"], a.get("subject", ""), a["fired_on"], a.get("due_by"))
        for a in check.get("actions", [])
    ]
