"""Receipts rendered from real journaled payments (made against the sandboxes)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from pos_app.app import Runtime
from pos_app.core.money import Money
from pos_app.core.receipt import render_receipt
from pos_app.core.sale import Sale, SaleLine
from pos_app.core.states import PaymentState
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import customer, grocery_sale, simple_sale, wait_state


def _text(html: str) -> str:
    """The receipt as a person reads it: tags dropped, all whitespace (also no-break) collapsed
    to single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def _render(runtime: Runtime, payment_id: str, **kw: object) -> str:
    data = await runtime.service.receipt_data(payment_id)
    provider = runtime.service.provider(data.payment.provider).display_name
    return render_receipt(payment=data.payment, sale=data.sale, operations=data.operations,
                          terminal=runtime.config, provider_name=provider,
                          duplicate=data.times_printed > 0, **kw)  # type: ignore[arg-type]


async def test_a_paid_koshelek_receipt(runtime: Runtime, sandbox: SandboxTransport) -> None:
    payment = await runtime.service.pay(grocery_sale(), "koshelek",
                                        {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    text = _text(await _render(runtime, payment.id))
    assert "*** TRAINING — NOT A REAL PAYMENT ***" in text
    assert "DUPLICATE" not in text
    assert "2 × 89,90 169,80" in text
    assert "Discount −10,00" in text
    assert "1,125 kg × 200,00 225,00" in text  # the weighed apples, written the local way
    assert "Subtotal 413,80 ₽" in text
    assert "TOTAL 403,80 ₽" in text
    assert "Paid with Koshelek Pay" in text
    assert "Status PAID" in text
    fields = payment.receipt_fields
    assert f"SBP QR id {fields['qrcId']}" in text  # the slip fields Koshelek asks to print
    assert f"KZO {fields['kzo']}" in text
    assert f"Terminal {runtime.config.terminal_id}" in text


async def test_a_reprint_after_a_refund(runtime: Runtime, sandbox: SandboxTransport) -> None:
    payment = await runtime.service.pay(grocery_sale(), "koshelek",
                                        {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    await runtime.service.receipt_printed(payment.id, how="printer")
    await runtime.service.refund(payment.id, quantities={0: Decimal(1)})
    printed_at = datetime(2026, 11, 24, 18, 30, tzinfo=UTC).astimezone()
    text = _text(await _render(runtime, payment.id, printed_at=printed_at))
    assert "*** DUPLICATE ***" in text
    assert f"Printed again on {printed_at:%d.%m.%Y %H:%M}" in text
    assert "Status PAID, PARTLY REFUNDED" in text
    assert re.search(r"Refund \d\d\.\d\d\.\d{4} \d\d:\d\d −84,90 ₽", text)
    assert "Refund transaction" in text


async def test_pegas_commission_is_printed_as_money(runtime: Runtime,
                                                    sandbox: SandboxTransport) -> None:
    payment = await runtime.service.start_payment(simple_sale("500"), "pegas",
                                                  {"deposit_type": "wallet"})
    pending = await wait_state(runtime, payment.id, "PENDING")
    pegas = sandbox.sandbox.of(PegasSandbox)
    with pegas._lock:
        pegas.pay(pegas.transactions[int(pending.provider_ref or 0)])
    runtime.service.notify(payment.id)
    paid = await wait_state(runtime, payment.id, "PAID")
    text = _text(await _render(runtime, paid.id))
    commission = Money(int(Decimal(paid.receipt_fields["commission"]) * 100))
    assert f"Commission {commission.format()}".replace("\u00a0", " ") in text
    assert "Paid with Pegas-kassa" in text


async def test_names_are_escaped_and_unpaid_is_said(runtime: Runtime,
                                                    sandbox: SandboxTransport) -> None:
    sale = Sale(lines=(SaleLine(name="<b>Торт</b> & чай", unit_price=Money(50000)),))
    payment = await runtime.service.pay(sale, "koshelek", {"barcode": customer(
        sandbox, mode="decline", delay_ms=0)["barcode"]})
    assert payment.state is PaymentState.DECLINED
    html = await _render(runtime, payment.id)
    assert "&lt;b&gt;Торт&lt;/b&gt; &amp; чай" in html
    assert "Status NOT PAID: DECLINED" in _text(html)
