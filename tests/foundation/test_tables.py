"""The one table renderer: text, markdown and HTML from one Table, and the progress line."""

from __future__ import annotations

import io

import pytest

from werkmap.progress import Progress, progress, progress_line
from werkmap.tables import Cell, Table, bar, bar_chart, display_width


def test_text_aligns_by_display_width_and_cuts_trailing_spaces():
    t = Table(header=("name", "n"), rows=[("日本", "1"), ("e\u0301t\u00e9", "22")], align="lr")
    lines = t.to_text().splitlines()
    assert lines[0] == "name   n"
    assert lines[1] == "----  --"
    assert lines[2] == "日本   1"
    assert display_width(lines[3]) == display_width(lines[0])
    assert all(line == line.rstrip() for line in lines)


def test_centre_alignment_and_unprintables():
    t = Table(header=("abcde",), rows=[("x",), ("a\nb",)], align="c")
    assert t.to_text().splitlines()[2:] == ["  x", " a?b"]


def test_limit_more_line_empty_and_footer():
    rows = [(str(i), "x") for i in range(5)]
    t = Table(header=("i", "v"), rows=rows, limit=2, footer=("5 in all",), title="T")
    assert t.to_text().splitlines() == [
        "T",
        "i  v",
        "-  -",
        "0  x",
        "1  x",
        "… 3 more rows",
        "5 in all",
    ]
    assert Table(header=("i",), rows=[("1",), ("2",)], limit=1).to_text().endswith("… 1 more row")
    nl = Table(header=("i",), rows=rows and [("1",), ("2",), ("3",)], limit=1, language="nl")
    assert nl.to_text().endswith("… nog 2 rijen")
    assert Table(header=("i",), rows=[], empty="(none)").to_text().splitlines()[-1] == "(none)"
    custom = Table(header=("i",), rows=[("1",), ("2",)], limit=0, more="and {n} others")
    assert custom.to_text().endswith("and 2 others")


def test_total_counts_rows_not_built():
    t = Table(header=("i",), rows=[("0",), ("1",)], total=1_000_000)
    assert t.hidden == 999_998
    assert "… 999998 more rows" in t.to_html()


def test_markdown_escapes_pipes_and_marks_alignment():
    t = Table(header=("a|b", "n"), rows=[("x|y", "1")], align="lr", footer="note")
    assert t.to_markdown().splitlines() == [
        "| a\\|b | n |",
        "|---|---:|",
        "| x\\|y | 1 |",
        "",
        "note",
    ]


def test_html_escapes_everything_and_carries_cell_attributes():
    evil = "<script>alert(1)</script>"
    t = Table(
        header=(evil, "n"),
        rows=[(Cell(evil, css_class='c"x', style="color: red"), "1")],
        align="lr",
        title="<b>t</b>",
        footer="&",
        row_headers=True,
    )
    out = t.to_html()
    assert "<script>" not in out
    assert "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert 'class="c&quot;x"' in out
    assert 'style="color: red"' in out
    assert "<caption>&lt;b&gt;t&lt;/b&gt;</caption>" in out
    assert out.startswith('<table class="werkmap-table">')
    assert out.endswith("</table>")
    assert '<th style="text-align: right">n</th>' in out
    assert '<tfoot><tr><td colspan="2">&amp;</td></tr></tfoot>' in out
    assert t._repr_html_() == out


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="row 0 has 1 cells"):
        Table(header=("a", "b"), rows=[("x",)])
    with pytest.raises(ValueError, match="align"):
        Table(header=("a",), rows=[], align="x")
    with pytest.raises(ValueError, match="limit"):
        Table(header=("a",), rows=[], limit=-1)


def test_bar_chart():
    assert bar(3, 4, width=8) == "######"
    assert bar(5, 4, width=4) == "####", "a bar never grows past its width"
    chart = bar_chart({"a": 1, "bb": 3}, width=4)
    assert chart.to_text().splitlines() == [" a  1  25.0%  #", "bb  3  75.0%  ###"]
    assert bar_chart({"a": 0}).to_text() == "a  0  0.0%"


def test_progress_draws_only_on_a_terminal_and_at_most_once_per_percent():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    with progress(1000, tty, unit="days", width=10) as p:
        for done in range(1, 1001):
            p(done)
    frames = tty.getvalue().split("\r")[1:]
    assert len(frames) == 101, "0 %, then once per percent"
    assert frames[-1] == "[##########] 1000/1000 days\n"
    quiet = io.StringIO()
    with progress(10, quiet) as p:
        p(5)
    assert quiet.getvalue() == ""
    assert isinstance(p, Progress)
    assert p.done == 5
    assert progress_line(0, 0, width=3) == "[...] 0/0"


def test_progress_is_a_done_total_callback():
    out = io.StringIO()
    p = Progress(1, out, enabled=True, width=2)
    p(1, 2)
    assert out.getvalue() == "\r[#.] 1/2"
