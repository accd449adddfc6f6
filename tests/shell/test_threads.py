"""One ``Werkmap`` shared by threads: each thread's unit of work is its own (issue 11, point 10).

Covers: a thread's failing unit of work never discards another thread's command or unit of work; a
plain command in one thread is stored when it returns, even while another thread's unit of work is
open; many threads giving commands to one shell on one SQLite connection lose nothing, and every audit
chain verifies; a unit of work is not seen by the other threads before it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from werkmap.errors import NotFound
from werkmap.service import Werkmap
from werkmap.storage import open_store, verify_audit

from .service_world import COACH, SYSTEM, day, service

STORES = ["memory", "sqlite"]


def _url(kind: str, tmp_path: Path) -> str:
    return "memory://" if kind == "memory" else f"sqlite:///{tmp_path / 'shared.db'}"


def _in_thread(target: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.parametrize("kind", STORES)
def test_a_failing_unit_of_work_in_one_thread_keeps_another_threads_command(
    kind: str, tmp_path: Path
) -> None:
    wm = service(_url(kind, tmp_path))
    opened, command_done = threading.Event(), threading.Event()

    def failing_unit() -> None:
        with wm.unit_of_work():
            wm.register(SYSTEM, "f-b", jobseeker_ref="js-b", coach_id="c-1")
            opened.set()
            assert command_done.wait(10)
            raise RuntimeError("this thread's unit of work fails")

    thread, errors = _in_thread(failing_unit)
    assert opened.wait(10)
    wm.register(SYSTEM, "f-a", jobseeker_ref="js-a", coach_id="c-1")  # returned: it is done
    wm.add_activity(COACH, "f-a", "cv", due=day(10))
    command_done.set()
    thread.join(10)
    assert [type(e) for e in errors] == [RuntimeError]
    stored = wm.store.load("f-a")
    assert [a.kind for a in stored.activities] == ["cv"]
    with pytest.raises(NotFound):
        wm.store.load("f-b")
    wm.close()


@pytest.mark.parametrize("kind", STORES)
def test_a_command_is_stored_when_it_returns_while_another_thread_has_a_unit_open(
    kind: str, tmp_path: Path
) -> None:
    url = _url(kind, tmp_path)
    wm = service(url)
    opened, command_done = threading.Event(), threading.Event()

    def open_unit() -> None:
        with wm.unit_of_work():
            wm.register(SYSTEM, "f-b", jobseeker_ref="js-b", coach_id="c-1")
            opened.set()
            assert command_done.wait(10)

    thread, errors = _in_thread(open_unit)
    assert opened.wait(10)
    wm.register(SYSTEM, "f-a", jobseeker_ref="js-a", coach_id="c-1")
    # stored now, not at the end of the other thread's unit; the other unit is not written yet
    assert wm.store.load("f-a").jobseeker_ref == "js-a"
    with pytest.raises(NotFound):
        wm.store.load("f-b")
    if kind == "sqlite":  # and another connection sees it too
        other = open_store(url)
        assert other.load("f-a").jobseeker_ref == "js-a"
        other.close()
    command_done.set()
    thread.join(10)
    assert errors == []
    assert wm.store.load("f-b").jobseeker_ref == "js-b"
    wm.close()


@pytest.mark.parametrize("kind", STORES)
def test_two_threads_units_of_work_are_each_their_own(kind: str, tmp_path: Path) -> None:
    wm = service(_url(kind, tmp_path))
    both_open = threading.Barrier(2, timeout=10)
    first_failed = threading.Event()

    def unit(fid: str, fail: bool) -> Callable[[], None]:
        def run() -> None:
            with wm.unit_of_work():
                wm.register(SYSTEM, fid, jobseeker_ref=f"js-{fid}", coach_id="c-1")
                both_open.wait()
                if fail:
                    first_failed.set()
                    raise RuntimeError("undone")
                assert first_failed.wait(10)
                wm.add_activity(COACH, fid, "cv", due=day(10))  # sees its own pending folder

        return run

    failing, failing_errors = _in_thread(unit("f-fail", True))
    keeping, keeping_errors = _in_thread(unit("f-keep", False))
    failing.join(10)
    keeping.join(10)
    assert [type(e) for e in failing_errors] == [RuntimeError]
    assert keeping_errors == []
    assert [a.kind for a in wm.store.load("f-keep").activities] == ["cv"]
    with pytest.raises(NotFound):
        wm.store.load("f-fail")
    wm.close()


def test_many_threads_on_one_sqlite_shell_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    wm = service(url)
    threads, per_thread, activities = 8, 5, 3

    def work(t: int) -> Callable[[], None]:
        def run() -> None:
            for i in range(per_thread):
                fid = f"f-{t}-{i}"
                if i % 2:
                    with wm.unit_of_work():
                        wm.register(SYSTEM, fid, jobseeker_ref=f"js-{t}-{i}", coach_id="c-1")
                        for _ in range(activities):
                            wm.add_activity(COACH, fid, "cv", due=day(10))
                else:
                    wm.register(SYSTEM, fid, jobseeker_ref=f"js-{t}-{i}", coach_id="c-1")
                    for _ in range(activities):
                        wm.add_activity(COACH, fid, "cv", due=day(10))
                wm.folder(COACH, fid, why="check")

        return run

    running = [_in_thread(work(t)) for t in range(threads)]
    for thread, _ in running:
        thread.join(60)
    assert [e for _, errors in running for e in errors] == []
    wm.close()
    with Werkmap(url) as again:
        store = again.store
        for t in range(threads):
            for i in range(per_thread):
                folder = store.load(f"f-{t}-{i}")
                assert len(folder.activities) == activities
                records = store.audit_records(f"f-{t}-{i}")
                assert [r.action for r in records].count("add_activity") == activities
                assert verify_audit(records).ok
