"""How the SQL stores keep a folder small: compressed JSON, a snapshot, and patches since the snapshot.

A folder's document (its JSON envelope without the event log) is written whole only now and then: as a
**snapshot**. Between two snapshots a save writes a **patch**: the fields of the folder that changed since
the version before, and of its tuples (activities, conversations, plans, cases …) only the items that
changed or were added. Loading a folder reads the snapshot, applies its patches in version order and puts
the events back. A store writes a new snapshot (and drops the patches it replaces) when it pays:

* when the patches since the snapshot would grow larger than the snapshot itself (so loading a folder
  reads at most twice its document, and a folder's rows stay under twice its size), and
* when the store does not know the version before (a folder it has not loaded or saved in this process,
  or whose snapshot was written in an older document schema): a patch needs the previous folder.

Which items changed is told by identity: werkmap's values are frozen, so an item a change did not touch is
the same object in the old and the new folder, and only the changed items are turned into JSON. A save
therefore costs what it changes, not the size of the folder.

**Encoding.** Documents, patches and event rows are JSON texts (keys sorted, as :mod:`werkmap.serialization`
writes them), stored compressed: one byte :data:`ENCODING` and the text as raw DEFLATE with a preset
dictionary of typical werkmap JSON (``storage/data/dictionary-1.txt``, fixed for this encoding forever).
A value that is not such a blob (a text, or bytes starting with ``{`` or ``[``) is plain JSON, as older
stores wrote it. To inspect a row by hand (any column of ``folders``, ``folder_changes``, ``events`` or
``audit``)::

    import sqlite3
    from werkmap.storage.compact import text_of
    conn = sqlite3.connect("store.db")
    print(text_of(conn.execute("SELECT document FROM folders").fetchone()[0]))

Measured at the demo's mix (1,000 jobseekers, one year), zlib with the dictionary keeps the events in
0.64 MB where their JSON takes 9.4 MB (1.8 MB compressed without the dictionary).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from importlib import resources
from typing import Any

import attrs

from werkmap import serialization
from werkmap.errors import FolderUnreadable, InvalidInput, Problem, SchemaVersionError
from werkmap.plan.folder import FolderEvent
from werkmap.storage.codec import FolderCodec

__all__ = [
    "ENCODING",
    "DocumentWriter",
    "Write",
    "apply_patches",
    "damage_of",
    "load_folder",
    "pack",
    "reading",
    "rule_text",
    "text_of",
]

ENCODING = 1
"""The first byte of a compressed value: raw DEFLATE with the preset dictionary ``dictionary-1.txt``."""

_DICTIONARY: list[bytes] = []
_PRIMED: dict[int, Any] = {}
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _dictionary() -> bytes:
    if not _DICTIONARY:
        text = resources.files("werkmap.storage").joinpath("data/dictionary-1.txt").read_bytes()
        _DICTIONARY.append(text)
    return _DICTIONARY[0]


def pack(text: str, *, level: int = 6) -> bytes:
    """Compress a JSON text into a stored value (read it back with :func:`text_of`).

    ``level`` is zlib's (1 fastest … 9 smallest; every level reads back the same way).

    Speed: each value is compressed by a copy of a compressor primed with the dictionary (16 µs a small
    patch instead of 28 µs for a new compressor that reads the dictionary each time; 2,000 packs,
    process time). The compressor has a 16 KiB window (the 13 KB dictionary fits whole) and memLevel 7,
    not 32 KiB and 9: a copy holds a quarter of the memory and takes 10-15 µs instead of 28-29 µs
    (3,000 copies, process time), while the 9,000 event, patch, audit and rule-state texts of the
    5,000-jobseeker demo pack to the same size within 0.002 %. Any window up to 32 KiB reads back.

    Examples:
        >>> text_of(pack('{"kind": "activity_added"}'))
        '{"kind": "activity_added"}'
    """
    primed = _PRIMED.get(level)
    if primed is None:
        primed = _PRIMED[level] = zlib.compressobj(
            level, zlib.DEFLATED, -14, 7, zlib.Z_DEFAULT_STRATEGY, _dictionary()
        )
    co = primed.copy()
    return bytes((ENCODING,)) + co.compress(text.encode("utf-8")) + co.flush()


def text_of(value: bytes | bytearray | memoryview | str) -> str:
    """Return the JSON text of a stored value: a :func:`pack` blob, plain JSON bytes, or a text.

    Raises:
        InvalidInput: the value is neither (a damaged row).
    """
    try:
        return _text(value)
    except (zlib.error, UnicodeDecodeError) as exc:
        raise InvalidInput(
            [Problem(path="$", message=f"a damaged compressed value: {exc}")], source="store"
        ) from None


def _text(value: bytes | bytearray | memoryview | str) -> str:
    """:func:`text_of`, raising zlib's or the UTF-8 decoder's own error (for :func:`reading`)."""
    if isinstance(value, str):
        return value
    data = bytes(value)
    if data[:1] == bytes((ENCODING,)):
        do = zlib.decompressobj(-15, _dictionary())
        return (do.decompress(data[1:]) + do.flush()).decode("utf-8")
    return data.decode("utf-8")


def rule_text(value: bytes | bytearray | memoryview | str | None) -> str | None:
    """Return the text of a stored rule state, or ``None`` when there is none or it is damaged.

    ``due_states`` reads the rule state of every due folder this way: a damaged one makes the sweep read
    that folder's document instead, and never stops the query for the other folders.
    """
    if value is None:
        return None
    try:
        return text_of(value)
    except InvalidInput:
        return None


#: What reading a damaged stored value raises on the way (a JSON, zlib, UTF-8 or converter error, a
#: missing key, a wrong type): :func:`reading` turns each into :class:`~werkmap.errors.FolderUnreadable`.
_DAMAGE: tuple[type[BaseException], ...] = (
    ValueError,  # json.JSONDecodeError, UnicodeDecodeError, InvalidInput are ValueErrors
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    zlib.error,
    SchemaVersionError,
    RecursionError,
)


def damage_of(exc: BaseException) -> str:
    """Name the kind of damage an error of reading a stored value shows (never the value itself).

    Examples:
        >>> import json
        >>> try:
        ...     json.loads("{not json")
        ... except ValueError as exc:
        ...     damage_of(exc)
        'not valid JSON'
    """
    seen: BaseException | None = exc
    while seen is not None:  # the converter's errors keep the parser's error as their context
        if isinstance(seen, json.JSONDecodeError):
            return "not valid JSON"
        if isinstance(seen, zlib.error):
            return "damaged compressed data"
        if isinstance(seen, UnicodeDecodeError):
            return "not UTF-8 text"
        if isinstance(seen, SchemaVersionError):
            return "a schema version this werkmap does not know"
        seen = seen.__context__
    return "not the stored structure (wrong types or missing keys)"


@contextlib.contextmanager
def reading(folder_id: str, part: str) -> Iterator[None]:
    """Turn any error of decoding ``part`` of a stored folder into :class:`~werkmap.errors.FolderUnreadable`.

    ``part`` names what is read (``"its document"``, ``"its events"``); the error says what kind of damage
    was found (:func:`damage_of`) and never quotes the stored value. The stores read every document,
    patch, event row and index column inside it.

    Examples:
        >>> with reading("f-1", "its document"):
        ...     json.loads("{not json")
        Traceback (most recent call last):
        werkmap.errors.FolderUnreadable: folder 'f-1' cannot be read: its document: not valid JSON
    """
    try:
        yield
    except FolderUnreadable:
        raise
    except _DAMAGE as exc:
        raise FolderUnreadable(folder_id, f"{part}: {damage_of(exc)}") from None


@attrs.frozen(kw_only=True)
class Write:
    """What one save writes of a folder's document: a snapshot or a patch (the other is ``None``).

    Attributes:
        snapshot: the whole document (without events), packed, or ``None``.
        patch: the changes since the version before, packed, or ``None``.
        last_sequence: the sequence number of the last event the store holds, when known (else ``None``).
    """

    snapshot: bytes | None
    patch: bytes | None
    last_sequence: int | None = None


@attrs.define
class _Known:
    version: int
    ref: Callable[[], Any]  # the folder, held weakly when it can be (see DocumentWriter)
    snapshot_bytes: int
    patch_bytes: int

    @property
    def folder(self) -> Any:
        """The folder as last stored, or ``None`` when nobody holds it any more."""
        return self.ref()


def _hold(folder: Any) -> Callable[[], Any]:
    """A weak reference to ``folder`` (a strong one for a value that cannot be referenced weakly)."""
    try:
        return weakref.ref(folder)
    except TypeError:
        return lambda: folder


class DocumentWriter:
    """Decides, per save, between a snapshot and a patch, and remembers what the store holds.

    Args:
        codec: the store's folder codec.
        capacity: how many folders it remembers (the most recently loaded or saved). A folder it does
            not remember is saved as a snapshot. Default 65,536: at about 100 bytes of bookkeeping each,
            about 6 MB.

    The folders themselves are held weakly: a folder stays in memory as long as its holder keeps it (the
    service's folder cache, bounded by size, or a unit of work), never because the writer remembers it,
    so the cache's bound is the bound of the folders in memory. A folder nobody holds any more is saved
    as a snapshot at its next save, unless it was loaded again since (a load remembers it anew).
    Measured with ``werkmap demo --jobseekers 12000 --months 5`` (SQLite): peak RSS 282 MB, against
    351 MB when the writer held its folders strongly; the same time, store and output.
    """

    def __init__(self, codec: FolderCodec, *, capacity: int = 65_536) -> None:
        self.codec = codec
        self.capacity = max(int(capacity), 0)
        self._known: OrderedDict[str, _Known] = OrderedDict()

    def plan(self, folder: Any, expected_version: int) -> Write:
        """Return what to write for ``folder``, saved over ``expected_version`` (0: a new folder)."""
        known = self._known.get(folder.folder_id) if expected_version else None
        before = known.folder if known is not None and known.version == expected_version else None
        if before is not None and attrs.has(type(folder)):
            assert known is not None
            patch = self._patch(before, folder)
            if known.patch_bytes + len(patch) <= known.snapshot_bytes:
                events = self.codec.events(before)
                last = self.codec.sequence(events[-1]) if events else 0
                return Write(snapshot=None, patch=patch, last_sequence=last)
        document, _ = self.codec.dump_parts(folder)
        last_seq: int | None = None
        if before is not None:
            events = self.codec.events(before)
            last_seq = self.codec.sequence(events[-1]) if events else 0
        elif expected_version == 0:
            last_seq = 0
        return Write(snapshot=pack(document), patch=None, last_sequence=last_seq)

    def wrote(self, folder: Any, write: Write) -> None:
        """Remember a folder after its save committed."""
        fid = folder.folder_id
        known = self._known.get(fid)
        if write.snapshot is not None or known is None:
            size = len(write.snapshot) if write.snapshot is not None else 0
            self._remember(fid, _Known(folder.version, _hold(folder), size, 0))
        else:
            known.version = folder.version
            known.ref = _hold(folder)
            known.patch_bytes += len(write.patch or b"")
            self._known.move_to_end(fid)

    def loaded(self, folder: Any, snapshot_bytes: int, patch_bytes: int, current: bool) -> None:
        """Remember a folder read from the store (``current``: its snapshot is of today's schema)."""
        if current:
            self._remember(
                folder.folder_id, _Known(folder.version, _hold(folder), snapshot_bytes, patch_bytes)
            )
        else:
            self.forget(folder.folder_id)

    def forget(self, folder_id: str) -> None:
        """Forget a folder (its next save is a snapshot)."""
        self._known.pop(folder_id, None)

    def clear(self) -> None:
        """Forget every folder."""
        self._known.clear()

    def _remember(self, folder_id: str, known: _Known) -> None:
        if not self.capacity:
            return
        self._known[folder_id] = known
        self._known.move_to_end(folder_id)
        while len(self._known) > self.capacity:
            self._known.popitem(last=False)

    @staticmethod
    def _patch(old: Any, new: Any) -> bytes:
        values: dict[str, Any] = {}
        items: dict[str, list[Any]] = {}
        for field in attrs.fields(type(new)):
            name = field.name
            if name == "events":
                continue
            a = getattr(old, name)
            b = getattr(new, name)
            if a is b:
                continue
            if isinstance(a, tuple) and isinstance(b, tuple):
                changed = {
                    str(i): serialization.unstructure(x)
                    for i, x in enumerate(b)
                    if i >= len(a) or x is not a[i]
                }
                items[name] = [len(b), changed]
            elif a != b or type(a) is not type(b):
                values[name] = serialization.unstructure(b)
        return pack(_ENCODER.encode({"items": items, "values": values, "version": new.version}))


def apply_patches(data: dict[str, Any], patches: Sequence[bytes | str]) -> dict[str, Any]:
    """Apply stored patches (oldest first) to the ``data`` of a snapshot's envelope, in place; return it.

    A tool that edits a folder's document by hand reads the snapshot with :func:`text_of`, applies the
    patches, writes the result back as plain JSON and deletes the folder's rows of ``folder_changes``.
    """
    for raw in patches:
        patch = json.loads(text_of(raw))
        data.update(patch["values"])
        for name, (length, changed) in patch["items"].items():
            old = list(data.get(name, ()))[:length]
            old.extend([None] * (length - len(old)))
            for index, item in changed.items():
                old[int(index)] = item
            data[name] = old
        data["version"] = patch["version"]
    return data


def load_folder(
    codec: FolderCodec,
    document: bytes | str,
    patches: Sequence[bytes | str],
    event_rows: Sequence[bytes | str],
    *,
    source: str = "",
    folder_id: str = "",
) -> tuple[Any, bool]:
    """Read a folder from its snapshot, its patches (oldest first) and its event rows.

    Returns:
        The folder, and whether its snapshot is of the folder class's current document schema (a patch
        may be written over it).

    Raises:
        FolderUnreadable: the document, a patch or an event row is damaged (bad compression, bad JSON,
            wrong types, missing keys, a structure the converter refuses); the error names the folder
            (``folder_id``, else ``source``) and the part, never the stored contents.
    """
    fid = folder_id or source
    with reading(fid, "its document"):
        envelope = json.loads(_text(document))
        if not isinstance(envelope, dict) or not isinstance(envelope.get("data"), dict):
            raise TypeError("not a folder envelope")
    data: dict[str, Any] = envelope["data"]
    with reading(fid, "a patch of its document"):
        apply_patches(data, patches)
    has_events = attrs.has(codec.folder_cls) and "events" in attrs.fields_dict(codec.folder_cls)
    inside = "events" in data  # an older document that still holds its events: snapshot it again
    fast: tuple[Any, ...] | None = None
    if has_events and not inside:
        events: list[Any] = []
        with reading(fid, "its events"):
            for row in event_rows:
                chunk = json.loads(_text(row))
                if not isinstance(chunk, list):
                    raise TypeError("an event row is not a list")
                events.extend(chunk)
            fast = _events_of(codec, events)
            if fast is None:  # not the converter's exact shape: let it build (and check) them here
                fast = tuple(
                    serialization.structure(e, codec.event_cls, source=source) for e in events
                )
        data["events"] = []
    current = not inside and (
        envelope.get("schema_version") == serialization.schema_of(codec.folder_cls).version
    )
    with reading(fid, "its document"):
        folder = serialization.load(envelope, codec.folder_cls, source=source)
    if fast:
        folder = attrs.evolve(folder, events=fast)
    return folder, current


_EVENT_KEYS = frozenset({"seq", "kind", "on", "actor", "version", "data"})
_TEXT = frozenset({str})


def _events_of(codec: FolderCodec, raw: list[Any]) -> tuple[Any, ...] | None:
    """Build the default codec's ``FolderEvent`` values directly (``None``: let the converter do it).

    A speed path, measured on 300 active folders of the 1,000-jobseeker demo (``time.process_time``):
    ``SQLiteStore.load`` took 1.43 ms a folder with the converter building the events, 1.06–1.18 ms
    with this (the converter spent 0.78 s of 2.27 s on the 20,245 events). Only for events of the
    exact shape the converter writes (a dict with those keys, ``data`` of texts); anything else goes the
    converter's way, with its checks, so both read every row alike (the converter turns a number in
    ``data`` into its text). Checking that ``data`` holds only texts costs about 4 % of a load: 1,640 →
    1,700 µs a folder (``load_many`` of the 1,000 folders of the demo's store, 52 events each, median
    of 5, process time).
    """
    cls = codec.event_cls
    if cls is not FolderEvent:
        return None
    fromiso = dt.date.fromisoformat
    out = []
    for e in raw:
        if not isinstance(e, dict) or not e.keys() <= _EVENT_KEYS:
            return None
        data = e.get("data", {})
        try:
            seq, version, on, kind, actor = e["seq"], e["version"], e["on"], e["kind"], e["actor"]
        except KeyError:
            return None  # the converter names what is missing
        if (
            type(seq) is not int
            or type(version) is not int
            or type(on) is not str
            or type(kind) is not str
            or type(actor) is not str
            or type(data) is not dict
            or not set(map(type, data.values())) <= _TEXT  # JSON's keys are always texts
        ):
            return None
        out.append(
            cls(
                seq=seq,
                kind=kind,
                on=fromiso(on),
                actor=actor,
                version=version,
                data=data,
            )
        )
    return tuple(out)
