"""The machines page in the docs is generated from the definitions; they must agree.

Run this file as a script from the repository root to regenerate ``docs/concepts/machines.md``.
"""

from __future__ import annotations

from pathlib import Path

from werkmap.plan import MACHINES
from werkmap.plan.diagrams import machines_page

PAGE = Path(__file__).resolve().parents[2] / "docs" / "concepts" / "machines.md"


def test_docs_page_matches_the_definitions():
    assert PAGE.exists(), "run `python tests/plan/test_diagrams.py` to generate the machines page"
    assert PAGE.read_text(encoding="utf-8") == machines_page(), (
        "docs/concepts/machines.md differs from the machine definitions; "
        "run `python tests/plan/test_diagrams.py` to regenerate it"
    )


def test_every_transition_of_every_machine_is_on_the_page():
    text = PAGE.read_text(encoding="utf-8")
    for machine in MACHINES:
        for t in machine.transitions:
            assert f"    {t.source} --> {t.target}: {t.event}" in text
            assert f"| `{t.source}` | `{t.event}` | `{t.target}` |" in text
        for state in machine.final:
            assert f"    {state} --> [*]" in text


if __name__ == "__main__":
    PAGE.write_text(machines_page(), encoding="utf-8")
