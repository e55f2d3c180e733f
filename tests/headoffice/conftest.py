"""A real PostgreSQL for the head office's tests: one throwaway cluster per session (Debian's
server, installed first when run as root), a fresh database per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import psycopg
import pytest

from pos_app.headoffice.cluster import Cluster, cluster
from tests.window import packages

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    if "postgresql" in packages.install():
        pytest.fail(packages.advice(["postgresql"]))
    with cluster() as running:
        yield running


@pytest.fixture
async def database(pg_cluster: Cluster) -> str:
    """The URL of an empty database of this test's own."""
    name = f"office_{next(_numbers)}"
    async with await psycopg.AsyncConnection.connect(pg_cluster.url(), autocommit=True) as conn:
        await conn.execute(f"CREATE DATABASE {name}")
    return pg_cluster.url(name)
