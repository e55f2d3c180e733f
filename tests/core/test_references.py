"""A caller's reference is its idempotency key: the same order or refund asked twice is
never made twice (the rule lives in the service, for the command line and the window)."""

from __future__ import annotations

import pytest
from msgspec.structs import replace

from pos_app.app import Runtime
from pos_app.core.payments.service import PaidThere, ReferenceInUse
from pos_app.core.sale import Sale
from pos_app.core.states import OperationState, PaymentState
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import customer, http_client, rub, wait_state

S = PaymentState


def order(amount: str, reference: str = "ORD-1") -> Sale:
    return replace(Sale.single_amount(rub(amount)), reference=reference)


async def pay_order(runtime: Runtime, sandbox: SandboxTransport, sale: Sale,
                    **behaviour: object) -> tuple[Sale, str]:
    known, standing = await runtime.service.order_for_reference(sale)
    assert standing is None
    barcode = customer(sandbox, **behaviour)["barcode"]
    payment = await runtime.service.pay(known, "koshelek", {"barcode": barcode})
    return known, payment.id


async def test_an_order_asked_again_is_reported_not_charged(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    _, paid_id = await pay_order(runtime, sandbox, order("300.00"))
    known, standing = await runtime.service.order_for_reference(order("300.00"))
    assert standing is not None
    assert (standing.id, standing.state) == (paid_id, S.PAID)
    assert known.id == standing.sale_id  # the journaled sale, not a new one
    assert len(sandbox.sandbox.of(KoshelekSandbox).transactions) == 1


async def test_a_declined_order_may_be_paid_again_as_the_same_sale(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    _, declined_id = await pay_order(runtime, sandbox, order("300.00"), mode="decline")
    declined = await runtime.service.get(declined_id)
    assert declined.state is S.DECLINED
    known, standing = await runtime.service.order_for_reference(order("300.00"))
    assert standing is None
    assert known.id == declined.sale_id


@pytest.mark.parametrize(("amount", "kind"), [("301.00", "payment"), ("300.00", "withdrawal")])
async def test_a_reference_of_another_order_is_refused(
        runtime: Runtime, sandbox: SandboxTransport, amount: str, kind: str) -> None:
    await pay_order(runtime, sandbox, order("300.00"))
    with pytest.raises(ReferenceInUse) as refused:
        await runtime.service.order_for_reference(order(amount), kind)
    assert "already used by sale" in refused.value.message.english()


async def test_an_order_recorded_unpaid_but_paid_there_is_not_charged_again(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    """Resolved "declined" by hand while the customer still had the link, then paid: the same
    order asked again must not be charged a second time."""
    known, _ = await runtime.service.order_for_reference(order("60.00"))
    started = await runtime.service.start_payment(known, "paymega")
    pending = await wait_state(runtime, started.id, "PENDING")
    await runtime.service.cancel(started.id)  # Paymega cannot cancel: left, and watched
    await runtime.service.resolve(started.id, S.DECLINED, reason="the customer left",
                                  actor="Boris")
    async with http_client(sandbox) as client:  # the customer pays the link after all
        paid = await client.post(f"/_sandbox/paymega/invoices/{pending.provider_ref}/pay")
        assert paid.is_success
    with pytest.raises(PaidThere) as refused:
        await runtime.service.order_for_reference(order("60.00"))
    assert "not charged again" in refused.value.message.english()
    flagged = await runtime.service.get(started.id)
    assert (flagged.state, flagged.attention is not None) == (S.DECLINED, True)


async def test_a_refund_asked_again_under_its_reference_is_the_same_refund(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    _, payment_id = await pay_order(runtime, sandbox, order("300.00"))
    first = await runtime.service.refund(payment_id, amount=rub("100.00"), reference="RET-1")
    assert first.state is OperationState.DONE
    again = await runtime.service.refund(payment_id, amount=rub("100.00"), reference="RET-1")
    assert again.id == first.id
    assert (await wait_state(runtime, payment_id, "PARTIALLY_REFUNDED")).refunded_minor == 10000
    with pytest.raises(ReferenceInUse):
        await runtime.service.refund(payment_id, amount=rub("50.00"), reference="RET-1")
