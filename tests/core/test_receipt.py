"""Receipts rendered from real journaled payments (made against the sandboxes)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_app.app import Runtime
from pos_app.core.money import Money
from pos_app.core.receipt import render_receipt, render_refund_receipt, vat_lines
from pos_app.core.sale import Sale, SaleLine
from pos_app.core.states import PaymentState
from pos_app.i18n import UserError
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import customer, grocery_sale, http_client, simple_sale, wait_state


def _text(html: str) -> str:
    """The receipt as a person reads it: tags dropped, all whitespace (also no-break) collapsed
    to single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u200b", "")


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


async def test_the_providers_commission_is_not_on_the_customers_receipt(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    """It is the store's cost (issue 20 #11); the journal and the history keep it."""
    payment = await runtime.service.start_payment(simple_sale("500"), "pegas",
                                                  {"deposit_type": "wallet"})
    pending = await wait_state(runtime, payment.id, "PENDING")
    pegas = sandbox.sandbox.of(PegasSandbox)
    with pegas._lock:
        pegas.pay(pegas.transactions[int(pending.provider_ref or 0)])
    runtime.service.notify(payment.id)
    paid = await wait_state(runtime, payment.id, "PAID")
    text = _text(await _render(runtime, paid.id))
    assert paid.receipt_fields["commission"]
    assert "Commission" not in text
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


async def test_the_vat_the_total_includes(runtime: Runtime, sandbox: SandboxTransport) -> None:
    """Issue 20 #10: the rates were known (catalog ``vat``) and no VAT line was printed."""
    payment = await runtime.service.pay(grocery_sale(), "koshelek",
                                        {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    text = _text(await _render(runtime, payment.id))
    # 10 %: milk 169,80 + apples 225,00 = 394,80 × 10/110 = 35,89; 20 %: the bag 9,00 → 1,50.
    assert "TOTAL 403,80 ₽ incl. VAT 10% 35,89 ₽ incl. VAT 20% 1,50 ₽" in text
    plain = Sale(lines=(SaleLine(name="Услуга", unit_price=Money(10000)),))
    assert vat_lines(plain) == [("Without VAT", Money(10000))]


async def test_a_narrow_roll_breaks_between_words_and_prints_local_times(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    """Issue 20 #9: on 58 mm "ОПЛАЧЕНО" broke as "ОПЛАЧЕ/НО", ids ran over lines anyhow, and
    the provider's time was UTC ISO."""
    payment = await runtime.service.pay(grocery_sale(), "koshelek",
                                        {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    html = await _render(runtime, payment.id, width_mm=58)
    # A label and a value too long for one line: two rows, the value whole on its own.
    assert ('<tr><td colspan="2">Paid with</td></tr>'
            '<tr><td colspan="2" align="right"><span>Koshelek Pay</span></td></tr>') in html
    # An id breaks after its dashes only.
    store = runtime.config.store_id
    assert store.replace("-", "-\u200b") in html
    wide = await _render(runtime, payment.id, width_mm=80)
    assert "<tr><td>Paid with</td>" in wide
    when = payment.receipt_fields["operationDateTime"]
    local = datetime.fromisoformat(when).astimezone().strftime("%d.%m.%Y %H:%M:%S")
    assert f"Operation time {local}" in _text(wide)
    assert when not in wide


async def test_a_pdf_saved_is_no_print(runtime: Runtime, sandbox: SandboxTransport) -> None:
    """Issue 20 #11: the next paper copy said DUPLICATE after a PDF was saved."""
    payment = await runtime.service.pay(grocery_sale(), "koshelek",
                                        {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    await runtime.service.receipt_printed(payment.id, how="pdf")
    assert (await runtime.service.receipt_data(payment.id)).times_printed == 0
    await runtime.service.receipt_printed(payment.id, how="printer")
    assert (await runtime.service.receipt_data(payment.id)).times_printed == 1


async def _render_refund(runtime: Runtime, payment_id: str, refund_id: str) -> str:
    data = await runtime.service.receipt_data(payment_id, refund_id)
    assert data.refund is not None
    return render_refund_receipt(payment=data.payment, sale=data.sale, refund=data.refund,
                                 terminal=runtime.config, provider_name="Koshelek Pay",
                                 duplicate=data.times_printed > 0)


async def test_a_refunds_receipt_names_what_was_returned(runtime: Runtime,
                                                          sandbox: SandboxTransport) -> None:
    """Issue 20 #11: the refund's receipt was the sale's, with a refund line naming nothing
    that was returned."""
    payment = await runtime.service.pay(grocery_sale(), "koshelek",
                                        {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    refund = await runtime.service.refund(payment.id, quantities={1: Decimal("1.125")})
    text = _text(await _render_refund(runtime, payment.id, refund.id))
    assert "REFUND" in text
    assert "Яблоки Гала, вес 1,125 kg × 200,00 225,00" in text  # the apples, weighed
    assert "Молоко" not in text  # kept by the customer
    assert "RETURNED 225,00 ₽" in text
    assert "incl. VAT 10% 20,45 ₽" in text  # the VAT of what was returned, not of the sale
    assert f"Payment transaction {payment.provider_ref}" in text
    reference = refund.receipt_fields.get("refundTransactionId") or refund.op_ref
    assert f"Refund transaction {reference}" in text
    assert "TOTAL" not in text
    assert "DUPLICATE" not in text
    # Printed once: the next copy of this refund's receipt is a duplicate, the sale's is not.
    await runtime.service.receipt_printed(payment.id, how="printer", refund_id=refund.id)
    assert "*** DUPLICATE ***" in _text(await _render_refund(runtime, payment.id, refund.id))
    assert (await runtime.service.receipt_data(payment.id)).times_printed == 0


async def test_a_refund_by_amount_has_its_receipt_too(runtime: Runtime,
                                                       sandbox: SandboxTransport) -> None:
    payment = await runtime.service.pay(simple_sale("200"), "koshelek",
                                        {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    refund = await runtime.service.refund(payment.id, amount=Money(5000))
    text = _text(await _render_refund(runtime, payment.id, refund.id))
    assert "Refund by amount 50,00" in text
    assert "RETURNED 50,00 ₽" in text
    with pytest.raises(UserError):  # no receipt for what is no done refund
        await runtime.service.receipt_data(payment.id, "no-such-refund")


async def test_an_id_is_printed_once(runtime: Runtime, sandbox: SandboxTransport) -> None:
    """A walk: Paymega's receipt printed its invoice id as both Transaction and Invoice."""
    payment = await runtime.service.start_payment(simple_sale("200"), "paymega")
    pending = await wait_state(runtime, payment.id, "PENDING")
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{pending.provider_ref}/pay")
    runtime.service.notify(pending.provider_ref or "")
    paid = await wait_state(runtime, payment.id, "PAID")
    assert paid.provider_ref
    text = _text(await _render(runtime, paid.id))
    assert text.count(paid.provider_ref) == 1, text
