"""The demo's first plans take their extra services from the orientation agenda; the arrows point down."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import werkmap
from werkmap.clock import FixedClock
from werkmap.interventions import default_catalogue, orientation_agenda
from werkmap.service import Actor, Werkmap
from werkmap.simulate import SimulationConfig, simulate

SRC = Path(werkmap.__file__).parent


def test_the_demo_plans_carry_catalogue_services_from_the_agenda() -> None:
    cfg = SimulationConfig(jobseekers=120, months=3, seed=5)
    clock = FixedClock(cfg.start)
    catalogue = default_catalogue()
    with Werkmap("memory://", clock=clock) as wm:
        simulate(wm, clock, cfg)
        folders = list(wm.all_folders(Actor.system()))  # read (and audited) while the store is open
    chosen = 0
    for folder in folders:
        for plan in folder.plans:
            first = plan.versions[0]
            for service in first.services:
                chosen += 1
                assert not service.free_text
                assert service.catalogue_version == catalogue.version
                profiles = [p for p in folder.profiles if p.taken_on <= first.drafted_on]
                profile = profiles[-1] if profiles else None
                agenda = orientation_agenda(profile, catalogue, on=first.drafted_on)
                fitting = {c.service.id: c for c in agenda.candidates[:3]}
                assert service.service_id in fitting
                assert service == fitting[service.service_id].extra_service()
    assert chosen > 5


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_interventions_import_no_shell_and_plan_and_profiler_do_not_import_interventions() -> None:
    for path in sorted((SRC / "interventions").rglob("*.py")):
        for module in _imports(path):
            assert not module.startswith(
                ("werkmap.storage", "werkmap.service", "werkmap.cli", "werkmap.simulate")
            ), f"{path.name} imports {module}"
    for room in ("plan", "profiler", "rules"):
        for path in sorted((SRC / room).rglob("*.py")):
            assert not any(m.startswith("werkmap.interventions") for m in _imports(path)), path


def test_the_agenda_is_the_same_for_the_same_record_and_day() -> None:
    a = orientation_agenda(None, default_catalogue(), on=dt.date(2025, 1, 6))
    b = orientation_agenda(None, default_catalogue(), on=dt.date(2025, 1, 6))
    assert a == b
