"""The payment service with Paymega invoices through the in-process sandbox."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from pos_app.app import Runtime
from pos_app.core.money import Money
from pos_app.core.payments import utcnow
from pos_app.core.payments.messages import LATE_PAYMENT, RETURN_BY_REFUND
from pos_app.core.payments.recorder import PaymentUpdate
from pos_app.core.states import OperationState, PaymentState
from pos_app.i18n import UserError
from pos_app.providers.paymega import callbacks
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import http_client, simple_sale, training_runtime, wait_state

S = PaymentState
API = "/paymega/api/payment-invoices"


def pm(sandbox: SandboxTransport) -> PaymegaSandbox:
    return sandbox.sandbox.of(PaymegaSandbox)


async def paymega_terminal(sandbox: SandboxTransport, folder: Path) -> Runtime:
    """A started training terminal whose Paymega refunds and polls every second."""
    config = folder / "config" / "terminal.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[providers.paymega]\nrefunds = true\npoll_interval_s = 1.0\n"
                      "slow_poll_interval_s = 5.0\n", encoding="utf-8")
    runtime = await training_runtime(sandbox)
    await runtime.service.start()
    return runtime


@pytest.fixture
async def terminal(sandbox: SandboxTransport, isolated_dirs: Path) -> AsyncIterator[Runtime]:
    runtime = await paymega_terminal(sandbox, isolated_dirs)
    yield runtime
    await runtime.aclose()


async def start(runtime: Runtime, amount: str = "1499.00") -> Any:
    payment = await runtime.service.start_payment(simple_sale(amount), "paymega")
    return await wait_state(runtime, payment.id, "PENDING")


async def press(sandbox: SandboxTransport, url: str, action: str, card: str = "",
                expiry: str = "") -> None:
    async with http_client(sandbox) as client:
        page = await client.get(url)
        target = page.text.split('<form method="post" action="')[1].split('"')[0]
        await client.post(target, data={"action": action, "card_number": card,
                                        "card_expiry": expiry})


async def test_paid_on_the_payer_page(terminal: Runtime, sandbox: SandboxTransport) -> None:
    before = utcnow()
    pending = await start(terminal)
    assert pending.payer_url is not None
    assert pending.payer_url.startswith("http://sandbox/paymega/hpp/?cpi=cpi_")
    assert pending.expires_at is not None
    # The countdown: the configured lifetime (15 min by default), journaled.
    assert timedelta(minutes=14) < pending.expires_at - before <= timedelta(minutes=15, seconds=5)
    await press(sandbox, pending.payer_url, "pay", "5519283812030000", "1230")
    paid = await wait_state(terminal, pending.id, "PAID")  # found by polling alone
    assert paid.paid_minor == 149900
    assert paid.receipt_fields["card"] == "551928******0000"


async def test_declined_on_the_payer_page(terminal: Runtime, sandbox: SandboxTransport) -> None:
    pending = await start(terminal)
    await press(sandbox, pending.payer_url, "pay", "4302912837020000", "0529")
    declined = await wait_state(terminal, pending.id, "DECLINED")
    assert declined.reason is not None
    assert declined.reason.english() == "Not enough money on the card."


async def test_expiry(terminal: Runtime, sandbox: SandboxTransport) -> None:
    pending = await start(terminal)
    pm(sandbox).clock_offset += 31 * 60  # the sandbox's 30 min lifetime passes
    terminal.service.notify(pending.provider_ref)
    expired = await wait_state(terminal, pending.id, "EXPIRED")
    assert expired.raw_status == "process_failed/expired"
    assert expired.reason is not None
    assert "expired" in expired.reason.english()


async def test_cashier_leaves_then_the_customer_pays_late(terminal: Runtime,
                                                          sandbox: SandboxTransport) -> None:
    alerts: list[PaymentUpdate] = []
    terminal.service.subscribe(lambda u: alerts.append(u) if u.alert else None)
    pending = await start(terminal)
    left = await terminal.service.cancel(pending.id)
    assert (left.state, left.abandoned) == (S.PENDING, True)  # no cancel in Paymega: watched
    assert terminal.service.following(pending.id)
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{pending.provider_ref}/pay")
    terminal.service.notify(pending.provider_ref)
    paid = await wait_state(terminal, pending.id, "PAID")
    expected = LATE_PAYMENT.with_params(amount=Money(149900),
                                        advice=RETURN_BY_REFUND).english()  # refunds on here
    assert paid.attention is not None
    assert paid.attention.english() == expected
    assert alerts[-1].alert is not None
    assert alerts[-1].alert.english() == expected
    assert [e.kind for e in await terminal.journal.events_for(pending.id)][-2:] == [
        "abandoned", "status"]


async def test_underpaid_needs_a_decision(terminal: Runtime, sandbox: SandboxTransport) -> None:
    pending = await start(terminal)
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{pending.provider_ref}/pay",
                          json={"amount": "1000.00"})
    terminal.service.notify(pending.provider_ref)
    flagged = await terminal.service.wait(pending.id, timeout=10,
                                          until=lambda p: p.attention is not None)
    assert (flagged.state, flagged.paid_minor) == (S.PENDING, 100000)
    assert flagged.attention is not None
    assert "paid only 1\u00a0000,00\u00a0₽ of 1\u00a0499,00\u00a0₽" in flagged.attention.english()
    # A walk: "take the rest another way" asked another way for the whole 1 499, and the
    # customer paid twice over.  The part paid goes back first; no other attempt meanwhile.
    assert "Return the" in flagged.attention.english()
    await terminal.service.cancel(pending.id)  # "Stop waiting" (Paymega cannot cancel)
    sale = await terminal.journal.get_sale(pending.sale_id)
    assert sale is not None
    with pytest.raises(UserError, match="paid 1\u00a0000,00\u00a0₽ of sale"):
        await terminal.service.start_payment(sale, "koshelek", {"barcode": "x"})


async def test_recovery_adopts_the_invoice_instead_of_creating_another(
        sandbox: SandboxTransport) -> None:
    runtime = await training_runtime(sandbox)
    assert sandbox.sandbox.faults is not None
    # The invoice is created, but no answer comes back, not even to the lookups.
    sandbox.sandbox.faults.add(Fault(kind="drop_after", path=API, method="POST", count=-1))
    sandbox.sandbox.faults.add(Fault(kind="drop_before", path=API, method="GET", count=-1))
    payment = await runtime.service.pay(simple_sale("1499.00"), "paymega")
    assert payment.state is S.UNKNOWN
    assert len(pm(sandbox).invoices) == 1
    await runtime.aclose()  # the process ends; the network comes back
    sandbox.sandbox.faults.clear()
    restarted = await training_runtime(sandbox)
    await restarted.service.start()
    found = await wait_state(restarted, payment.id, "PENDING")
    assert found.provider_ref in pm(sandbox).invoices
    assert len(pm(sandbox).invoices) == 1
    await restarted.aclose()


async def test_refunds(terminal: Runtime, sandbox: SandboxTransport) -> None:
    pending = await start(terminal)
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{pending.provider_ref}/pay")
    terminal.service.notify(pending.provider_ref)
    await wait_state(terminal, pending.id, "PAID")
    part = await terminal.service.refund(pending.id, amount=Money(49900))
    assert part.state is OperationState.DONE
    assert (await terminal.service.get(pending.id)).state is S.PARTIALLY_REFUNDED
    rest = await terminal.service.refund(pending.id)
    assert rest.amount_minor == 100000
    final = await terminal.service.get(pending.id)
    assert (final.state, final.refunded_minor) == (S.REFUNDED, 149900)
    invoice = pm(sandbox).invoices[pending.provider_ref]
    assert (invoice.status, invoice.refunded_amount) == ("refunded", Decimal(1499))


async def test_refunds_are_off_unless_configured(runtime: Runtime,
                                                 sandbox: SandboxTransport) -> None:
    pending = await start(runtime)
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{pending.provider_ref}/pay")
    runtime.service.notify(pending.provider_ref)
    await wait_state(runtime, pending.id, "PAID")
    with pytest.raises(UserError, match="does not support refunds"):
        await runtime.service.refund(pending.id)


async def test_a_callback_only_triggers_a_status_read(sandbox: SandboxTransport,
                                                      isolated_dirs: Path) -> None:
    config = isolated_dirs / "config" / "terminal.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[providers.paymega]\npoll_interval_s = 10.0\n", encoding="utf-8")
    runtime = await training_runtime(sandbox)
    await runtime.service.start()
    pending = await start(runtime)
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{pending.provider_ref}/pay")
    # A (possibly forged) callback body claiming anything: only its id is used.
    body = b'{"data":{"id":"%s","attributes":{"status":"refunded"}}}' % (
        pending.provider_ref.encode())
    assert callbacks.verify("sk_test_training", body,
                            callbacks.signature("sk_test_training", body))
    started = time.monotonic()
    runtime.service.notify(callbacks.invoice_id(body) or "")
    paid = await wait_state(runtime, pending.id, "PAID")  # what the API says, not the body
    assert time.monotonic() - started < 5  # well before the 10 s poll
    assert paid.state is S.PAID
    await runtime.aclose()


async def test_the_payer_page_works_over_real_http(terminal: Runtime) -> None:
    assert isinstance(terminal.sandbox_url, str)
    pending = await start(terminal)
    assert httpx.URL(pending.payer_url).path == "/paymega/hpp/"


async def test_a_callback_makes_the_status_read_at_once(sandbox: SandboxTransport,
                                                         isolated_dirs: Path) -> None:
    config = isolated_dirs / "config" / "terminal.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[providers.paymega]\npoll_interval_s = 60.0\n", encoding="utf-8")
    runtime = await training_runtime(sandbox)
    await runtime.service.start()
    try:
        pending = await start(runtime)
        async with http_client(sandbox) as client:
            await client.post(f"/_sandbox/paymega/invoices/{pending.provider_ref}/pay")
        runtime.service.notify(pending.provider_ref)
        # The first scheduled poll is 2 s away, the next a minute: only the notification
        # can be this fast.
        assert (await wait_state(runtime, pending.id, "PAID", timeout=1.5)).state is S.PAID
    finally:
        await runtime.aclose()


async def test_a_left_link_paid_after_the_sale_was_paid_another_way_says_paid_twice(
        terminal: Runtime, sandbox: SandboxTransport) -> None:
    """A cashier's walk: the customer paid the sale by Koshelek after the Paymega link was
    left, then paid the link too; the alert only said "complete the sale or refund"."""
    from tests.helpers import customer
    pending = await start(terminal, "120.00")
    await terminal.service.cancel(pending.id)  # left to expire
    sale = await terminal.journal.get_sale(pending.sale_id)
    assert sale is not None
    other = await terminal.service.pay(sale, "koshelek",
                                       {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    assert other.state is S.PAID
    alerts: list[PaymentUpdate] = []
    terminal.service.subscribe(lambda u: alerts.append(u) if u.alert else None)
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{pending.provider_ref}/pay")
    terminal.service.notify(pending.provider_ref or "")
    paid = await wait_state(terminal, pending.id, "PAID")
    assert paid.attention is not None
    text = paid.attention.english()
    assert text.startswith(f"Paid twice: the customer paid 120,00\u00a0₽ by Paymega for sale "
                           f"{sale.label}, which was paid already (120,00\u00a0₽ by Koshelek "
                           f"Pay). Give nothing more for it; these 120,00\u00a0₽ are the money "
                           f"to give back — refund it")
    # Cleared only with what was done and by whom; a payment not settled is resolved instead.
    with pytest.raises(UserError, match="Say what was done"):
        await terminal.service.acknowledge(pending.id, actor="Ivanova", note=" ")
    done = await terminal.service.acknowledge(pending.id, actor="Ivanova",
                                              note="refunded in the Paymega cabinet")
    assert done.attention is None
    [event] = [e for e in await terminal.journal.events_for(pending.id)
               if e.kind == "attention_acknowledged"]
    assert (event.data["actor"], event.data["note"]) == (
        "Ivanova", "refunded in the Paymega cabinet")


@pytest.mark.parametrize("old_link_first", [False, True])
async def test_a_basket_paid_before_and_after_it_changed_says_paid_twice(
        terminal: Runtime, sandbox: SandboxTransport, old_link_first: bool) -> None:
    """helper-40's and helper-42's walks: a Paymega link left for a basket, a line added, the
    new total paid another way; the customer paid the old link too, and the alert said only
    "late payment: complete the sale" (also when the two were paid a second apart, in
    either order).  The new basket's sale names the one it replaces, so the second payment
    known, whichever it is, is said to be paid twice."""
    from msgspec.structs import replace

    left = await start(terminal, "120.00")
    await terminal.service.cancel(left.id)  # left to expire
    old_sale = await terminal.journal.get_sale(left.sale_id)
    assert old_sale is not None
    new_sale = replace(simple_sale("160.00"), replaces=old_sale.id)
    new = await terminal.service.start_payment(new_sale, "paymega")
    new = await wait_state(terminal, new.id, "PENDING")
    first, second = (left, new) if old_link_first else (new, left)
    async with http_client(sandbox) as client:
        for paying in (first, second):
            await client.post(f"/_sandbox/paymega/invoices/{paying.provider_ref}/pay")
            terminal.service.notify(paying.provider_ref or "")
            await wait_state(terminal, paying.id, "PAID")
    stored = await terminal.journal.get_sale(new.sale_id)
    assert stored is not None
    assert stored.replaces == old_sale.id
    labels = {left.id: old_sale.label, new.id: stored.label}
    amounts = {left.id: "120,00\u00a0₽", new.id: "160,00\u00a0₽"}
    alerted = await terminal.service.get(second.id)
    assert alerted.attention is not None
    assert alerted.attention.english() == (
        f"Paid twice: the customer paid {amounts[second.id]} by Paymega for sale "
        f"{labels[second.id]}, and {amounts[first.id]} by Paymega for sale "
        f"{labels[first.id]}, the same basket before or after a change. Give nothing more "
        f"for it; these {amounts[second.id]} are the money to give back — refund it: History → "
        f"the payment → Refund.")


async def test_an_alert_on_a_payment_not_settled_is_not_dismissed(
        terminal: Runtime) -> None:
    pending = await start(terminal)
    with pytest.raises(UserError, match=r"not settled .* resolve it instead"):
        await terminal.service.acknowledge(pending.id, actor="boss", note="looked at it")


async def test_the_payer_page_names_the_sale_in_the_cashiers_language(
        qapp: object, terminal: Runtime, sandbox: SandboxTransport, tmp_path: Path) -> None:
    """Issue 20 #1: the payer's page said "Sale 2" in a Russian shop."""
    from pos_app.ui.translations import Translations

    translations = Translations(tmp_path / "qm")
    translations.use("ru")
    try:
        pending = await start(terminal)
    finally:
        translations.use("en")
    sale = await terminal.journal.get_sale(pending.sale_id)
    assert sale is not None
    assert pending.payer_url is not None
    async with http_client(sandbox) as client:
        page = (await client.get(pending.payer_url)).text
    assert f"Продажа {sale.label}" in page
    assert pm(sandbox).invoices[pending.provider_ref].description == f"Продажа {sale.label}"


async def test_a_sale_paid_after_its_left_link_was_says_paid_twice(
        terminal: Runtime, sandbox: SandboxTransport) -> None:
    """A walk, the other order: a second link was waiting when the left one was paid (a late
    payment: "complete the sale"); then the customer paid the second too, and nothing said
    paid twice."""
    left = await start(terminal, "120.00")
    await terminal.service.cancel(left.id)  # left to expire
    sale = await terminal.journal.get_sale(left.sale_id)
    assert sale is not None
    second = await terminal.service.start_payment(sale, "paymega")
    second = await wait_state(terminal, second.id, "PENDING")
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{left.provider_ref}/pay")
        terminal.service.notify(left.provider_ref or "")
        late = await wait_state(terminal, left.id, "PAID")
        assert late.attention is not None
        assert late.attention.english().startswith("Late payment")
        await client.post(f"/_sandbox/paymega/invoices/{second.provider_ref}/pay")
    terminal.service.notify(second.provider_ref or "")
    paid = await wait_state(terminal, second.id, "PAID")
    assert paid.attention is not None
    assert paid.attention.english().startswith(
        f"Paid twice: the customer paid 120,00\u00a0₽ by Paymega for sale {sale.label}, "
        f"which was paid already (120,00\u00a0₽ by Paymega).")
