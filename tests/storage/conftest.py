"""Fixtures of the storage tests."""

from __future__ import annotations

import pytest
from pg_server import postgres_schemas

from werkmap.storage.memory import forget_named_stores


@pytest.fixture(autouse=True)
def _fresh_named_memory_stores() -> None:
    forget_named_stores()


__all__ = ["postgres_schemas"]
