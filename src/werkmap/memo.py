"""A memo of values derived from immutable objects, kept while each object lives.

A folder keeps most of its parts (activities) from one version to the next, and every save maps the whole
folder again. :class:`ObjectMemo` keeps what was derived from one frozen object (its JSON-ready data, its
row for the rules) until that object is garbage-collected; it is keyed by identity and guarded by a weak
reference, so a new object that happens to get the id of a dead one never sees the dead one's value.

Examples:
    >>> import attrs
    >>> @attrs.frozen
    ... class Point:
    ...     x: int
    >>> memo: ObjectMemo[Point, int] = ObjectMemo()
    >>> p = Point(3)
    >>> memo.get(p) is None
    True
    >>> memo.put(p, p.x * 2)
    6
    >>> memo.get(p), len(memo)
    (6, 1)
    >>> del p
    >>> len(memo)
    0
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["ObjectMemo"]

K = TypeVar("K")
V = TypeVar("V")


class ObjectMemo(Generic[K, V]):
    """Values derived from objects, each kept while its object lives.

    The objects must allow weak references, as slotted attrs classes do. The values are shared: derive only
    values that nobody changes, or hand out copies.
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[K], V]] = {}

    def get(self, obj: K) -> V | None:
        """Return the value kept for ``obj``, or ``None``."""
        hit = self._entries.get(id(obj))
        if hit is not None and hit[0]() is obj:
            return hit[1]
        return None

    def put(self, obj: K, value: V) -> V:
        """Keep ``value`` for ``obj`` (until ``obj`` is collected) and return it."""
        key = id(obj)
        self._entries[key] = (weakref.ref(obj, self._forget(key)), value)
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def _forget(self, key: int) -> Callable[[object], None]:
        entries = self._entries

        def forget(_ref: object) -> None:
            entries.pop(key, None)

        return forget
