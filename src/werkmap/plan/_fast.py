"""Fast private constructors for the hot paths of frozen, slotted attrs classes.

attrs builds ``__init__`` of a frozen class with ``object.__setattr__`` per field. On the hot paths of the
plan (one transition of an activity, creating the activities of a hundred thousand folders) we set the slots
through their member descriptors instead, with code generated from :func:`attrs.fields` so it can never
miss a field. The values are the same as those ``attrs.evolve`` and ``cls(...)`` give (tests check this);
there are no validators or converters on these classes to skip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["constructor", "replacer"]


def _setters(cls: type[Any]) -> tuple[list[str], dict[str, Any]]:
    fields = attrs.fields(cls)
    skipped = [f.name for f in fields if f.validator is not None or f.converter is not None]
    if skipped or hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        raise ValueError(
            f"{cls.__name__} validates or converts in __init__ ({skipped or 'post-init'}); "
            "the fast path would skip that"
        )
    names = [f.name for f in fields]
    ns: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    for n in names:
        ns[f"_set_{n}"] = cls.__dict__[n].__set__
    return names, ns


def replacer(cls: type[Any], *changed: str) -> Callable[..., Any]:
    """Return ``replace(old, *values)``: a copy of ``old`` with the fields ``changed`` set to ``values``."""
    names, ns = _setters(cls)
    unknown = set(changed) - set(names)
    if unknown:
        raise ValueError(f"{cls.__name__} has no fields {sorted(unknown)}")
    lines = [f"def replace(old, {', '.join(changed)}):", "    new = _new(_cls)"]
    lines += [f"    _set_{n}(new, {n if n in changed else 'old.' + n})" for n in names]
    lines.append("    return new")
    exec("\n".join(lines), ns)
    fn: Callable[..., Any] = ns["replace"]
    return fn


def constructor(cls: type[Any]) -> Callable[..., Any]:
    """Return ``make(**fields)``: builds a ``cls`` like ``cls(**fields)`` (plain defaults only)."""
    names, ns = _setters(cls)
    params = []
    for f in attrs.fields(cls):
        if f.default is attrs.NOTHING:
            params.append(f.name)
        elif isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            raise ValueError(f"{cls.__name__}.{f.name} has a factory default")
        else:
            ns[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    lines = [f"def make(*, {', '.join(params)}):", "    new = _new(_cls)"]
    lines += [f"    _set_{n}(new, {n})" for n in names]
    lines.append("    return new")
    exec("\n".join(lines), ns)
    fn: Callable[..., Any] = ns["make"]
    return fn
