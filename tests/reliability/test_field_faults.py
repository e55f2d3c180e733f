"""Issue 16's small inputs that moved money wrongly, each standing for its kind.

- a payout account is sent exactly as the method allows, never rewritten (#1);
- ids match exactly or by an unambiguous literal prefix: no empty id, no wildcard (#2);
- amounts are ASCII digits, the currency is the terminal's, refused before sending (#3);
- `pay` shows only its own payment's link (#10).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from pos_app.app import Runtime
from pos_app.cli import main
from pos_app.core.journal import PaymentFilter
from pos_app.core.money import AmountError, parse_amount, parse_decimal
from pos_app.core.payments import Payment
from pos_app.core.states import PaymentState
from pos_app.providers.errors import InvalidInput
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.server import SandboxServer
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import SANDBOX_URL, MemoryKeyring, simple_sale, training_runtime
from tests.providers.test_pegas import make as make_pegas
from tests.test_cli import run


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


# -- #1: a payout goes to exactly the account typed --

@pytest.mark.parametrize(("method", "typed", "sent"), [
    ("nickname", "john-doe", "john-doe"),  # was sent as "johndoe"
    ("nickname", "john.doe_1", "john.doe_1"),
    ("card", "4111 1111 1111 1111", "4111111111111111"),  # a card's grouping is not the number
    ("card", "4111-1111-1111-1111", "4111111111111111"),
    ("phone", "+7 (999) 123-45-67", "+79991234567"),
    ("yandex", "4100 1234 5678 9", "4100123456789"),
])
async def test_a_payout_account_is_sent_as_its_method_allows(
        sandbox: SandboxTransport, method: str, typed: str, sent: str) -> None:
    provider = make_pegas(sandbox)
    prepared = await provider.prepare({"operation": "withdrawal", "method": method,
                                       "number": typed})
    assert prepared["number"] == sent
    await provider.aclose()


@pytest.mark.parametrize(("method", "typed"), [
    ("nickname", "john doe"), ("nickname", "john(doe)"), ("nickname", "джон"),
    ("card", "4111 1111 1111 111(1)"), ("phone", "+7 999 123 45 6７"),
    ("card", "４１１１１１１１１１１１１１１１"), ("yandex", "4100-1234-5678-9"),
])
async def test_an_account_the_method_does_not_allow_is_refused(
        sandbox: SandboxTransport, method: str, typed: str) -> None:
    provider = make_pegas(sandbox)
    with pytest.raises(InvalidInput):
        await provider.prepare({"operation": "withdrawal", "method": method, "number": typed})
    await provider.aclose()
    assert sandbox.sandbox.of(PegasSandbox).transactions == {}


# -- #2: ids --

async def test_empty_short_or_wildcard_ids_find_nothing(sandbox: SandboxTransport) -> None:
    runtime = await training_runtime(sandbox)
    try:
        await runtime.service.start()
        first = await runtime.service.start_payment(simple_sale("10"), "paymega")
        second = await runtime.service.start_payment(simple_sale("20"), "paymega")
        journal = runtime.journal
        for text in ("", " ", "%", "_", "%%", "____________", first.id[:3], "*", "\\"):
            assert await journal.find_payments(text) == [], text
        assert [p.id for p in await journal.find_payments(first.id)] == [first.id]
        assert [p.id for p in await journal.find_payments(first.id[:6])] == [first.id]
        assert await journal.find_payments(first.id[:5] + "%") == []
        for text in ("%", "_", "_%"):  # the history's search: characters, not patterns
            assert await journal.list_payments(PaymentFilter(text=text)) == [], text
        found = await journal.list_payments(PaymentFilter(text=second.id[:4]))
        assert second.id in [p.id for p in found]
    finally:
        await runtime.aclose()


@pytest.mark.parametrize("given", ["", "%", "_", "a%"])
def test_a_refund_of_an_empty_or_wildcard_id_exits_2(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path, given: str) -> None:
    code, data, _ = run(capsys, "pay", "--demo", "--provider", "koshelek", "--amount", "30",
                        "--json")
    assert (code, data["state"]) == (0, "PAID")
    code, data, _ = run(capsys, "refund", "--demo", given, "--amount", "5", "--json")
    assert code == 2, data
    code, history, _ = run(capsys, "history", "--demo", "--json")
    assert history["refunded_minor"] == 0  # nothing was refunded


def test_a_short_id_is_called_short_and_an_empty_search_is_said(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path) -> None:
    """Walks: `status ab` said "no payment matches" although payment ab… exists, and a
    search that finds nothing printed nothing at all."""
    code, paid, _ = run(capsys, "pay", "--demo", "--provider", "koshelek", "--amount", "30",
                        "--json")
    assert code == 0
    code, data, _ = run(capsys, "status", "--demo", paid["payment_id"][:3], "--json")
    assert code == 2
    assert "too short to name a payment: give at least 4 characters" in data["error"]
    # The beginning of the provider's transaction id names it too, as README says (a walk).
    code, found, _ = run(capsys, "status", "--demo", paid["provider_transaction_id"][:8],
                         "--json")
    assert (code, found["payment_id"]) == (0, paid["payment_id"])
    code, out, err = run(capsys, "history", "--demo", "--search", "no-such-thing")
    assert (code, out, err.strip()) == (0, "", "No payment matches.")
    code, out, _ = run(capsys, "history", "--demo")
    local = datetime.fromisoformat(paid["created_at"]).astimezone()  # the till's time, not UTC
    assert out.startswith(f"{local:%Y-%m-%d %H:%M:%S}  {paid['payment_id']}  koshelek")


# -- #3: amounts and currency --

@pytest.mark.parametrize("text", ["١٢٣", "１２", "1٢", "۱۲۳", "१२", "12.٥", "²", "12,٥0"])
def test_amounts_are_ascii_digits(text: str) -> None:
    with pytest.raises(AmountError):
        parse_decimal(text)
    with pytest.raises(AmountError):
        parse_amount(text)


@pytest.mark.parametrize("argv", [
    ("pay", "--provider", "pegas", "--amount", "10", "--currency", "XXX"),
    ("pay", "--provider", "koshelek", "--amount", "10", "--currency", "USD"),
    ("pay", "--provider", "koshelek", "--amount", "１２"),
    ("withdraw", "--provider", "pegas", "--amount", "١٢٣", "--method", "card",
     "--number", "4111111111111111"),
])
def test_foreign_digits_and_currencies_exit_2_before_sending(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path, argv: tuple[str, ...]) -> None:
    code, data, _ = run(capsys, *argv[:1], "--demo", *argv[1:], "--json")
    assert code == 2, data
    assert "Traceback" not in json.dumps(data)
    code, history, _ = run(capsys, "history", "--demo", "--json")
    assert history == "" or history.get("payment_id") is None  # nothing journaled


def test_the_terminal_currency_is_accepted_when_named(capsys: pytest.CaptureFixture[str],
                                                      isolated_dirs: Path) -> None:
    code, data, _ = run(capsys, "pay", "--demo", "--provider", "koshelek", "--amount", "10",
                        "--currency", "rub", "--json")
    assert (code, data["currency"]) == (0, "RUB")


# -- #10: pay shows its own payment --

def test_pay_shows_only_its_own_link(capsys: pytest.CaptureFixture[str],
                                     server: SandboxServer, isolated_dirs: Path) -> None:
    """An earlier Paymega payment left waiting printed its link during a later `pay`."""
    left = asyncio.run(leave_a_paymega_payment_waiting(server))
    assert left.payer_url
    code, data, err = run(capsys, "pay", "--demo", "--sandbox-url", server.base_url,
                          "--provider", "koshelek", "--amount", "10", "--json")
    assert (code, data["state"]) == (0, "PAID")
    assert left.payer_url not in err
    assert "Payment link" not in err


async def leave_a_paymega_payment_waiting(server: SandboxServer) -> Payment:
    from pos_app.app import Mode, build_runtime

    earlier = await build_runtime(Mode.TRAINING, sandbox_url=server.base_url, lock=False)
    try:
        await earlier.service.start()
        left = await earlier.service.start_payment(simple_sale("40"), "paymega")
        return await earlier.service.wait(left.id, until=lambda p: p.payer_url is not None)
    finally:
        await earlier.aclose()


# -- #5: "settled" means final when the provider is asked --

@pytest.mark.parametrize("how", ["by id", "all"])
async def test_a_link_left_then_paid_is_asked_about_not_read_from_the_journal(
        sandbox: SandboxTransport, how: str) -> None:
    """`pay --customer never`, Ctrl+C (Paymega cannot cancel: left), then the invoice is
    paid: `status` and `reconcile` answered PENDING from the journal without asking."""
    runtime = await training_runtime(sandbox)
    try:
        await runtime.service.start()
        left = await runtime.service.start_payment(simple_sale("40"), "paymega")
        left = await runtime.service.wait(left.id, until=lambda p: p.provider_ref is not None)
        await runtime.service.cancel(left.id)  # Paymega cannot cancel: left to expire
        assert (await runtime.service.get(left.id)).abandoned
        invoices = sandbox.sandbox.of(PaymegaSandbox)
        with invoices._lock:
            invoices.pay(invoices.invoices[left.provider_ref or ""])
        asked = await runtime.service.reconcile([left.id] if how == "by id" else None,
                                                timeout=10)
        [now] = [p for p in asked if p.id == left.id]
        assert now.state is PaymentState.PAID
        assert now.attention is not None  # paid after the register left it: said
    finally:
        await runtime.aclose()


# -- #8: a provider's echo of a secret --

def test_a_secret_echoed_by_a_provider_reaches_no_output_and_no_journal(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path) -> None:
    """A 400 whose text holds the token, a 422 holding the password: `pay --json`, `history
    --json` and the journal's reasons and events held them (only the log was masked)."""
    from pos_app.core.secrets import SecretStore
    from tests.helpers import write_live_config_all_providers
    from tests.reliability.test_secrets_never_leak import SECRETS, files_below, leaks

    token, password = SECRETS["pegas", "token"], SECRETS["paymega", "password"]
    with SandboxServer() as server:
        server.sandbox.of(PegasSandbox).token = token
        server.sandbox.of(PaymegaSandbox).login = SECRETS["paymega", "login"]
        server.sandbox.of(PaymegaSandbox).password = password
        server.sandbox.of(KoshelekSandbox).login = SECRETS["koshelek", "login"]
        server.sandbox.of(KoshelekSandbox).password = SECRETS["koshelek", "password"]
        write_live_config_all_providers(isolated_dirs / "config" / "terminal.toml",
                                        server.base_url)
        store = SecretStore()
        for (provider, name), value in SECRETS.items():
            store.set(provider, name, value)
        faults = server.sandbox.faults
        assert faults is not None
        faults.add(Fault(kind="status", status=400, path="/pegas/api/v1/deposit", body={
            "errors": [{"code": "invalid_parameters", "message": f"bad token={token} {token}",
                        "validation_error": {"path": "type", "message": f"echo {token}"}}]}))
        faults.add(Fault(kind="status", status=422, path="/paymega/api/payment-invoices",
                         method="POST", body={"errors": {"amount": f"{password} is wrong"}}))
        outputs = []
        for provider in ("pegas", "paymega"):
            code, data, err = run(capsys, "pay", "--provider", provider, "--amount", "90",
                                  "--json")
            assert code == 1, data  # refused, not paid
            outputs.append(json.dumps(data) + err)
        code, history, err = run(capsys, "history", "--json")
        outputs.append(str(history) + err)
    places = {"output": "\n".join(outputs).encode(),
              **files_below(isolated_dirs, "data", "logs")}
    assert leaks(places) == []
    assert "***" in outputs[0]  # the provider's words are kept, the secret masked


def test_the_token_bridge_gets_no_other_secret() -> None:
    from pos_app.providers.koshelek.tokens import bridge_environment

    environ = {"PATH": "/usr/bin", "POS_APP_PEGAS_TOKEN": "t", "POS_APP_KOSHELEK_PASSWORD": "p",
               "POS_APP_PAYMEGA_SECRET": "s", "POS_APP_KOSHELEK_TOTP_SEED": "seed"}
    assert bridge_environment(environ) == {"PATH": "/usr/bin",
                                           "POS_APP_KOSHELEK_TOTP_SEED": "seed"}


# -- #7: a payout that never left --

def test_a_payout_that_never_left_is_sent_by_the_repeat_not_declined(
        capsys: pytest.CaptureFixture[str], server: SandboxServer, isolated_dirs: Path) -> None:
    """`withdraw --reference R` ended before the payout reached Pegas-kassa: the repeat with
    R exited 1 DECLINED ("does not know this transaction"); only a third call paid out."""
    server.sandbox.of(PegasSandbox).withdrawal_delay_s = 0.1
    faults = server.sandbox.faults
    assert faults is not None
    faults.add(Fault(kind="drop_before", path="/pegas/api/v1/withdrawal", count=-1))
    withdraw = ("withdraw", "--demo", "--sandbox-url", server.base_url, "--amount", "100",
                "--method", "card", "--number", "4111 1111 1111 1111", "--reference", "R-7",
                "--json")
    code, first, _ = run(capsys, *withdraw, "--timeout", "1")
    assert code == 3  # nothing arrived; the process ends with it unsettled
    assert first["state"] in ("CREATING", "UNKNOWN")
    faults.clear()
    code, again, _ = run(capsys, *withdraw)
    assert (code, again["state"], again["payment_id"]) == (0, "PAID", first["payment_id"])
    payouts = [t for t in server.sandbox.of(PegasSandbox).transactions.values()
               if t.operation == "withdrawal"]
    assert len(payouts) == 1
    assert payouts[0].order_id == first["idempotency_key"]  # its own order id, sent once
    wrong = [*withdraw]
    wrong[wrong.index("4111 1111 1111 1111")] = "5555 5555 5555 4444"
    code, _, _ = run(capsys, *wrong)
    assert code == 0  # paid already: reported, nothing sent
    assert len([t for t in server.sandbox.of(PegasSandbox).transactions.values()
                if t.operation == "withdrawal"]) == 1


# -- #6: cancelled here, paid there --

def test_the_pegas_sandbox_never_pays_a_deposit_it_cancelled(server: SandboxServer) -> None:
    """The simulated payer paid a deposit that had been cancelled meanwhile."""
    pegas = server.sandbox.of(PegasSandbox)
    pegas.auto = {"mode": "pay", "delay_ms": 60_000}
    with pegas._lock:
        answer = pegas.deposit({"amount": "90.00", "type": "invoice-card", "order_id": "o-1"})
        pegas.cancel({"id": str(answer["id"]), "order_id": "o-1"})
        txn = pegas.transactions[answer["id"]]
        txn.due_at = 0  # the payer's moment has come
        pegas.advance(txn)
    assert txn.status == "canceled"


def test_paid_there_after_an_unpaid_end_is_noticed_and_not_charged_again(
        capsys: pytest.CaptureFixture[str], server: SandboxServer, isolated_dirs: Path) -> None:
    """An unknown outcome resolved "declined" by hand, then paid at the provider: plain
    `reconcile` said nothing, and a repeat with the same --reference charged again."""
    faults = server.sandbox.faults
    assert faults is not None
    faults.add(Fault(kind="drop_after", method="POST", count=-1,
                     path="/paymega/api/payment-invoices"))
    faults.add(Fault(kind="error_before", status=503, method="GET", count=-1,
                     path="/paymega/api/payment-invoices"))
    demo = ("--demo", "--sandbox-url", server.base_url)
    pay = ("pay", *demo, "--provider", "paymega", "--amount", "60", "--customer", "never",
           "--reference", "ORDER-6", "--json")
    code, first, _ = run(capsys, *pay)
    assert (code, first["state"]) == (3, "UNKNOWN")
    code, _, _ = run(capsys, "resolve", *demo, first["payment_id"], "--outcome", "declined",
                     "--reason", "the customer left", "--actor", "Boris", "--json")
    assert code == 0  # recorded as not paid
    faults.clear()
    paymega = server.sandbox.of(PaymegaSandbox)
    with paymega._lock:
        [invoice] = paymega.invoices.values()
        paymega.pay(invoice)  # the customer paid the link after all
    code, data, err = run(capsys, "reconcile", *demo, "--json")
    assert code == 3, err  # a person must look at it
    assert "reports this payment as paid" in json.dumps(data, ensure_ascii=False)
    code, again, _ = run(capsys, *pay)
    assert code == 3
    assert "not charged again" in again["error"]
    assert len(paymega.invoices) == 1


# -- #9: exit codes that say what happened --

def exit_code(argv: list[str]) -> int | str | None:
    """main's exit code, argparse's own refusals (SystemExit) included."""
    try:
        return main(argv)
    except SystemExit as ended:
        return ended.code


@pytest.mark.parametrize("argv", [
    ("history", "--limit", "99999999999"),
    ("history", "--limit", "0"),
    ("history", "--state", "bogus"),
    ("history", "--provider", "foo"),  # a typo listed nothing, exit 0 (a walk)
    ("report", "x", "--shift", "99999999999999999999"),
    ("receipt", "abcdef", "--output", ""),
    ("receipt", "abcdef", "--output", "/"),
    ("receipt", "abcdef", "--output", "/no/such/folder/r.pdf"),
    ("export", "--from", "2026-01-01", "--to", "9999-12-31", "--output", "x.csv"),
    ("export", "--from", "0001-01-01", "--to", "2026-01-01", "--output", "x.csv"),
    ("export", "--from", "2026-01-01", "--to", "2026-01-02", "--output", ""),
    ("export", "--from", "2026-01-01", "--to", "2026-01-02", "--output", "/"),
])
def test_bad_input_exits_2_with_a_sentence(capsys: pytest.CaptureFixture[str],
                                           isolated_dirs: Path, argv: tuple[str, ...]) -> None:
    code = exit_code([argv[0], "--demo", *argv[1:]])
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "Traceback" not in out + err
    assert (out + err).strip()  # a sentence says what is wrong


def test_a_refund_of_nan_items_and_an_existing_receipt_file_exit_2(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path) -> None:
    code, paid, _ = run(capsys, "pay", "--demo", "--provider", "pegas", "--amount", "30",
                        "--json")
    assert code == 0
    for item in ("1=NaN", "1=inf", "1=-1", "١=1", "0=1"):
        code, data, _ = run(capsys, "refund", "--demo", paid["payment_id"], "--item", item,
                            "--json")
        assert code == 2, (item, data)
    kept = isolated_dirs / "receipt.pdf"
    kept.write_bytes(b"the customer's earlier receipt")
    code, data, _ = run(capsys, "receipt", "--demo", paid["payment_id"], "--output", str(kept),
                        "--json")
    assert code == 2
    assert "exists already" in data["error"]
    assert kept.read_bytes() == b"the customer's earlier receipt"  # not overwritten
    code, _, _ = run(capsys, "history", "--demo", "--search", "9" * 20, "--json")
    assert code == 0  # a search that finds nothing, not an internal error


def test_credentials_refused_during_pay_exit_4(capsys: pytest.CaptureFixture[str],
                                               server: SandboxServer,
                                               isolated_dirs: Path) -> None:
    assert server.sandbox.faults is not None
    server.sandbox.faults.add(Fault(kind="status", status=401, count=-1,
                                    path="/koshelek/api/v1/merchant/checkout"))
    code, data, _ = run(capsys, "pay", "--demo", "--sandbox-url", server.base_url,
                        "--provider", "koshelek", "--amount", "30", "--json")
    assert (code, data["state"]) == (4, "DECLINED")


def test_a_paymega_service_the_account_does_not_offer_exits_2_before_sending(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path) -> None:
    code, data, _ = run(capsys, "pay", "--demo", "--provider", "paymega", "--amount", "30",
                        "--service", "payment_card_xyz_hpp", "--json")
    assert code == 2, data
    assert "payment_card_xyz_hpp" in data["error"]
    assert "payment_card_rub_hpp" in data["error"]  # what it does offer
    code, listed, _ = run(capsys, "history", "--demo", "--json")
    assert (code, listed) == (0, "")  # no JSON line: nothing journaled, nothing sent


def test_a_journal_or_log_folder_that_cannot_be_made_is_said(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only mount ended in an internal error (exit 3: "reconcile will settle it")."""
    a_file = isolated_dirs / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    config = isolated_dirs / "config" / "terminal.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"[journal]\ndir = '{a_file / 'journal'}'\n", encoding="utf-8")
    for argv in (("pay", "--provider", "koshelek", "--amount", "10"), ("history",)):
        code, _, err = run(capsys, argv[0], "--demo", *argv[1:])
        assert code == 2, err
        assert f"{a_file / 'journal'}" in err
        assert "Traceback" not in err
    config.unlink()
    monkeypatch.setenv("POS_APP_LOG_DIR", str(a_file / "logs"))
    code, _, err = run(capsys, "history", "--demo")
    assert code == 0  # the till works on; the journal is the record, the log helps support
    assert f"no log file: the folder {a_file / 'logs'} cannot be written" in err


# -- #11: a configuration that is not ready is not called ready --

@pytest.mark.parametrize(("extra", "says"), [
    ("min_amount = 500\nmax_amount = 100\n", "is below min_amount"),
    ('proxy = "http://proxy.example:3128"\n', "providers.koshelek.proxy: plain http to proxy"),
    ('proxy = "http://127.0.0.1\\t.evil.example:3128"\n', "space, tab or control character"),
])
def test_config_check_refuses_what_live_mode_cannot_use(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path, extra: str,
        says: str) -> None:
    from tests.helpers import write_live_config

    config = isolated_dirs / "config" / "terminal.toml"
    write_live_config(config, "https://pay.example")
    text = config.read_text(encoding="utf-8").replace(
        "[providers.koshelek]\n", f"[providers.koshelek]\n{extra}", 1)
    config.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "config", "check")
    assert code == 2
    assert says in err


def test_config_check_says_a_journal_folder_that_is_a_file(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path) -> None:
    from tests.helpers import write_live_config

    config = isolated_dirs / "config" / "terminal.toml"
    a_file = isolated_dirs / "journal-here"
    a_file.write_text("not a folder", encoding="utf-8")
    write_live_config(config, "https://pay.example",
                      extra=f'\n[journal]\ndir = "{a_file.as_posix()}"\n')
    code, _, err = run(capsys, "config", "check")
    assert code == 2
    assert "is a file, not a folder" in err


@pytest.mark.parametrize("journal_dir", ["\\\\nas\\pos", "\\\\?\\UNC\\nas\\pos"])
def test_a_journal_on_a_network_share_is_warned_of(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path,
        monkeypatch: pytest.MonkeyPatch, journal_dir: str) -> None:
    from tests.helpers import write_live_config

    for name in ("LOGIN", "PASSWORD"):
        monkeypatch.setenv(f"POS_APP_KOSHELEK_{name}", "set")
    write_live_config(isolated_dirs / "config" / "terminal.toml", "https://pay.example",
                      extra=f"\n[journal]\ndir = '{journal_dir}'\n")
    code, out, err = run(capsys, "config", "check")
    assert code == 0  # it works today; it is said, not refused
    assert "(1 warning(s))" in out
    assert f"journal.dir: {journal_dir} is on a network share" in err
    code, shown, _ = run(capsys, "config", "show", "--json")
    assert [w.split(";")[0] for w in shown["warnings"]] == [
        f"journal.dir: {journal_dir} is on a network share"]


def test_a_network_file_system_is_told_by_its_mount(tmp_path: Path) -> None:
    from pos_app.core.paths import on_network_share

    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\n"
                      "//nas/pos /mnt/nas cifs rw 0 0\n"
                      "nas:/export /srv/shared\\040files nfs4 rw 0 0\n"
                      "/dev/sdb1 /mnt/nas/local ext4 rw 0 0\n", encoding="utf-8")
    found = {path: on_network_share(path, mounts=str(mounts)) for path in (
        "/mnt/nas/pos", "/mnt/nas", "/mnt/nasty/pos", "/srv/shared files/j", "/mnt/nas/local/j",
        "/var/lib/pos-app")}
    assert found == {"/mnt/nas/pos": True, "/mnt/nas": True, "/mnt/nasty/pos": False,
                     "/srv/shared files/j": True, "/mnt/nas/local/j": False,
                     "/var/lib/pos-app": False}


# -- #12: a secret too long for the secret store --

def test_a_secret_too_long_for_the_store_says_the_limit_and_keeps_nothing(
        capsys: pytest.CaptureFixture[str], isolated_dirs: Path,
        memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows' Credential Manager keeps about 1 280 characters: `config set-secret` printed
    a traceback and "reconcile settles it"."""
    import io

    memory_keyring.max_secret_chars = 1280  # type: ignore[attr-defined] # as Windows
    monkeypatch.setattr("sys.stdin", io.StringIO("t" * 1400 + "\n"))
    code, data, _ = run(capsys, "config", "set-secret", "pegas.token", "--json")
    assert code == 2
    assert "1400 characters" in data["error"]
    assert "POS_APP_PEGAS_TOKEN" in data["error"]  # the way that works
    assert memory_keyring.get_password("pos-app", "pegas.token") is None


# -- #13: one driver of a journal, even with its lock file deleted --

def test_a_deleted_lock_file_lets_no_second_pay_in(
        capsys: pytest.CaptureFixture[str], server: SandboxServer, isolated_dirs: Path) -> None:
    import signal
    import subprocess
    import sys

    from tests.reliability.test_crash_matrix import _wait_for, journal

    data = isolated_dirs / "data"
    first = subprocess.Popen(
        [sys.executable, "-m", "pos_app", "pay", "--provider", "pegas", "--amount", "150",
         "--customer", "never", "--demo", "--sandbox-url", server.base_url, "--json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: [r["state"] for r in journal(data)] == ["PENDING"])
        (data / "journal-training.sqlite3.lock").unlink()  # someone tidies the folder
        code, _, err = run(capsys, "pay", "--demo", "--sandbox-url", server.base_url,
                           "--provider", "koshelek", "--amount", "30")
        assert code == 2
        assert "Another pos-app process is using the journal" in err
        assert [r["state"] for r in journal(data)] == ["PENDING"]  # nothing started
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(timeout=60)


async def test_a_journal_made_by_this_run_is_held_too(sandbox: SandboxTransport,
                                                     isolated_dirs: Path) -> None:
    from pos_app.app import Mode, build_runtime
    from pos_app.core.lock import TerminalBusy

    def start() -> Coroutine[Any, Any, Runtime]:
        return build_runtime(Mode.TRAINING, sandbox_url=SANDBOX_URL,
                             transport_factory=lambda name: sandbox, lock=True)

    first = await start()  # no journal before: it is made, then held
    try:
        (isolated_dirs / "data" / "journal-training.sqlite3.lock").unlink()
        with pytest.raises(TerminalBusy):
            await start()
    finally:
        await first.aclose()
    second = await start()  # free again once the first has ended
    await second.aclose()


# -- #15: a hung name lookup does not hold the exit --

def test_a_hung_lookup_does_not_hold_the_exit(tmp_path: Path) -> None:
    """Closing the window or the second Ctrl+C waited ~18 s while a name lookup hung: asyncio
    and the interpreter waited for the executor's thread.  The process ends at once here;
    its run is bounded by the subprocess timeout, which a hang would exceed."""
    import subprocess
    import sys

    script = """
import asyncio, threading
from pos_app.core.executor import QuickExitExecutor

async def main():
    loop = asyncio.get_running_loop()
    loop.set_default_executor(QuickExitExecutor(grace=0.5))
    hung = threading.Event()  # a lookup nobody answers
    lookup = loop.run_in_executor(None, hung.wait, 600)
    await asyncio.sleep(0)
    lookup.cancel()
    print("done", flush=True)

asyncio.run(main())
"""
    ended = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           timeout=30, check=False)
    assert ended.returncode == 0, ended.stderr
    assert ended.stdout.strip() == "done"


def test_the_quick_exit_executor_runs_and_reports_like_any() -> None:
    from pos_app.core.executor import QuickExitExecutor

    executor = QuickExitExecutor()
    assert executor.submit(sum, [1, 2, 3]).result(timeout=10) == 6
    failing = executor.submit(int, "x")
    with pytest.raises(ValueError, match="invalid literal"):
        failing.result(timeout=10)
    executor.shutdown()
