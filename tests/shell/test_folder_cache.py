"""The service's folder cache is bounded by its estimated bytes, least recently used out first."""

from __future__ import annotations

import datetime as dt

from werkmap.plan import folder as wf
from werkmap.service.unit import FolderCache, folder_bytes

from .service_world import SYSTEM, service

DAY = dt.date(2025, 3, 3)


def _folder(fid: str, activities: int) -> wf.WorkFolder:
    f, _ = wf.create_folder(fid, on=DAY, jobseeker_ref=f"js-{fid}")
    for i in range(activities):
        f, _ = wf.add_activity(f, f"a{i}", "application", due=DAY, on=DAY, actor="js")
    return f


def test_the_cache_evicts_the_least_recently_used_when_its_bytes_are_full() -> None:
    small, big = _folder("s", 0), _folder("b", 40)
    assert folder_bytes(big) > 5 * folder_bytes(small)
    cache = FolderCache(count=1000, max_bytes=folder_bytes(big) + 2 * folder_bytes(small) - 1)
    cache.put(small)
    cache.put(_folder("t", 0))
    cache.move_to_end("s")  # "t" is now the least recently used
    cache.put(big)
    assert "b" in cache
    assert "s" in cache
    assert "t" not in cache
    assert cache.bytes == folder_bytes(big) + folder_bytes(small)
    cache.put(_folder("u", 40))  # over the bound again: "s" and then "b" go
    assert list(cache._folders) == ["u"]
    assert cache.bytes <= cache.max_bytes
    cache.pop("u")
    assert cache.bytes == 0


def test_the_service_keeps_its_cache_under_the_byte_bound() -> None:
    one = folder_bytes(_folder("f-0", 0))
    wm = service(cache=1000)
    wm._cache = FolderCache(count=1000, max_bytes=10 * one)
    for i in range(30):
        wm.register(SYSTEM, f"f-{i}", jobseeker_ref=f"js-{i}", coach_id="c-1")
    assert len(wm._cache) <= 10
    assert wm._cache.bytes <= 10 * one
    assert "f-29" in wm._cache
    assert "f-0" not in wm._cache
    assert wm.folder(SYSTEM, "f-0").folder_id == "f-0"  # evicted, still in the store
