"""pandas at the edges: recognise a DataFrame without importing pandas, and turn one into answer records.

werkmap imports and works without pandas (an optional extra, ``pip install werkmap[pandas]``). A function that
accepts a DataFrame asks :func:`is_dataframe`, which only looks at pandas if pandas is already imported (a
DataFrame cannot exist otherwise); ``to_frame()`` methods import pandas when they are called.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["is_dataframe", "is_series", "records_from_frame"]


def is_dataframe(obj: object) -> bool:
    """Return whether ``obj`` is a pandas DataFrame (without importing pandas).

    Examples:
        >>> is_dataframe([{"q01": "1"}])
        False
    """
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(obj, pd.DataFrame)


def is_series(obj: object) -> bool:
    """Return whether ``obj`` is a pandas Series (without importing pandas)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(obj, pd.Series)


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    pd = sys.modules.get("pandas")
    return pd is not None and (value is pd.NA or value is pd.NaT)


def records_from_frame(frame: pd.DataFrame) -> list[Mapping[str, object]]:
    """Return one answers mapping per row of ``frame``, columns named by ``link_id``.

    Empty cells (``NaN``, ``None``, ``pd.NA``) are left out: the item is unanswered. Values stay as pandas
    gives them (integer codes, numpy scalars); answer validation accepts an integer wherever it names an
    option.

    Args:
        frame: a DataFrame with one column per answered item.

    Returns:
        A list of ``{link_id: answer}`` dicts, in row order.
    """
    columns = [str(c) for c in frame.columns]
    out: list[Mapping[str, object]] = []
    for row in frame.itertuples(index=False, name=None):
        values: tuple[Any, ...] = row
        out.append(
            {
                c: (v.item() if hasattr(v, "item") and not isinstance(v, str) else v)
                for c, v in zip(columns, values, strict=True)
                if not _missing(v)
            }
        )
    return out
