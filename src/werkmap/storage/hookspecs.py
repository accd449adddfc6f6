"""The werkmap hook specifications: the contract between werkmap and its plugins.

A plugin is a module or object with functions marked ``@hookimpl`` and named like the specs below. Plugins
are found through the entry-point group ``werkmap``; werkmap's own storages (``memory://`` and
``sqlite://``) are registered through that group exactly like third-party ones.

The hooks, grouped by lifecycle:

1. **Storage** (when a store is opened): :func:`werkmap_storage_schemes`, :func:`werkmap_open_store`.
2. **Notification** (when the outbox is dispatched): :func:`werkmap_channels`,
   :func:`werkmap_resolve_recipient`, :func:`werkmap_deliver_notification`.
3. **Audit** (when a decision is recorded or a profile is read): :func:`werkmap_audit`.

Every hook is called with keyword arguments; an implementation may accept fewer arguments than the spec
(pluggy passes only the ones it names), never more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pluggy

from werkmap.storage.protocol import Store
from werkmap.storage.values import AuditRecord, Notification

if TYPE_CHECKING:
    from werkmap.channels import Channel

__all__ = [
    "PROJECT",
    "hookimpl",
    "hookspec",
    "werkmap_audit",
    "werkmap_channels",
    "werkmap_deliver_notification",
    "werkmap_open_store",
    "werkmap_resolve_recipient",
    "werkmap_storage_schemes",
]

PROJECT = "werkmap"
"""The pluggy project name and the entry-point group plugins are found in."""

hookspec = pluggy.HookspecMarker(PROJECT)
"""Marks a function in this module as a hook specification."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a plugin function as an implementation of a werkmap hook."""


# --- 1. Storage ------------------------------------------------------------------------------------


@hookspec
def werkmap_storage_schemes() -> list[str]:  # type: ignore[empty-body]
    """Name the URL schemes this plugin serves (``["sqlite"]``).

    Called by every plugin (results are collected); used in error messages and by
    ``werkmap.storage.available_schemes``.

    Returns:
        The schemes, without ``://``.
    """


@hookspec(firstresult=True)
def werkmap_open_store(url: str, options: Mapping[str, str]) -> Store | None:
    """Return a :class:`~werkmap.storage.protocol.Store` for ``url`` if this plugin serves its scheme.

    Stops at the first non-None result. Return ``None`` for a scheme that is not yours. The URL may hold
    credentials: never log it or put it into an error message as it is (use
    ``werkmap.storage.redact_url``). The store returned must be at the current schema version (migrate on
    open) or raise ``SchemaVersionError``.

    Args:
        url: the storage URL (``sqlite:///var/lib/werkmap.db``, ``memory://``).
        options: extra settings given by the host (the URL's query parameters are merged in).

    Returns:
        The open store, or ``None``.
    """


# --- 2. Notification ---------------------------------------------------------------------------------


@hookspec
def werkmap_channels() -> list[Channel]:  # type: ignore[empty-body]
    """Offer the channels this plugin sends over (:class:`werkmap.channels.Channel` objects).

    Called by every plugin (results are collected); when two plugins offer a channel of one name, the
    first registered wins. A notification whose channel no plugin offers goes to
    :func:`werkmap_deliver_notification` instead.

    Returns:
        The channels, each with its ``name`` and ``send(notification, address)``.
    """


@hookspec(firstresult=True)
def werkmap_resolve_recipient(recipient: str, channel: str) -> str | None:
    """Return the address of a pseudonymous recipient on a channel, if this plugin knows it.

    Stops at the first non-None result. werkmap holds only pseudonyms (``"jobseeker:js-7f3a"``,
    ``"coach:c-12"``); the host keeps the addresses (an email address, a telephone number) and hands one
    over only at the moment of sending. Never log the address.

    Args:
        recipient: the notification's recipient, as werkmap wrote it.
        channel: the channel it is to be sent over (``"email"``).

    Returns:
        The address, or ``None`` when this plugin does not know it.
    """


@hookspec
def werkmap_deliver_notification(notification: Notification) -> bool | None:
    """Deliver one notification from the outbox over the channels this plugin serves.

    Every plugin is called (fan out). Look at ``notification.channel`` and deliver only what is yours;
    return ``True`` when you delivered it and ``None`` when it was not for you. Raise when delivery failed:
    the dispatcher keeps the notification in the outbox and retries it later with backoff, calling every
    plugin again, so delivery is *at least once*: deduplicate on ``notification.idempotency_key``, which
    is the same on every retry.

    Args:
        notification: the message, immutable.

    Returns:
        ``True`` when delivered by this plugin, ``None`` otherwise.
    """


# --- 3. Audit -----------------------------------------------------------------------------------------


@hookspec
def werkmap_audit(record: AuditRecord) -> None:
    """Receive an audit record: a decision taken or a profile read (who, what, when, why).

    Every plugin is called (fan out), after the record has been sealed into the folder's hash chain in
    the store. Use it to forward the trail to a SIEM or an archive. The command has committed by then: an
    exception here is logged (``werkmap.service``) and counted (``Werkmap.counts()``), never raised to the
    caller as if the command had failed; the record stays in the store.

    Args:
        record: the sealed record, with its hash and the hash of the record before it.
    """
