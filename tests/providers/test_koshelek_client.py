"""The Koshelek client and adapter against the in-process sandbox."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from msgspec.structs import replace

from pos_app.backoff import Backoff
from pos_app.core.refunds import sale_items
from pos_app.providers.base import PaymentRef, PaymentRequest, RefundRequest, RemoteOperationState
from pos_app.providers.base import RemoteState as R
from pos_app.providers.errors import (
    AuthFailed,
    InProgress,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    Rejected,
)
from pos_app.providers.http import build_client
from pos_app.providers.koshelek.client import KoshelekClient
from pos_app.providers.koshelek.messages import CODE_MESSAGES, ERROR_CODE_MESSAGES
from pos_app.providers.koshelek.provider import KoshelekProvider
from pos_app.providers.koshelek.sandbox import PAYMENT_ERROR_CODES, KoshelekSandbox
from pos_app.providers.koshelek.settings import KoshelekSettings
from pos_app.providers.koshelek.tokens import SandboxTokenSource
from pos_app.providers.urls import HttpSettings
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.provider import TRAINING_STORE
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import SANDBOX_URL, customer, grocery_sale

CHECKOUT = "/koshelek/api/v1/merchant/checkout"
STATUS = "/koshelek/api/v1/merchant/transaction/status"


def make_provider(sandbox: SandboxTransport, *, password: str = "training-password",
                  settings: KoshelekSettings | None = None) -> KoshelekProvider:
    http = build_client(base_url=f"{SANDBOX_URL}/koshelek", settings=HttpSettings(), live=False,
                        what="test", auth=("pos-training", password), transport=sandbox)
    tokens = SandboxTokenSource(httpx.AsyncClient(base_url=SANDBOX_URL, transport=sandbox))
    client = KoshelekClient(http=http, tokens=tokens, store_id=TRAINING_STORE,
                            terminal_id="POS-03", backoff=Backoff(first_s=0.01, cap_s=0.01))
    return KoshelekProvider(client=client, tokens=tokens, settings=settings)


@pytest.fixture
async def koshelek(sandbox: SandboxTransport) -> AsyncIterator[KoshelekProvider]:
    provider = make_provider(sandbox)
    yield provider
    await provider.aclose()


async def request_for(provider: KoshelekProvider, sandbox: SandboxTransport,
                      **behaviour: Any) -> PaymentRequest:
    sale = grocery_sale()
    options = await provider.prepare({"barcode": customer(sandbox, **behaviour)["barcode"]})
    return PaymentRequest(key=str(uuid.uuid4()), order_id="S0117-000482",
                          amount_minor=sale.total.minor, currency="RUB", description="",
                          items=sale_items(sale), options=options)


def sent(sandbox: SandboxTransport, path: str) -> list[dict[str, Any]]:
    return [body for _, p, body in sandbox.sandbox.of(KoshelekSandbox).requests if p.endswith(path)]


async def test_checkout_wire_format(koshelek: KoshelekProvider, sandbox: SandboxTransport) -> None:
    request = await request_for(koshelek, sandbox, mode="never")
    remote = await koshelek.create(request)
    assert remote.state is R.PENDING
    assert remote.provider_ref in sandbox.sandbox.of(KoshelekSandbox).transactions
    [body] = sent(sandbox, "/checkout")
    assert body["requestId"] == request.key
    assert body["storeId"] == TRAINING_STORE
    assert body["paymentMethods"] == [{"type": "SBP"}]
    invoice = body["checkoutInvoice"]
    assert (invoice["totalAmount"], invoice["discountAmount"], invoice["subTotalAmount"]) == \
        (40380, 1000, 41380)
    milk, apples, bag = invoice["items"]
    assert milk == {"name": "Молоко 3,2% 1 л", "article": "4601234567890", "price": 8990,
                    "currency": "RUB", "quantity": 2, "measure": "PIECE", "totalAmount": 16980,
                    "discountAmount": 1000, "subTotalAmount": 17980, "tax": "vat10"}
    # Weighed goods go in grams with a per-gram price (spec §3.2).
    assert (apples["measure"], apples["quantity"], apples["price"]) == ("GRAM", 1125, 20)
    assert isinstance(bag["totalAmount"], int)


async def test_prepare_reads_the_barcode(koshelek: KoshelekProvider,
                                         sandbox: SandboxTransport) -> None:
    person = customer(sandbox)
    options = await koshelek.prepare({"barcode": person["barcode"] + "\r\n"})
    assert options == {"card_session": person["cardSession"], "loyalty_id": person["loyaltyId"]}


@pytest.mark.parametrize(("barcode", "code"), [
    ("", "BAD_BARCODE"), ("hello world", "BAD_BARCODE"), ("4601234567890", "BAD_BARCODE"),
    ("KP7700000000000ABCDEFGH000000", "TOTP_INVALID"),
])
async def test_garbage_barcodes(koshelek: KoshelekProvider, barcode: str, code: str) -> None:
    with pytest.raises(Rejected) as error:
        await koshelek.prepare({"barcode": barcode})
    assert error.value.code == code
    assert "scan" in str(error.value).lower() or "refresh" in str(error.value)


async def test_card_without_koshelek_pay(koshelek: KoshelekProvider,
                                         sandbox: SandboxTransport) -> None:
    person = sandbox.sandbox.of(KoshelekSandbox).new_session(pay_available=False)
    with pytest.raises(Rejected, match="not available for this customer"):
        await koshelek.prepare({"barcode": person["barcode"]})


async def test_polls_use_a_new_request_id(koshelek: KoshelekProvider,
                                          sandbox: SandboxTransport) -> None:
    remote = await koshelek.create(await request_for(koshelek, sandbox, delay_ms=0))
    ref = PaymentRef(request=await request_for(koshelek, sandbox), provider_ref=remote.provider_ref)
    first, second = await koshelek.status(ref), await koshelek.status(ref)
    assert first.state is second.state is R.PAID
    ids = [b["requestId"] for b in sent(sandbox, "/status")]
    assert len(set(ids)) == 2
    assert first.receipt_fields["qrcId"]
    assert first.paid_minor == 40380


@pytest.mark.parametrize("error_code", PAYMENT_ERROR_CODES)
async def test_every_decline_code_has_a_sentence(koshelek: KoshelekProvider,
                                                 sandbox: SandboxTransport,
                                                 error_code: str) -> None:
    remote = await koshelek.create(await request_for(koshelek, sandbox, mode="decline",
                                                     delay_ms=0, error_code=error_code))
    ref = PaymentRef(request=await request_for(koshelek, sandbox), provider_ref=remote.provider_ref)
    status = await koshelek.status(ref)
    assert (status.state, status.reason_code) == (R.DECLINED, error_code)
    assert status.reason == ERROR_CODE_MESSAGES[error_code]


@pytest.mark.parametrize("code", sorted(CODE_MESSAGES))
async def test_every_422_code(koshelek: KoshelekProvider, sandbox: SandboxTransport,
                              code: str) -> None:
    sandbox.sandbox.faults.add(Fault(  # type: ignore[union-attr]
        kind="status", path=CHECKOUT, status=422, body={"code": code, "details": "детали"}))
    request = await request_for(koshelek, sandbox)
    expected = {"TRANSACTION_IN_PROCESSING": InProgress,
                "UNKNOWN_TRANSACTION_ID": NotFound}.get(code, Rejected)
    with pytest.raises(expected) as error:
        await koshelek.create(request)
    assert (error.value.code, error.value.details) == (code, "детали")
    assert error.value.message == CODE_MESSAGES[code]


async def test_unknown_422_code_is_still_a_sentence(koshelek: KoshelekProvider,
                                                    sandbox: SandboxTransport) -> None:
    sandbox.sandbox.faults.add(Fault(kind="status", path=CHECKOUT, status=422,  # type: ignore[union-attr]
                                     body={"code": "SOMETHING_NEW"}))
    with pytest.raises(Rejected, match=r"refused the request \(SOMETHING_NEW\)"):
        await koshelek.create(await request_for(koshelek, sandbox))


async def test_real_422s_from_the_sandbox(koshelek: KoshelekProvider,
                                          sandbox: SandboxTransport) -> None:
    request = await request_for(koshelek, sandbox, mode="never")
    await koshelek.create(request)
    with pytest.raises(Rejected) as error:
        await koshelek.create(replace(request, key=str(uuid.uuid4())))
    assert error.value.code == "TRANSACTION_FOR_SESSION_ID_ALREADY_EXISTS"
    unregistered = sandbox.sandbox.of(KoshelekSandbox).new_session(registered=False)
    options = await koshelek.prepare({"barcode": unregistered["barcode"]})
    with pytest.raises(Rejected) as error:
        await koshelek.create(replace(request, key=str(uuid.uuid4()), options=options))
    assert error.value.code == "UNKNOWN_SESSION_ID"


async def test_bad_credentials(sandbox: SandboxTransport) -> None:
    provider = make_provider(sandbox, password="wrong")
    with pytest.raises(AuthFailed, match="refused the terminal's credentials"):
        await provider.create(await request_for(provider, sandbox))
    await provider.aclose()


@pytest.mark.parametrize("kind", ["drop_after", "error_after", "malformed", "truncated",
                                  "wrong_content_type", "timeout_after_commit", "drop_before",
                                  "error_before"])
async def test_lost_answer_resends_the_same_request(koshelek: KoshelekProvider,
                                                    sandbox: SandboxTransport, kind: str) -> None:
    sandbox.sandbox.faults.add(Fault(kind=kind, path=CHECKOUT, status=502))  # type: ignore[union-attr]
    request = await request_for(koshelek, sandbox, mode="never")
    remote = await koshelek.create(request)
    bodies = sent(sandbox, "/checkout")
    assert {b["requestId"] for b in bodies} == {request.key}
    assert len(sandbox.sandbox.of(KoshelekSandbox).transactions) == 1
    assert remote.provider_ref in sandbox.sandbox.of(KoshelekSandbox).transactions


async def test_no_answer_at_all_is_unknown(koshelek: KoshelekProvider,
                                           sandbox: SandboxTransport) -> None:
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="drop_after", path=CHECKOUT, count=-1))
    with pytest.raises(OutcomeUnknown, match="The result is being checked"):
        await koshelek.create(await request_for(koshelek, sandbox, mode="never"))
    assert len(sent(sandbox, "/checkout")) == 4  # the first try and three resends


async def test_unknown_fields_are_ignored(koshelek: KoshelekProvider,
                                          sandbox: SandboxTransport) -> None:
    body = {"requestId": "r", "transactionId": "t-1", "status": "pending", "newField": {"a": 1},
            "slip": {"id": "s", "futureThing": True}}
    sandbox.sandbox.faults.add(Fault(kind="status", path=CHECKOUT, status=200, body=body))  # type: ignore[union-attr]
    remote = await koshelek.create(await request_for(koshelek, sandbox))
    assert (remote.state, remote.provider_ref) == (R.PENDING, "t-1")


async def test_nonsense_answers_are_typed_errors(koshelek: KoshelekProvider,
                                                 sandbox: SandboxTransport) -> None:
    sandbox.sandbox.faults.add(Fault(kind="status", path=STATUS, status=200,  # type: ignore[union-attr]
                                     body={"status": 5, "transactionId": []}))
    ref = PaymentRef(request=await request_for(koshelek, sandbox), provider_ref="t")
    with pytest.raises(MalformedResponse):
        await koshelek.status(ref)


async def test_cancel_and_refunds(koshelek: KoshelekProvider, sandbox: SandboxTransport) -> None:
    pending = await koshelek.create(await request_for(koshelek, sandbox, mode="never"))
    ref = PaymentRef(request=await request_for(koshelek, sandbox),
                     provider_ref=pending.provider_ref)
    cancel = await koshelek.cancel(ref, str(uuid.uuid4()))
    assert cancel.state is RemoteOperationState.DONE
    assert cancel.payment is not None
    assert cancel.payment.state is R.CANCELLED

    paid = await koshelek.create(await request_for(koshelek, sandbox, delay_ms=0))
    paid_ref = PaymentRef(request=ref.request, provider_ref=paid.provider_ref)
    refused = await koshelek.cancel(paid_ref, str(uuid.uuid4()))
    assert refused.state is RemoteOperationState.REJECTED
    assert refused.payment is not None
    assert refused.payment.state is R.PAID  # the customer won the race

    items = sale_items(grocery_sale())
    partial = await koshelek.refund(paid_ref, RefundRequest(
        key=str(uuid.uuid4()), amount_minor=900, currency="RUB", items=(items[2],)))
    assert partial.state is RemoteOperationState.DONE
    assert partial.receipt_fields["refundTransactionId"] == partial.op_ref
    too_much = await koshelek.refund(paid_ref, RefundRequest(
        key=str(uuid.uuid4()), amount_minor=40380, currency="RUB", items=items))
    assert too_much.state is RemoteOperationState.REJECTED
    assert too_much.reason_code == "REQUESTED_REFUND_AMOUNT_IS_GREATER_THAN_AVAILABLE"
    assert too_much.reason == ERROR_CODE_MESSAGES[too_much.reason_code]


async def test_refund_in_progress_then_done(koshelek: KoshelekProvider,
                                            sandbox: SandboxTransport) -> None:
    sandbox.sandbox.of(KoshelekSandbox).refund_delay_ms = 50
    paid = await koshelek.create(await request_for(koshelek, sandbox, delay_ms=0))
    ref = PaymentRef(request=await request_for(koshelek, sandbox), provider_ref=paid.provider_ref)
    items = sale_items(grocery_sale())
    started = await koshelek.refund(ref, RefundRequest(key=str(uuid.uuid4()), amount_minor=900,
                                                       currency="RUB", items=(items[2],)))
    assert started.state is RemoteOperationState.PENDING
    assert started.op_ref
    sandbox.sandbox.of(KoshelekSandbox).refund_delay_ms = 0
    for txn in sandbox.sandbox.of(KoshelekSandbox).transactions.values():
        for r in txn.refs:
            r.completes_at = 0
    done = await koshelek.operation_status(ref, started.op_ref)
    assert done.state is RemoteOperationState.DONE
    assert done.payment is not None
    assert done.payment.state is R.PARTIALLY_REFUNDED


async def test_availability_and_receipt(sandbox: SandboxTransport) -> None:
    provider = make_provider(sandbox, settings=KoshelekSettings(check_availability=True,
                                                             payment_type="DOLYAME"))
    sale_request = await request_for(provider, sandbox, delay_ms=0)
    paid = await provider.create(sale_request)  # 403.80 >= 40.00: Dolyame available
    assert paid.state in (R.PENDING, R.PAID)
    cheap = replace(sale_request, key=str(uuid.uuid4()), amount_minor=900,
                    items=(sale_items(grocery_sale())[2],),
                    options=await provider.prepare({"barcode": customer(sandbox)["barcode"]}))
    with pytest.raises(Rejected, match="not available for this customer: Оплата частями"):
        await provider.create(cheap)
    assert paid.provider_ref is not None
    invoice = {"orderId": "S0117-000482", "receiptId": "482", "merchantName": "ООО «Ромашка»",
               "merchantAddress": "СПб", "inn": "007806123456", "shift": "117",
               "dateTime": "2024-03-14T12:12:58+03:00", "cashier": "Петрова",
               "receiptType": "debit", "totalAmount": 40380, "items": []}
    waiting = await provider.prepare({"barcode": customer(sandbox, mode="never")["barcode"]})
    unpaid = await provider.create(replace(sale_request, key=str(uuid.uuid4()), options=waiting))
    assert unpaid.provider_ref is not None
    with pytest.raises(Rejected) as error:
        await provider.client.send_receipt(request_id=str(uuid.uuid4()),
                                           transaction_id=unpaid.provider_ref, invoice=invoice)
    assert error.value.code == "PAYMENT_TRANSACTION_IS_NOT_PAID"
    await provider.client.send_receipt(request_id=str(uuid.uuid4()),
                                       transaction_id=paid.provider_ref, invoice=invoice)
    assert sent(sandbox, "/receipt")[-1]["invoice"]["inn"] == "007806123456"
    await provider.aclose()


async def test_quantity_koshelek_cannot_take(koshelek: KoshelekProvider,
                                             sandbox: SandboxTransport) -> None:
    request = await request_for(koshelek, sandbox)
    odd = replace(request.items[0], quantity=Decimal("1.25"))
    with pytest.raises(Rejected, match="at most one digit"):
        await koshelek.create(replace(request, items=(odd,)))
    assert sent(sandbox, "/checkout") == []
