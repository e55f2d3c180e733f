"""A real PostgreSQL for the head office's tests: one throwaway cluster per session (Debian's
server, installed first when run as root), a fresh database per test."""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import psycopg
import pytest

from pos_app.headoffice.cluster import Cluster, cluster, free_port
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


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the head office ended at its start"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            continue
    raise AssertionError("the head office never listened")


@pytest.fixture
def office(database: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "pos_app", "office", "serve",
                                "--database", database, "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)
