"""The plugin manager: finds plugins in the ``werkmap`` entry-point group and calls their hooks.

werkmap's own storages are plugins listed in that group by werkmap's own ``pyproject.toml``, exactly like a
third-party plugin; nothing is registered behind the host's back. A plugin that fails to import, fails to
register, or implements a hook that does not exist is *reported by name* in :attr:`Plugins.failures` and
left out, while every other plugin keeps working. After each registration :meth:`pluggy.PluginManager.check_pending`
runs, so a misspelled hook is caught at load time, not silently ignored.

Examples:
    >>> plugins = load_plugins()
    >>> store = plugins.open_store("memory://")
    >>> from werkmap.storage import SCHEMA_VERSION
    >>> store.schema_version() == SCHEMA_VERSION
    True
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pluggy

from werkmap.errors import NoStorageProvider, StorageError, WerkmapError
from werkmap.storage import hookspecs
from werkmap.storage.protocol import Store
from werkmap.storage.url import redact_url, scheme_of, scrub, url_options
from werkmap.storage.values import AuditEntry, AuditRecord, Notification

__all__ = ["ENTRY_POINT_GROUP", "PluginFailure", "Plugins", "load_plugins", "open_store"]

ENTRY_POINT_GROUP = hookspecs.PROJECT
"""The entry-point group werkmap plugins are listed in: ``[project.entry-points.werkmap]``."""


@attrs.frozen(kw_only=True)
class PluginFailure:
    """A plugin that could not be used, and why.

    Attributes:
        name: the plugin's name (its entry-point name).
        stage: ``"import"``, ``"register"`` or ``"validate"``.
        error: the exception type and message.
    """

    name: str
    stage: str
    error: str

    def __str__(self) -> str:
        return f"plugin {self.name!r} failed to {self.stage}: {self.error}"


class Plugins:
    """The werkmap plugins of one host: a pluggy manager with the werkmap hookspecs, and what failed.

    Build one with :func:`load_plugins`. ``pm`` is the underlying :class:`pluggy.PluginManager`.
    """

    def __init__(self, *, blocked: Iterable[str] = ()) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self._failures: list[PluginFailure] = []
        for name in blocked:
            self.pm.set_blocked(name)

    @property
    def failures(self) -> tuple[PluginFailure, ...]:
        """The plugins that could not be used, in the order they were tried."""
        return tuple(self._failures)

    def names(self) -> list[str]:
        """Return the names of the registered plugins, sorted."""
        return sorted(
            name for name, plugin in self.pm.list_name_plugin() if name and plugin is not None
        )

    def is_blocked(self, name: str) -> bool:
        """Tell whether a plugin name is on the block list."""
        return bool(self.pm.is_blocked(name))

    def register(self, plugin: object, name: str) -> bool:
        """Register one plugin (a module or an object with ``@hookimpl`` functions) under ``name``.

        A failure is recorded in :attr:`failures` and the plugin is left out; nothing is raised.

        Returns:
            ``True`` when the plugin was registered, ``False`` when it was blocked, already there, or failed.
        """
        if self.pm.is_blocked(name) or self.pm.has_plugin(name):
            return False
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:
            self._failures.append(PluginFailure(name=name, stage="register", error=_describe(exc)))
            return False
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(name=name)
            self._failures.append(PluginFailure(name=name, stage="validate", error=_describe(exc)))
            return False
        return True

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> list[str]:
        """Import and register every plugin listed in the entry-point ``group``.

        Returns:
            The names of the plugins registered by this call.
        """
        loaded = []
        seen: set[str] = set()
        for ep in sorted(importlib.metadata.entry_points(group=group), key=lambda e: e.name):
            if ep.name in seen:
                continue
            seen.add(ep.name)
            if self.pm.is_blocked(ep.name) or self.pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                self._failures.append(
                    PluginFailure(name=ep.name, stage="import", error=_describe(exc))
                )
                continue
            if self.register(plugin, ep.name):
                loaded.append(ep.name)
        return loaded

    # --- hooks ---------------------------------------------------------------------------------------

    def schemes(self) -> list[str]:
        """Return the storage URL schemes the registered plugins serve, sorted."""
        results = self.pm.hook.werkmap_storage_schemes()
        return sorted({s for result in results for s in result})

    def open_store(self, url: str, options: Mapping[str, str] | None = None) -> Store:
        """Open the store for a URL through the first plugin that serves its scheme.

        Args:
            url: the storage URL, such as ``sqlite:///var/lib/werkmap/werkmap.db`` or ``memory://``.
            options: extra settings; the URL's query parameters are merged in (``options`` win).
                ``audit_key`` is the host's secret audit key (see the durability page): it is given
                here, never in the URL.

        Raises:
            NoStorageProvider: no plugin serves the scheme (the message names the scheme, never the URL).
            StorageError: the plugin could not open the store (credentials are scrubbed from the
                message), or the URL carries an ``audit_key``.
        """
        from_url = url_options(url)
        if "audit_key" in from_url:
            raise StorageError(
                "the audit key is never given in a storage URL (URLs end up in logs); pass it as "
                "the audit_key option or WERKMAP_AUDIT_KEY"
            )
        merged = {**from_url, **dict(options or {})}
        try:
            store = self.pm.hook.werkmap_open_store(url=url, options=merged)
        except WerkmapError as exc:
            message = str(exc)
            cleaned = scrub(message, url)
            if cleaned == message:
                raise
            raise (
                type(exc)(cleaned) if isinstance(exc, StorageError) else StorageError(cleaned)
            ) from None
        except Exception as exc:
            raise StorageError(
                f"the store at {redact_url(url)} could not be opened: {scrub(_describe(exc), url)}"
            ) from None
        if store is None:
            scheme = scheme_of(url) or "(none)"
            served = ", ".join(self.schemes()) or "none"
            failed = "".join(f"; {f}" for f in self._failures)
            raise NoStorageProvider(
                f"no installed werkmap plugin serves storage URLs of scheme {scheme!r} "
                f"(schemes served: {served}){scrub(failed, url)}"
            )
        return store  # type: ignore[no-any-return]

    def deliver(self, notification: Notification) -> list[bool]:
        """Call every ``werkmap_deliver_notification`` implementation; return what they answered.

        Raises:
            Exception: whatever an implementation raised (the dispatcher turns it into a retry).
        """
        results: list[bool] = self.pm.hook.werkmap_deliver_notification(notification=notification)
        return results

    def announce(self, records: Sequence[AuditRecord]) -> None:
        """Hand sealed audit records to every ``werkmap_audit`` implementation."""
        for record in records:
            self.pm.hook.werkmap_audit(record=record)

    def audit(self, store: Store, entry: AuditEntry) -> AuditRecord:
        """Seal an audit entry into the store's chain, then hand it to the ``werkmap_audit`` hooks.

        Use it for what is not a save, such as reading a jobseeker's profile.
        """
        record = store.append_audit(entry)
        self.announce([record])
        return record


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def load_plugins(
    *,
    blocked: Iterable[str] = (),
    entry_points: bool = True,
    extra: Mapping[str, Any] | None = None,
) -> Plugins:
    """Build the plugin manager: the hookspecs, then every plugin in the ``werkmap`` entry-point group.

    Args:
        blocked: plugin names to leave out (a built-in can be blocked like any other plugin).
        entry_points: whether to load the entry-point group (``False`` gives a manager with only
            ``extra``, for tests).
        extra: more plugins to register by name (objects or modules), after the entry points.

    Returns:
        The plugins; check :attr:`Plugins.failures` for plugins that could not be used.
    """
    plugins = Plugins(blocked=blocked)
    if entry_points:
        plugins.load_entry_points()
    for name, plugin in (extra or {}).items():
        plugins.register(plugin, name)
    return plugins


def open_store(url: str, options: Mapping[str, str] | None = None) -> Store:
    """Open a store with the installed plugins (a shortcut for ``load_plugins().open_store(url)``)."""
    return load_plugins().open_store(url, options)
