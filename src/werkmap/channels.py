"""Channels the host configures: how a notification in the outbox reaches a person.

werkmap writes every notification to the outbox with a ``channel`` name (``"werk.nl"``, ``"dashboard"``,
``"email"``, ``"letter"``) and a *pseudonymous* recipient (``"jobseeker:js-7f3a"``, ``"coach:c-12"``):
werkmap never holds an email address or a telephone number. The host supplies both halves through
plugins, registered like storage plugins (the entry-point group ``werkmap``, or ``load_plugins(extra=...)``):

* a :class:`Channel` per channel name, offered by the ``werkmap_channels`` hook;
* the ``werkmap_resolve_recipient`` hook, which turns a pseudonymous recipient into the address that only
  the host knows (the first plugin with an answer wins).

The dispatcher (:class:`werkmap.storage.outbox.Dispatcher`) calls :func:`deliver` for every item it
claims. A channel's ``send`` raises when delivery failed: the item is retried with backoff and, after too
many attempts, dead-lettered. Delivery is *at least once*: a channel passes
``notification.idempotency_key`` on (an email's ``Message-ID``, an SMS gateway's client reference) so that
the receiving side can drop a duplicate.

Examples:
    >>> from werkmap.storage import hookimpl, load_plugins
    >>> class Printer:
    ...     name = "werk.nl"
    ...     def send(self, notification, address):
    ...         print(address, notification.kind)
    >>> class Host:
    ...     @hookimpl
    ...     def werkmap_channels(self):
    ...         return [Printer()]
    ...     @hookimpl
    ...     def werkmap_resolve_recipient(self, recipient, channel):
    ...         return "inbox-42" if recipient == "jobseeker:js-1" else None
    >>> plugins = load_plugins(entry_points=False, extra={"host": Host()})
    >>> note = Notification.create(kind="reminder", folder_id="f-1", recipient="jobseeker:js-1",
    ...     channel="werk.nl", cause="1", text_nl="Hoi", text_en="Hi", created_on=dt.date(2025, 3, 3))
    >>> deliver(plugins, note)
    inbox-42 reminder
    True
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from werkmap.storage.values import Notification

if TYPE_CHECKING:
    from werkmap.storage.manager import Plugins

__all__ = ["Channel", "RecipientUnknown", "channels", "deliver", "resolve_recipient"]

_ = dt  # the doctest uses it


@runtime_checkable
class Channel(Protocol):
    """A way to reach people: one channel name, and how to send one notification over it.

    Attributes:
        name: the channel name it serves (the ``channel`` of the notifications it sends).

    A channel may also have ``needs_address = False`` (a channel that takes the pseudonymous recipient as
    it is, such as an in-app inbox keyed by the pseudonym); by default it needs an address resolved by the
    host.
    """

    name: str

    def send(self, notification: Notification, address: str) -> None:
        """Send one notification to ``address``; raise when it was not accepted (it is retried).

        Pass ``notification.idempotency_key`` on, so that the receiver can drop a duplicate.
        """
        ...


class RecipientUnknown(LookupError):
    """No plugin resolved a recipient to an address on a channel that needs one (the item is retried)."""


def channels(plugins: Plugins) -> dict[str, Channel]:
    """Return the channels the plugins offer, by name (the first plugin offering a name wins)."""
    out: dict[str, Channel] = {}
    # pluggy calls the last registered plugin first: reverse, so the first registered wins
    for offered in reversed(plugins.pm.hook.werkmap_channels()):
        for channel in offered or ():
            out.setdefault(channel.name, channel)
    return out


def resolve_recipient(plugins: Plugins, recipient: str, channel: str) -> str | None:
    """Return the address of a pseudonymous recipient on a channel, as the host's plugins resolve it."""
    answer = plugins.pm.hook.werkmap_resolve_recipient(recipient=recipient, channel=channel)
    return None if answer is None else str(answer)


def deliver(plugins: Plugins, notification: Notification) -> bool:
    """Deliver one notification over its channel, or through the ``werkmap_deliver_notification`` hooks.

    When a plugin offers a :class:`Channel` named ``notification.channel``, the recipient is resolved
    (``werkmap_resolve_recipient``) and the channel sends it; otherwise every
    ``werkmap_deliver_notification`` hook is called and one must answer ``True``.

    Returns:
        Whether it was delivered.

    Raises:
        RecipientUnknown: the channel needs an address and no plugin knows the recipient's.
        Exception: whatever the channel or a hook raised (the dispatcher turns it into a retry).
    """
    channel = channels(plugins).get(notification.channel)
    if channel is None:
        answers = plugins.deliver(notification)
        return any(answer is True for answer in answers)
    address = resolve_recipient(plugins, notification.recipient, notification.channel)
    if address is None:
        if getattr(channel, "needs_address", True):
            raise RecipientUnknown(
                f"no plugin resolves recipient {notification.recipient!r} "
                f"on channel {notification.channel!r}"
            )
        address = notification.recipient
    channel.send(notification, address)
    return True
