"""A small stand-in folder for storage tests that must not depend on werkmap.plan's details."""

from __future__ import annotations

import datetime as dt

import attrs

from werkmap.serialization import register_schema
from werkmap.storage.codec import FolderCodec


@attrs.frozen(kw_only=True)
class StandinEvent:
    seq: int
    kind: str
    on: dt.date
    payload: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class StandinFolder:
    folder_id: str
    version: int
    jobseeker_ref: str
    coach_id: str | None = None
    note: str = ""
    score: float | None = None
    flags: tuple[bool, ...] = ()
    counts: dict[str, int] = attrs.field(factory=dict)
    events: tuple[StandinEvent, ...] = ()


register_schema("werkmap.testing.standin-folder", StandinFolder, 1)

CODEC = FolderCodec(folder_cls=StandinFolder, event_cls=StandinEvent, sequence_attr="seq")
START = dt.date(2024, 3, 4)


class StandinSamples:
    def new(self, folder_id: str, *, events: int = 2, note: str = "") -> StandinFolder:
        evs = tuple(
            StandinEvent(seq=i + 1, kind="created" if i == 0 else "noted", on=START)
            for i in range(max(events, 1))
        )
        return StandinFolder(
            folder_id=folder_id,
            version=len(evs),
            jobseeker_ref=f"ref-{folder_id}",
            note=note,
            events=evs,
        )

    def advance(self, folder: StandinFolder, *, note: str = "") -> StandinFolder:
        seq = folder.events[-1].seq + 1 if folder.events else 1
        event = StandinEvent(seq=seq, kind="noted", on=START, payload={"note": note})
        return attrs.evolve(
            folder, version=folder.version + 1, note=note, events=(*folder.events, event)
        )

    def variety(self) -> list[StandinFolder]:
        return [
            self.new("v-plain"),
            attrs.evolve(
                self.new("v-rich", events=4, note="ĳ"),
                coach_id="coach-9",
                score=0.4999999999999999,
                flags=(True, False),
                counts={"open": 3, "überfällig": 1},
            ),
            attrs.evolve(self.new("v-extremes"), score=1e-300, counts={"big": 2**62}),
        ]
