"""Secrets: a live terminal runs every flow with known secret values, then every place a
secret could leak is searched for them — the log file (at DEBUG), the journal and its WAL,
the configuration, the CSV export, the reports, and every message shown to the cashier
(errors included).  None may contain any of them.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pos_app.app import Mode, build_runtime
from pos_app.core.backoffice import Backoffice
from pos_app.core.export import Period
from pos_app.core.logs import setup_logging
from pos_app.core.money import Money
from pos_app.core.packed import pack
from pos_app.core.paths import log_dir
from pos_app.core.payments.recorder import PaymentUpdate
from pos_app.core.secrets import SecretStore
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.server import SandboxServer
from tests.helpers import simple_sale, write_live_config_all_providers

pytestmark = pytest.mark.e2e

SECRETS = {
    ("koshelek", "login"): "kosh-login-5Vx81",
    ("koshelek", "password"): "Kosh-Passw0rd-q7Zr2",
    ("paymega", "login"): "pm-login-K2b9",
    ("paymega", "password"): "sk_live_9hQ4mX2cV7",
    ("pegas", "token"): "pegas-token-Zt6Lw3Hn",
}
CARD = "4111111111111111"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        sandbox = running.sandbox
        sandbox.of(KoshelekSandbox).login = SECRETS["koshelek", "login"]
        sandbox.of(KoshelekSandbox).password = SECRETS["koshelek", "password"]
        sandbox.of(KoshelekSandbox).behaviour.delay_ms = 0
        sandbox.of(PaymegaSandbox).login = SECRETS["paymega", "login"]
        sandbox.of(PaymegaSandbox).password = SECRETS["paymega", "password"]
        sandbox.of(PegasSandbox).token = SECRETS["pegas", "token"]
        sandbox.of(PegasSandbox).withdrawal_delay_s = 0.1
        yield running


async def test_no_secret_anywhere(server: SandboxServer, isolated_dirs: Path) -> None:
    config = isolated_dirs / "config" / "terminal.toml"
    write_live_config_all_providers(config, server.base_url)
    store = SecretStore()
    for (provider, name), value in SECRETS.items():
        store.set(provider, name, value)
    log_file = setup_logging(log_dir(), console_level=None)
    logging.getLogger().setLevel(logging.DEBUG)
    shown: list[str] = []

    runtime = await build_runtime(Mode.LIVE, lock=False)
    service = runtime.service
    service.subscribe(lambda u: shown.extend(_texts(u)))
    office = Backoffice(service)
    await service.start()
    await office.open_shift("Анна")
    try:
        # Koshelek: pay, refund part of it.
        code = server.sandbox.of(KoshelekSandbox).new_session()["barcode"]
        paid = await service.pay(simple_sale("150"), "koshelek", {"barcode": code})
        await service.refund(paid.id, amount=Money(1000))
        # Paymega: pay, refund.
        invoice = await service.start_payment(simple_sale("200"), "paymega")
        invoice = await service.wait(invoice.id, until=lambda p: p.provider_ref is not None)
        paymega = server.sandbox.of(PaymegaSandbox)
        paymega.pay(paymega.invoices[invoice.provider_ref or ""])
        service.notify(invoice.provider_ref or "")
        await service.wait(invoice.id, timeout=10)
        await service.refund(invoice.id, amount=Money(500))
        # Pegas-kassa: a deposit cancelled, the balance, a payout, an error with the token.
        deposit = await service.start_payment(simple_sale("300"), "pegas")
        await service.wait(deposit.id, until=lambda p: p.provider_ref is not None)
        await service.cancel(deposit.id)
        await service.balance("pegas")
        payout = await service.withdraw("pegas", Money(5000), method="card", number=CARD,
                                        comment="refund of sale 7")
        await service.wait(payout.id, timeout=15)
        assert server.sandbox.faults is not None
        server.sandbox.faults.add(Fault(kind="error_before", path="/pegas/api/v1/deposit",
                                        status=500, count=-1))
        failed = await service.start_payment(simple_sale("90"), "pegas")
        await service.wait(failed.id, timeout=15)
        server.sandbox.faults.clear()
        # Reports and the export.
        x = await office.x_report()
        differences = await office.reconciler.run(await office.current_or_latest(),
                                                  settle_timeout=2.0)
        z = await office.close_shift(actor="manager")
        export = isolated_dirs / "payments.csv"
        await office.export(export, Period(date.today(), date.today()))
    finally:
        await runtime.aclose()
    for handler in logging.getLogger().handlers:
        handler.flush()

    places: dict[str, bytes] = {
        "shown to the cashier": "\n".join(shown).encode(),
        "reports": json.dumps([x.to_json(), z.to_json(),
                               [d.to_json() for d in differences]]).encode(),
        "export": export.read_bytes(),
        **files_below(isolated_dirs, "data", "logs", "config"),
    }
    assert log_file.stat().st_size > 5_000  # the flows really were logged, verbosely
    assert any(name.endswith("journal.sqlite3") for name in places)
    assert leaks(places) == []


def files_below(root: Path, *folders: str) -> dict[str, bytes]:
    """Every file's bytes, and a journal's packed JSON unpacked (a secret inside it would
    not show in the file's bytes)."""
    found = {str(path.relative_to(root)): path.read_bytes()
             for folder in folders for path in (root / folder).rglob("*") if path.is_file()}
    for path in (root / folder for folder in folders):
        for journal in path.rglob("*.sqlite3"):
            found[f"{journal.relative_to(root)} (unpacked)"] = unpacked_cells(journal)
    return found


def unpacked_cells(journal: Path) -> bytes:
    from pos_app.core.packed import FORMAT_1, unpack

    db = sqlite3.connect(f"{journal.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master "
                                                    "WHERE type = 'table'")]
        except sqlite3.DatabaseError:  # not a database: its raw bytes are scanned anyway
            return b""
        return b"\n".join(
            unpack(value).encode() for table in tables
            for row in db.execute(f"SELECT * FROM {table}")  # noqa: S608 - names from SQLite
            for value in row if isinstance(value, bytes) and value[:1] == FORMAT_1)
    finally:
        db.close()


def leaks(places: dict[str, bytes]) -> list[tuple[str, str]]:
    """(where, which secret) for every secret found, as UTF-8 or UTF-16 (SQLite may use it)."""
    return [(where, secret) for where, content in places.items()
            for secret in [*SECRETS.values(), CARD]
            if secret.encode() in content or secret.encode("utf-16-le") in content]


def _texts(update: PaymentUpdate) -> list[str]:
    messages = (update.error, update.alert, update.payment.reason, update.payment.attention)
    return [m.render() for m in messages if m is not None]


def test_the_scan_would_see_a_leak(tmp_path: Path) -> None:
    """The search above is not blind: a secret in any file, in either encoding, is found."""
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "pos-app.log").write_text(
        f"GET /deposit?token={SECRETS['pegas', 'token']}", encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "journal.sqlite3").write_bytes(CARD.encode("utf-16-le"))
    packed = sqlite3.connect(tmp_path / "data" / "journal-training.sqlite3")
    packed.execute("CREATE TABLE payments (request_json)")
    packed.execute("INSERT INTO payments VALUES (?)", (pack(json.dumps(
        {"options": {"number": SECRETS["koshelek", "password"]}, "padding": "x" * 80})),))
    packed.commit()
    packed.close()
    found = leaks(files_below(tmp_path, "logs", "data"))
    assert sorted(found) == [("data/journal-training.sqlite3 (unpacked)",
                              SECRETS["koshelek", "password"]),
                             ("data/journal.sqlite3", CARD),
                             ("logs/pos-app.log", SECRETS["pegas", "token"])]
