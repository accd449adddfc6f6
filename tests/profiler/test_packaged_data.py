"""The packaged questionnaire and model are exactly what the documented build procedure produces."""

from __future__ import annotations

from importlib import resources

from werkmap.profiler.data._build import TARGET_AT_MOST_HALF, TARGET_MEAN, build
from werkmap.profiler.model import DEFAULT_MODEL_FILE
from werkmap.profiler.questionnaire import DEFAULT_QUESTIONNAIRE_FILE


def test_rebuilding_reproduces_the_packaged_files(tmp_path):
    result = build(tmp_path)
    assert result["scale"] > 0
    data = resources.files("werkmap.profiler.data")
    for name in (DEFAULT_QUESTIONNAIRE_FILE, DEFAULT_MODEL_FILE):
        assert (tmp_path / name).read_bytes() == data.joinpath(name).read_bytes(), name


def test_the_targets_are_the_documented_figures():
    assert TARGET_MEAN == 0.65
    assert round(TARGET_AT_MOST_HALF, 3) == 0.297  # 70,300 / 236,400
