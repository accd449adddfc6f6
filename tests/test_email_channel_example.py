"""The email channel example: a simulated month delivered to a real local SMTP server (aiosmtpd).

The server is stopped in the middle of the month and started again, and for a while it loses its
acknowledgements (the message is in the mailbox but the client hears an error, so the outbox sends it
again). Every notification arrives at least once, and a consumer deduplicating by the idempotency key in
``Message-ID`` sees each exactly once.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import threading
from collections import Counter
from email import message_from_bytes
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "email_channel"


def _module(name: str) -> ModuleType:
    if str(EXAMPLE) not in sys.path:
        sys.path.insert(0, str(EXAMPLE))
    spec = importlib.util.spec_from_file_location(name, EXAMPLE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Mailbox:
    """The receiving side: every message as it arrived, and a consumer that drops duplicates."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, str]] = []  # (message id, key header, to)
        self.lose_acks = 0  # answer this many messages with an error after keeping them
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content)
        with self._lock:
            self.received.append(
                (
                    message["Message-ID"],
                    message["X-Werkmap-Idempotency-Key"],
                    ",".join(envelope.rcpt_tos),
                )
            )
            if self.lose_acks:
                self.lose_acks -= 1
                return "451 4.3.0 kept, but the acknowledgement is lost"
        return "250 OK"

    def deduplicated(self) -> dict[str, tuple[str, str]]:
        seen: dict[str, tuple[str, str]] = {}
        for message_id, key, to in self.received:
            seen.setdefault(message_id, (key, to))
        return seen


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.port = _free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def server() -> Any:
    s = Server(Mailbox())
    s.start()
    yield s
    s.stop()


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_month_arrives_at_least_once_and_exactly_once_after_deduplication(
    server: Server, tmp_path: Path, store: str
) -> None:
    deliver_month = _module("deliver_month")
    email_channel = _module("email_channel")
    db = "memory://" if store == "memory" else f"sqlite:///{tmp_path}/month.db"
    events: list[str] = []

    # the simulator writes a week at a time (days 7, 14, 21, 28): day 15 dispatches the second week
    def on_day(day: int) -> None:
        if day == 15:
            server.stop()
            events.append("stopped")
        if day == 19:
            server.start()
            events.append("started")
        if day == 22:
            server.mailbox.lose_acks = 3

    figures = deliver_month.run(port=server.port, db=db, on_day=on_day)
    assert events == ["stopped", "started"]
    assert figures["notifications"] >= 30
    assert figures["pending"] == 0
    assert figures["dead_letters"] == 0
    assert figures["delivered"] == figures["notifications"]
    assert figures["failed_attempts"] > 3  # the outage and the lost acknowledgements were felt
    raw = Counter(mid for mid, _, _ in server.mailbox.received)
    assert sum(raw.values()) > len(raw)  # at least once: some arrived twice
    unique = server.mailbox.deduplicated()
    assert len(unique) == figures["notifications"]  # exactly once after deduplication
    for message_id, (key, to) in unique.items():
        assert message_id == email_channel.message_id(key)
        assert to.endswith(("@burger.example", "@uwv.example"))  # the host's addresses


def test_the_example_script_runs_against_the_server(server: Server, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(EXAMPLE / "deliver_month.py"),
            "--port",
            str(server.port),
            "--db",
            f"sqlite:///{tmp_path}/script.db",
            "--jobseekers",
            "15",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["delivered"] == figures["notifications"] > 0
    assert len(server.mailbox.deduplicated()) == figures["notifications"]
