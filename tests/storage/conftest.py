"""Fixtures of the storage tests."""

from __future__ import annotations

import pytest

from werkmap.storage.memory import forget_named_stores


@pytest.fixture(autouse=True)
def _fresh_named_memory_stores() -> None:
    forget_named_stores()
