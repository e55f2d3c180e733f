"""The Koshelek emulator follows the spec; the client tests rely on it being faithful."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import pytest

from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.provider import TRAINING_STORE
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import SANDBOX_URL, customer

API = "/koshelek/api/v1/merchant"
AUTH = ("pos-training", "training-password")

ITEMS = [
    {"name": "Молоко 3,2% 1 л", "article": "4601234567890", "price": 8990, "currency": "RUB",
     "quantity": 2, "measure": "PIECE", "totalAmount": 16980, "discountAmount": 1000,
     "subTotalAmount": 17980, "tax": "vat10"},
    {"name": "Яблоки Гала, вес", "article": "2100000012345", "price": 20, "currency": "RUB",
     "quantity": 1125.0, "measure": "GRAM", "totalAmount": 22500, "discountAmount": 0,
     "subTotalAmount": 22500, "tax": "vat10"},
    {"name": "Пакет-майка", "article": "4600000000017", "price": 900, "currency": "RUB",
     "quantity": 1, "measure": "PIECE", "totalAmount": 900, "discountAmount": 0,
     "subTotalAmount": 900, "tax": "vat20"},
]


def checkout_body(card_session: str, **invoice: Any) -> dict[str, Any]:
    """Shaped exactly like the spec's §4.3 example."""
    return {
        "requestId": str(uuid.uuid4()),
        "cardSession": card_session,
        "storeId": TRAINING_STORE,
        "terminalId": "POS-03",
        "checkoutInvoice": {"orderId": "S0117-000482", "totalAmount": 40380,
                            "discountAmount": 1000, "subTotalAmount": 41380, "currency": "RUB",
                            "items": copy.deepcopy(ITEMS), **invoice},
        "user": {"loyaltyId": "7700123456789"},
        "paymentMethods": [{"type": "SBP", "paymentPurpose": "Оплата покупки S0117-000482",
                            "meta": {"bonusMessage": "+40 баллов"}}],
    }


@pytest.fixture
async def api(sandbox: SandboxTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=SANDBOX_URL, transport=sandbox, auth=AUTH)


async def post(api: httpx.AsyncClient, path: str, body: Any, *, token: bool = True,
               sandbox: SandboxTransport | None = None) -> httpx.Response:
    headers = {}
    if token:
        assert sandbox is not None
        headers["token"] = sandbox.sandbox.of(KoshelekSandbox).token()
    return await api.post(API + path, json=body, headers=headers)


async def test_auth_and_token(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    body = checkout_body(customer(sandbox)["cardSession"])
    bad = await api.post(API + "/checkout", json=body, auth=("pos-training", "wrong"))
    assert bad.status_code == 401
    no_token = await post(api, "/checkout", body, token=False)
    assert no_token.status_code == 401
    assert no_token.json()["code"] == "INVALID_TOKEN"
    forged = await api.post(API + "/checkout", json=body, headers={"token": "abc123"})
    assert forged.status_code == 401
    # status and cancel need no token (spec §1.2)
    status = await post(api, "/transaction/status", {"requestId": str(uuid.uuid4()),
                                                     "transactionId": "x"}, token=False)
    assert status.status_code == 200


async def test_checkout_replay_and_one_transaction_per_session(
        api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    session = customer(sandbox, mode="never")["cardSession"]
    body = checkout_body(session)
    first = await post(api, "/checkout", body, sandbox=sandbox)
    assert first.status_code == 200
    assert first.json()["status"] == "new"
    again = await post(api, "/checkout", {**body, "checkoutInvoice": {}}, sandbox=sandbox)
    assert again.json() == first.json()  # same requestId: the first answer, body ignored
    other = await post(api, "/checkout", {**body, "requestId": str(uuid.uuid4())},
                       sandbox=sandbox)
    assert other.status_code == 422
    assert other.json()["code"] == "TRANSACTION_FOR_SESSION_ID_ALREADY_EXISTS"
    assert len(sandbox.sandbox.of(KoshelekSandbox).transactions) == 1


async def test_session_already_paid(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    session = customer(sandbox, delay_ms=0)["cardSession"]
    await post(api, "/checkout", checkout_body(session), sandbox=sandbox)
    again = await post(api, "/checkout", checkout_body(session), sandbox=sandbox)
    assert again.json()["code"] == "TRANSACTION_FOR_SESSION_ID_ALREADY_PAYED"


@pytest.mark.parametrize(("change", "code"), [
    ({"cardSession": "NOSUCH01"}, "UNKNOWN_SESSION_ID"),
    ({"storeId": "00000000-0000-0000-0000-000000000000"}, "UNKNOWN_PARTNER_ID"),
])
async def test_unknown_session_and_store(api: httpx.AsyncClient, sandbox: SandboxTransport,
                                         change: dict[str, str], code: str) -> None:
    body = {**checkout_body(customer(sandbox)["cardSession"]), **change}
    answer = await post(api, "/checkout", body, sandbox=sandbox)
    assert (answer.status_code, answer.json()["code"]) == (422, code)
    assert answer.json()["details"]


async def test_minimum_amount(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    item = {**ITEMS[2], "price": 399, "totalAmount": 399, "subTotalAmount": 399}
    body = checkout_body(customer(sandbox)["cardSession"], totalAmount=399, discountAmount=0,
                         subTotalAmount=399, items=[item])
    answer = (await post(api, "/checkout", body, sandbox=sandbox)).json()
    assert (answer["status"], answer["errorCode"]) == ("rejected", "TOTAL_AMOUNT_IS_TOO_SMALL")


@pytest.mark.parametrize(("mutate", "says"), [
    (lambda b: b["checkoutInvoice"].update(currency="USD"), "RUB"),
    (lambda b: b["checkoutInvoice"]["items"][1].update(measure="KILOGRAM", quantity=1.125),
     "GRAM"),
    (lambda b: b["checkoutInvoice"]["items"][0].update(quantity=2.25), "quantity"),
    (lambda b: b["checkoutInvoice"].update(totalAmount=40381), "totalAmount"),
    (lambda b: b["checkoutInvoice"].update(totalAmount=-1), "totalAmount"),
    (lambda b: b["checkoutInvoice"].update(totalAmount=12345678901), "totalAmount"),
    (lambda b: b["checkoutInvoice"]["items"][0].update(tax="vat18"), "tax"),
    (lambda b: b.pop("paymentMethods"), "paymentMethods"),
    (lambda b: b.update(cardSession="ab-cd"), "cardSession"),
])
async def test_validation(api: httpx.AsyncClient, sandbox: SandboxTransport, mutate: Any,
                          says: str) -> None:
    body = checkout_body(customer(sandbox)["cardSession"])
    mutate(body)
    answer = await post(api, "/checkout", body, sandbox=sandbox)
    assert answer.status_code == 400
    assert says in answer.json()["details"]


async def test_documented_spelling_variants_accepted(api: httpx.AsyncClient,
                                                     sandbox: SandboxTransport) -> None:
    body = checkout_body(customer(sandbox)["cardSession"])
    body["checkoutInvoice"]["totalAmount"] = "40380"  # quoted amounts (spec §3.2)
    item = body["checkoutInvoice"]["items"][2]
    item["subtotalAmount"] = item.pop("subTotalAmount")  # spec §5.9
    assert (await post(api, "/checkout", body, sandbox=sandbox)).status_code == 200
    availability = {k: v for k, v in checkout_body(customer(sandbox)["cardSession"]).items()
                    if k != "paymentMethods"}
    availability["cardsession"] = availability.pop("cardSession")
    answer = await post(api, "/availability-info/task", availability, sandbox=sandbox)
    assert answer.status_code == 200
    assert answer.json()["paymentTypeAvailabilityInfoList"][0]["paymentType"] == "SBP"


async def test_status_model_and_refunds(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    session = customer(sandbox, delay_ms=0)["cardSession"]
    txn = (await post(api, "/checkout", checkout_body(session), sandbox=sandbox)).json()
    status = (await post(api, "/transaction/status", {"requestId": str(uuid.uuid4()),
              "transactionId": txn["transactionId"]}, token=False)).json()
    assert status["status"] == "accepted"
    assert {"qrcId", "kzo", "merchantId", "operationId"} <= set(status["slip"])

    def refund(amount: int, items: list[dict[str, Any]]) -> dict[str, Any]:
        return {"requestId": str(uuid.uuid4()), "storeId": TRAINING_STORE,
                "terminalId": "POS-03", "transactionId": txn["transactionId"],
                "refundAmount": amount, "currency": "RUB", "items": items}

    milk = {**ITEMS[0], "quantity": 1, "totalAmount": 8490, "discountAmount": 500,
            "subTotalAmount": 8990}
    part = (await post(api, "/transaction/refund", refund(8490, [milk]), sandbox=sandbox)).json()
    assert (part["refStatus"], part["status"]) == ("accepted", "partial_refunded")
    assert part["slip"]["refundTransactionId"] == part["refTransactionId"]
    too_much = (await post(api, "/transaction/refund", refund(40000, [{
        **ITEMS[2], "price": 40000, "totalAmount": 40000, "subTotalAmount": 40000}]),
        sandbox=sandbox)).json()
    assert too_much["errorCode"] == "REQUESTED_REFUND_AMOUNT_IS_GREATER_THAN_AVAILABLE"
    half_apples = {**ITEMS[1], "quantity": 500, "totalAmount": 10000, "subTotalAmount": 10000}
    weighed = await post(api, "/transaction/refund", refund(10000, [half_apples]),
                         sandbox=sandbox)
    assert weighed.status_code == 400
    assert "целиком" in weighed.json()["details"]
    rest = [{**ITEMS[0], "quantity": 1, "totalAmount": 8490, "discountAmount": 500,
             "subTotalAmount": 8990}, ITEMS[1], ITEMS[2]]
    full = (await post(api, "/transaction/refund", refund(31890, rest), sandbox=sandbox)).json()
    assert full["status"] == "refunded"
    after = (await post(api, "/transaction/refund", refund(900, [ITEMS[2]]),
                        sandbox=sandbox)).json()
    assert after["errorCode"] == "TERMINAL_STATE_OF_PAYMENT_TRANSACTION"
    cancel = (await post(api, "/transaction/cancel", {
        "requestId": str(uuid.uuid4()), "storeId": TRAINING_STORE, "terminalId": "POS-03",
        "transactionId": txn["transactionId"]}, token=False)).json()
    assert (cancel["refStatus"], cancel["status"]) == ("rejected", "refunded")


async def test_one_refund_at_a_time(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    sandbox.sandbox.of(KoshelekSandbox).refund_delay_ms = 60_000
    session = customer(sandbox, delay_ms=0)["cardSession"]
    txn = (await post(api, "/checkout", checkout_body(session), sandbox=sandbox)).json()
    body = {"requestId": str(uuid.uuid4()), "storeId": TRAINING_STORE, "terminalId": "POS-03",
            "transactionId": txn["transactionId"], "refundAmount": 900, "items": [ITEMS[2]]}
    first = (await post(api, "/transaction/refund", body, sandbox=sandbox)).json()
    assert (first["refStatus"], first["status"]) == ("new", "refunding")
    second = (await post(api, "/transaction/refund", {**body, "requestId": str(uuid.uuid4())},
                         sandbox=sandbox)).json()
    assert second["errorCode"] == "PAYMENT_TRANSACTION_IS_BEING_REFUNDED_ALREADY"


async def test_refund_of_unpaid(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    session = customer(sandbox, mode="never")["cardSession"]
    txn = (await post(api, "/checkout", checkout_body(session), sandbox=sandbox)).json()
    answer = (await post(api, "/transaction/refund", {
        "requestId": str(uuid.uuid4()), "storeId": TRAINING_STORE, "terminalId": "POS-03",
        "transactionId": txn["transactionId"], "refundAmount": 900, "items": [ITEMS[2]]},
        sandbox=sandbox)).json()
    assert answer["errorCode"] == "PAYMENT_TRANSACTION_IS_NOT_PAID"


async def test_cancel_states(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    k = sandbox.sandbox.of(KoshelekSandbox)
    session = customer(sandbox, mode="never")["cardSession"]
    txn = (await post(api, "/checkout", checkout_body(session), sandbox=sandbox)).json()
    body = {"requestId": str(uuid.uuid4()), "storeId": TRAINING_STORE, "terminalId": "POS-03",
            "transactionId": txn["transactionId"]}
    cancel = (await post(api, "/transaction/cancel", body, token=False)).json()
    assert (cancel["refStatus"], cancel["status"]) == ("accepted", "canceled")
    k.cancel_refusal = "422"
    again = await post(api, "/transaction/cancel", {**body, "requestId": str(uuid.uuid4())},
                       token=False)
    assert again.json()["code"] == "WRONG_TRANSACTION_STATE_CHANGE"
    unknown = await post(api, "/transaction/cancel", {**body, "requestId": str(uuid.uuid4()),
                                                      "transactionId": str(uuid.uuid4())},
                         token=False)
    assert unknown.json()["code"] == "UNKNOWN_TRANSACTION_ID"


async def test_status_by_reference_and_unknown(api: httpx.AsyncClient,
                                               sandbox: SandboxTransport) -> None:
    session = customer(sandbox, mode="never")["cardSession"]
    txn = (await post(api, "/checkout", checkout_body(session), sandbox=sandbox)).json()
    cancel = (await post(api, "/transaction/cancel", {
        "requestId": str(uuid.uuid4()), "storeId": TRAINING_STORE, "terminalId": "POS-03",
        "transactionId": txn["transactionId"]}, token=False)).json()
    by_ref = (await post(api, "/transaction/status", {
        "requestId": str(uuid.uuid4()), "refTransactionId": cancel["refTransactionId"]},
        token=False)).json()
    assert (by_ref["status"], by_ref["refStatus"]) == ("canceled", "accepted")
    unknown = (await post(api, "/transaction/status", {"requestId": str(uuid.uuid4()),
               "transactionId": str(uuid.uuid4())}, token=False)).json()
    assert unknown["status"] == ""


async def test_control_routes(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    control = httpx.AsyncClient(base_url=SANDBOX_URL, transport=sandbox)
    creds = (await control.get("/_sandbox/credentials")).json()
    assert creds["koshelek"]["login"] == "pos-training"
    person = (await control.post("/_sandbox/koshelek/sessions",
                                 json={"behaviour": {"mode": "never"}})).json()
    verified = (await control.post("/_sandbox/koshelek/verify",
                                   json={"barcode": person["barcode"]})).json()
    assert verified == {"resultCode": "CARDSESSION_AVAILABLE", "totpCodeValid": True,
                        "cardNumber": person["loyaltyId"], "cardSession": person["cardSession"]}
    bad = (await control.post("/_sandbox/koshelek/verify", json={"barcode": "4601234567890"})
           ).json()
    assert bad["resultCode"] == "INVALID_BARCODE"
    txn = (await post(api, "/checkout", checkout_body(person["cardSession"]),
                      sandbox=sandbox)).json()
    forced = await control.post(f"/_sandbox/koshelek/transactions/{txn['transactionId']}/decline",
                                json={"errorCode": "NOT_ENOUGH_LIMIT_TO_PAY"})
    assert forced.json() == {"changed": True}
    [listed] = (await control.get("/_sandbox/koshelek/transactions")).json()
    assert (listed["status"], listed["error_code"]) == ("rejected", "NOT_ENOUGH_LIMIT_TO_PAY")
    behaviour = await control.post("/_sandbox/koshelek/behaviour", json={"mode": "nonsense"})
    assert behaviour.status_code == 400
    page = await control.get("/koshelek/wallet")
    assert "<svg" in page.text
    assert "KP" in page.text


@pytest.mark.parametrize("kind", ["drop_after", "error_after", "malformed", "truncated",
                                  "wrong_content_type", "timeout_after_commit"])
async def test_after_commit_faults_hide_a_done_deed(api: httpx.AsyncClient,
                                                    sandbox: SandboxTransport, kind: str) -> None:
    sandbox.sandbox.faults.add(Fault(kind=kind, path=API + "/checkout"))  # type: ignore[union-attr]
    body = checkout_body(customer(sandbox, mode="never")["cardSession"])
    try:
        answer = await post(api, "/checkout", body, sandbox=sandbox)
        readable = answer.status_code == 200 and "transactionId" in answer.text and \
            answer.headers["content-type"] == "application/json"
        assert not readable or kind == "truncated"
    except httpx.TransportError:
        pass
    assert len(sandbox.sandbox.of(KoshelekSandbox).transactions) == 1  # committed all the same


@pytest.mark.parametrize("kind", ["drop_before", "error_before", "status"])
async def test_before_commit_faults_leave_no_trace(api: httpx.AsyncClient,
                                                   sandbox: SandboxTransport, kind: str) -> None:
    sandbox.sandbox.faults.add(Fault(kind=kind, path=API + "/checkout", status=503))  # type: ignore[union-attr]
    body = checkout_body(customer(sandbox)["cardSession"])
    with pytest.raises(httpx.TransportError) if kind == "drop_before" else _nothing():
        await post(api, "/checkout", body, sandbox=sandbox)
    assert sandbox.sandbox.of(KoshelekSandbox).transactions == {}


class _nothing:  # a stand-in for contextlib.nullcontext that mypy accepts in a conditional
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None
