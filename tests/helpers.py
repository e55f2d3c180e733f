"""Fakes and builders shared by the tests (the only place fakes live)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from keyring.backend import KeyringBackend

from pos_app.app import Mode, Runtime, build_runtime
from pos_app.backoff import Backoff
from pos_app.core.money import Money
from pos_app.core.payments import Payment, utcnow
from pos_app.core.sale import Measure, Sale, SaleLine, VatRate
from pos_app.i18n import Translator
from pos_app.providers.koshelek.sandbox import Behaviour, KoshelekSandbox
from pos_app.sandbox.testing import SandboxTransport

if TYPE_CHECKING:
    from pos_app.ui.main_window import MainWindow
    from pos_app.ui.qt import QComboBox

SANDBOX_URL = "http://sandbox"


class MemoryKeyring(KeyringBackend):
    """The OS keyring cannot run here; this one keeps secrets in a dict."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def rub(text: str) -> Money:
    return Money(int(Decimal(text) * 100), "RUB")


def simple_sale(amount: str = "123.45") -> Sale:
    return Sale.single_amount(rub(amount))


def grocery_sale() -> Sale:
    """The spec's example basket: milk x2 with a discount, weighed apples, a bag."""
    return Sale(lines=(
        SaleLine(name="Молоко 3,2% 1 л", unit_price=Money(8990), quantity=Decimal(2),
                 vat=VatRate.VAT10, article="4601234567890", discount_minor=1000),
        SaleLine(name="Яблоки Гала, вес", unit_price=Money(20000), quantity=Decimal("1.125"),
                 measure=Measure.KILOGRAM, vat=VatRate.VAT10, article="2100000012345"),
        SaleLine(name="Пакет-майка", unit_price=Money(900), vat=VatRate.VAT20,
                 article="4600000000017"),
    ))


async def training_runtime(transport: SandboxTransport, **kw: Any) -> Runtime:
    """A training terminal whose providers reach the in-process sandbox."""
    kw.setdefault("reconcile_backoff", Backoff(first_s=0.05, cap_s=0.2))
    return await build_runtime(Mode.TRAINING, sandbox_url=SANDBOX_URL,
                               transport_factory=lambda name: transport, lock=False, **kw)


def customer(transport: SandboxTransport, **behaviour: Any) -> dict[str, str]:
    """A training customer with a fresh barcode; ``behaviour`` decides how they answer."""
    return transport.sandbox.of(KoshelekSandbox).new_session(
        behaviour=Behaviour(**behaviour) if behaviour else None)


async def seeded_journal() -> Path:
    """A journal of real payments (a Koshelek one paid, a Paymega one declined), closed;
    where the training runtime keeps it (``POS_APP_DATA_DIR``)."""
    sandbox = SandboxTransport()
    runtime = await training_runtime(sandbox)
    await runtime.service.start()
    await runtime.service.pay(grocery_sale(), "koshelek",
                              {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    declined = await runtime.service.start_payment(simple_sale("1499"), "paymega", {})
    pending = await runtime.service.wait(declined.id, timeout=5,
                                         until=lambda p: p.provider_ref is not None)
    assert runtime.trainer is not None
    # The customer refuses: final, as nearly all of a year's payments are (a start follows
    # every payment still in progress, each copy too).
    await runtime.trainer.decide(pending, "fail")
    runtime.service.notify(pending.provider_ref or "")
    await runtime.service.wait(declined.id, timeout=5, until=lambda p: p.state.is_final)
    path = runtime.journal.path
    await runtime.aclose()
    return path


def fill_journal(path: Path, count: int) -> None:
    """Copy the seeded rows until the journal holds ``count`` payments (one sale each)."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    sales = {row["id"]: dict(row) for row in db.execute("SELECT * FROM sales")}
    templates = [dict(row) for row in db.execute("SELECT * FROM payments")]
    start = datetime.now(UTC) - timedelta(minutes=count)
    number = db.execute("SELECT MAX(number) FROM sales").fetchone()[0]
    new_sales, new_payments = [], []
    for i in range(count - len(templates)):
        template = templates[i % len(templates)]
        number += 1
        sale = dict(sales[template["sale_id"]], id=f"bs{i:010d}", number=number)
        when = (start + timedelta(minutes=i)).isoformat(timespec="milliseconds")
        payment = dict(template, id=f"bp{i:010d}", sale_id=sale["id"], idem_key=f"bk{i}",
                       provider_ref=f"ref-{i:08d}", amount_minor=100 + (i * 37) % 500_000,
                       created_at=when, updated_at=when)
        new_sales.append(sale)
        new_payments.append(payment)
    for table, rows in (("sales", new_sales), ("payments", new_payments)):
        columns = list(rows[0])
        db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
                       f"({', '.join('?' * len(columns))})",
                       [tuple(row[c] for c in columns) for row in rows])
    db.commit()
    db.close()


async def wait_until(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Wait for a condition by polling the event loop, never a blind sleep."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.01)


async def wait_state(runtime: Runtime, payment_id: str, *states: str,
                     timeout: float = 10.0) -> Payment:
    def reached(p: Payment) -> bool:
        return p.state.value in states
    payment = await runtime.service.wait(payment_id, timeout=timeout, until=reached)
    assert payment.state.value in states, payment
    return payment


async def reaches(runtime: Runtime, payment_id: str, *states: str,
                  timeout: float = 10.0) -> Payment:
    """Wait until the journal shows one of ``states``: for actions a click starts, when the
    payment may have no driver yet (``service.wait`` would return at once)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        payment = await runtime.service.get(payment_id)
        if payment.state.value in states:
            return payment
        if loop.time() > deadline:
            raise AssertionError(f"{payment_id} is {payment.state.value}, not {states}")
        await asyncio.sleep(0.02)


def http_client(transport: SandboxTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=SANDBOX_URL, transport=transport)


def write_live_config(path: Path, base_url: str, *, extra: str = "") -> None:
    """A live terminal whose Koshelek Pay is the sandbox at ``base_url``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""
[terminal]
store_id = "5b2e8c44-9a1f-4d0b-8f6e-1c3a7d9e2f10"
terminal_id = "POS-03"

[providers.koshelek]
enabled = true
base_url = "{base_url}/koshelek"
totp_command = ["python", "-m", "pos_app.providers.koshelek.totp_bridge", "--sandbox", "{base_url}"]
{extra}
""", encoding="utf-8")


def write_live_config_all_providers(path: Path, url: str) -> None:
    """The same live terminal, with Paymega and Pegas-kassa enabled too."""
    write_live_config(path, url, extra=f"""
[providers.paymega]
enabled = true
base_url = "{url}/paymega"
refunds = true

[providers.pegas]
enabled = true
base_url = "{url}/pegas/api/v1"
status_path = "/transaction"
""")


class FakeClock:
    """Time that moves only when a payment driver waits (as qutebrowser's ``FakeTimer``):
    a wait of ``s`` seconds returns at once, ``s`` seconds later; :meth:`advance` moves it
    by hand.  ``now`` starts at the real time of day, so journaled times compare."""

    def __init__(self) -> None:
        self._start = utcnow()
        self._elapsed = 0.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self._elapsed

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def advance(self, seconds: float) -> None:
        self._elapsed += seconds

    async def wait(self, wake: asyncio.Event, seconds: float) -> None:
        wake.clear()
        self.waits.append(seconds)
        self._elapsed += max(seconds, 0.0)
        await asyncio.sleep(0)


def deposit_type(window: MainWindow) -> QComboBox:
    """The choose screen's Pegas-kassa deposit type (its own inputs)."""
    from pos_app.providers.pegas.widgets import DepositOptions

    inputs = window.choose.inputs["pegas"]
    assert isinstance(inputs, DepositOptions)
    return inputs.deposit_type


def translator(table: Mapping[str, str] | Mapping[tuple[str, str], str]) -> Translator:
    """A stand-in for Qt's translator: ``table`` by source text, or by (context, text)."""
    def translate(context: str, text: str, n: int = -1) -> str:
        found = table.get(text) or table.get((context, text))  # type: ignore[call-overload]
        return str(found) if found else text
    return translate
