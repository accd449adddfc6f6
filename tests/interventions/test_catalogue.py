"""The intervention catalogue: the packaged file lints clean, and each lint code has a broken catalogue."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from werkmap.errors import InvalidInput, NotFound
from werkmap.interventions import (
    CODES,
    InvalidCatalogue,
    default_catalogue,
    load_catalogue,
    parse_catalogue,
)
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.recourse import CHANGEABLE

GOOD = """
[catalogue]
id = "test"
version = "1"
description = "A test catalogue."
description_nl = "Een testcatalogus."

[[service]]
id = "training"
kind = "extra_service"
name = "Training"
name_nl = "Training"
description = "A training."
description_nl = "Een training."
factors = ["self_efficacy"]
band_groups = ["0-50"]
capacity_per_month = 10
valid_from = 2016-10-01
sources = ["illustrative: a test"]
[service.eligibility]
requires_hindrance = true
"""


def _broken(old: str, new: str, text: str = GOOD) -> str:
    assert old in text
    return text.replace(old, new, 1)


SECOND_VERSION = """
[[service]]
id = "training"
name = "Training"
name_nl = "Training"
description = "A training."
description_nl = "Een training."
factors = ["self_efficacy"]
band_groups = ["0-50"]
capacity_per_month = 20
valid_from = 2020-01-01
sources = ["illustrative: a test"]
"""

BROKEN = {
    "WM-C001": _broken('factors = ["self_efficacy"]', 'factors = ["self_efficacy", "luck"]'),
    "WM-C002": GOOD + SECOND_VERSION,  # the first version is open-ended: it overlaps the second
    "WM-C003": _broken('sources = ["illustrative: a test"]', "sources = []"),
    "WM-C004": _broken('band_groups = ["0-50"]', 'band_groups = ["0-30"]'),
    "WM-C005": _broken('name_nl = "Training"\n', ""),
    "WM-C006": _broken("capacity_per_month = 10", "capacity_per_month = 0"),
    "WM-C007": _broken(
        "valid_from = 2016-10-01", "valid_from = 2016-10-01\nvalid_until = 2016-09-01"
    ),
    "WM-C008": _broken('kind = "extra_service"', 'kind = "extra_service"\ncolour = "red"'),
    "WM-C009": _broken(
        "requires_hindrance = true", "requires_hindrance = true\nmax_probability = 1.5"
    ),
}


def test_every_code_has_a_broken_catalogue() -> None:
    assert set(BROKEN) == set(CODES)


def test_the_good_catalogue_parses() -> None:
    c = parse_catalogue(GOOD)
    assert c.ref == "test|1"
    (s,) = c.services
    assert s.factors == ("self_efficacy",)
    assert s.illustrative


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_a_broken_catalogue_is_refused_with_its_code(code: str) -> None:
    with pytest.raises(InvalidCatalogue) as info:
        parse_catalogue(BROKEN[code], source="broken.toml")
    assert info.value.codes == (code,), str(info.value)
    assert "broken.toml" in str(info.value)


def test_every_problem_is_listed_at_once() -> None:
    text = _broken("capacity_per_month = 10", "capacity_per_month = -1", BROKEN["WM-C001"])
    with pytest.raises(InvalidCatalogue) as info:
        parse_catalogue(text)
    assert sorted(info.value.codes) == ["WM-C001", "WM-C006"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("valid_from = 2016-10-01", 'valid_from = "2016-10-01"'),
        ('factors = ["self_efficacy"]', 'factors = "self_efficacy"'),
        ('id = "training"', 'id = "Training Course"'),
        ('kind = "extra_service"', 'kind = "workshop"'),
        ("[catalogue]", "[catalog]\n[catalogue]"),
    ],
)
def test_malformed_fields_are_wm_c008(old: str, new: str) -> None:
    with pytest.raises(InvalidCatalogue) as info:
        parse_catalogue(_broken(old, new))
    assert "WM-C008" in info.value.codes


def test_bad_toml_and_an_unreadable_file_are_wm_c008(tmp_path: Path) -> None:
    with pytest.raises(InvalidCatalogue) as info:
        parse_catalogue("[catalogue\n")
    assert info.value.codes == ("WM-C008",)
    with pytest.raises(InvalidCatalogue) as info:
        load_catalogue(tmp_path / "missing.toml")
    assert info.value.codes == ("WM-C008",)


def test_versions_that_follow_each_other_are_fine_and_each_is_found_on_its_date() -> None:
    text = _broken("valid_from = 2016-10-01", "valid_from = 2016-10-01\nvalid_until = 2020-01-01")
    c = parse_catalogue(text + SECOND_VERSION)
    assert c.service("training", on=dt.date(2019, 12, 31)).capacity_per_month == 10
    assert c.service("training", on=dt.date(2020, 1, 1)).capacity_per_month == 20
    with pytest.raises(NotFound):
        c.service("training", on=dt.date(2016, 9, 30))


def test_the_packaged_catalogue_lints_clean_and_names_its_sources_honestly() -> None:
    c = default_catalogue()
    constructs = {x.construct for x in default_questionnaire().constructs}
    assert c.services
    for s in c.services:
        assert set(s.factors) <= constructs
        assert s.sources
        for source in s.sources:  # a study is named, or it says it is illustrative
            assert source.startswith("illustrative") or any(ch.isdigit() for ch in source)
    kinds = {s.kind for s in c.services}
    assert kinds == {"extra_service", "conversation"}
    addressed = {f for s in c.services for f in s.factors}
    assert set(CHANGEABLE) <= addressed  # every changeable factor has a service
    ids = {s.id for s in c.services}
    assert {"orientation-conversation", "job-search-training", "health-referral"} <= ids
    # the packaged file is the same as a freshly parsed copy of it
    path = (
        Path(__file__).parents[2] / "src" / "werkmap" / "interventions" / "data" / "catalogue.toml"
    )
    assert load_catalogue(path).services == c.services
    assert tomllib.loads(path.read_text())["catalogue"]["version"] == c.version


def test_a_service_chosen_from_the_catalogue_carries_its_reference() -> None:
    c = default_catalogue()
    on = dt.date(2025, 2, 3)
    x = c.extra_service("job-search-training", reason="intentie", on=on)
    assert (x.service_id, x.catalogue_version, x.free_text) == (
        "job-search-training",
        c.version,
        False,
    )
    assert x.name == c.service("job-search-training", on=on).name.nl
    with pytest.raises(InvalidInput, match="conversation"):
        c.extra_service("orientation-conversation", reason="r", on=on)
