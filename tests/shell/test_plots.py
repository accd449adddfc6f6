"""Plots: werkmap.plots (the plot extra)."""

from __future__ import annotations

import datetime as dt
import pathlib
import sys
from typing import TYPE_CHECKING

import numpy as np
import pytest

from werkmap import plots
from werkmap.errors import InvalidInput
from werkmap.plan import folder as wf
from werkmap.plan.folder import ProfileRecord, WorkFolder
from werkmap.profiler.evaluate import evaluate

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r'pip install "werkmap\[plot\]"'):
        plots.plot_bands([0.3])
    with pytest.raises(ImportError, match="werkmap"):
        plots.plot_monthly({})
    with pytest.raises(ImportError, match="werkmap"):
        plots.plot_calibration([0.2, 0.8], [0, 1])


@pytest.fixture(autouse=True)
def agg(request: pytest.FixtureRequest) -> None:
    if request.node.name.startswith("test_missing_matplotlib"):
        return
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")


D = dt.date(2017, 1, 2)


def _folder(fid: str, band: str | None) -> WorkFolder:
    f, _ = wf.create_folder(fid, on=D, jobseeker_ref=f"js-{fid}")
    if band is not None:
        p = ProfileRecord(
            taken_on=D,
            probability={"0-25": 0.1, "25-50": 0.4, "50-75": 0.6, "75-100": 0.9}[band],
            band=band,
            questionnaire_id="q",
            questionnaire_version="1",
            model_id="m",
            model_version="1",
        )
        f, _ = wf.add_profile(f, p, on=D, actor="jobseeker")
    return f


def _is_axes(ax: object) -> bool:
    from matplotlib.axes import Axes

    return isinstance(ax, Axes)


def _heights(ax: Axes) -> list[float]:
    return [float(p.get_height()) for p in ax.patches]


def test_plot_bands_from_probabilities() -> None:
    ax = plots.plot_bands([0.0, 0.25, 0.26, 0.5, 0.51, 0.75, 0.99, 1.0])
    assert _is_axes(ax)
    assert _heights(ax) == [2, 2, 2, 2]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0-25", "25-50", "50-75", "75-100"]


def test_plot_bands_from_an_array() -> None:
    ax = plots.plot_bands(np.array([0.1, 0.2, 0.9]))
    assert _heights(ax) == [2, 0, 0, 1]


def test_plot_bands_from_folders_has_a_none_bar() -> None:
    folders = [
        _folder("a", "0-25"),
        _folder("b", "75-100"),
        _folder("c", None),
        _folder("d", "0-25"),
    ]
    ax = plots.plot_bands(folders)
    assert _heights(ax) == [2, 0, 0, 1, 1]
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "none"


def test_plot_bands_refuses_bad_probabilities() -> None:
    with pytest.raises(InvalidInput) as info:
        plots.plot_bands([0.5, 1.2, "x", float("nan")])  # type: ignore[list-item]
    assert [p.path for p in info.value.problems] == ["$[1]", "$[2]", "$[3]"]


def test_plot_on_a_given_axes() -> None:
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    assert plots.plot_bands([0.3], ax=ax) is ax


def test_plot_monthly_realised_and_forecast() -> None:
    months = [dt.date(2017, m, 1) for m in (1, 2, 3)]
    realised = {
        "orientation": list(zip(months, [10, 12, 9], strict=True)),
        "monitor": [(months[0], 1)],
    }
    forecast = {"orientation": list(zip(months, [11, 11, 11], strict=True))}
    ax = plots.plot_monthly(realised, forecast)
    assert _is_axes(ax)
    lines = ax.get_lines()
    assert len(lines) == 3
    assert list(lines[0].get_ydata()) == [10, 12, 9]
    assert lines[2].get_linestyle() == "--"
    assert lines[2].get_color() == lines[0].get_color()
    assert ax.get_legend() is not None


def test_plot_calibration_from_a_report() -> None:
    rng = np.random.default_rng(7)
    p = rng.uniform(0.05, 0.95, 400)
    y = (rng.uniform(size=400) < p).astype(float)
    report = evaluate(y, p)
    ax = plots.plot_calibration(report)
    assert _is_axes(ax)
    diagonal, deciles = ax.get_lines()
    assert list(diagonal.get_xdata()) == [0.0, 1.0]
    assert list(deciles.get_xdata()) == pytest.approx([b.mean_predicted for b in report.deciles])
    assert list(deciles.get_ydata()) == pytest.approx([b.observed_rate for b in report.deciles])


def test_plot_calibration_from_arrays_matches_the_report() -> None:
    rng = np.random.default_rng(11)
    p = rng.uniform(0.05, 0.95, 250)
    y = (rng.uniform(size=250) < p).astype(float)
    from_arrays = plots.plot_calibration(p, y).get_lines()[1]
    from_report = plots.plot_calibration(evaluate(y, p)).get_lines()[1]
    assert list(from_arrays.get_xdata()) == pytest.approx(list(from_report.get_xdata()))
    assert list(from_arrays.get_ydata()) == pytest.approx(list(from_report.get_ydata()))


def test_plot_calibration_refuses_bad_arrays() -> None:
    with pytest.raises(InvalidInput, match="observed"):
        plots.plot_calibration([0.1, 0.2])
    with pytest.raises(InvalidInput, match="expected 2 values"):
        plots.plot_calibration([0.1, 0.2], [1])
    with pytest.raises(InvalidInput) as info:
        plots.plot_calibration([0.1, 1.2], [1, 2])
    assert len(info.value.problems) == 2
    with pytest.raises(InvalidInput, match="only with predictions"):
        plots.plot_calibration(evaluate([0, 1, 1], [0.2, 0.5, 0.7]), [1, 0, 1])


def test_a_figure_saves_with_agg(tmp_path: pathlib.Path) -> None:
    ax = plots.plot_bands([0.1, 0.6])
    out = tmp_path / "bands.png"
    ax.figure.savefig(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
