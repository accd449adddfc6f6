"""Pluggable storage and notifications.

werkmap is pure domain: the host supplies persistence and the channels that reach people through plugins
(:mod:`werkmap.storage.hookspecs`). This package holds the hook specifications, the plugin manager, the
:class:`Store` protocol with its built-in stores (``memory://``, ``sqlite://`` and, with the ``postgres``
extra, ``postgresql://``), the outbox dispatcher, the hash-chained audit trail, and (in
:mod:`werkmap.storage.testing`) the conformance kit a plugin author runs against their own store.

Examples:
    >>> plugins = load_plugins()
    >>> sorted(plugins.schemes())
    ['memory', 'postgres', 'postgresql', 'sqlite']
"""

from __future__ import annotations

from werkmap.storage._common import check_audit, check_requests
from werkmap.storage.audit import AuditCheck, verify_audit, verify_events
from werkmap.storage.codec import FolderCodec, default_codec
from werkmap.storage.hookspecs import hookimpl, hookspec
from werkmap.storage.manager import (
    ENTRY_POINT_GROUP,
    PluginFailure,
    Plugins,
    load_plugins,
    open_store,
)
from werkmap.storage.outbox import (
    DEFAULT_DEAD_LETTER_ROLE,
    DEFAULT_LEASE,
    DEFAULT_MAX_ATTEMPTS,
    Backoff,
    Dispatcher,
    DispatchReport,
)
from werkmap.storage.protocol import SCHEMA_VERSION, Store
from werkmap.storage.url import redact_url
from werkmap.storage.values import (
    BANDS,
    AuditAnchor,
    AuditEntry,
    AuditRecord,
    CommandKey,
    DueFolder,
    DueState,
    EventRow,
    FolderIndex,
    IndexColumns,
    IndexRow,
    Notification,
    OutboxItem,
    SaveRequest,
    Tombstone,
    events_cover,
    looks_like_bsn,
)

__all__ = [
    "BANDS",
    "DEFAULT_DEAD_LETTER_ROLE",
    "DEFAULT_LEASE",
    "DEFAULT_MAX_ATTEMPTS",
    "ENTRY_POINT_GROUP",
    "SCHEMA_VERSION",
    "AuditAnchor",
    "AuditCheck",
    "AuditEntry",
    "AuditRecord",
    "Backoff",
    "CommandKey",
    "DispatchReport",
    "Dispatcher",
    "DueFolder",
    "DueState",
    "EventRow",
    "FolderCodec",
    "FolderIndex",
    "IndexColumns",
    "IndexRow",
    "Notification",
    "OutboxItem",
    "PluginFailure",
    "Plugins",
    "SaveRequest",
    "Store",
    "Tombstone",
    "check_audit",
    "check_requests",
    "default_codec",
    "events_cover",
    "hookimpl",
    "hookspec",
    "load_plugins",
    "looks_like_bsn",
    "open_store",
    "redact_url",
    "verify_audit",
    "verify_events",
]
