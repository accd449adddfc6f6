"""Extra services: chosen from the catalogue (id + catalogue version) or free text, and old records load."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from werkmap import serialization
from werkmap.errors import InvalidInput
from werkmap.plan.folder import WorkFolder
from werkmap.plan.workplan import ExtraService, new_plan

D0 = dt.date(2025, 3, 3)
FIXTURE = Path(__file__).parents[1] / "replay" / "fixtures" / "folder-v1.json"


def test_a_free_text_service_is_marked_and_written_as_before() -> None:
    s = ExtraService(name="CV workshop", reason="no CV yet")
    assert s.free_text
    assert s.catalogue_ref == ""
    assert serialization.unstructure(s) == {"name": "CV workshop", "reason": "no CV yet"}


def test_a_catalogue_service_keeps_its_reference_through_a_round_trip() -> None:
    s = ExtraService(
        name="Sollicitatietraining",
        reason="intentie om te solliciteren",
        service_id="job-search-training",
        catalogue_version="2016.1",
    )
    assert not s.free_text
    assert s.catalogue_ref == "job-search-training|2016.1"
    data = serialization.unstructure(s)
    assert data["service_id"] == "job-search-training"
    assert serialization.structure(data, ExtraService) == s


def test_an_old_record_without_the_reference_loads_as_free_text() -> None:
    s = serialization.structure({"name": "training", "reason": "r"}, ExtraService)
    assert s.free_text
    folder = serialization.loads(FIXTURE.read_text(), WorkFolder)
    again = serialization.loads(serialization.dumps(folder), WorkFolder)
    assert again == folder
    for plan in folder.plans:
        for version in plan.versions:
            assert all(x.free_text for x in version.services)
    assert "service_id" not in json.dumps(serialization.dump(folder))


@pytest.mark.parametrize(("service_id", "version"), [("job-search-training", ""), ("", "2016.1")])
def test_a_catalogue_reference_needs_both_the_id_and_the_version(
    service_id: str, version: str
) -> None:
    s = ExtraService(name="x", reason="y", service_id=service_id, catalogue_version=version)
    with pytest.raises(InvalidInput, match="service_id and the catalogue_version"):
        new_plan("p-1", on=D0, services=[s])
