"""An example werkmap channel plugin: notifications as email, sent through ``smtplib``.

werkmap holds only pseudonyms (``"jobseeker:js-7f3a"``): the host's :class:`AddressBook` resolves one to an
email address at the moment of sending (the ``werkmap_resolve_recipient`` hook), and :class:`EmailChannel`
sends the message to an SMTP server. Delivery is *at least once*: every message carries the outbox item's
idempotency key in its ``Message-ID`` (and in ``X-Werkmap-Idempotency-Key``), so a receiver that sees a
message twice (after a lost acknowledgement, a crash between sending and marking) drops the second.

Register it like any werkmap plugin, in code::

    plugins = load_plugins(extra={"email": EmailPlugin(host="localhost", port=25, book=book)})

or in the host package's ``pyproject.toml`` (``[project.entry-points.werkmap] email = "..."``).
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterable
from email.message import EmailMessage

from werkmap.channels import Channel
from werkmap.storage import Notification, hookimpl

__all__ = ["AddressBook", "EmailChannel", "EmailPlugin", "message_id"]


def message_id(idempotency_key: str) -> str:
    """The ``Message-ID`` of a notification: the same on every retry, so duplicates can be dropped."""
    return f"<{idempotency_key}@werkmap.invalid>"


class EmailChannel:
    """Sends the notifications of one channel name as email through an SMTP server."""

    def __init__(
        self, name: str, *, host: str, port: int, sender: str = "noreply@werkmap.invalid"
    ) -> None:
        self.name = name
        self.host = host
        self.port = port
        self.sender = sender

    def send(self, notification: Notification, address: str) -> None:
        """Send one message; any SMTP or network error is raised (the outbox retries it)."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = address
        message["Subject"] = "Bericht in uw Werkmap / A message in your Work Folder"
        message["Message-ID"] = message_id(notification.idempotency_key)
        message["X-Werkmap-Idempotency-Key"] = notification.idempotency_key
        message.set_content(f"{notification.text_nl}\n\n{notification.text_en}\n")
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(message)


class AddressBook:
    """The host's own register of addresses, keyed by werkmap's pseudonymous recipients.

    Args:
        lookup: returns the address of a recipient, or ``None`` (a database query in a real host).
    """

    def __init__(self, lookup: Callable[[str], str | None]) -> None:
        self.lookup = lookup

    @hookimpl
    def werkmap_resolve_recipient(self, recipient: str, channel: str) -> str | None:
        """Resolve a pseudonymous recipient to an email address (never logged, never stored by werkmap)."""
        return self.lookup(recipient)


class EmailPlugin:
    """The plugin: the email channels (one per channel name) and the address book."""

    def __init__(
        self, *, host: str, port: int, book: AddressBook, names: Iterable[str] = ("werk.nl",)
    ) -> None:
        self.channels: list[Channel] = [EmailChannel(n, host=host, port=port) for n in names]
        self.book = book

    @hookimpl
    def werkmap_channels(self) -> list[Channel]:
        """Offer the email channels."""
        return self.channels

    @hookimpl
    def werkmap_resolve_recipient(self, recipient: str, channel: str) -> str | None:
        """Resolve through the host's address book."""
        return self.book.werkmap_resolve_recipient(recipient, channel)
