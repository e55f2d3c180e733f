"""The Paymega emulator follows the spec's §13 checklist."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import SANDBOX_URL, wait_until

API = "/paymega/api/payment-invoices"
AUTH = ("coma_training", "sk_training_api")
NO_AUTH = httpx.BasicAuth("", "")  # the public API and the payer's browser send no credentials
EXAMPLE_CREATED = 1741775400  # the spec's §5.5 example was created at this moment

SPEC_EXAMPLE = {"data": {"type": "payment-invoices", "attributes": {
    "reference_id": "pos-0007-20250312-000153-a1",
    "service": "payment_card_rub_hpp",
    "currency": "RUB",
    "amount": 1499.00,
    "test_mode": True,
    "description": "Check 000153, till 7",
    "metadata": {"till": "7", "check": "000153"},
    "expires": "2025-03-12T10:45:00+00:00",
}}}


def p(sandbox: SandboxTransport) -> PaymegaSandbox:
    return sandbox.sandbox.of(PaymegaSandbox)


@pytest.fixture
async def api(sandbox: SandboxTransport) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=SANDBOX_URL, transport=sandbox, auth=AUTH) as client:
        yield client


def invoice(amount: float = 100, reference: str = "ref-1", **attrs: Any) -> dict[str, Any]:
    return {"data": {"type": "payment-invoices", "attributes": {
        "reference_id": reference, "service": "payment_card_rub_hpp", "currency": "RUB",
        "amount": amount, **attrs}}}


async def test_the_spec_example_succeeds(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    await api.post("/_sandbox/paymega/clock", json={"now": EXAMPLE_CREATED})
    answer = await api.post(API, json=SPEC_EXAMPLE)
    assert answer.status_code == 201
    data = answer.json()["data"]
    a = data["attributes"]
    assert data["id"].startswith("cpi_")
    assert a["serial_number"] == data["id"][4:]
    assert (a["status"], a["resolution"]) == ("process_pending", "ok")
    assert (a["amount"], a["currency"], a["reference_id"]) == (1499, "RUB",
                                                               "pos-0007-20250312-000153-a1")
    assert a["created"] == a["updated"] == EXAMPLE_CREATED
    assert a["metadata"] == {"till": "7", "check": "000153"}
    assert a["callback_logs"] == []
    flow = a["flow_data"]
    assert (flow["method"], flow["params"]) == ("GET", [])
    assert flow["action"].endswith(f"/paymega/emulator/pay/{flow['metadata']['sid']}")
    payload = json.loads(base64.urlsafe_b64decode(flow["metadata"]["token"].split(".")[1] + "=="))
    assert payload == {"sid": flow["metadata"]["sid"], "exp": EXAMPLE_CREATED + 1800}
    assert data["relationships"]["payment-service"]["data"]["id"] == "payment_card_rub_hpp"
    assert data["links"]["self"] == f"/api/payment-invoices/{data['id']}"


@pytest.mark.parametrize(("request_", "status", "body"), [
    (("POST", API, None, ("x", "y")), 401, {"errors": [{"status": "Unauthorized", "code": "401"}]}),
    (("GET", API + "/cpi_nope", None, AUTH), 404, {"errors": [{"status": "Not Found",
                                                               "code": "404"}]}),
    (("DELETE", API, None, AUTH), 405, {"errors": [{"status": "Method Not Allowed",
                                                    "code": "405"}]}),
])
async def test_documented_error_bodies(api: httpx.AsyncClient, request_: tuple[Any, ...],
                                       status: int, body: Any) -> None:
    method, path, json_body, auth = request_
    answer = await api.request(method, path, json=json_body, auth=auth)
    assert (answer.status_code, answer.json()) == (status, body)


async def test_500_fault_body(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="error_before", path=API))
    answer = await api.post(API, json=invoice())
    assert answer.status_code == 500
    assert answer.json()["errors"][0] == {"status": "internal_error", "code": "500",
                                          "title": "internal_error",
                                          "detail": "Internal server error."}


async def test_409_carries_the_existing_invoice(api: httpx.AsyncClient) -> None:
    first = (await api.post(API, json=invoice())).json()["data"]
    again = await api.post(API, json=invoice(amount=200))
    assert again.status_code == 409
    assert again.json()["errors"][0]["title"] == "duplicated_reference_id"
    assert again.json()["data"]["id"] == first["id"]
    other_mode = await api.post(API, json=invoice(test_mode=True))  # per account + test_mode
    assert other_mode.status_code == 201


@pytest.mark.parametrize(("attrs", "field", "text"), [
    ({"amount": 0}, "amount", "This value should be greater than 0."),
    ({"amount": -5}, "amount", "This value should be greater than 0."),
    ({"amount": 10.005}, "amount", "at most 2 decimals"),
    ({"amount": 700000}, "amount", "between 10 and 600000"),
    ({"service": "cash_rub_hpp"}, "service", "not available"),
    ({"currency": "USD"}, "currency", "RUB"),
    ({"reference_id": ""}, "reference_id", "not be blank"),
    ({"expires": "2020-01-01T00:00:00+00:00"}, "expires", "between 14 minutes and 2 days"),
])
async def test_validation_is_keyed_by_field(api: httpx.AsyncClient, attrs: dict[str, Any],
                                            field: str, text: str) -> None:
    body = invoice()
    body["data"]["attributes"].update(attrs)
    answer = await api.post(API, json=body)
    assert answer.status_code == 422
    assert text in answer.json()["errors"][field]


async def test_lifetime_and_expiry(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    made = (await api.post(API, json=invoice())).json()["data"]
    await api.post("/_sandbox/paymega/clock", json={"advance_s": 1799})
    assert (await api.get(f"{API}/{made['id']}")).json()["data"]["attributes"]["status"] == \
        "process_pending"
    await api.post("/_sandbox/paymega/clock", json={"advance_s": 2})
    a = (await api.get(f"{API}/{made['id']}")).json()["data"]["attributes"]
    assert (a["status"], a["resolution"]) == ("process_failed", "expired")
    assert a["updated"] > made["attributes"]["updated"]
    await api.post("/_sandbox/paymega/settings", json={"expiry_status": "expired"})
    other = (await api.post(API, json=invoice(reference="ref-2"))).json()["data"]
    await api.post(f"/_sandbox/paymega/invoices/{other['id']}/expire")
    assert (await api.get(f"{API}/{other['id']}")).json()["data"]["attributes"]["status"] == \
        "expired"


async def test_list_filter_and_cursor(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    for i in range(25):
        await api.post("/_sandbox/paymega/clock", json={"advance_s": 1})
        await api.post(API, json=invoice(reference=f"r{i:02d}"))
    page1 = (await api.get(API, params={"page[size]": 10})).json()
    assert page1["meta"]["count"] == 10
    assert page1["meta"]["size"] == 10
    assert page1["links"]["prev"] == ""
    assert [d["attributes"]["reference_id"] for d in page1["data"]][:2] == ["r24", "r23"]
    seen = [d["id"] for d in page1["data"]]
    nxt = page1["links"]["next"]
    while nxt:
        page = (await api.get("/paymega" + nxt)).json()
        seen += [d["id"] for d in page["data"]]
        nxt = page["links"]["next"]
    assert len(seen) == len(set(seen)) == 25
    found = (await api.get(API, params={"filter[reference_id]": "r07"})).json()
    assert [d["attributes"]["reference_id"] for d in found["data"]] == ["r07"]
    assert found["links"] == {"prev": "", "next": ""}
    none = (await api.get(API, params={"filter[reference_id]": "nope"})).json()
    assert (none["data"], none["meta"]["count"]) == ([], 0)


async def test_refunds(api: httpx.AsyncClient) -> None:
    made = (await api.post(API, json=invoice(amount=100))).json()["data"]
    cpi = made["id"]

    def refund(amount: float, reference: str) -> dict[str, Any]:
        return {"data": {"type": "refund", "attributes": {"invoiceId": cpi, "amount": amount,
                                                          "reference_id": reference}}}
    unpaid = await api.post(f"{API}/{cpi}/refund", json=refund(10, "rf1"))
    assert unpaid.status_code == 422
    await api.post(f"/_sandbox/paymega/invoices/{cpi}/pay")
    part = await api.post(f"{API}/{cpi}/refund", json=refund(30, "rf1"))
    assert part.status_code == 201
    assert part.json()["data"]["attributes"]["status"] == "processed"
    assert part.json()["data"]["attributes"]["original_id"] == cpi
    a = (await api.get(f"{API}/{cpi}")).json()["data"]["attributes"]
    assert (a["status"], a["refunded_amount"]) == ("partially_refunded", 30)
    assert (await api.post(f"{API}/{cpi}/refund", json=refund(5, "rf1"))).status_code == 409
    too_much = await api.post(f"{API}/{cpi}/refund", json=refund(80, "rf2"))
    assert "should not exceed 70" in too_much.json()["errors"]["amount"]
    no_ref = await api.post(f"{API}/{cpi}/refund", json=refund(1, ""))
    assert no_ref.status_code == 422
    rest = await api.post(f"{API}/{cpi}/refund", json=refund(70, "rf3"))
    got = (await api.get(f"/paymega/api/refunds/{rest.json()['data']['id']}")).json()
    assert got["data"]["attributes"]["status"] == "processed"
    assert (await api.get(f"{API}/{cpi}")).json()["data"]["attributes"]["status"] == "refunded"


async def test_slow_refund(api: httpx.AsyncClient) -> None:
    await api.post("/_sandbox/paymega/settings", json={"refund_delay_s": 60})
    cpi = (await api.post(API, json=invoice())).json()["data"]["id"]
    await api.post(f"/_sandbox/paymega/invoices/{cpi}/pay")
    started = await api.post(f"{API}/{cpi}/refund", json={"data": {"type": "refund", "attributes": {
        "amount": 100, "reference_id": "slow"}}})
    assert started.json()["data"]["attributes"]["status"] == "process_pending"
    assert (await api.get(f"{API}/{cpi}")).json()["data"]["attributes"]["status"] == \
        "refund_pending"
    await api.post("/_sandbox/paymega/clock", json={"advance_s": 61})
    assert (await api.get(f"{API}/{cpi}")).json()["data"]["attributes"]["status"] == "refunded"


async def test_public_api(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    pre = (await api.post("/paymega/public-api/payment-prerequest",
                          json={"public_key": "pk_test_training", "currency": "USD"})).json()
    assert set(pre["data"]["services"]) == {"payment_card_usd_hpp", "applepay_usd_hpp",
                                            "test_usd_test"}
    assert pre["data"]["services"]["test_usd_test"]["fields"][0]["regexp"] == "^[a-zA-Z_]*$"
    body = {"public_key": "pk_test_training", "service": "payment_card_usd_hpp",
            "currency": "USD", "amount": 12.5, "description": "x"}
    made = await api.post("/paymega/public-api/payment-invoices", json=body, auth=NO_AUTH)
    assert made.status_code == 201
    data = made.json()["data"]
    assert "attributes" not in data
    assert (data["status"], data["resolution"]) == ("process_pending", "OK")
    assert data["active_payment"]["payload"]["method"] == "GET"
    assert data["reference_id"]  # generated when omitted
    got = (await api.get(f"/paymega/public-api/payment-invoices/{data['id']}", auth=NO_AUTH)).json()
    assert got["data"]["id"] == data["id"]
    bad_key = await api.post("/paymega/public-api/payment-invoices",
                             json={**body, "public_key": "pk_nope"}, auth=NO_AUTH)
    assert bad_key.status_code == 401
    await api.post("/_sandbox/paymega/settings", json={"public_creation": False})
    forbidden = await api.post("/paymega/public-api/payment-invoices", json=body, auth=NO_AUTH)
    assert forbidden.status_code == 403
    await api.post("/_sandbox/paymega/settings", json={"public_creation": True})
    form = await api.post("/paymega/public-api/payment-invoices/process", data={
        "public_key": "pk_test_training", "service": "payment_card_usd_hpp", "currency": "USD",
        "amount": "5"}, auth=NO_AUTH)
    assert form.status_code == 302
    assert "/paymega/emulator/pay/cgi_" in form.headers["location"]


@pytest.mark.parametrize(("status", "final", "resolution"), [
    ("processed", "processed", "ok"),
    ("process_failed", "process_failed", "general_fatal_error"),
    ("terminated", "terminated", "general_fatal_error"),
    ("whatever", "process_failed", "general_fatal_error"),
])
async def test_test_service(api: httpx.AsyncClient, status: str, final: str,
                            resolution: str) -> None:
    await api.post("/_sandbox/paymega/settings", json={"test_delay_s": 0})
    body = {"data": {"type": "payment-invoices", "service_fields": {"status": status},
                     "attributes": {"reference_id": "t1", "service": "test_usd_test",
                                    "currency": "USD", "amount": 3.33}}}
    made = await api.post(API, json=body)  # service_fields beside attributes, as in the docs
    assert made.status_code == 201
    a = (await api.get(f"{API}/{made.json()['data']['id']}")).json()["data"]["attributes"]
    assert (a["status"], a["resolution"]) == (final, resolution)
    assert a["amount"] == 3.33


async def test_services_list(api: httpx.AsyncClient) -> None:
    page = (await api.get("/paymega/api/payment-services", params={"page[size]": 3})).json()
    assert page["meta"] == {"total": 8, "pages": 3, "page": 1}
    assert page["data"][0]["id"].startswith("comcps_")
    assert "page[number]=2" in page["links"]["next"]


async def submit(api: httpx.AsyncClient, payer_url: str, action: str, card: str = "",
                 expiry: str = "") -> str:
    """Press a button on the payer page the way a browser would: read the form, post it."""
    page = await api.get(payer_url, auth=NO_AUTH)
    assert 'id="pay"' in page.text
    form_action = page.text.split('<form method="post" action="')[1].split('"')[0]
    answer = await api.post(form_action, data={"action": action, "card_number": card,
                                               "card_expiry": expiry}, auth=NO_AUTH)
    return answer.text


@pytest.mark.parametrize(("action", "card", "expiry", "status", "resolution"), [
    ("pay", "", "", "processed", "ok"),
    ("pay", "5123 8172 3406 0000", "1230", "processed", "ok"),
    ("pay", "5519283812030000", "0777", "process_pending", "ok"),
    ("pay", "5123817234060000", "0777", "process_pending", "auth_3ds_required"),
    ("pay", "4302912837020000", "0529", "process_failed", "insufficient_funds"),
    ("pay", "4412397212080000", "0933", "process_failed", "declined"),
    ("pay", "4302912837020000", "1147", "process_failed", "issuer_decline"),
    ("pay", "4302912837020000", "1299", "process_failed", "general_fatal_error"),
    ("decline", "", "", "process_failed", "declined"),
])
async def test_payer_page(api: httpx.AsyncClient, action: str, card: str, expiry: str,
                          status: str, resolution: str) -> None:
    made = (await api.post(API, json=invoice(amount=1499, description="Чек 153"))).json()["data"]
    hpp = f"/paymega/hpp/?cpi={made['id']}"
    page = await api.get(hpp, auth=NO_AUTH)
    assert "1499.00 RUB" in page.text
    assert "Чек 153" in page.text
    await submit(api, hpp, action, card, expiry)
    a = (await api.get(f"{API}/{made['id']}")).json()["data"]["attributes"]
    assert (a["status"], a["resolution"]) == (status, resolution)
    if status == "processed":
        assert a["processed_amount"] == 1499
        assert a["payload"]["payment_card"]["mask"].endswith("0000")


async def test_invalid_card_number(api: httpx.AsyncClient) -> None:
    made = (await api.post(API, json=invoice())).json()["data"]
    text = await submit(api, made["attributes"]["flow_data"]["action"], "pay", "1234567890123")
    assert "Неверный номер карты" in text


class Receiver:
    """A merchant endpoint for callbacks that fails its first ``fail`` deliveries."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.got: list[tuple[bytes, str]] = []
        self.app = Starlette(routes=[Route("/cb", self.handle, methods=["POST"])])

    async def handle(self, request: Request) -> Response:
        self.got.append((await request.body(), request.headers.get("x-signature", "")))
        if self.fail:
            self.fail -= 1
            return Response(status_code=503)
        return Response(status_code=200)


async def test_signed_callbacks_with_retries(api: httpx.AsyncClient,
                                             sandbox: SandboxTransport) -> None:
    receiver = Receiver(fail=2)
    p(sandbox).callback_transport = httpx.ASGITransport(app=receiver.app)
    await api.post("/_sandbox/paymega/settings", json={"callback_url": "http://merchant/cb",
                                                       "time_scale": 600})
    made = (await api.post(API, json=invoice(test_mode=True))).json()["data"]
    await wait_until(lambda: any(c["response_code"] == 200 for c in p(sandbox).delivered))
    attempts = [c["attempt"] for c in p(sandbox).delivered]
    assert attempts == [1, 2, 3]  # two failures, retried 1 and 2 (scaled) minutes later
    body, sig = receiver.got[-1]
    secret = b"sk_test_training"
    assert sig == base64.b64encode(hashlib.sha1(secret + body + secret).digest()).decode()  # noqa: S324
    assert json.loads(body)["data"]["id"] == made["id"]
    logs = (await api.get(f"{API}/{made['id']}")).json()["data"]["attributes"]["callback_logs"]
    assert [v["response_code"] for v in logs.values()] == [503, 503, 200]


async def test_duplicated_and_out_of_order_callbacks(api: httpx.AsyncClient,
                                                     sandbox: SandboxTransport) -> None:
    receiver = Receiver()
    p(sandbox).callback_transport = httpx.ASGITransport(app=receiver.app)
    await api.post("/_sandbox/paymega/settings", json={"callback_url": "http://merchant/cb",
                                                       "callback_mode": "duplicate"})
    made = (await api.post(API, json=invoice())).json()["data"]
    await wait_until(lambda: len(receiver.got) >= 2)
    assert receiver.got[0][0] == receiver.got[1][0]
    await api.post("/_sandbox/paymega/settings", json={"callback_mode": "out_of_order"})
    p(sandbox).deliveries.clear()
    with p(sandbox)._lock:
        inv = p(sandbox).invoices[made["id"]]
        p(sandbox).pay(inv)
        p(sandbox).refund(inv, {"reference_id": "x", "amount": "10"})
    p(sandbox).ensure_worker()
    await wait_until(lambda: len(receiver.got) >= 4)
    statuses = [json.loads(b)["data"]["attributes"]["status"] for b, _ in receiver.got[2:4]]
    assert statuses == ["partially_refunded", "processed"]  # newer state first
