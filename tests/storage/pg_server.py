"""The PostgreSQL test server: its URL, and fresh schemas that are dropped again."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

# --- PostgreSQL --------------------------------------------------------------------------------------

HOW_TO_START = (
    'the PostgreSQL tests need a server: run `eval "$(bash .ci/postgres start)"` (it prints and '
    "exports WERKMAP_TEST_POSTGRES_URL; `bash .ci/postgres stop` ends it), or point "
    "WERKMAP_TEST_POSTGRES_URL at a database you may create schemas in; or set "
    "WERKMAP_TEST_POSTGRES=skip to skip them on purpose"
)


def postgres_server_url() -> str:
    """The test server's URL; fail (or skip, when opted out explicitly) without one."""
    url = os.environ.get("WERKMAP_TEST_POSTGRES_URL", "").strip()
    if url:
        return url
    if os.environ.get("WERKMAP_TEST_POSTGRES", "").strip().lower() == "skip":
        pytest.skip("WERKMAP_TEST_POSTGRES=skip: the PostgreSQL tests were skipped on purpose")
    pytest.fail(HOW_TO_START, pytrace=False)


def with_option(url: str, **options: str) -> str:
    """Add query options to a URL."""
    return url + ("&" if "?" in url else "?") + urlencode(options)


class PostgresSchemas:
    """Fresh schemas on the test server, each dropped again at the end of the test."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.made: list[str] = []

    def new(self) -> str:
        """Return the name of a schema not used yet (the store creates it on opening)."""
        name = f"werkmap_test_{uuid.uuid4().hex[:12]}"
        self.made.append(name)
        return name

    def url(self, schema: str | None = None) -> str:
        """Return a store URL for ``schema`` (a new one when not given)."""
        return with_option(self.server, schema=schema or self.new())

    def drop(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.server, autocommit=True) as conn:
            for name in self.made:
                conn.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
                )


@pytest.fixture
def postgres_schemas() -> Iterator[PostgresSchemas]:
    """Make fresh schemas on the PostgreSQL test server; drops only what it made."""
    schemas = PostgresSchemas(postgres_server_url())
    yield schemas
    schemas.drop()
