"""The optional callback listener: only authenticated notifications are accepted, and an
accepted one only makes the register read the payment's status."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from pos_app.app import Mode, build_runtime
from pos_app.callbacks import CallbackApp
from pos_app.core.states import PaymentState
from pos_app.providers.paymega.callbacks import signature
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.sandbox.server import SandboxServer
from tests.helpers import simple_sale

LOGIN, PASSWORD = "partner-login", "partner-password-7"
PAYMEGA_SECRET = "pm-secret-key"
PEGAS_TOKEN = "pegas-site-token"


# This register's secrets by (provider, name), as the listener asks for them.
SECRETS = {("koshelek", "postback_login"): LOGIN, ("koshelek", "postback_password"): PASSWORD,
           ("paymega", "secret_key"): PAYMEGA_SECRET, ("pegas", "token"): PEGAS_TOKEN}


@pytest.fixture
async def listener() -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    notified: list[str] = []
    app = CallbackApp(notified.append, max_body_bytes=2048,
                      secret=lambda provider, name: SECRETS.get((provider, name)))
    transport = httpx.ASGITransport(app=app.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://register") as client:
        yield client, notified


def basic(login: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def test_authenticated_notifications_only_trigger_a_read(
        listener: tuple[httpx.AsyncClient, list[str]]) -> None:
    client, notified = listener
    koshelek = json.dumps({"transactionId": "e3c1f6a2", "status": "accepted"}).encode()
    answer = await client.post("/koshelek", content=koshelek, headers=basic(LOGIN, PASSWORD))
    assert answer.status_code == 200
    paymega = json.dumps({"data": {"id": "cpi_AbC123", "attributes": {"status": "processed"}}})
    answer = await client.post("/paymega", content=paymega.encode(), headers={
        "X-Signature": signature(PAYMEGA_SECRET, paymega.encode())})
    assert answer.status_code == 200
    pegas = json.dumps({"id": 184467, "order_id": "T1-20261126-abc", "status": "paid"}).encode()
    answer = await client.post("/pegas", content=pegas, headers={
        "X-Signature": hmac.new(PEGAS_TOKEN.encode(), pegas, hashlib.sha256).hexdigest()})
    assert answer.status_code == 200
    assert notified == ["e3c1f6a2", "cpi_AbC123", "T1-20261126-abc"]


@pytest.mark.parametrize(("path", "headers", "status"), [
    ("/koshelek", {}, 401),
    ("/koshelek", basic(LOGIN, "wrong"), 401),
    ("/koshelek", {"Authorization": "Bearer x"}, 401),
    ("/paymega", {}, 403),
    ("/paymega", {"X-Signature": "AAAA"}, 403),
    ("/pegas", {"X-Signature": "00" * 32}, 403),
    # Not ASCII: compare_digest raised on it, an HTTP 500 with a traceback (issue 16 #17).
    ("/paymega", {b"X-Signature": "é".encode()}, 403),
    ("/pegas", {b"X-Signature": ("ü" * 32).encode("latin-1")}, 403),
    ("/koshelek", {"Authorization": "Basic " + base64.b64encode("ä:ö".encode()).decode()},
     401),
])
async def test_anything_unauthenticated_is_refused(
        listener: tuple[httpx.AsyncClient, list[str]], path: str,
        headers: Mapping[str, str] | Mapping[bytes, bytes], status: int) -> None:
    client, notified = listener
    body = json.dumps({"transactionId": "x", "data": {"id": "cpi_x"}, "id": 1}).encode()
    answer = await client.post(path, content=body, headers=headers)
    assert answer.status_code == status
    assert notified == []


async def test_an_upload_cut_short_is_no_error(caplog: pytest.LogCaptureFixture) -> None:
    """Every aborted upload logged a full traceback: unauthenticated log flooding."""
    notified: list[str] = []
    app = CallbackApp(notified.append, max_body_bytes=2048,
                      secret=lambda provider, name: SECRETS.get((provider, name)))
    messages: list[MutableMapping[str, Any]] = [
        {"type": "http.request", "body": b'{"data": {"id"', "more_body": True},
        {"type": "http.disconnect"}]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/paymega", "headers": [],
             "query_string": b"", "root_path": "", "scheme": "http",
             "server": ("register", 80), "client": ("10.0.0.9", 5000), "http_version": "1.1"}
    await app.app(scope, receive, send)
    assert notified == []
    assert not [r for r in caplog.records if r.exc_info]  # no traceback in the log
    assert [m.get("status") for m in sent if m["type"] == "http.response.start"] == [400]


async def test_oversized_bodies_and_other_requests_are_refused(
        listener: tuple[httpx.AsyncClient, list[str]]) -> None:
    client, notified = listener
    big = b"{" + b" " * 4096 + b"}"
    answer = await client.post("/paymega", content=big,
                               headers={"X-Signature": signature(PAYMEGA_SECRET, big)})
    assert answer.status_code == 413
    assert (await client.get("/koshelek")).status_code == 405
    assert (await client.post("/elsewhere", content=b"{}")).status_code == 404
    assert notified == []


async def test_a_paymega_callback_settles_the_payment_at_once(isolated_dirs: Path) -> None:
    """End to end on loopback: the sandbox signs and sends its callback to the listener; the
    register reads the invoice at once, a minute before its next poll."""
    with SandboxServer() as server:
        config = isolated_dirs / "config" / "terminal.toml"
        config.parent.mkdir(parents=True)
        config.write_text("[callbacks]\nenabled = true\nport = 18765\n"
                          "[providers.paymega]\npoll_interval_s = 10.0\n"
                          'callback_url = "http://127.0.0.1:18765/paymega"\n', encoding="utf-8")
        runtime = await build_runtime(Mode.TRAINING, sandbox_url=server.base_url, lock=False)
        try:
            await runtime.service.start()
            payment = await runtime.service.start_payment(simple_sale("150"), "paymega")
            pending = await runtime.service.wait(
                payment.id, until=lambda p: p.provider_ref is not None)
            paymega = server.sandbox.of(PaymegaSandbox)
            paymega.pay(paymega.invoices[pending.provider_ref or ""])
            # The first poll is 2 s after the invoice appeared: only the callback is this quick.
            paid = await runtime.service.wait(payment.id, timeout=1.5)
            assert paid.state is PaymentState.PAID
        finally:
            await runtime.aclose()
