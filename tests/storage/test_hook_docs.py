"""The hook reference in the docs must match the hookspecs (as datasette checks its plugin hooks)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from werkmap.storage import hookspecs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reference" / "storage.md"
HEADING = re.compile(r"^### `(werkmap_\w+)(\(.*\) -> .*)`$", re.MULTILINE)


def _specs() -> dict[str, object]:
    return {
        name: fn
        for name, fn in vars(hookspecs).items()
        if name.startswith("werkmap_") and hasattr(fn, "werkmap_spec")
    }


def _signature(fn: object) -> str:
    sig = inspect.signature(fn)  # type: ignore[arg-type]
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"({params}) -> {sig.return_annotation}"


def _documented() -> dict[str, str]:
    return {m.group(1): m.group(2) for m in HEADING.finditer(DOCS.read_text(encoding="utf-8"))}


def test_there_are_hookspecs() -> None:
    assert set(_specs()) == {
        "werkmap_storage_schemes",
        "werkmap_open_store",
        "werkmap_deliver_notification",
        "werkmap_audit",
        "werkmap_channels",
        "werkmap_resolve_recipient",
    }


@pytest.mark.parametrize("name", sorted(_specs()))
def test_every_hookspec_is_documented_with_its_signature(name: str) -> None:
    documented = _documented()
    assert name in documented, f"{name} is missing from {DOCS.name}"
    assert documented[name] == _signature(_specs()[name])


def test_no_documented_hook_is_unknown() -> None:
    assert set(_documented()) <= set(_specs())


@pytest.mark.parametrize("name", sorted(_specs()))
def test_firstresult_hooks_say_so(name: str) -> None:
    fn = _specs()[name]
    firstresult = fn.werkmap_spec["firstresult"]  # type: ignore[attr-defined]
    says = "Stops at the first non-None result" in (fn.__doc__ or "")
    assert says == firstresult
    section = DOCS.read_text(encoding="utf-8").split(f"### `{name}")[1].split("###")[0]
    assert ("Stops at the first non-None" in section) == firstresult
    assert firstresult or "fan out" in section
