"""End to end over real loopback sockets, with the app in separate processes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.server import SandboxServer
from tests.helpers import write_live_config

pytestmark = pytest.mark.e2e

CHECKOUT = "/koshelek/api/v1/merchant/checkout"


def pos_app(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pos_app", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[int, dict[str, object]]:
    out, err = process.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines, f"no output; stderr:\n{err}"
    return process.returncode, json.loads(lines[-1])


def journal_rows(data_dir: Path, name: str = "journal.sqlite3") -> list[tuple[str, ...]]:
    path = data_dir / name
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, state, idem_key, provider_ref FROM payments").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


@pytest.fixture
def live(server: SandboxServer, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Live mode pointed at the loopback sandbox, secrets from the environment."""
    write_live_config(isolated_dirs / "config" / "terminal.toml", server.base_url)
    monkeypatch.setenv("POS_APP_KOSHELEK_LOGIN", "pos-training")
    monkeypatch.setenv("POS_APP_KOSHELEK_PASSWORD", "training-password")
    return isolated_dirs / "data"


def test_readme_command_pays_over_loopback() -> None:
    code, result = finish(pos_app("pay", "--demo", "--provider", "koshelek", "--amount",
                                  "123.45", "--json"))
    assert (code, result["state"], result["amount"]) == (0, "PAID", "123.45")


def test_sandbox_command_announces_itself() -> None:
    import httpx

    process = pos_app("sandbox")
    try:
        assert process.stdout is not None
        line = json.loads(process.stdout.readline())
        assert line["ready"] is True
        assert line["koshelek"]["login"]
        served = httpx.get(line["base_url"] + "/_sandbox/credentials").json()
        assert served == {k: v for k, v in line.items() if k != "ready"}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    assert process.returncode == 0


def test_ctrl_c_cancels_the_payment(server: SandboxServer, live: Path) -> None:
    barcode = server.sandbox.of(KoshelekSandbox).new_session()["barcode"]
    server.sandbox.of(KoshelekSandbox).behaviour.mode = "never"
    process = pos_app("pay", "--provider", "koshelek", "--amount", "77", "--barcode", barcode,
                      "--json")
    koshelek = server.sandbox.of(KoshelekSandbox)
    _wait_for(lambda: any(t["status"] == "pending" for t in koshelek.snapshot()))
    process.send_signal(signal.SIGINT)
    code, result = finish(process)
    assert (code, result["state"]) == (1, "CANCELLED")
    [txn] = server.sandbox.of(KoshelekSandbox).snapshot()
    assert txn["status"] == "canceled"
    [(_, state, _, _)] = journal_rows(live)
    assert state == "CANCELLED"


@pytest.mark.parametrize("fault", ["timeout_after_commit", "latency"])
def test_kill_during_checkout_then_recover(server: SandboxServer, live: Path, fault: str) -> None:
    """SIGKILL while checkout is in flight: after the commit (answer pending) or before it."""
    k = server.sandbox.of(KoshelekSandbox)
    k.behaviour.delay_ms = 300
    assert server.sandbox.faults is not None
    server.sandbox.faults.add(Fault(kind=fault, path=CHECKOUT, delay_ms=4000))
    barcode = k.new_session()["barcode"]
    process = pos_app("pay", "--provider", "koshelek", "--amount", "99.90", "--barcode", barcode,
                      "--json")
    # The request left: the sandbox has it (committed, or sleeping before commit).
    _wait_for(lambda: server.sandbox.faults is not None and server.sandbox.faults.injected)
    rows = journal_rows(live)
    assert [r[1] for r in rows] == ["CREATING"]  # journaled before it was sent
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)

    code, result = finish(pos_app("reconcile", "--json"))
    assert (code, result["state"]) == (0, "PAID")
    transactions = k.snapshot()
    assert len(transactions) == 1  # no lost and no duplicate payment
    [(_, state, key, ref)] = journal_rows(live)
    assert (state, ref) == ("PAID", transactions[0]["id"])
    assert {body["requestId"] for _, p, body in k.requests if p.endswith("/checkout")} == {key}


def _wait_for(condition: object, timeout: float = 20.0) -> None:
    import time
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not met")
        time.sleep(0.02)  # another process: nothing in this one to await


os.environ.setdefault("PYTHONUNBUFFERED", "1")
