"""The Pegas-kassa emulator follows the spec's §9 checklist."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pypdfium2
import pytest
from PySide6.QtGui import QImage

from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import SANDBOX_URL, wait_until
from tests.sandbox.test_paymega_sandbox import Receiver

API = "/pegas/api/v1"
TOKEN = "pegas-training-token"


def g(sandbox: SandboxTransport) -> PegasSandbox:
    return sandbox.sandbox.of(PegasSandbox)


@pytest.fixture
async def api(sandbox: SandboxTransport) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=SANDBOX_URL + API, transport=sandbox) as client:
        yield client


async def get(api: httpx.AsyncClient, path: str, **params: Any) -> httpx.Response:
    return await api.get(path, params={"token": TOKEN, **params})


async def deposit(api: httpx.AsyncClient, order: str = "o1", kind: str = "invoice-select",
                  amount: str = "1499.00", **params: Any) -> dict[str, Any]:
    answer = await get(api, "/deposit", amount=amount, type=kind, order_id=order, ttl="15",
                       **params)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


async def test_example_request_and_per_type_fields(api: httpx.AsyncClient) -> None:
    # The spec's §5.1 example, as a query string.
    answer = await api.get("/deposit?token=" + TOKEN + "&amount=1499.00&type=invoice-select"
                           "&order_id=till7-20250312-000153-1&success_url=https%3A%2F%2Fshop."
                           "example%2Fthanks")
    data = answer.json()
    assert (data["commission"], data["errors"]) == (44.97, [])  # 3 %, half-up
    assert data["url"].startswith("http://sandbox/pegas/pay/")
    for order, kind, field in (("w1", "wallet", "wallet"), ("w2", "wallet-card", "card"),
                               ("w3", "invoice-card", "url"), ("w4", "yandex", "url")):
        made = await deposit(api, order, kind)
        assert field in made
        assert not ({"url", "wallet", "card"} - {field}) & set(made)
    qw = await deposit(api, "q1", "invoice-qw", phone="+79991234567")
    assert "url" in qw


async def test_post_json_and_token(api: httpx.AsyncClient) -> None:
    posted = await api.post("/deposit", json={"token": TOKEN, "amount": "100", "type": "yandex",
                                             "order_id": "p1"})
    assert posted.status_code == 200
    for bad in ({"token": "nope"}, {}):
        answer = await api.get("/balance", params=bad)
        assert answer.status_code == 401
        assert answer.json() == {"errors": [{"code": "authorization_error",
                                             "message": "Invalid token"}]}
    garbage = await api.post("/deposit", content=b"{not json", headers={
        "Content-Type": "application/json"})
    assert garbage.json()["errors"][0]["code"] == "parsing_error"


@pytest.mark.parametrize(("params", "path"), [
    ({"amount": "1499,00"}, "amount"), ({"amount": "1.999"}, "amount"), ({"amount": "0"}, "amount"),
    ({"amount": "-5"}, "amount"), ({"amount": "200000"}, "amount"), ({"type": "cash"}, "type"),
    ({"type": "wallet", "ttl": None}, "ttl"), ({"type": "invoice-qw"}, "phone"),
    ({"order_id": ""}, "order_id"),
])
async def test_validation(api: httpx.AsyncClient, params: dict[str, str | None],
                          path: str) -> None:
    query = {"amount": "100.00", "type": "invoice-card", "order_id": "v1", "ttl": "15", **params}
    answer = await get(api, "/deposit", **{k: v for k, v in query.items() if v is not None})
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    assert (error["code"], error["validation_error"]["path"]) == ("invalid_parameters", path)


async def test_duplicate_order_id(api: httpx.AsyncClient) -> None:
    await deposit(api, "dup")
    again = await get(api, "/deposit", amount="5000", type="yandex", order_id="dup")
    assert again.status_code == 400
    assert again.json()["errors"][0]["validation_error"] == {
        "path": "order_id", "message": "The order id has already been taken."}


async def test_provider_error_for_a_type(api: httpx.AsyncClient,
                                         sandbox: SandboxTransport) -> None:
    g(sandbox).provider_error_types = ["yandex"]
    answer = await get(api, "/deposit", amount="100", type="yandex", order_id="pe")
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (400, "provider_error")


async def test_cancel(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    made = await deposit(api, "c1")
    wrong = await get(api, "/deposit/cancel", order_id="c2", id=str(made["id"]))
    assert (wrong.status_code, wrong.json()["errors"][0]["code"]) == (404, "resource_not_found")
    for _ in range(2):  # repeating a cancel is harmless
        ok = await get(api, "/deposit/cancel", order_id="c1", id=str(made["id"]))
        assert ok.json() == {"id": made["id"], "errors": []}
    paid = await deposit(api, "c3")
    with g(sandbox)._lock:
        g(sandbox).pay(g(sandbox).transactions[paid["id"]])
    refused = await get(api, "/deposit/cancel", order_id="c3", id=str(paid["id"]))
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["validation_error"] == {
        "path": "id", "message": "Transaction cannot be cancelled"}


async def test_status_balance_and_expiry(api: httpx.AsyncClient,
                                         sandbox: SandboxTransport) -> None:
    start = g(sandbox).balance
    made = await deposit(api, "s1", amount="1000")
    status = (await get(api, "/transaction", order_id="s1")).json()
    assert (status["status"], status["operation"], status["amount"]) == ("waiting", "deposit",
                                                                         1000)
    with g(sandbox)._lock:
        g(sandbox).pay(g(sandbox).transactions[made["id"]])
    assert (await get(api, "/transaction", id=str(made["id"]))).json()["status"] == "paid"
    balance = (await get(api, "/balance")).json()["balance"]
    assert Decimal(str(balance)) == start + Decimal("1000") - Decimal("30.00")
    late = await deposit(api, "s2")
    g(sandbox).transactions[late["id"]].expires_at = 0
    assert (await get(api, "/transaction", order_id="s2")).json()["status"] == "expired"
    missing = await get(api, "/transaction", order_id="nope")
    assert (missing.status_code, missing.json()["errors"][0]["code"]) == (404,
                                                                          "resource_not_found")


async def test_assumed_endpoints_can_be_absent(api: httpx.AsyncClient,
                                               sandbox: SandboxTransport) -> None:
    g(sandbox).assumed_endpoints = False
    answer = await get(api, "/transaction", order_id="x")
    assert answer.status_code == 404
    assert "json" not in answer.headers["content-type"]  # the path itself does not exist


async def test_withdrawals(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    g(sandbox).withdrawal_delay_s = 0
    start = g(sandbox).balance
    for params, path in (({"comment": "no"}, "comment"), ({"method": "cash"}, "method"),
                         ({"order_id": ""}, "order_id")):
        query = {"amount": "100", "method": "card", "number": "4111111111111111",
                 "order_id": "wd", **params}
        bad = await get(api, "/withdrawal", **query)
        assert bad.json()["errors"][0]["validation_error"]["path"] == path
    poor = await get(api, "/withdrawal", amount="99999", method="card",
                     number="4111111111111111", order_id="big")
    assert poor.json()["errors"][0] == {"code": "provider_error",
                                        "message": "Insufficient funds"}
    made = (await get(api, "/withdrawal", amount="100", method="phone", number="+79991234567",
                      order_id="wd1", comment="Возврат")).json()
    assert made["commission"] == 3
    assert g(sandbox).balance == start - Decimal("103.00")
    def succeeded() -> bool:
        txn = g(sandbox).transactions[made["id"]]
        g(sandbox).advance(txn)
        return txn.status == "success"
    await wait_until(succeeded)
    status = (await get(api, "/transaction", order_id="wd1")).json()
    assert (status["operation"], status["status"]) == ("withdrawal", "success")


async def test_receipt_files_are_real(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    made = await deposit(api, "r1", amount="1499.00")
    early = await get(api, "/transaction/receipt/file", id=str(made["id"]), format="pdf")
    assert early.status_code == 404
    with g(sandbox)._lock:
        g(sandbox).pay(g(sandbox).transactions[made["id"]])
    pdf = await get(api, "/transaction/receipt/file", order_id="r1", format="pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == f'attachment; filename="receipt-{made["id"]}.pdf"'
    document = pypdfium2.PdfDocument(pdf.content)
    text = document[0].get_textpage().get_text_range()
    assert f"ID: {made['id']}" in text
    assert "AMOUNT: 1499.00 RUB" in text
    jpeg = await get(api, "/transaction/receipt/file", id=str(made["id"]), format="jpeg")
    assert jpeg.headers["content-type"] == "image/jpeg"
    image = QImage.fromData(jpeg.content)  # the format is detected from the data
    assert not image.isNull()
    assert image.width() > 200
    assert image.pixelColor(1, 1).lightness() > 240  # white paper
    dark = sum(image.pixelColor(x, y).lightness() < 100
               for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))
    assert dark > 200  # and black text on it
    bad = await get(api, "/transaction/receipt/file", id=str(made["id"]), format="png")
    assert bad.json()["errors"][0]["validation_error"]["path"] == "format"


async def test_receipt_not_ready_for_a_while(api: httpx.AsyncClient,
                                             sandbox: SandboxTransport) -> None:
    g(sandbox).receipt_delay_s = 60
    made = await deposit(api, "r2")
    with g(sandbox)._lock:
        g(sandbox).pay(g(sandbox).transactions[made["id"]])
    assert (await get(api, "/transaction/receipt/file", id=str(made["id"]),
                      format="pdf")).status_code == 404


async def test_payer_page(sandbox: SandboxTransport, api: httpx.AsyncClient) -> None:
    made = await deposit(api, "pp", amount="250")
    async with httpx.AsyncClient(transport=sandbox) as browser:
        page = await browser.get(made["url"])
        assert "250.00 ₽" in page.text
        await browser.post(made["url"].split("?")[0], data={"action": "pay"})
    assert (await get(api, "/transaction", order_id="pp")).json()["status"] == "paid"
    declined = await deposit(api, "pd")
    async with httpx.AsyncClient(transport=sandbox) as browser:
        await browser.post(declined["url"].split("?")[0], data={"action": "decline"})
    assert (await get(api, "/transaction", order_id="pd")).json()["status"] == "failed"


async def test_signed_callbacks(api: httpx.AsyncClient, sandbox: SandboxTransport) -> None:
    receiver = Receiver(fail=1)
    g(sandbox).callback_transport = httpx.ASGITransport(app=receiver.app)
    g(sandbox).callback_url = "http://merchant/cb"
    g(sandbox).time_scale = 600
    made = await deposit(api, "cb")
    with g(sandbox)._lock:
        g(sandbox).pay(g(sandbox).transactions[made["id"]])
    g(sandbox).ensure_worker()
    await wait_until(lambda: any(d["code"] == 200 for d in g(sandbox).delivered))
    body, signature = receiver.got[-1]
    assert signature == hmac.new(TOKEN.encode(), body, hashlib.sha256).hexdigest()
    assert json.loads(body)["status"] == "paid"
    assert [d["attempt"] for d in g(sandbox).delivered] == [1, 2]


async def test_injected_500_after_commit(api: httpx.AsyncClient,
                                         sandbox: SandboxTransport) -> None:
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="error_after", path=API + "/deposit"))
    answer = await get(api, "/deposit", amount="100", type="yandex", order_id="f1")
    assert answer.status_code == 500
    assert answer.json()["errors"][0]["code"] == "internal_error"
    assert len(g(sandbox).transactions) == 1  # it was created all the same
