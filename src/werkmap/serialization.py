"""The private converter: werkmap values to and from JSON-ready data, in versioned envelopes.

Every document werkmap writes (a folder in a store, a model file, a questionnaire, a policy file) is an
*envelope*::

    {"schema": "werkmap.folder", "schema_version": 1, "data": {...}}

A value class is registered once with :func:`register_schema`, with its schema name, its current version
and the migrations that lift older documents one version at a time. Loading refuses unknown keys
(``forbid_extra_keys``), a document of another schema, and a version newer than this werkmap knows; a
structure error becomes one :class:`~werkmap.errors.InvalidInput` listing every bad field with its path.

This module is private to werkmap: hosts use the load and save functions of each room, not the converter.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override
from cattrs.preconf.json import make_converter

from werkmap.errors import InvalidInput, Problem, SchemaVersionError

__all__ = [
    "SchemaSpec",
    "converter",
    "dump",
    "dumps",
    "load",
    "loads",
    "omit_defaults",
    "register_schema",
    "schema_of",
    "structure",
    "unstructure",
]

T = TypeVar("T")
Migration = Callable[[dict[str, Any]], dict[str, Any]]

converter = make_converter(forbid_extra_keys=True, omit_if_default=False)
"""The one cattrs converter of werkmap (JSON-ready, unknown keys refused)."""

converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())
converter.register_structure_hook(dt.date, lambda v, _: _parse_date(v))


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO date string, got {type(value).__name__}")
    return dt.date.fromisoformat(value)


def omit_defaults(cls: type[Any], *, always: Iterable[str] = ()) -> None:
    """Write ``cls`` without the fields that hold their default value (a cattrs-generated writer).

    For the values a folder holds many of (activities, deadlines), so that its document stays small;
    reading fills the defaults in again. The fields named in ``always`` are written even when they hold
    their default. Register a class after the classes of its fields.

    Examples:
        >>> @attrs.frozen
        ... class Note:
        ...     text: str
        ...     by: str = ""
        ...     seen: bool = False
        >>> omit_defaults(Note, always=["seen"])
        >>> unstructure(Note("hallo"))
        {'text': 'hallo', 'seen': False}
    """
    keep: dict[str, Any] = {name: override(omit_if_default=False) for name in always}
    converter.register_unstructure_hook(
        cls, make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **keep)
    )


@attrs.frozen(kw_only=True)
class SchemaSpec:
    """How one value class is written: schema name, current version, migrations from older versions.

    ``migrations[n]`` turns the ``data`` of version ``n`` into the ``data`` of version ``n + 1``.
    """

    name: str
    cls: type[Any]
    version: int
    migrations: Mapping[int, Migration] = attrs.field(factory=dict)


_BY_NAME: dict[str, SchemaSpec] = {}
_BY_CLASS: dict[type[Any], SchemaSpec] = {}


def register_schema(
    name: str, cls: type[Any], version: int, migrations: Mapping[int, Migration] | None = None
) -> SchemaSpec:
    """Register ``cls`` as schema ``name`` at ``version`` (idempotent for the same arguments)."""
    spec = SchemaSpec(name=name, cls=cls, version=version, migrations=dict(migrations or {}))
    missing = [v for v in range(1, version) if v not in spec.migrations]
    if missing and migrations is not None:
        raise ValueError(f"schema {name!r} v{version} lacks migrations from versions {missing}")
    _BY_NAME[name] = spec
    _BY_CLASS[cls] = spec
    return spec


def schema_of(cls: type[Any]) -> SchemaSpec:
    """Return the schema ``cls`` is registered with (its name and current version).

    Raises:
        TypeError: ``cls`` is not registered.
    """
    spec = _BY_CLASS.get(cls)
    if spec is None:
        raise TypeError(f"{cls.__name__} is not registered with a schema")
    return spec


def unstructure(value: Any) -> Any:
    """Turn a werkmap value into JSON-ready data (no envelope)."""
    return converter.unstructure(value)


def structure(data: Any, cls: type[T], *, source: str = "") -> T:
    """Build a ``cls`` from JSON-ready data; every structure problem is reported with its path."""
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as exc:
        raise InvalidInput(_problems(exc), source=source) from None


def _problems(exc: BaseException) -> list[Problem]:
    if isinstance(exc, cattrs.BaseValidationError):
        problems = []
        for line in cattrs.transform_error(exc, path="$"):
            path, _, message = line.partition(" @ ")
            problems.append(Problem(path=message or "$", message=path))
        return problems
    return [Problem(path="$", message=str(exc))]


def dump(value: Any) -> dict[str, Any]:
    """Wrap ``value`` in its envelope ``{schema, schema_version, data}``."""
    spec = _BY_CLASS.get(type(value))
    if spec is None:
        raise TypeError(f"{type(value).__name__} is not registered with a schema")
    return {"schema": spec.name, "schema_version": spec.version, "data": unstructure(value)}


def load(envelope: Any, cls: type[T], *, source: str = "") -> T:
    """Read an envelope back into a ``cls``, migrating older versions forward.

    Raises:
        InvalidInput: the envelope or its data is malformed (every problem listed, with paths).
        SchemaVersionError: the document is of a newer version than this werkmap knows.
    """
    spec = _BY_CLASS.get(cls)
    if spec is None:
        raise TypeError(f"{cls.__name__} is not registered with a schema")
    problems = []
    if not isinstance(envelope, Mapping):
        raise InvalidInput(
            [Problem(path="$", message=f"expected an object, got {type(envelope).__name__}")],
            source=source,
        )
    extra = sorted(set(envelope) - {"schema", "schema_version", "data"})
    if extra:
        problems.append(Problem(path="$", message=f"unknown keys {extra}"))
    if envelope.get("schema") != spec.name:
        problems.append(
            Problem(
                path="$.schema",
                message=f"expected {spec.name!r}, got {envelope.get('schema')!r}",
            )
        )
    version = envelope.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(
            Problem(
                path="$.schema_version", message=f"expected a positive integer, got {version!r}"
            )
        )
    if "data" not in envelope:
        problems.append(Problem(path="$.data", message="missing"))
    if problems:
        raise InvalidInput(problems, source=source)
    assert isinstance(version, int)
    if version > spec.version:
        where = f"{source}: " if source else ""
        raise SchemaVersionError(
            f"{where}{spec.name} schema version {version} is newer than this werkmap knows "
            f"({spec.version}); upgrade werkmap to read it"
        )
    data = envelope["data"]
    for v in range(version, spec.version):
        migrate = spec.migrations.get(v)
        if migrate is None:
            raise SchemaVersionError(f"no migration for {spec.name} from version {v} to {v + 1}")
        data = migrate(data)
    return structure(data, cls, source=source)


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Write ``value`` as a JSON envelope string (keys sorted, so equal values give equal text)."""
    return json.dumps(dump(value), ensure_ascii=False, sort_keys=True, indent=indent)


def loads(text: str | bytes, cls: type[T], *, source: str = "") -> T:
    """Read a JSON envelope string into a ``cls``; bad JSON is an :class:`InvalidInput` too."""
    try:
        envelope = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            [
                Problem(
                    path=f"line {exc.lineno} column {exc.colno}", message=f"invalid JSON: {exc.msg}"
                )
            ],
            source=source,
        ) from None
    return load(envelope, cls, source=source)
