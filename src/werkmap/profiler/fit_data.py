"""The data a model is fitted on, read from CSV files: answers with an outcome, or a numeric design.

:func:`parse_outcome_csv` reads one column per ``link_id`` of the questionnaire and an outcome column, and
validates every row (:class:`OutcomeTable`, for :func:`werkmap.profiler.fit.fit_model`);
:func:`parse_design_csv` reads named numeric features and an outcome (:class:`DesignTable`, for
:func:`werkmap.profiler.fit.fit`). Bad input raises one :class:`~werkmap.errors.InvalidInput` naming every
problem by row and column. Import them from :mod:`werkmap.profiler.fit` or from here.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.errors import (
    InvalidAnswers,
    InvalidInput,
    Problem,
)
from werkmap.profiler.questionnaire import AnswerValue, Questionnaire, validate_answers

__all__ = ["DesignTable", "OutcomeTable", "parse_design_csv", "parse_outcome_csv"]


_TRUE = frozenset({"true", "1", "yes", "ja", "y", "j"})


_FALSE = frozenset({"false", "0", "no", "nee", "n"})


@attrs.frozen(kw_only=True)
class OutcomeTable:
    """Validated answers with their observed outcomes, ready to be encoded and fitted.

    Attributes:
        answers: per person, the validated answers by ``link_id`` (as :func:`validate_answers` returns them).
        outcomes: per person, 1 = found work within a year, 0 = did not.
        outcome_column: the name of the outcome column.
        groups: per person, the value of the group column (``None`` without a group column).
        group_column: the name of the group column (``""`` without one).
        questionnaire_ref: the ``url|version`` of the questionnaire the answers were validated against.
        ids: per person, the value of the id column (``None`` without one).
        ignored_columns: the columns that were not used (named to be ignored, or unknown and ignored).
    """

    answers: tuple[Mapping[str, AnswerValue], ...]
    outcomes: tuple[int, ...]
    outcome_column: str
    groups: tuple[str, ...] | None = None
    group_column: str = ""
    questionnaire_ref: str
    ids: tuple[str, ...] | None = None
    ignored_columns: tuple[str, ...] = ()

    def outcome_array(self) -> npt.NDArray[np.float64]:
        """Return the outcomes as a float array (for :func:`~werkmap.profiler.fit.fit` and evaluation)."""
        return np.asarray(self.outcomes, dtype=np.float64)


def _cell_value(item_type: str, cell: str) -> object:
    """Turn a CSV cell into the Python value an item of ``item_type`` takes (or leave the text as it is)."""
    text = cell.strip()
    if item_type == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if item_type == "decimal":
        try:
            return float(text if "." in text else text.replace(",", ".", 1))
        except ValueError:
            return text
    if item_type == "boolean":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return text
    return text


def parse_outcome_csv(
    text: str,
    questionnaire: Questionnaire,
    *,
    outcome: str,
    group: str | None = None,
    source: str = "",
    id_column: str | None = None,
    ignore: Sequence[str] = (),
    unknown_columns: str = "error",
) -> OutcomeTable:
    """Read a CSV of answers (one column per ``link_id``) with an outcome column, validating every row.

    The first line is the header. Columns are the answerable items' ``link_id`` s (not all need to be
    present), the outcome column (``0``/``1``, also ``false``/``true``, ``nee``/``ja``) and optionally a group
    column and an id column. An empty cell is an unanswered item. Integers, decimals (a decimal comma is
    accepted) and booleans (``true``/``false``, ``1``/``0``, ``ja``/``nee``) are converted by the item's type,
    then each row is checked with :func:`~werkmap.profiler.questionnaire.validate_answers`. An empty group
    cell is the group ``"(missing)"``. A required item whose column is missing is one problem of the header,
    not one per row.

    Args:
        text: the CSV text (comma- or semicolon-separated; the delimiter is detected from the header).
        questionnaire: the questionnaire the answers belong to.
        outcome: the name of the outcome column.
        group: the name of a group column, if any.
        source: the file name, for error messages.
        id_column: the name of a column identifying each row (not empty, unique; not a feature).
        ignore: columns to leave out (each must be in the header).
        unknown_columns: ``"error"`` (the default): a column that is none of the above is a problem;
            ``"ignore"``: it is left out and listed in :attr:`OutcomeTable.ignored_columns`.

    Returns:
        The :class:`OutcomeTable`.

    Raises:
        InvalidInput: listing every problem, each with its place ``line N, column C`` (line 1 is the header):
            missing or unknown or duplicate columns, ragged rows, bad outcomes and every answer problem.
    """
    types = {it.link_id: it.type for it in questionnaire.answerable_items()}
    reader, columns, ignored, problems = _read_header(
        text,
        known=types,
        outcome=outcome,
        group=group,
        id_column=id_column,
        ignore=ignore,
        unknown_columns=unknown_columns,
        unknown_text=f"not an item of {questionnaire.ref}",
        source=source,
    )
    answers: list[dict[str, AnswerValue]] = []
    outcomes: list[int] = []
    groups: list[str] = []
    ids: list[str] = []
    missing_required: dict[str, int] = {}
    for line, row in _data_rows(reader, columns, problems):
        raw: dict[str, object] = {}
        for name, cell in zip(columns, row, strict=True):
            if name == outcome:
                _outcome_cell(cell, line, name, outcomes, problems)
            elif name == group:
                groups.append(cell.strip() or "(missing)")
            elif name == id_column:
                ids.append(cell.strip())
            elif name in ignored:
                continue
            elif cell.strip():
                raw[name] = _cell_value(types[name], cell)
        try:
            answers.append(validate_answers(raw, questionnaire))
        except InvalidAnswers as exc:
            for p in exc.problems:
                column = p.path.removeprefix("$.")
                if column not in columns and p.message == "required, but not answered":
                    missing_required[column] = missing_required.get(column, 0) + 1
                    continue
                problems.append(
                    Problem(path=f"line {line}, column {column}", message=p.message, code=p.code)
                )
    problems[:0] = [
        Problem(
            path="line 1",
            message=f"the column {column!r} is missing: the item is required "
            f"({n} row{'s need' if n != 1 else ' needs'} it)",
        )
        for column, n in missing_required.items()
    ]
    if id_column is not None:
        problems.extend(_id_problems(ids, id_column))
    if not problems and not answers:
        problems.append(Problem(path="line 2", message="no data rows after the header"))
    if problems:
        raise InvalidInput(problems, source=source)
    return OutcomeTable(
        answers=tuple(answers),
        outcomes=tuple(outcomes),
        outcome_column=outcome,
        groups=tuple(groups) if group is not None else None,
        group_column=group or "",
        questionnaire_ref=questionnaire.ref,
        ids=tuple(ids) if id_column is not None else None,
        ignored_columns=tuple(c for c in columns if c in ignored),
    )


def _read_header(
    text: str,
    *,
    known: Mapping[str, object] | None,
    outcome: str,
    group: str | None,
    id_column: str | None,
    ignore: Sequence[str],
    unknown_columns: str,
    unknown_text: str,
    source: str,
) -> tuple[Any, list[str], set[str], list[Problem]]:
    """Read and check the header; return the reader, the columns, the ignored ones and the problems.

    ``known=None``: every column that is not the outcome, group, id or ignored is a feature. Problems of the
    header raise at once (rows are not read, so a header problem is never repeated per row).
    """
    if unknown_columns not in ("error", "ignore"):
        raise ValueError(f"unknown_columns must be 'error' or 'ignore', got {unknown_columns!r}")
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    problems: list[Problem] = []
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise InvalidInput(
            [Problem(path="line 1", message="the file is empty: expected a header")], source=source
        )
    columns = [h.strip() for h in header]
    roles = {outcome, group, id_column} - {None}
    ignored: set[str] = set()
    for name in ignore:
        if name not in columns:
            problems.append(
                Problem(
                    path="line 1", message=f"the column {name!r} to ignore is not in the header"
                )
            )
        ignored.add(name)
    seen: set[str] = set()
    for j, name in enumerate(columns):
        if name in seen:
            problems.append(
                Problem(path=f"line 1, column {j + 1}", message=f"duplicate column {name!r}")
            )
        seen.add(name)
        if name in roles or name in ignored or known is None or name in known:
            continue
        if unknown_columns == "ignore":
            ignored.add(name)
        else:
            problems.append(
                Problem(
                    path=f"line 1, column {name or j + 1}",
                    message=f"unknown column: {unknown_text}, nor the outcome ({outcome!r}) or group "
                    "column",
                )
            )
    named: tuple[tuple[str, str | None], ...] = (
        ("outcome", outcome),
        ("group", group),
        ("id", id_column),
    )
    for role, wanted in named:
        if wanted is not None and wanted not in columns:
            problems.append(
                Problem(path="line 1", message=f"the {role} column {wanted!r} is missing")
            )
    if problems:
        raise InvalidInput(problems, source=source)
    return reader, columns, ignored, problems


def _data_rows(
    reader: Any, columns: Sequence[str], problems: list[Problem]
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, cells)`` of the data rows, skipping blank lines; ragged rows are problems."""
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) != len(columns):
            problems.append(
                Problem(
                    path=f"line {line}", message=f"expected {len(columns)} cells, got {len(row)}"
                )
            )
            continue
        yield line, row


def _outcome_cell(
    cell: str, line: int, name: str, outcomes: list[int], problems: list[Problem]
) -> None:
    value = cell.strip().lower()
    if value in _TRUE:
        outcomes.append(1)
    elif value in _FALSE:
        outcomes.append(0)
    else:
        problems.append(
            Problem(
                path=f"line {line}, column {name}",
                message=f"expected an outcome 0 or 1, got {cell!r}",
            )
        )


def _id_problems(ids: Sequence[str], id_column: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if not value:
            problems.append(Problem(path=f"row {i + 1}, column {id_column}", message="empty id"))
        elif value in seen:
            problems.append(
                Problem(path=f"row {i + 1}, column {id_column}", message=f"duplicate id {value!r}")
            )
        seen.add(value)
    return problems


@attrs.frozen(kw_only=True, eq=False)
class DesignTable:
    """A numeric design matrix with its outcomes, read from a CSV by :func:`parse_design_csv`.

    Attributes:
        feature_names: the feature columns, in file order.
        x: the features, shape ``(n, k)``.
        outcomes: per row, 1 or 0.
        outcome_column: the name of the outcome column.
        groups: per row, the value of the group column (``None`` without one).
        group_column: the name of the group column (``""`` without one).
        ids: per row, the value of the id column (``None`` without one).
        ignored_columns: the columns named to be ignored.
    """

    feature_names: tuple[str, ...]
    x: npt.NDArray[np.float64]
    outcomes: tuple[int, ...]
    outcome_column: str
    groups: tuple[str, ...] | None = None
    group_column: str = ""
    ids: tuple[str, ...] | None = None
    ignored_columns: tuple[str, ...] = ()

    def outcome_array(self) -> npt.NDArray[np.float64]:
        """Return the outcomes as a float array (for :func:`~werkmap.profiler.fit.fit` and evaluation)."""
        return np.asarray(self.outcomes, dtype=np.float64)


def parse_design_csv(
    text: str,
    *,
    outcome: str,
    group: str | None = None,
    id_column: str | None = None,
    ignore: Sequence[str] = (),
    source: str = "",
) -> DesignTable:
    r"""Read a CSV of numeric features with an outcome column: a design matrix, no questionnaire needed.

    Every column that is not the outcome, the group, the id or ignored is a feature; each cell must be a
    finite number (a decimal comma is accepted; ``true``/``false`` and ``ja``/``nee`` are 1 and 0). Fit it
    with :func:`~werkmap.profiler.fit.fit` (``feature_names=table.feature_names``).

    Raises:
        InvalidInput: every problem, with its place ``line N, column C``; header problems once.

    Examples:
        >>> t = parse_design_csv("id,age,y\na,30,1\nb,40,0\n", outcome="y", id_column="id")
        >>> t.feature_names, t.x.tolist(), t.outcomes
        (('age',), [[30.0], [40.0]], (1, 0))
    """
    reader, columns, ignored, problems = _read_header(
        text,
        known=None,
        outcome=outcome,
        group=group,
        id_column=id_column,
        ignore=ignore,
        unknown_columns="error",
        unknown_text="",
        source=source,
    )
    features = [c for c in columns if c not in ignored and c not in {outcome, group, id_column}]
    if not features:
        raise InvalidInput(
            [Problem(path="line 1", message="no feature columns besides the outcome")],
            source=source,
        )
    rows: list[list[float]] = []
    outcomes: list[int] = []
    groups: list[str] = []
    ids: list[str] = []
    for line, row in _data_rows(reader, columns, problems):
        values: list[float] = []
        for name, cell in zip(columns, row, strict=True):
            if name == outcome:
                _outcome_cell(cell, line, name, outcomes, problems)
            elif name == group:
                groups.append(cell.strip() or "(missing)")
            elif name == id_column:
                ids.append(cell.strip())
            elif name not in ignored:
                value = _number_cell(cell)
                if value is None:
                    problems.append(
                        Problem(
                            path=f"line {line}, column {name}",
                            message=f"expected a number, got {cell.strip()!r}",
                        )
                    )
                    value = math.nan
                values.append(value)
        rows.append(values)
    if id_column is not None:
        problems.extend(_id_problems(ids, id_column))
    if not problems and not rows:
        problems.append(Problem(path="line 2", message="no data rows after the header"))
    if problems:
        raise InvalidInput(problems, source=source)
    return DesignTable(
        feature_names=tuple(features),
        x=np.asarray(rows, dtype=np.float64).reshape(len(rows), len(features)),
        outcomes=tuple(outcomes),
        outcome_column=outcome,
        groups=tuple(groups) if group is not None else None,
        group_column=group or "",
        ids=tuple(ids) if id_column is not None else None,
        ignored_columns=tuple(c for c in columns if c in ignored),
    )


def _number_cell(cell: str) -> float | None:
    text = cell.strip()
    low = text.lower()
    if low in ("true", "ja", "yes"):
        return 1.0
    if low in ("false", "nee", "no"):
        return 0.0
    try:
        value = float(text if "." in text else text.replace(",", ".", 1))
    except ValueError:
        return None
    return value if math.isfinite(value) else None
