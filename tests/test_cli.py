"""The command line, called in-process with the sandboxes on a real loopback socket."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pos_app.cli import main
from pos_app.core.events import EventKind
from pos_app.core.journal import Journal
from pos_app.core.money import Money
from pos_app.core.paths import journal_path
from pos_app.core.payments.messages import LATE_PAYMENT
from pos_app.localserver import LocalServer
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.server import SandboxServer
from tests.helpers import write_live_config


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        running.sandbox.of(KoshelekSandbox).behaviour.delay_ms = 200
        yield running


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if line.strip()]
    data = json.loads(lines[-1]) if "--json" in argv and lines else out
    return code, data, err


def test_demo_payment(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = run(capsys, "pay", "--demo", "--provider", "koshelek", "--amount",
                          "123.45", "--json")
    assert code == 0
    assert data["state"] == "PAID"
    assert (data["provider"], data["amount"], data["amount_minor"]) == ("koshelek", "123.45",
                                                                        12345)
    assert data["payment_id"]
    assert data["provider_transaction_id"]
    assert data["training"] is True
    assert "Training customer's Koshelek Pay code: KP" in err
    code, history, _ = run(capsys, "history", "--demo", "--json")
    assert history["payment_id"] == data["payment_id"]


def test_history_flags_a_payment_with_an_alert(capsys: pytest.CaptureFixture[str]) -> None:
    """As the window's History does (a walk: a late payment's alert read plain PAID here)."""
    code, paid, _ = run(capsys, "pay", "--demo", "--provider", "koshelek", "--amount", "75",
                        "--json")
    assert code == 0

    async def flag() -> None:
        journal = await Journal.open(journal_path("", training=True))
        try:
            await journal.update_payment(paid["payment_id"], event=EventKind.ATTENTION,
                                         attention=LATE_PAYMENT.with_params(
                                             amount=Money(7500), advice="refund it."))
        finally:
            await journal.close()
    asyncio.run(flag())
    code, text, _ = run(capsys, "history", "--demo")
    assert code == 0
    [line] = text.splitlines()
    assert line.endswith("75,00\u00a0₽  PAID  ⚠ Late payment")


@pytest.mark.parametrize(("customer", "state"), [("decline", "DECLINED"), ("cancel", "CANCELLED")])
def test_not_paid_exits_1(capsys: pytest.CaptureFixture[str], server: SandboxServer,
                          customer: str, state: str) -> None:
    code, data, _ = run(capsys, "pay", "--demo", "--sandbox-url", server.base_url, "--provider",
                        "koshelek", "--amount", "50", "--customer", customer, "--json")
    assert (code, data["state"]) == (1, state)
    assert data["reason"]


def test_outcome_unknown_exits_3(capsys: pytest.CaptureFixture[str],
                                 server: SandboxServer) -> None:
    assert server.sandbox.faults is not None
    server.sandbox.faults.add(Fault(kind="error_before", path="/koshelek/api/v1/merchant/checkout",
                                    count=-1, status=503))
    code, data, _ = run(capsys, "pay", "--demo", "--sandbox-url", server.base_url, "--provider",
                        "koshelek", "--amount", "50", "--json")
    assert (code, data["state"]) == (3, "UNKNOWN")


@pytest.mark.parametrize(("argv", "says"), [
    (["pay", "--demo", "--provider", "koshelek", "--amount", "12,345"], "more than 2 digits"),
    (["pay", "--demo", "--provider", "koshelek", "--amount", "0"], "greater than zero"),
    (["pay", "--demo", "--provider", "koshelek", "--amount", "3"], "below the minimum"),
    (["pay", "--demo", "--provider", "cash", "--amount", "30"],
     "unknown provider 'cash'; one of: koshelek, paymega, pegas"),
    (["pay", "--demo", "--provider", "koshelek", "--amount", "30", "--barcode", "123"],
     "not a Koshelek customer code"),
    (["pay", "--provider", "koshelek", "--amount", "10"], "no terminal configuration"),
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str],
                             says: str) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert says in err
    code, data, _ = run(capsys, *argv, "--json")
    assert code == 2
    assert says in data["error"]


def test_live_mode_refuses_without_secrets(capsys: pytest.CaptureFixture[str],
                                           isolated_dirs: Path) -> None:
    write_live_config(isolated_dirs / "config" / "terminal.toml", "http://127.0.0.1:9")
    code, _, err = run(capsys, "pay", "--provider", "koshelek", "--amount", "10")
    assert code == 2
    assert "needs the secrets koshelek.login, koshelek.password" in err
    code, _, err = run(capsys, "config", "check")
    assert code == 2  # the file is fine, the terminal is not ready: "OK" would be a lie
    assert "needs the secrets koshelek.login, koshelek.password" in err


def test_live_mode_refuses_a_broken_config(capsys: pytest.CaptureFixture[str],
                                           isolated_dirs: Path) -> None:
    path = isolated_dirs / "config" / "terminal.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[providers.koshelek]\nenabled = true\nbase_url = 'http://pay.example'\n")
    code, _, err = run(capsys, "config", "check")
    assert code == 2
    assert "plain http to pay.example is not allowed" in err
    assert "terminal.store_id: is required" in err
    assert path.read_text().startswith("[providers.koshelek]")  # untouched


def test_live_mode_against_the_sandbox(capsys: pytest.CaptureFixture[str], server: SandboxServer,
                                       isolated_dirs: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    write_live_config(isolated_dirs / "config" / "terminal.toml", server.base_url)
    monkeypatch.setenv("POS_APP_KOSHELEK_LOGIN", "pos-training")
    monkeypatch.setenv("POS_APP_KOSHELEK_PASSWORD", "training-password")
    barcode = server.sandbox.of(KoshelekSandbox).new_session()["barcode"]
    code, paid, _ = run(capsys, "pay", "--provider", "koshelek", "--amount", "250",
                        "--barcode", barcode, "--json")
    assert (code, paid["state"], paid["training"]) == (0, "PAID", False)
    pid = paid["payment_id"]

    code, refund, _ = run(capsys, "refund", pid[:6], "--amount", "100", "--json")
    assert (code, refund["state"], refund["operation"]["state"]) == (0, "PARTIALLY_REFUNDED",
                                                                     "DONE")
    code, refund, _ = run(capsys, "refund", pid, "--amount", "200", "--json")
    assert code == 2
    assert "Only 150,00" in refund["error"]
    code, status, _ = run(capsys, "status", pid, "--json")
    assert (code, status["refunded_minor"]) == (0, 10000)
    code, cancel, _ = run(capsys, "cancel", pid, "--json")
    assert (code, cancel["state"]) == (1, "PARTIALLY_REFUNDED")  # nothing to cancel any more
    code, _, err = run(capsys, "status", "nosuch")
    assert code == 2
    assert "no payment matches" in err
    code, _, _ = run(capsys, "reconcile", "--json")
    assert code == 0


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--exit-after-start" in out
    assert "Exit codes: 0 done" in out


def test_paymega_prints_the_link_and_a_qr(capsys: pytest.CaptureFixture[str],
                                          server: SandboxServer) -> None:
    server.sandbox.of(PaymegaSandbox).auto = {"mode": "pay", "delay_ms": 100}
    code, data, err = run(capsys, "pay", "--demo", "--sandbox-url", server.base_url,
                          "--provider", "paymega", "--amount", "1499", "--service",
                          "payment_card_rub_hpp", "--json")
    assert (code, data["state"], data["provider"]) == (0, "PAID", "paymega")
    assert data["payer_url"].endswith(f"/paymega/hpp/?cpi={data['provider_transaction_id']}")
    assert f"Payment link: {data['payer_url']}" in err
    assert "█" in err  # the QR code, drawn for a terminal


def test_paymega_customer_declines(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = run(capsys, "pay", "--demo", "--provider", "paymega", "--amount", "100",
                        "--customer", "decline", "--json")
    assert (code, data["state"]) == (1, "DECLINED")


def test_pegas_commands(capsys: pytest.CaptureFixture[str], server: SandboxServer,
                        tmp_path: Path) -> None:
    server.sandbox.of(PegasSandbox).auto = {"mode": "pay", "delay_ms": 100}
    server.sandbox.of(PegasSandbox).withdrawal_delay_s = 0.1
    demo = ("--demo", "--sandbox-url", server.base_url)
    code, paid, err = run(capsys, "pay", *demo, "--provider", "pegas", "--amount", "1499",
                          "--type", "invoice-card", "--json")
    assert (code, paid["state"], paid["provider"]) == (0, "PAID", "pegas")
    assert "Payment link: http://127.0.0.1" in err
    code, _, err = run(capsys, "pay", *demo, "--provider", "pegas", "--amount", "500",
                            "--type", "wallet", "--json")
    assert code == 0
    assert "Pay to: +7999" in err
    out = tmp_path / "receipt.pdf"
    code, saved, _ = run(capsys, "receipt", paid["payment_id"], *demo, "--format", "pdf",
                         "--output", str(out), "--json")
    assert (code, saved["content_type"]) == (0, "application/pdf")
    assert out.read_bytes().startswith(b"%PDF-")
    code, balance, _ = run(capsys, "balance", *demo, "--json")
    assert (code, balance["balance"]) == (0, "27279.18")  # 25340.15 + 1454.03 + 485.00
    code, payout, _ = run(capsys, "withdraw", *demo, "--amount", "100", "--method", "card",
                          "--number", "4111 1111 1111 1111", "--comment", "Возврат", "--json")
    assert (code, payout["state"]) == (0, "PAID")
    code, bad, _ = run(capsys, "withdraw", *demo, "--amount", "100", "--method", "card",
                       "--number", "4111111111111111", "--comment", "no", "--json")
    assert code == 2
    assert "3 to 100" in bad["error"]


def test_resolve_by_hand(capsys: pytest.CaptureFixture[str], isolated_dirs: Path) -> None:
    import asyncio

    from tests.helpers import simple_sale

    async def leave_one_pending() -> str:
        from pos_app.app import Mode, build_runtime

        with SandboxServer() as sandbox:
            runtime = await build_runtime(Mode.TRAINING, sandbox_url=sandbox.base_url)
            payment = await runtime.service.start_payment(simple_sale("700"), "pegas", {})
            await runtime.service.wait(payment.id, until=lambda p: p.state.value == "PENDING")
            await runtime.aclose()
            return payment.id

    payment_id = asyncio.run(leave_one_pending())
    code, resolved, _ = run(capsys, "resolve", payment_id, "--demo", "--outcome", "paid",
                            "--reason", "seen in the cabinet", "--actor", "Manager Ivanova",
                            "--json")
    assert (code, resolved["state"], resolved["reason_code"]) == (0, "PAID", "MANUAL")
    assert resolved["receipt"]["confirmation"] == "manual"
    assert "Manager Ivanova" in resolved["reason"]


def test_shift_reports_and_export(capsys: pytest.CaptureFixture[str], server: SandboxServer,
                                  tmp_path: Path) -> None:
    demo = ("--demo", "--sandbox-url", server.base_url)
    code, _, err = run(capsys, "pay", *demo, "--provider", "koshelek", "--amount", "120.50",
                       "--cashier", "Анна")
    assert code == 0
    assert "Shift 1 opened for Анна." in err  # integration mode opens a shift itself
    code, shift, _ = run(capsys, "shift", "status", *demo, "--json")
    assert (code, shift["shift"], shift["closed_at"]) == (0, 1, None)
    code, x, _ = run(capsys, "report", "x", *demo, "--json")
    assert (code, x["kind"], x["totals"][0]["paid"]) == (0, "X", {"count": 1, "minor": 12050})
    code, text, _ = run(capsys, "report", "x", *demo)
    assert "X report, shift 1 (Анна)" in text
    assert "120,50" in text
    assert "  Koshelek Pay · SBP\n" in text  # the way in words, as printed (a walk)
    code, listing, _ = run(capsys, "reconcile", "--shift", *demo)
    assert (code, listing.strip()) == (0, "The shift matches what the providers say.")

    code, z, _ = run(capsys, "report", "z", *demo, "--json", "--actor", "Мария")
    assert (code, z["kind"], z["differences"]) == (0, "Z", [])
    assert z["closed_at"]
    assert z["totals"][0]["net_minor"] == 12050
    code, again, _ = run(capsys, "report", "x", *demo, "--json")
    assert again == z  # a closed shift answers with its Z report, as printed
    code, _, err = run(capsys, "report", "z", *demo)
    assert code == 2
    assert "No shift is open" in err
    code, opened, _ = run(capsys, "shift", "open", *demo, "--cashier", "Борис", "--json")
    assert (code, opened["shift"]) == (0, 2)

    output = tmp_path / "payments.csv"
    today = date.today().isoformat()
    code, done, _ = run(capsys, "export", *demo, "--from", today, "--to", today, "--output",
                        str(output), "--semicolon", "--json")
    assert (code, done["payments"]) == (0, 1)
    [row] = csv.DictReader(output.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    # For people in Excel: the state in words, the sale as on its receipt (issue 20 #21).
    assert (row["amount"], row["state"], row["shift"], row["sale"]) == (
        "120,50", "paid", "1", "S000001")
    code, _, err = run(capsys, "export", *demo, "--from", "yesterday", "--to", today,
                       "--output", str(output))
    assert code == 2
    assert "not a date" in err


def test_config_import_show_and_secrets(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        memory_keyring: Any) -> None:
    import io

    target = tmp_path / "installed" / "terminal.toml"
    monkeypatch.setenv("POS_APP_CONFIG", str(target))
    bad = tmp_path / "bad.toml"
    bad.write_text('[terminal]\nstore_id = "S1"\n[providers.koshelek]\ntimeout_s = "soon"\n',
                   encoding="utf-8")
    code, _, err = run(capsys, "config", "import", str(bad))
    assert code == 2
    assert "providers.koshelek" in err
    assert not target.exists()  # nothing half-imported

    prepared = tmp_path / "store-7.toml"
    prepared.write_text('# prepared for store 7\n[terminal]\nstore_id = "S7"\n'
                        'terminal_id = "T1"\n', encoding="utf-8")
    code, out, err = run(capsys, "config", "import", str(prepared))
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("# prepared for store 7")
    assert "live mode will not start" in err.lower()  # no credentials for Koshelek yet, etc.
    code, _, err = run(capsys, "config", "import", str(prepared))
    assert "kept as" in err
    assert list(target.parent.glob("terminal.toml.bak-*"))

    monkeypatch.setattr("sys.stdin", io.StringIO("s3cr3t-Passw0rd\n"))
    code, out, _ = run(capsys, "config", "set-secret", "koshelek.password")
    assert (code, out.strip()) == (0, "koshelek.password: stored in the keyring")
    assert memory_keyring.get_password("pos-app", "koshelek.password") == "s3cr3t-Passw0rd"
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n"))
    code, _, err = run(capsys, "config", "set-secret", "koshelek.pin")
    assert code == 2
    assert "koshelek.password" in err  # the names it knows
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "config", "set-secret", "pegas.token")
    assert code == 2

    code, shown, _ = run(capsys, "config", "show", "--json")
    assert shown["config"]["terminal"]["store_id"] == "S7"
    assert shown["secrets"]["koshelek.password"] == "keyring"
    assert shown["secrets"]["pegas.token"] == "not set"
    code, text, _ = run(capsys, "config", "show")
    assert "s3cr3t" not in text
    assert 'store_id = "S7"' in text


@pytest.mark.parametrize(("argv", "says"), [
    (("pay", "--demo", "--provider", "koshelek", "--amount", "12.50", "--customer", "approve"),
     "12,50\u00a0₽  PAID"),
    (("--self-test",), "150,00\u00a0₽ paid"),
])
def test_output_is_utf8_whatever_the_code_page(argv: tuple[str, ...], says: str) -> None:
    """Windows writes pipes and redirected files in its legacy code page (cp1251 has no ₽):
    the output must not fail after the payment was made."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1251", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "pos_app", *argv],
                          capture_output=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", errors="replace")
    assert says in done.stdout.decode("utf-8")


def test_an_internal_error_after_money_moved_says_unknown(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller that retried a "failed" payment would charge the customer twice."""
    def broken(*_: object) -> None:
        raise RuntimeError("a bug in printing")

    monkeypatch.setattr("pos_app.cli.commands.payments.print_payment", broken)
    code, _, err = run(capsys, "pay", "--demo", "--provider", "koshelek", "--amount", "5")
    assert code == 3  # outcome unknown: check, do not retry
    assert "internal error" in err
    assert "reconcile" in err
    monkeypatch.setattr("pos_app.cli.commands.office.cmd_history", broken)
    code, _, _ = run(capsys, "history", "--demo")
    assert code == 4  # nothing moved money: an error


def test_a_repeated_reference_is_not_charged_twice(capsys: pytest.CaptureFixture[str],
                                                   server: SandboxServer, tmp_path: Path) -> None:
    """The caller's software gave up on its own timeout and asks again: same payment."""
    pay = ("pay", "--demo", "--sandbox-url", server.base_url, "--provider", "koshelek",
           "--amount", "250", "--reference", "ORDER-17", "--json")
    code, first, _ = run(capsys, *pay)
    assert (code, first["state"]) == (0, "PAID")
    assert first["reference"] == "ORDER-17"
    code, again, err = run(capsys, *pay)
    assert (code, again["state"], again["payment_id"]) == (0, "PAID", first["payment_id"])
    assert again["reference"] == "ORDER-17"
    assert "already has payment" in err
    assert len(server.sandbox.of(KoshelekSandbox).transactions) == 1
    code, status, _ = run(capsys, "status", "ORDER-17", "--demo", "--sandbox-url",
                          server.base_url, "--json")
    assert (code, status["payment_id"]) == (0, first["payment_id"])
    output = tmp_path / "payments.csv"
    today = date.today().isoformat()
    run(capsys, "export", "--demo", "--from", today, "--to", today, "--output", str(output))
    with output.open(encoding="utf-8-sig", newline="") as file:
        [row] = list(csv.DictReader(file))
    assert (row["payment_id"], row["reference"]) == (first["payment_id"], "ORDER-17")


def test_a_reference_declined_before_may_be_paid_again(capsys: pytest.CaptureFixture[str],
                                                       server: SandboxServer) -> None:
    pay = ("pay", "--demo", "--sandbox-url", server.base_url, "--provider", "koshelek",
           "--amount", "80", "--reference", "ORDER-18", "--json")
    code, declined, _ = run(capsys, *pay, "--customer", "decline")
    assert (code, declined["state"]) == (1, "DECLINED")
    code, paid, _ = run(capsys, *pay)
    assert (code, paid["state"]) == (0, "PAID")
    assert paid["payment_id"] != declined["payment_id"]
    assert paid["order_id"] == declined["order_id"]  # the same sale, a second attempt
    code, status, _ = run(capsys, "status", "ORDER-18", "--demo", "--sandbox-url",
                          server.base_url, "--json")
    assert status["payment_id"] == paid["payment_id"]
    code, other, _ = run(capsys, *pay[:-4], "81", "--reference", "ORDER-18", "--json")
    assert code == 2
    assert "already used by sale" in other["error"]
    assert len(server.sandbox.of(KoshelekSandbox).transactions) == 2


def test_a_reference_with_an_unknown_outcome_is_followed(capsys: pytest.CaptureFixture[str],
                                                         server: SandboxServer) -> None:
    """Exit 3 means "check, never retry blindly"; a retry with the reference is safe."""
    assert server.sandbox.faults is not None
    server.sandbox.faults.add(Fault(kind="error_after", path="/koshelek/api/v1/merchant/checkout",
                                    count=1, status=503))
    server.sandbox.faults.add(Fault(kind="error_before", path="/koshelek/api/v1/merchant/",
                                    count=-1, status=503))
    pay = ("pay", "--demo", "--sandbox-url", server.base_url, "--provider", "koshelek",
           "--amount", "90", "--reference", "ORDER-19", "--json")
    code, unknown, _ = run(capsys, *pay)
    assert (code, unknown["state"]) == (3, "UNKNOWN")
    code, still, _ = run(capsys, *pay)
    assert (code, still["state"], still["payment_id"]) == (3, "UNKNOWN", unknown["payment_id"])
    server.sandbox.faults.clear()
    code, known, _ = run(capsys, *pay)
    assert (code, known["payment_id"]) == (0, unknown["payment_id"])
    assert known["state"] == "PAID"
    assert len(server.sandbox.of(KoshelekSandbox).transactions) == 1


@pytest.mark.parametrize("reference", ["", " ", "x" * 65, "line\nbreak"])
def test_a_bad_reference_exits_2(capsys: pytest.CaptureFixture[str], reference: str) -> None:
    code, data, _ = run(capsys, "pay", "--demo", "--provider", "koshelek", "--amount", "30",
                        "--reference", reference, "--json")
    assert code == 2
    assert "--reference must be 1 to 64 printable characters" in data["error"]


def test_a_repeated_payout_reference_is_not_paid_out_twice(
        capsys: pytest.CaptureFixture[str], server: SandboxServer) -> None:
    server.sandbox.of(PegasSandbox).withdrawal_delay_s = 0.1
    demo = ("--demo", "--sandbox-url", server.base_url)
    withdraw = ("withdraw", *demo, "--amount", "100", "--method", "card", "--number",
                "4111 1111 1111 1111", "--reference", "REFUND-7", "--json")
    code, first, _ = run(capsys, *withdraw)
    assert (code, first["state"], first["reference"]) == (0, "PAID", "REFUND-7")
    code, again, err = run(capsys, *withdraw)
    assert (code, again["payment_id"]) == (0, first["payment_id"])
    assert "already has payout" in err
    payouts = [t for t in server.sandbox.of(PegasSandbox).transactions.values()
               if t.operation == "withdrawal"]
    assert len(payouts) == 1
    code, mixed, _ = run(capsys, "pay", *demo, "--provider", "pegas", "--amount", "100",
                         "--reference", "REFUND-7", "--json")  # a payout's reference
    assert code == 2
    assert "a payout of 100,00" in mixed["error"]


def test_a_repeated_refund_reference_is_not_refunded_twice(
        capsys: pytest.CaptureFixture[str], server: SandboxServer) -> None:
    demo = ("--demo", "--sandbox-url", server.base_url)
    code, paid, _ = run(capsys, "pay", *demo, "--provider", "koshelek", "--amount", "300",
                        "--json")
    assert code == 0
    [sold] = server.sandbox.of(KoshelekSandbox).transactions.values()
    assert server.sandbox.faults is not None
    server.sandbox.faults.add(Fault(kind="error_after", path="/koshelek/api/v1/merchant/",
                                    count=1, status=503))  # refunded, the answer lost
    server.sandbox.faults.add(Fault(kind="error_before", path="/koshelek/api/v1/merchant/",
                                    count=-1, status=503))
    refund = ("refund", paid["payment_id"], *demo, "--amount", "100", "--reference", "RET-1",
              "--json")
    code, lost, _ = run(capsys, *refund)
    assert (code, lost["operation"]["state"], lost["operation"]["reference"]) == (3, "SENT",
                                                                                  "RET-1")
    code, still, err = run(capsys, *refund)
    assert (code, still["operation"]["operation_id"]) == (3, lost["operation"]["operation_id"])
    assert "already has refund" in err
    server.sandbox.faults.clear()
    code, done, _ = run(capsys, *refund)
    assert (code, done["operation"]["operation_id"]) == (0, lost["operation"]["operation_id"])
    assert (done["state"], done["refunded_minor"]) == ("PARTIALLY_REFUNDED", 10000)
    assert sold.refunded == 10000  # the provider refunded once
    code, other, _ = run(capsys, "refund", paid["payment_id"], *demo, "--amount", "50",
                         "--reference", "RET-1", "--json")
    assert code == 2
    assert "already used by refund" in other["error"]
    code, next_one, _ = run(capsys, "refund", paid["payment_id"], *demo, "--amount", "50",
                            "--reference", "RET-2", "--json")
    assert (code, next_one["refunded_minor"]) == (0, 15000)


def test_an_export_says_its_progress_and_stops_on_ctrl_c(isolated_dirs: Path) -> None:
    """A walk: `export` of 300 000 payments printed nothing until the end and went on to the
    end through Ctrl+C (the window's export had progress and Stop)."""
    import signal

    from tests.reliability.test_crash_matrix import _wait_for
    from tests.window.test_export import a_year_of_payments

    a_year_of_payments(isolated_dirs / "data" / "journal-training.sqlite3", 300_000)
    output = isolated_dirs / "year.csv"
    # The payments are of the last five minutes: yesterday's too, just after midnight.
    period = ["--from", (date.today() - timedelta(days=1)).isoformat(),
              "--to", date.today().isoformat()]
    process = subprocess.Popen(
        [sys.executable, "-m", "pos_app", "export", "--demo", *period, "--output", str(output)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: output.with_name("year.csv.part").exists())
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert "The export was stopped; no file was written." in err
    assert out == ""  # no "N payment(s)" line for a caller to take as done
    assert not output.exists()
    assert not output.with_name("year.csv.part").exists()

    done = subprocess.run([sys.executable, "-m", "pos_app", "export", "--demo", *period,
                           "--output", str(output)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Exported 300000 payment(s)." in done.stderr
    assert done.stdout.strip() == f"{output}: 300000 payment(s)"


def _closed_port() -> int:
    """A port nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _answering(status: int, body: bytes) -> Iterator[str]:
    """A real server at an address that answers every request with ``status`` and ``body``."""
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    server = LocalServer(app, host="127.0.0.1", port=0, name="not-a-sandbox")
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.mark.parametrize(("status", "body"), [(500, b'{"error": "boom"}'),
                                               (200, b"<html>a router</html>"),
                                               (200, b'["not", "credentials"]'),
                                               (404, b"")])
def test_an_address_that_answers_but_not_as_the_sandboxes_is_said(
        capsys: pytest.CaptureFixture[str], status: int, body: bytes) -> None:
    """helper-49: a wrong --sandbox-url ended in a traceback (the window vanished)."""
    with _answering(status, body) as url:
        code, _, err = run(capsys, "pay", "--demo", "--sandbox-url", url, "--provider",
                           "koshelek", "--amount", "50")
    assert code == 2
    assert f"The address {url} answered (HTTP {status}), but not as the training sandboxes " \
           "do. Check --sandbox-url." in err
    assert "Traceback" not in err
    assert "internal error" not in err


def test_sandboxes_that_do_not_answer_are_said(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    code, _, err = run(capsys, "pay", "--demo", "--sandbox-url", url, "--provider", "koshelek",
                       "--amount", "50")
    assert code == 2
    assert f"The training sandboxes at {url} do not answer. Start them (pos-app sandbox), or " \
           "start without --sandbox-url." in err
    assert "ConnectError" not in err


def test_the_window_with_sandboxes_that_do_not_answer_exits_2(tmp_path: Path) -> None:
    """The window's start says it (a box; here, where a smoke test waits for no one, the log)
    instead of vanishing with a traceback (helper-49)."""
    url = f"http://127.0.0.1:{_closed_port()}"
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "POS_APP_DATA_DIR": str(tmp_path / "d"),
                        "POS_APP_LOG_DIR": str(tmp_path / "logs"),
                        "POS_APP_CONFIG": str(tmp_path / "terminal.toml"),
                        "XDG_CONFIG_HOME": str(tmp_path / "settings")}
    done = subprocess.run([sys.executable, "-m", "pos_app", "--demo", "--sandbox-url", url,
                           "--exit-after-start"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    log = (tmp_path / "logs" / "pos-app.log").read_text(encoding="utf-8")
    assert f"cannot start: The training sandboxes at {url} do not answer." in log
