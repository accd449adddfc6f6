"""One table renderer for werkmap: a :class:`Table` renders as text, markdown and (escaped) HTML.

The dashboard, the period report, the model card, the fit summary, the evaluation report, the notebook
reprs and the command line's bar charts all build a :class:`Table` and ask it for the form they need: one
home for column widths, alignment, escaping and the "… N more rows" line.

* :meth:`Table.to_text`: a fixed-width table for a terminal (the title line, the header, a rule of dashes,
  the rows, then the more line and the footer lines); cells are padded by display width, so wide
  characters (CJK) and combining accents line up; unprintable characters show as ``?``.
* :meth:`Table.to_markdown`: a GitHub-flavoured markdown table (``|`` escaped, alignment colons).
* :meth:`Table.to_html`: an HTML ``<table>`` (caption, ``thead``, ``tbody``, ``tfoot``), every text escaped;
  a :class:`Cell` can carry a CSS class and style (the dashboard's colour cell). ``_repr_html_`` is this,
  so a table shows itself in a notebook.

Cells are text: the caller formats numbers (in the user's language, see :mod:`werkmap.texts`).

Examples:
    >>> t = Table(header=("band", "n"), rows=[("0-25", "12"), ("25-50", "7")], align="lr", title="Bands")
    >>> print(t.to_text())
    Bands
    band    n
    -----  --
    0-25   12
    25-50   7
    >>> print(t.to_markdown())
    **Bands**
    <BLANKLINE>
    | band | n |
    |---|---:|
    | 0-25 | 12 |
    | 25-50 | 7 |
    >>> print(Table(header=("n",), rows=[(str(i),) for i in range(5)], limit=2).to_text())
    n
    -
    0
    1
    … 3 more rows
    >>> print(bar_chart({"0-25": 3, "25-50": 1}, width=8).to_text())
     0-25  3  75.0%  ######
    25-50  1  25.0%  ##
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

__all__ = ["MORE", "REPR_ROWS", "Cell", "Table", "bar", "bar_chart", "display_width"]

MORE: Mapping[str, tuple[str, str]] = {
    "en": ("… {n} more row", "… {n} more rows"),
    "nl": ("… nog {n} rij", "… nog {n} rijen"),
}
"""The default text of the line that follows a cut table, by language: one row, several rows (``{n}``)."""

REPR_ROWS = 10
"""How many rows a notebook repr (``_repr_html_``) shows at most; a line with the count of the rest follows."""

_ALIGNS = frozenset("lrc")


@attrs.frozen
class Cell:
    """A cell with HTML attributes (the text and markdown forms show only :attr:`text`).

    Attributes:
        text: the cell's text.
        css_class: the HTML ``class`` of the cell (empty: none).
        style: the HTML ``style`` of the cell (empty: none), e.g. ``"background-color: #d9534f"``.
    """

    text: str
    css_class: str = ""
    style: str = ""

    def __str__(self) -> str:
        return self.text


def _text(cell: str | Cell) -> str:
    return cell.text if isinstance(cell, Cell) else str(cell)


def _rows(rows: Iterable[Sequence[str | Cell]]) -> tuple[tuple[str | Cell, ...], ...]:
    return tuple(tuple(r) for r in rows)


def _header(header: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if header is None else tuple(header)


def _lines(lines: str | Sequence[str]) -> tuple[str, ...]:
    return (lines,) if isinstance(lines, str) else tuple(lines)


def display_width(text: str) -> int:
    r"""Return how many terminal columns ``text`` takes: wide (CJK) characters 2, combining marks 0.

    Examples:
        >>> display_width("abc"), display_width("日本"), display_width("e\u0301")
        (3, 4, 1)
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _pad(text: str, width: int, align: str) -> str:
    room = width - display_width(text)
    if room <= 0:
        return text
    if align == "r":
        return " " * room + text
    if align == "c":
        left = room // 2
        return " " * left + text + " " * (room - left)
    return text + " " * room


@attrs.frozen(kw_only=True)
class Table:
    """A table of text cells that renders as text, markdown or HTML.

    Attributes:
        header: the column headings, or ``None`` for a table without a header row (then the column count is
            that of the first row).
        rows: the rows, each a sequence of cells (``str`` or :class:`Cell`), all as long as the header.
        align: one letter per column, ``l`` (left), ``r`` (right) or ``c`` (centre); empty: all left. A
            shorter string leaves the remaining columns left-aligned.
        title: a line above the table (the HTML caption; bold in markdown); empty: none.
        footer: lines below the table (a summary); one string or several.
        limit: show at most this many rows, followed by the :attr:`more` line; ``None``: every row.
        more: the text of that line, ``{n}`` the number of rows not shown (default: :data:`MORE` in
            :attr:`language`).
        empty: a line shown instead of rows when there are none (empty: nothing).
        total: how many rows there are in all, when :attr:`rows` holds only the first of them (a notebook
            repr of a million scores builds ten rows); ``None``: :attr:`rows` is everything.
        language: ``"en"`` or ``"nl"``, the language of the default :attr:`more` text.
        row_headers: the first column names the row (``<th>`` in HTML).
        css_class: the HTML ``class`` of the ``<table>``.

    Raises:
        ValueError: a row of another length than the header, an alignment letter other than ``l``, ``r``,
            ``c``, or a negative limit.
    """

    header: tuple[str, ...] | None = attrs.field(converter=_header)
    rows: tuple[tuple[str | Cell, ...], ...] = attrs.field(converter=_rows)
    align: str = ""
    title: str = ""
    footer: tuple[str, ...] = attrs.field(default=(), converter=_lines)
    limit: int | None = None
    more: str = ""
    empty: str = ""
    total: int | None = None
    language: str = "en"
    row_headers: bool = False
    css_class: str = "werkmap-table"

    def __attrs_post_init__(self) -> None:
        n = self.columns
        for i, row in enumerate(self.rows):
            if len(row) != n:
                raise ValueError(f"row {i} has {len(row)} cells, expected {n}")
        if not set(self.align) <= _ALIGNS or len(self.align) > max(n, 1):
            raise ValueError(f"align must be at most {n} letters of l, r, c, got {self.align!r}")
        if self.limit is not None and self.limit < 0:
            raise ValueError(f"limit must be at least 0, got {self.limit}")

    @property
    def columns(self) -> int:
        """The number of columns."""
        if self.header is not None:
            return len(self.header)
        return len(self.rows[0]) if self.rows else 0

    @property
    def shown(self) -> tuple[tuple[str | Cell, ...], ...]:
        """The rows shown: all of them, or the first :attr:`limit`."""
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def hidden(self) -> int:
        """How many rows are not shown (beyond :attr:`limit`)."""
        everything = len(self.rows) if self.total is None else max(self.total, len(self.rows))
        return everything - len(self.shown)

    def _align(self, column: int) -> str:
        return self.align[column] if column < len(self.align) else "l"

    def _more_line(self) -> str:
        one, many = MORE.get(self.language, MORE["en"])
        template = self.more or (one if self.hidden == 1 else many)
        return template.format(n=self.hidden)

    def _tail(self) -> list[str]:
        tail = [self.empty] if not self.rows and not self.hidden and self.empty else []
        if self.hidden:
            tail.append(self._more_line())
        return [*tail, *self.footer]

    def text_lines(self, *, rule: bool = True, title: bool = True, tail: bool = True) -> list[str]:
        """Return the text form as lines (see :meth:`to_text`), for a caller that frames them itself.

        Args:
            rule: put a rule of dashes under the header.
            title: start with the title line (when there is a title).
            tail: end with the empty, more and footer lines.
        """
        body = [[_printable(_text(c)) for c in row] for row in self.shown]
        head = [_printable(h) for h in self.header] if self.header is not None else None
        everything = [head, *body] if head is not None else body
        widths = [
            max((display_width(r[j]) for r in everything), default=0) for j in range(self.columns)
        ]

        def line(cells: Sequence[str]) -> str:
            padded = (
                _pad(c, w, self._align(j))
                for j, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            return "  ".join(padded).rstrip()

        out = [_printable(self.title)] if title and self.title else []
        if head is not None:
            out.append(line(head))
            if rule:
                out.append("  ".join("-" * w for w in widths))
        out += [line(r) for r in body]
        if tail:
            out += [_printable(x) for x in self._tail()]
        return out

    def to_text(self) -> str:
        """Return the table as fixed-width text, without a final newline.

        The title line, the header, a rule of dashes, one line per row shown (columns two spaces apart,
        trailing spaces cut), then the empty line (no rows), the more line (rows cut) and the footer.
        """
        return "\n".join(self.text_lines())

    def __str__(self) -> str:
        return self.to_text()

    def to_markdown(self) -> str:
        """Return the table as GitHub-flavoured markdown, without a final newline.

        The title is a bold line before the table; the more line and the footer follow it after a blank
        line. ``|`` in a cell is escaped and a line break becomes a space.
        """

        def esc(text: str) -> str:
            return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

        head = self.header if self.header is not None else ("",) * self.columns
        marks = {"l": "---", "r": "---:", "c": ":---:"}
        out = [f"**{esc(self.title)}**", ""] if self.title else []
        out.append("| " + " | ".join(esc(h) for h in head) + " |")
        out.append("|" + "|".join(marks[self._align(j)] for j in range(self.columns)) + "|")
        out += ["| " + " | ".join(esc(_text(c)) for c in row) + " |" for row in self.shown]
        tail = self._tail()
        if tail:
            out += ["", *(esc(x) for x in tail)]
        return "\n".join(out)

    def to_html(self) -> str:
        """Return the table as an HTML ``<table>``; every text is escaped.

        The title is the ``<caption>``; right- and centre-aligned columns carry a ``text-align`` style; the
        empty, more and footer lines are rows of the ``<tfoot>``, each one cell spanning the table.
        """
        esc = html.escape
        n = max(self.columns, 1)

        def attrs_of(j: int, cell: str | Cell | None = None) -> str:
            styles = []
            align = self._align(j)
            if align != "l":
                styles.append(f"text-align: {'right' if align == 'r' else 'center'}")
            cls = ""
            if isinstance(cell, Cell):
                if cell.style:
                    styles.append(cell.style)
                if cell.css_class:
                    cls = f' class="{esc(cell.css_class)}"'
            style = f' style="{esc("; ".join(styles))}"' if styles else ""
            return cls + style

        parts = [f'<table class="{esc(self.css_class)}">' if self.css_class else "<table>"]
        if self.title:
            parts.append(f"<caption>{esc(self.title)}</caption>")
        if self.header is not None:
            parts.append("<thead><tr>")
            parts += [f"<th{attrs_of(j)}>{esc(h)}</th>" for j, h in enumerate(self.header)]
            parts.append("</tr></thead>")
        parts.append("<tbody>")
        for row in self.shown:
            parts.append("<tr>")
            for j, cell in enumerate(row):
                tag = "th" if j == 0 and self.row_headers else "td"
                parts.append(f"<{tag}{attrs_of(j, cell)}>{esc(_text(cell))}</{tag}>")
            parts.append("</tr>")
        parts.append("</tbody>")
        tail = self._tail()
        if tail:
            parts.append("<tfoot>")
            parts += [f'<tr><td colspan="{n}">{esc(x)}</td></tr>' for x in tail]
            parts.append("</tfoot>")
        parts.append("</table>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def bar(value: float, total: float, *, width: int = 40, char: str = "#") -> str:
    """Return a bar of ``char`` for ``value`` out of ``total``, at most ``width`` long (rounded).

    Examples:
        >>> bar(1, 4, width=8), bar(0, 0)
        ('##', '')
    """
    if total <= 0:
        return ""
    share = min(max(value / total, 0.0), 1.0)
    return char * round(width * share)


def bar_chart(
    counts: Mapping[str, int],
    *,
    width: int = 40,
    char: str = "#",
    share_format: str | Callable[[float], str] = "{:.1%}",
    title: str = "",
) -> Table:
    """Return a horizontal ASCII bar chart of ``counts`` as a :class:`Table` without a header.

    One row per label, in the order given: the label and the count right-aligned, the share of the total
    (``share_format``, Python's ``%`` format by default) and the bar (:func:`bar`).

    Args:
        counts: the count of each label.
        width: the length of the bar of a label holding every count.
        char: the character bars are drawn with.
        share_format: how the share ``0..1`` is written: a format string, or a function (such as
            :func:`werkmap.texts.percent` with a language) that returns the text.
        title: a line above the chart.
    """
    total = sum(counts.values())
    rows = [
        (
            label,
            str(n),
            share_format(n / total if total else 0.0)
            if callable(share_format)
            else share_format.format(n / total if total else 0.0),
            bar(n, total, width=width, char=char),
        )
        for label, n in counts.items()
    ]
    return Table(header=None, rows=rows, align="rrrl", title=title)
