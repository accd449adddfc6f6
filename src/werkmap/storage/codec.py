"""How a store turns a folder and its events into text and back, through :mod:`werkmap.serialization`.

A store does not know the shape of a folder: it asks a :class:`FolderCodec`. The default codec writes the
``WorkFolder`` of :mod:`werkmap.plan.folder` as a ``werkmap.folder`` envelope (the one private converter,
with its migrations) and each event as its JSON-ready data. A plugin author never needs another codec; the
test suite uses one for small stand-in folders.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from typing import Any

import attrs

from werkmap import serialization

__all__ = ["FolderCodec", "default_codec"]


@attrs.frozen(kw_only=True)
class FolderCodec:
    """Writes folders and events as text, and reads them back.

    Attributes:
        folder_cls: the folder class, registered with :func:`werkmap.serialization.register_schema`.
        event_cls: the class of the folder's events.
        sequence_attr: the name of an event's sequence-number attribute.
    """

    folder_cls: type[Any]
    event_cls: type[Any]
    sequence_attr: str = "seq"

    def dumps(self, folder: Any) -> str:
        """Return the folder as a JSON envelope string."""
        return serialization.dumps(folder)

    def loads(self, text: str, *, source: str = "") -> Any:
        """Read a folder from a JSON envelope string (older versions are migrated forward)."""
        return serialization.loads(text, self.folder_cls, source=source)

    def dump_parts(self, folder: Any) -> tuple[str, Sequence[Any]]:
        """Write a folder's document *without* its events; return it with the events (still values).

        A store that keeps the event log in a table of its own writes this smaller document, and only the
        new events with :meth:`encode_event_values` (a save then writes what changed, not the whole log
        again); it reads the folder back with :meth:`load_parts`. A folder class without an ``events``
        field gives its whole envelope.
        """
        events = self.events(folder)
        if self._has_events:
            envelope = serialization.dump(attrs.evolve(folder, events=()))
            data = envelope["data"]
            if isinstance(data, dict):
                data.pop("events", None)
        else:
            envelope = serialization.dump(folder)
        return _ENCODER.encode(envelope), events

    def encode_event_values(self, events: Sequence[Any]) -> str:
        """Write events (values) as one JSON array (read back with :meth:`decode_events`)."""
        return _ENCODER.encode([serialization.unstructure(e) for e in events])

    def load_parts(self, document: str, event_arrays: Sequence[str], *, source: str = "") -> Any:
        """Read a folder from a document of :meth:`dump_parts` and its event arrays (:meth:`encode_event_values`).

        A document that still holds its events (as :meth:`dumps` writes them) is read as it is.
        """
        try:
            envelope = json.loads(document)
        except json.JSONDecodeError:
            return self.loads(document, source=source)  # reports the JSON problem with its place
        data = envelope.get("data") if isinstance(envelope, dict) else None
        if isinstance(data, dict) and self._has_events and "events" not in data:
            raw: list[Any] = []
            for text in event_arrays:
                raw.extend(json.loads(text))
            data["events"] = raw
        return serialization.load(envelope, self.folder_cls, source=source)

    @property
    def _has_events(self) -> bool:
        return _has_events_field(self.folder_cls)

    def decode_events(self, text: str, *, source: str = "") -> list[Any]:
        """Read a JSON array written by :meth:`encode_event_values` back into events."""
        return [
            serialization.structure(item, self.event_cls, source=source)
            for item in json.loads(text)
        ]

    def dump_event(self, event: Any) -> str:
        """Return one event as JSON text."""
        return json.dumps(serialization.unstructure(event), ensure_ascii=False, sort_keys=True)

    def load_event(self, text: str, *, source: str = "") -> Any:
        """Read one event from JSON text."""
        return serialization.structure(json.loads(text), self.event_cls, source=source)

    def sequence(self, event: Any) -> int:
        """Return the sequence number of an event."""
        return int(getattr(event, self.sequence_attr))

    def events(self, folder: Any) -> Sequence[Any]:
        """Return the events of a folder, oldest first."""
        return tuple(folder.events)


_HAS_EVENTS: dict[type[Any], bool] = {}


def _has_events_field(cls: type[Any]) -> bool:
    known = _HAS_EVENTS.get(cls)
    if known is None:
        known = _HAS_EVENTS[cls] = attrs.has(cls) and "events" in attrs.fields_dict(cls)
    return known


_DEFAULT: list[FolderCodec] = []
# The same settings as werkmap.serialization.dumps (so the text is identical), built once.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def default_codec() -> FolderCodec:
    """Return the codec for :class:`werkmap.plan.folder.WorkFolder` (imported on first use)."""
    if not _DEFAULT:
        plan_folder = importlib.import_module("werkmap.plan.folder")
        _DEFAULT.append(
            FolderCodec(
                folder_cls=plan_folder.WorkFolder,
                event_cls=plan_folder.FolderEvent,
                sequence_attr="seq",
            )
        )
    return _DEFAULT[0]
