"""The crash matrix: every flow of every provider, killed (SIGKILL, a separate process) at each
step boundary, then restarted; recovery must reach the provider's true state with no lost
and no doubled payment.

The app runs as ``pos-app … --demo --sandbox-url`` against a sandbox on a loopback socket in
this test process, so the sandbox's state is the provider's truth.  ``POS_APP_CRASH_AT``
(pos_app/crashpoints.py) picks the boundary: ``journal:<event>`` right after a journal
commit (the intent is on disk, the request not sent), ``answer:<path>`` right after the
provider answered and before the answer was journaled (the provider acted; we forgot).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

KILLED = -signal.SIGKILL


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        running.sandbox.of(KoshelekSandbox).behaviour.delay_ms = 300
        yield running


def app(server: SandboxServer, *argv: str, crash: str | None = None,
        timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("POS_APP_CRASH_AT", None)
    if crash:
        env["POS_APP_CRASH_AT"] = crash
    return subprocess.run([sys.executable, "-m", "pos_app", *argv, "--demo", "--sandbox-url",
                           server.base_url, "--json"], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def journal(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / "journal-training.sqlite3"
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(
            "SELECT id, kind, state, amount_minor, refunded_minor, provider_ref, idem_key "
            "FROM payments ORDER BY created_at")]
    except sqlite3.OperationalError:  # the other process is still creating the schema
        return []
    finally:
        conn.close()


def recover(server: SandboxServer, data_dir: Path, settled: Callable[[dict[str, Any]], bool],
            customer: Callable[[], None] = lambda: None) -> list[dict[str, Any]]:
    """Restart (``pos-app reconcile``) until the journal settles; the customer may act
    meanwhile (pay a QR that the killed process showed)."""
    deadline = time.monotonic() + 90
    while True:
        customer()
        result = app(server, "reconcile", "--timeout", "20")
        assert result.returncode in (0, 3), result.stderr
        rows = journal(data_dir)
        if rows and all(settled(r) for r in rows):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"not settled after recovery: {rows}\n{result.stderr}")


# -- the provider's truth -----------------------------------------------------------------

def koshelek_truth(server: SandboxServer) -> list[dict[str, Any]]:
    return [{"status": t["status"], "refunded": t["refunded"], "total": t["total"]}
            for t in server.sandbox.of(KoshelekSandbox).snapshot()]


def paymega_truth(server: SandboxServer) -> list[dict[str, Any]]:
    return [{**i, "refunded": i["refunded_amount"]}
            for i in server.sandbox.of(PaymegaSandbox).snapshot()]


def pegas_truth(server: SandboxServer) -> list[dict[str, Any]]:
    return server.sandbox.of(PegasSandbox).snapshot()


def qr_customer_pays(server: SandboxServer) -> Callable[[], None]:
    """The customer pays whatever Paymega invoice or Pegas-kassa deposit is waiting."""
    def pay() -> None:
        paymega, pegas = server.sandbox.of(PaymegaSandbox), server.sandbox.of(PegasSandbox)
        for invoice in paymega.snapshot():
            if invoice["status"] == "process_pending":
                paymega.pay(paymega.invoices[invoice["id"]])
        for txn in pegas.snapshot():
            if txn["operation"] == "deposit" and txn["status"] == "waiting":
                pegas.pay(pegas.transactions[txn["id"]])
    return pay


# -- pay -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    provider: str
    crash: str


PAY_STEPS = [
    Step("koshelek", "journal:create_sent"),  # journaled, not sent
    Step("koshelek", "answer:/merchant/checkout"),  # accepted, answer lost
    Step("koshelek", "journal:create_answered"),  # PENDING on disk, not polled yet
    Step("koshelek", "answer:/transaction/status#2"),  # paid there, not here
    Step("paymega", "journal:create_sent"),
    Step("paymega", "answer:/api/payment-invoices"),  # created, answer lost
    Step("paymega", "journal:create_answered"),
    Step("paymega", "answer:/api/payment-invoices/cpi_"),  # a status read, not journaled
    Step("pegas", "journal:create_sent"),
    Step("pegas", "answer:/api/v1/deposit"),
    Step("pegas", "journal:create_answered"),
    Step("pegas", "answer:/api/v1/transaction"),
]


@pytest.mark.parametrize("step", PAY_STEPS, ids=lambda s: f"{s.provider}-{s.crash}")
def test_pay_killed_then_recovered(server: SandboxServer, isolated_dirs: Path,
                                   step: Step) -> None:
    data = isolated_dirs / "data"
    customer = "approve" if step.provider == "koshelek" else "never"
    killed = app(server, "pay", "--provider", step.provider, "--amount", "150",
                 "--customer", customer, crash=step.crash)
    assert killed.returncode == KILLED, killed.stderr
    [before] = journal(data)
    assert before["state"] not in ("DRAFT",)  # the kill came after the intent was journaled

    rows = recover(server, data, lambda r: r["state"] == "PAID", qr_customer_pays(server))
    [payment] = rows
    truth = {"koshelek": koshelek_truth, "paymega": paymega_truth,
             "pegas": pegas_truth}[step.provider](server)
    assert len(truth) == 1, truth  # one payment at the provider: never created twice
    assert truth[0]["status"] in ("accepted", "processed", "paid")  # paid, in its words
    assert payment["state"] == "PAID"


# -- cancel -----------------------------------------------------------------------------------

@pytest.mark.parametrize("step", [Step("koshelek", "journal:cancel_sent"),
                                  Step("koshelek", "answer:/transaction/cancel"),
                                  Step("pegas", "journal:cancel_sent"),
                                  Step("pegas", "answer:/deposit/cancel")],
                         ids=lambda s: f"{s.provider}-{s.crash}")
def test_cancel_killed_then_recovered(server: SandboxServer, isolated_dirs: Path,
                                      step: Step) -> None:
    data = isolated_dirs / "data"
    env = {**os.environ, "POS_APP_CRASH_AT": step.crash, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pos_app", "pay", "--provider", step.provider, "--amount", "150",
         "--customer", "never", "--demo", "--sandbox-url", server.base_url, "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: [r["state"] for r in journal(data)] == ["PENDING"])
    process.send_signal(signal.SIGINT)  # the cashier cancels
    process.communicate(timeout=60)
    assert process.returncode == KILLED

    [payment] = recover(server, data, lambda r: r["state"] in ("CANCELLED", "PAID"))
    truth = koshelek_truth(server) if step.provider == "koshelek" else pegas_truth(server)
    assert len(truth) == 1
    assert truth[0]["status"] in ("canceled", "cancelled")
    assert payment["state"] == "CANCELLED"


# -- refund -----------------------------------------------------------------------------------

@pytest.mark.parametrize("step", [Step("koshelek", "journal:refund_sent"),
                                  Step("koshelek", "answer:/transaction/refund"),
                                  Step("paymega", "journal:refund_sent"),
                                  Step("paymega", "answer:/refund")],
                         ids=lambda s: f"{s.provider}-{s.crash}")
def test_refund_killed_then_recovered(server: SandboxServer, isolated_dirs: Path,
                                      step: Step) -> None:
    data = isolated_dirs / "data"
    config = isolated_dirs / "config" / "terminal.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[providers.paymega]\nrefunds = true\n", encoding="utf-8")
    # --customer approve: the training customer pays (Paymega's pays its link after 3 s).
    paid = app(server, "pay", "--provider", step.provider, "--amount", "150",
               "--customer", "approve")
    assert paid.returncode == 0, paid.stderr
    [payment] = journal(data)
    killed = app(server, "refund", payment["id"], "--amount", "40", crash=step.crash)
    assert killed.returncode == KILLED, killed.stderr

    [after] = recover(server, data, lambda r: r["state"] == "PARTIALLY_REFUNDED")
    assert after["refunded_minor"] == 4000
    if step.provider == "koshelek":
        [txn] = koshelek_truth(server)
        assert txn["refunded"] == 4000  # refunded once, never twice
    else:
        [invoice] = paymega_truth(server)
        assert invoice["refunded"] == Decimal("40")  # refunded once, never twice


# -- withdrawal ---------------------------------------------------------------------------------

@pytest.mark.parametrize("crash", ["answer:/api/v1/withdrawal", "journal:create_answered"])
def test_withdrawal_killed_then_recovered(server: SandboxServer, isolated_dirs: Path,
                                          crash: str) -> None:
    data = isolated_dirs / "data"
    server.sandbox.of(PegasSandbox).withdrawal_delay_s = 0.2
    killed = app(server, "withdraw", "--amount", "50", "--method", "card", "--number",
                 "4111111111111111", "--comment", "refund of sale 7", crash=crash)
    assert killed.returncode == KILLED, killed.stderr
    [payout] = recover(server, data, lambda r: r["state"] == "PAID")
    truth = [t for t in pegas_truth(server) if t["operation"] == "withdrawal"]
    assert len(truth) == 1  # paid out once
    assert truth[0]["status"] == "success"
    assert payout["kind"] == "withdrawal"


def test_withdrawal_killed_before_sending_is_never_sent_blind(server: SandboxServer,
                                                              isolated_dirs: Path) -> None:
    """The card number is never journaled: a payout whose request may not have left is
    not resent after a restart; it waits for a person, and nothing was paid out."""
    data = isolated_dirs / "data"
    killed = app(server, "withdraw", "--amount", "50", "--method", "card", "--number",
                 "4111111111111111", "--comment", "refund of sale 7",
                 crash="journal:create_sent")
    assert killed.returncode == KILLED, killed.stderr
    result = app(server, "reconcile", "--timeout", "10")
    [payout] = journal(data)
    assert payout["state"] in ("UNKNOWN", "DECLINED", "CANCELLED"), result.stdout
    assert [t for t in pegas_truth(server) if t["operation"] == "withdrawal"] == []
    assert "4111111111111111" not in (data / "journal-training.sqlite3").read_bytes().decode(
        "latin-1")


def _wait_for(condition: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met")
        time.sleep(0.02)  # another process: nothing in this one to await

