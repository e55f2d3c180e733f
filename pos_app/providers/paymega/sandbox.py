"""Paymega emulator (spec paymega.md, §13 "Emulator fidelity checklist").

Mounted under ``/paymega``: ``/paymega/api/...`` (JSON:API, Basic auth,
``resolution: "ok"``), ``/paymega/public-api/...`` (flat, public key,
``resolution: "OK"``), the hosted page ``/paymega/hpp/?cpi=...`` and the card
page ``/paymega/emulator/pay/<cgi id>`` where a person (or a browser test)
presses Pay or Decline.  Where the spec assumes, this follows its ASSUMPTIONs.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import email.utils
import hashlib
import html
import json
import logging
import re
import string
import threading
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

import httpx
from msgspec import Struct, field
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from stdnum import luhn

from pos_app.redact import basic_auth_ok
from pos_app.sandbox.common import (
    JSONResponse,
    payer_route,
    random_code,
    read_body,
    read_form,
)

log = logging.getLogger(__name__)

DEFAULT_LIFETIME = 1800  # seconds: the docs' examples expire 30 min after creation (§7 OBS)
MIN_EXPIRES, MAX_EXPIRES = 14 * 60, 2 * 24 * 3600
_ALNUM = string.ascii_letters + string.digits
INTERNAL_ERROR = {"errors": [{"status": "internal_error", "code": "500",
                              "title": "internal_error", "detail": "Internal server error."}]}

# Test cards of the card H2H connector (spec §11): number -> (succeeds, 3-D Secure).
TEST_CARDS = {
    "5123817234060000": (True, True),
    "5519283812030000": (True, False),
    "4412397212080000": (False, True),
    "4302912837020000": (False, False),
}
FAIL_EXPIRY = {"0529": "insufficient_funds", "0933": "declined", "1147": "issuer_decline"}


class Service(Struct, frozen=True):
    code: str
    method: str
    currency: str
    flow: str
    amount_min: Decimal
    amount_max: Decimal


def _service(code: str, lo: str, hi: str) -> Service:
    method, currency, flow = code.rsplit("_", 2)
    return Service(code, method, currency.upper(), flow, Decimal(lo), Decimal(hi))


SERVICES = {s.code: s for s in (
    _service("payment_card_usd_hpp", "1", "10000"),
    _service("applepay_usd_hpp", "1", "10000"),
    _service("test_usd_test", "0.01", "100000"),
    _service("test_xts_test", "0.01", "100000"),
    _service("payment_card_rub_hpp", "10", "600000"),
    _service("applepay_rub_hpp", "10", "600000"),
    _service("sbp_rub_hpp", "1", "1000000"),
    _service("test_rub_test", "1", "1000000"),
)}


class _DateHeader:
    """Every answer carries a ``Date`` from the sandbox's own clock, as a real server's does
    (so a skewed provider clock, ``clock_offset``, is visible to the client)."""

    def __init__(self, app: Any, now: Callable[[], float]) -> None:
        self.app, self.now = app, now

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def with_date(message: Any) -> None:
            if message["type"] == "http.response.start":
                stamp = email.utils.formatdate(self.now(), usegmt=True).encode()
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                message = {**message, "headers": [*headers, (b"date", stamp)]}
            await send(message)

        await self.app(scope, receive, with_date)


class Refund(Struct):
    id: str
    invoice_id: str
    reference_id: str
    amount: Decimal
    currency: str
    description: str
    created: int
    status: str = "process_pending"
    due: float = 0.0


class Invoice(Struct):
    id: str
    reference_id: str
    service: Service
    amount: Decimal
    test_mode: bool
    created: int
    expires_at: float
    sid: str
    source: str = "merchant_api"
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    callback_url: str | None = None
    return_url: str | None = None
    status: str = "process_pending"
    resolution: str = "ok"
    updated: int = 0
    processed: int | None = None
    processed_amount: Decimal | None = None
    refunded_amount: Decimal | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    rrn: str | None = None
    approval_code: str | None = None
    callback_logs: dict[str, dict[str, Any]] = field(default_factory=dict)
    due_status: str | None = None  # what the test service or the auto customer will do
    due_at: float = 0.0
    due_amount: Decimal | None = None

    @property
    def serial(self) -> str:
        return self.id.removeprefix("cpi_")


class Unprocessable(Exception):
    """422 with messages keyed by field (spec §4)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class Delivery(Struct):
    invoice_id: str
    body: bytes
    attempt: int
    due: float
    url: str
    status: str


class PaymegaSandbox:
    """In-memory Paymega account. Thread-safe for the server thread."""

    name = "paymega"

    def __init__(self, *, login: str = "coma_training",
                 password: str = "sk_training_api",
                 public_key: str = "pk_test_training",
                 secret_key: str = "sk_test_training") -> None:
        self.login = login
        self.password = password
        self.public_key = public_key
        self.secret_key = secret_key  # signs test-mode callbacks
        self.live_secret_key = "sk_live_training"
        self.invoices: dict[str, Invoice] = {}
        self.refunds: dict[str, Refund] = {}
        self.clock_offset = 0.0
        self.expiry_status = "process_failed"  # or "expired" (spec §13)
        self.public_creation = True
        self.refunds_enabled = True
        self.refund_delay_s = 0.0
        self.callback_url: str | None = None
        self.callback_mode = "normal"  # normal | duplicate | out_of_order
        self.time_scale = 60.0  # callback retries: one spec minute is one real second
        self.test_delay_s = 2.0  # the test service applies service_fields.status after this
        self.auto: dict[str, Any] = {"mode": "never", "delay_ms": 0}
        self.deliveries: list[Delivery] = []
        self.delivered: list[dict[str, Any]] = []
        self.callback_transport: httpx.AsyncBaseTransport | None = None
        self._worker: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._lock = threading.RLock()

    # -- time --

    def now(self) -> float:
        return time.time() + self.clock_offset

    # -- state changes --

    def create(self, attrs: dict[str, Any], *, source: str) -> Invoice:
        """Validate and create (caller holds the lock); raises Unprocessable or returns."""
        errors: dict[str, str] = {}
        reference = attrs.get("reference_id")
        if source == "merchant_api" and (not isinstance(reference, str) or not reference):
            errors["reference_id"] = "This value should not be blank."
        service = SERVICES.get(str(attrs.get("service")))
        if service is None:
            errors["service"] = "Service is not available."
        currency = attrs.get("currency")
        if not isinstance(currency, str) or not currency:
            errors["currency"] = "This value should not be blank."
        elif service is not None and currency.upper() != service.currency:
            errors["currency"] = f"Currency should be {service.currency} for this service."
        amount = _decimal(attrs.get("amount"))
        if amount is None:
            errors["amount"] = "This value should be a number."
        elif amount <= 0:
            errors["amount"] = "This value should be greater than 0."
        elif amount != amount.quantize(Decimal("0.01")):
            errors["amount"] = "This value should have at most 2 decimals."
        elif service is not None and not service.amount_min <= amount <= service.amount_max:
            errors["amount"] = (f"Amount should be between {service.amount_min} and "
                                f"{service.amount_max}.")
        now = self.now()
        expires_at = now + DEFAULT_LIFETIME
        if attrs.get("expires") is not None:
            expires_at = self._expires(attrs["expires"], now, errors)
        test_status = None
        if service is not None and service.flow == "test":
            fields = attrs.get("service_fields") or {}
            test_status = fields.get("status") if isinstance(fields, dict) else None
            if not isinstance(test_status, str) or not re.fullmatch(r"[a-zA-Z_]+", test_status):
                errors["service_fields.status"] = "This value is not valid."
        if errors:
            raise Unprocessable(errors)
        assert service is not None
        assert amount is not None
        created = int(now)
        sid = "cgi_" + random_code(16, _ALNUM)
        invoice = Invoice(
            id="cpi_" + random_code(16, _ALNUM),
            reference_id=reference if isinstance(reference, str) and reference
            else "ref_" + random_code(12, _ALNUM),
            service=service, amount=amount, test_mode=bool(attrs.get("test_mode", False)),
            created=created, updated=created, expires_at=expires_at, sid=sid, source=source,
            description=attrs.get("description"),
            metadata=dict(attrs["metadata"]) if isinstance(attrs.get("metadata"), dict) else {},
            callback_url=attrs.get("callback_url"), return_url=attrs.get("return_url"),
        )
        if test_status:
            invoice.due_status, invoice.due_at = test_status, now + self.test_delay_s
        elif self.auto["mode"] in ("pay", "decline"):
            invoice.due_status = "processed" if self.auto["mode"] == "pay" else "process_failed"
            invoice.due_at = now + self.auto["delay_ms"] / 1000
        self.invoices[invoice.id] = invoice
        self._changed(invoice, bump=False)  # creation callback (spec §8.1: process_pending)
        return invoice

    def _expires(self, value: Any, now: float, errors: dict[str, str]) -> float:
        try:
            moment = datetime.fromisoformat(str(value)).timestamp()
        except ValueError:
            errors["expires"] = "This value is not a valid datetime."
            return now
        if not MIN_EXPIRES <= moment - now <= MAX_EXPIRES:
            errors["expires"] = "Expiration should be between 14 minutes and 2 days from now."
        return moment

    def snapshot(self) -> list[dict[str, Any]]:
        """Every invoice as it is now (for tests and drills: the provider's truth)."""
        with self._lock:
            for invoice in self.invoices.values():
                self.advance(invoice)
            return [{"id": i.id, "reference_id": i.reference_id, "status": i.status,
                     "resolution": i.resolution, "amount": i.amount,
                     "processed_amount": i.processed_amount,
                     "refunded_amount": i.refunded_amount} for i in self.invoices.values()]

    def advance(self, invoice: Invoice) -> None:
        """Apply what the clock, the test service or the auto customer decided by now."""
        now = self.now()
        if invoice.status in ("process_pending", "created"):
            if invoice.due_status and now >= invoice.due_at:
                status = invoice.due_status
                invoice.due_status = None
                if status == "processed":
                    self.pay(invoice, invoice.due_amount)
                else:
                    resolution = "expired" if status in ("expired",) else "general_fatal_error"
                    self.finish(invoice, status if status in (
                        "process_failed", "expired", "terminated") else "process_failed",
                        resolution)
            elif now >= invoice.expires_at:
                self.finish(invoice, self.expiry_status, "expired")
        for refund in self.refunds.values():
            if refund.invoice_id == invoice.id and refund.status == "process_pending" \
                    and now >= refund.due:
                self._complete_refund(invoice, refund)

    def pay(self, invoice: Invoice, amount: Decimal | None = None,
            card: str | None = None) -> None:
        paid = amount if amount is not None else invoice.amount
        invoice.status = "processed" if paid >= invoice.amount else "partially_processed"
        invoice.resolution = "ok"
        invoice.processed = int(self.now())
        invoice.processed_amount = paid
        invoice.rrn = random_code(12, string.digits)
        invoice.approval_code = random_code(6)
        number = card or "5519283812030000"
        invoice.payload = {"payment_card": {"first": number[:6], "last": number[-4:],
                                            "mask": f"{number[:6]}******{number[-4:]}",
                                            "brand": "mastercard" if number[0] == "5" else "visa"}}
        self._changed(invoice)

    def finish(self, invoice: Invoice, status: str, resolution: str) -> None:
        invoice.status, invoice.resolution = status, resolution
        self._changed(invoice)

    def refund(self, invoice: Invoice, attrs: dict[str, Any]) -> Refund:
        errors: dict[str, str] = {}
        reference = attrs.get("reference_id")
        if not isinstance(reference, str) or not reference:
            errors["reference_id"] = "This value should not be blank."
        amount = _decimal(attrs.get("amount"))
        left = (invoice.processed_amount or Decimal(0)) - (invoice.refunded_amount or Decimal(0))
        if invoice.status not in ("processed", "partially_refunded", "partially_processed"):
            errors["invoice"] = f"Invoice in status {invoice.status} cannot be refunded."
        elif amount is None or amount <= 0:
            errors["amount"] = "This value should be greater than 0."
        elif amount > left:
            errors["amount"] = f"Refund amount should not exceed {left}."
        if errors:
            raise Unprocessable(errors)
        assert amount is not None
        refund = Refund(id="ref_" + random_code(16, _ALNUM), invoice_id=invoice.id,
                        reference_id=str(reference), amount=amount,
                        currency=invoice.service.currency,
                        description=str(attrs.get("description") or ""),
                        created=int(self.now()), due=self.now() + self.refund_delay_s)
        self.refunds[refund.id] = refund
        if self.refund_delay_s <= 0:
            self._complete_refund(invoice, refund)
        else:
            invoice.status = "refund_pending"
            self._changed(invoice)
        return refund

    def _complete_refund(self, invoice: Invoice, refund: Refund) -> None:
        refund.status = "processed"
        invoice.refunded_amount = (invoice.refunded_amount or Decimal(0)) + refund.amount
        full = invoice.refunded_amount >= (invoice.processed_amount or invoice.amount)
        invoice.status = "refunded" if full else "partially_refunded"
        self._changed(invoice)

    def _changed(self, invoice: Invoice, *, bump: bool = True) -> None:
        """``updated`` bumps on every change, and a signed callback is queued (spec §10)."""
        if bump:
            invoice.updated = max(int(self.now()), invoice.updated + 1)
        url = invoice.callback_url or self.callback_url
        if not url:
            return
        body = json.dumps({"data": self.resource(invoice)}, separators=(",", ":")).encode()
        delivery = Delivery(invoice.id, body, 1, self.now(), url, invoice.status)
        if self.callback_mode == "out_of_order":
            # Hold back what is still waiting for this invoice: the newer state goes first.
            for waiting in self.deliveries:
                if waiting.invoice_id == invoice.id:
                    waiting.due = max(waiting.due, delivery.due) + 0.001
        self.deliveries.append(delivery)
        if self.callback_mode == "duplicate":
            self.deliveries.append(Delivery(invoice.id, body, 1, self.now(), url,
                                            invoice.status))
        if self._wake is not None:
            self._wake.set()

    # -- representations --

    def resource(self, invoice: Invoice) -> dict[str, Any]:
        """The private API's JSON:API resource (spec §5.5, §6)."""
        s = invoice.service
        flow = {"action": f"{self.base_url}/emulator/pay/{invoice.sid}", "method": "GET",
                "params": [], "metadata": {"sid": invoice.sid, "token": self._jwt(invoice)}}
        attributes = {
            "serial_number": invoice.serial, "status": invoice.status,
            "resolution": invoice.resolution, "moderation_required": False,
            "amount": _num(invoice.amount), "payment_amount": _num(invoice.amount),
            "currency": s.currency, "service_currency": s.currency,
            "reference_id": invoice.reference_id, "test_mode": invoice.test_mode, "fee": 0,
            "deposit": _num(invoice.amount), "processed": invoice.processed,
            "processed_amount": _num(invoice.processed_amount),
            "refunded_amount": _num(invoice.refunded_amount),
            "processed_fee": 0 if invoice.processed else None,
            "processed_deposit": _num(invoice.processed_amount),
            "metadata": invoice.metadata or [],
            "flow_data": flow, "flow": s.flow, "payment_flow": "charge",
            "created": invoice.created, "updated": invoice.updated,
            "payload": invoice.payload or None, "description": invoice.description,
            "descriptor": None, "callback_url": invoice.callback_url,
            "return_url": invoice.return_url,
            "original_data": {"external_id": None, "merchant_id": None, "provider_id": None,
                              "external_mid": "org_training", "provider_code": None},
            "rrn": invoice.rrn, "approval_code": invoice.approval_code,
            "reserved_amount": None, "reserve_expires": None, "unreserved": None,
            "source": invoice.source, "callback_logs": invoice.callback_logs or [],
        }
        return {"type": "payment-invoices", "id": invoice.id, "attributes": attributes,
                "relationships": {
                    "payment-service": {"data": {"type": "payment-services", "id": s.code}},
                    "payment-method": {"data": {"type": "payment-methods", "id": s.method}}},
                "links": {"self": f"/api/payment-invoices/{invoice.id}"}}

    def flat(self, invoice: Invoice) -> dict[str, Any]:
        """The public API's flat representation with upper-case ``OK`` (spec §5.3)."""
        s = invoice.service
        payload = {"action": f"{self.base_url}/emulator/pay/{invoice.sid}", "method": "GET",
                   "params": [], "metadata": {"sid": invoice.sid, "token": self._jwt(invoice)}}
        resolution = "OK" if invoice.resolution == "ok" else invoice.resolution
        return {
            "id": invoice.id, "serial_number": invoice.serial, "created": invoice.created,
            "test_mode": invoice.test_mode, "reference_id": invoice.reference_id,
            "currency": s.currency, "amount": _num(invoice.amount),
            "payment_amount": _num(invoice.amount),
            "processed_amount": _num(invoice.processed_amount),
            "refunded_amount": _num(invoice.refunded_amount),
            "description": invoice.description, "has_return_url": bool(invoice.return_url),
            "status": invoice.status, "resolution": resolution, "service": s.code,
            "service_method": s.method, "service_flow": s.flow,
            "service_currency": s.currency, "metadata": invoice.metadata or [],
            "active_payment": {"payload": payload, "status": "invoked" if invoice.status ==
                               "process_pending" else invoice.status, "resolution": resolution},
        }

    def _jwt(self, invoice: Invoice) -> str:
        """RS512-looking token whose payload is {"sid", "exp": created + 1800} (spec §7 OBS)."""
        def part(data: dict[str, Any]) -> str:
            raw = json.dumps(data, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        signature = base64.urlsafe_b64encode(hashlib.sha512(
            f"{invoice.sid}{self.secret_key}".encode()).digest()).rstrip(b"=").decode()
        return ".".join([part({"alg": "RS512", "typ": "JWT"}),
                         part({"sid": invoice.sid, "exp": invoice.created + DEFAULT_LIFETIME}),
                         signature])

    base_url = "http://sandbox/paymega"

    def refund_resource(self, refund: Refund) -> dict[str, Any]:
        return {"type": "refunds", "id": refund.id, "attributes": {
            "reference_id": refund.reference_id, "original_id": refund.invoice_id,
            "description": refund.description, "status": refund.status,
            "amount": _num(refund.amount), "fee": 0, "currency": refund.currency,
            "created": refund.created}, "links": {"self": f"/refunds/{refund.id}"}}

    # -- callbacks --

    def ensure_worker(self) -> None:
        """Start the callback sender on the running loop once something is queued."""
        if not self.deliveries or (self._worker is not None and not self._worker.done()):
            return
        self._wake = asyncio.Event()
        self._worker = asyncio.get_running_loop().create_task(self._deliver_all())

    async def _deliver_all(self) -> None:
        async with httpx.AsyncClient(transport=self.callback_transport, timeout=10) as client:
            while True:
                with self._lock:
                    if not self.deliveries:
                        return
                    delivery = min(self.deliveries, key=lambda d: d.due)
                    wait = delivery.due - self.now()
                    if wait <= 0:
                        self.deliveries.remove(delivery)
                if wait > 0:
                    assert self._wake is not None
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), wait)
                    continue
                await self._deliver(client, delivery)

    async def _deliver(self, client: httpx.AsyncClient, delivery: Delivery) -> None:
        invoice = self.invoices[delivery.invoice_id]
        secret = self.secret_key if invoice.test_mode else self.live_secret_key
        signature = base64.b64encode(hashlib.sha1(  # noqa: S324 - the documented recipe
            secret.encode() + delivery.body + secret.encode()).digest()).decode()
        try:
            response = await client.post(delivery.url, content=delivery.body, headers={
                "Content-Type": "application/json", "X-Signature": signature})
            code = response.status_code
        except httpx.HTTPError as exc:
            code = 0
            log.info("callback to %s failed: %s", delivery.url, type(exc).__name__)
        with self._lock:
            stamp = str(int(self.now()))
            while stamp in invoice.callback_logs:
                stamp = str(int(stamp) + 1)
            invoice.callback_logs[stamp] = {"status": "done" if code == 200 else "failed",
                                            "processed": int(self.now()), "response_code": code,
                                            "transaction_status": delivery.status}
            self.delivered.append({"invoice_id": delivery.invoice_id, "status": delivery.status,
                                   "attempt": delivery.attempt, "response_code": code})
            if code != 200 and delivery.attempt < 100:
                # 1 min after the first attempt, then +2, +3, … minutes (spec §10, WL).
                delay = 60 * delivery.attempt / self.time_scale
                delivery.attempt += 1
                delivery.due = self.now() + delay
                self.deliveries.append(delivery)

    # -- the training server --

    def bind(self, base_url: str) -> None:
        self.base_url = base_url

    def credentials(self) -> dict[str, str]:
        return {"base_url": self.base_url, "login": self.login, "password": self.password,
                "public_key": self.public_key, "secret_key": self.secret_key,
                "hpp_url": f"{self.base_url}/hpp/"}

    def error_body(self, status: int) -> Any:
        return {**INTERNAL_ERROR, "errors": [{**INTERNAL_ERROR["errors"][0],
                                               "code": str(status)}]}

    def control_routes(self) -> list[BaseRoute]:
        """The training payer (``/payments/{id}/{outcome}``: pay, fail, expire), the
        account's switches, its clock, and the callbacks it delivered."""
        async def invoices(request: Request) -> Response:
            with self._lock:
                for invoice in self.invoices.values():
                    self.advance(invoice)
                return JSONResponse([
                    {"id": i.id, "reference_id": i.reference_id, "status": i.status,
                     "resolution": i.resolution, "amount": str(i.amount),
                     "service": i.service.code, "refunded_amount": str(i.refunded_amount or 0),
                     "payer_page": f"{self.base_url}/emulator/pay/{i.sid}"}
                    for i in self.invoices.values()])

        async def decide(request: Request) -> Response:
            body, _ = await read_body(request)
            body = body if isinstance(body, dict) else {}
            outcome = request.path_params["outcome"]
            with self._lock:
                invoice = self.invoices.get(request.path_params["id"])
                if invoice is None:
                    return JSONResponse({"error": "no such invoice"}, status_code=404)
                self.advance(invoice)
                if invoice.status != "process_pending":
                    return JSONResponse({"changed": False, "status": invoice.status})
                if outcome == "pay":
                    amount = Decimal(str(body["amount"])) if body.get("amount") else None
                    self.pay(invoice, amount)
                elif outcome == "fail":
                    self.finish(invoice, "process_failed", str(body.get("resolution",
                                                                        "declined")))
                elif outcome == "expire":
                    self.finish(invoice, self.expiry_status, "expired")
                else:
                    return JSONResponse({"error": "use pay, fail or expire"}, status_code=404)
                status = invoice.status
            self.ensure_worker()
            return JSONResponse({"changed": True, "status": status})

        async def settings(request: Request) -> Response:
            body, _ = await read_body(request)
            allowed = {"expiry_status", "public_creation", "refunds_enabled", "refund_delay_s",
                       "callback_url", "callback_mode", "time_scale", "test_delay_s"}
            for key, value in (body if isinstance(body, dict) else {}).items():
                if key not in allowed:
                    return JSONResponse({"error": f"unknown setting {key}"}, status_code=400)
                setattr(self, key, value)
            return JSONResponse({key: getattr(self, key) for key in sorted(allowed)})

        async def clock(request: Request) -> Response:
            body, _ = await read_body(request)
            body = body if isinstance(body, dict) else {}
            if "now" in body:
                self.clock_offset = float(body["now"]) - time.time()
            self.clock_offset += float(body.get("advance_s", 0))
            return JSONResponse({"now": self.now()})

        async def callbacks(request: Request) -> Response:
            return JSONResponse(self.delivered)

        return [
            Route("/invoices", invoices, methods=["GET"]),
            Route("/invoices/{id}/{outcome:str}", decide, methods=["POST"]),
            Route("/payments/{id}/{outcome:str}", decide, methods=["POST"]),
            payer_route(self),
            Route("/settings", settings, methods=["GET", "POST"]),
            Route("/clock", clock, methods=["POST"]),
            Route("/callbacks", callbacks, methods=["GET"]),
        ]

    # -- HTTP --

    def app(self) -> Starlette:
        routes = [
            Route("/api/payment-invoices", self._private_invoices, methods=["GET", "POST"]),
            Route("/api/payment-invoices/{id}", self._private_get, methods=["GET"]),
            Route("/api/payment-invoices/{id}/refund", self._private_refund, methods=["POST"]),
            Route("/api/refunds/{id}", self._private_get_refund, methods=["GET"]),
            Route("/api/payment-services", self._services, methods=["GET"]),
            Route("/api/payment-services/{id}", self._service_get, methods=["GET"]),
            Route("/public-api/payment-prerequest", self._prerequest, methods=["POST"]),
            Route("/public-api/payment-invoices", self._public_create, methods=["POST"]),
            Route("/public-api/payment-invoices/process", self._public_process,
                  methods=["POST"]),
            Route("/public-api/payment-invoices/{id}", self._public_get, methods=["GET"]),
            Route("/hpp/", self._hpp, methods=["GET"]),
            Route("/emulator/pay/{sid}", self._payer_page, methods=["GET", "POST"]),
        ]
        app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
        return _DateHeader(app, self.now)  # type: ignore[return-value]

    def _base(self, request: Request) -> None:
        root = request.scope.get("root_path", "")
        self.base_url = f"{request.url.scheme}://{request.url.netloc}{root}"

    def _authorized(self, request: Request) -> bool:
        return basic_auth_ok(request.headers, self.login, self.password)

    async def _private_invoices(self, request: Request) -> Response:
        self._base(request)
        if not self._authorized(request):
            return _unauthorized()
        if request.method == "GET":
            return self._list(request)
        body, error = await read_body(request)
        data = body.get("data") if isinstance(body, dict) else None
        if error or not isinstance(data, dict):
            return JSONResponse({"errors": {"data": "This value should be an object."}},
                                status_code=422)
        if data.get("type") != "payment-invoices":
            return JSONResponse({"errors": {"data.type": "This value should be "
                                                         "payment-invoices."}}, status_code=422)
        attributes = dict(data.get("attributes") or {})
        if "service_fields" in data and "service_fields" not in attributes:
            attributes["service_fields"] = data["service_fields"]  # the doc's placement (§5.5)
        with self._lock:
            existing = self._by_reference(attributes.get("reference_id"),
                                          bool(attributes.get("test_mode", False)))
            if existing is not None:
                self.advance(existing)
                return JSONResponse({"errors": [{
                    "status": "Conflict", "code": "409", "title": "duplicated_reference_id",
                    "detail": "Payment invoice with this reference_id already exists."}],
                    "data": self.resource(existing)}, status_code=409)
            try:
                invoice = self.create(attributes, source="merchant_api")
            except Unprocessable as exc:
                return JSONResponse({"errors": exc.errors}, status_code=422)
            answer = {"data": self.resource(invoice)}
        self.ensure_worker()
        return JSONResponse(answer, status_code=201)

    def _by_reference(self, reference: Any, test_mode: bool) -> Invoice | None:
        # ASSUMPTION (§13): reference_id is unique per account and test_mode.
        for invoice in self.invoices.values():
            if invoice.reference_id == reference and invoice.test_mode == test_mode:
                return invoice
        return None

    def _list(self, request: Request) -> Response:
        """Newest first with cursor paging (spec §5.8 ASSUMPTION)."""
        q = request.query_params
        try:
            size = min(max(int(q.get("page[size]", "20")), 1), 100)
        except ValueError:
            return JSONResponse({"errors": {"page[size]": "This value should be a number."}},
                                status_code=422)
        with self._lock:
            items = sorted(self.invoices.values(), key=lambda i: (i.created, i.id), reverse=True)
            for invoice in items:
                self.advance(invoice)
            if "filter[reference_id]" in q:
                items = [i for i in items if i.reference_id == q["filter[reference_id]"]]
            if "filter[status]" in q:
                items = [i for i in items if i.status == q["filter[status]"]]
            ids = [i.id for i in items]
            start = ids.index(q["page[after]"]) + 1 if q.get("page[after]") in ids else 0
            if q.get("page[before]") in ids:
                end = ids.index(q["page[before]"])
                start = max(end - size, 0)
            page = items[start:start + size]
            data = [self.resource(i) for i in page]
        has_next = start + size < len(items)
        base = "/api/payment-invoices"  # relative to the API host, like links.self
        params = {k: v for k, v in q.items() if not k.startswith("page[")}

        def link(**extra: str) -> str:
            return f"{base}?{urlencode({**params, 'page[size]': size, **extra})}"
        meta = {"count": len(page), "size": size,
                "before": page[0].id if page else None, "after": page[-1].id if page else None}
        links = {"prev": link(**{"page[before]": page[0].id}) if page and start > 0 else "",
                 "next": link(**{"page[after]": page[-1].id}) if page and has_next else ""}
        return JSONResponse({"meta": meta, "links": links, "data": data})

    async def _private_get(self, request: Request) -> Response:
        self._base(request)
        if not self._authorized(request):
            return _unauthorized()
        with self._lock:
            invoice = self.invoices.get(request.path_params["id"])
            if invoice is None:
                return _not_found()
            self.advance(invoice)
            answer = {"data": self.resource(invoice)}
        self.ensure_worker()
        return JSONResponse(answer)

    async def _private_refund(self, request: Request) -> Response:
        self._base(request)
        if not self._authorized(request):
            return _unauthorized()
        if not self.refunds_enabled:
            return JSONResponse({"errors": [{"status": "Forbidden", "code": "403",
                                             "title": "refunds_disabled"}]}, status_code=403)
        body, _ = await read_body(request)
        data = body.get("data") if isinstance(body, dict) else None
        attributes = data.get("attributes") if isinstance(data, dict) else None
        if not isinstance(attributes, dict):
            return JSONResponse({"errors": {"data": "This value should be an object."}},
                                status_code=422)
        with self._lock:
            invoice = self.invoices.get(request.path_params["id"])
            if invoice is None:
                return _not_found()
            self.advance(invoice)
            if any(r.reference_id == attributes.get("reference_id")
                   for r in self.refunds.values()):
                return JSONResponse({"errors": [{"status": "Conflict", "code": "409",
                                                 "title": "duplicated_reference_id"}]},
                                    status_code=409)
            try:
                refund = self.refund(invoice, attributes)
            except Unprocessable as exc:
                return JSONResponse({"errors": exc.errors}, status_code=422)
            answer = {"data": self.refund_resource(refund)}
        self.ensure_worker()
        return JSONResponse(answer, status_code=201)

    async def _private_get_refund(self, request: Request) -> Response:
        if not self._authorized(request):
            return _unauthorized()
        with self._lock:
            refund = self.refunds.get(request.path_params["id"])
            if refund is None:
                return _not_found()
            self.advance(self.invoices[refund.invoice_id])
            return JSONResponse({"data": self.refund_resource(refund)})

    def _service_resource(self, s: Service) -> dict[str, Any]:
        return {"type": "payment-services", "id": "comcps_" + hashlib.md5(  # noqa: S324
            s.code.encode()).hexdigest()[:16], "attributes": {
            "service": s.code, "service_method": s.method, "service_currency": s.currency,
            "available": True, "active": True, "enabled": True,
            "amount_min": _num(s.amount_min), "amount_max": _num(s.amount_max),
            "fee_min": 0, "fee_max": 0, "fee_rate": 0, "fee_fix": 0, "reserve_lifetime": None,
            "reserve_rate": 0, "currency": s.currency, "test_mode": True},
            "links": {"self": f"/api/payment-services/{s.code}"}}

    async def _services(self, request: Request) -> Response:
        if not self._authorized(request):
            return _unauthorized()
        q = request.query_params
        number = max(int(q.get("page[number]", "1") or 1), 1)
        size = min(max(int(q.get("page[size]", "20") or 20), 1), 100)
        services = list(SERVICES.values())
        pages = max((len(services) + size - 1) // size, 1)
        chunk = services[(number - 1) * size:number * size]

        def link(n: int) -> str:
            return f"/api/payment-services?page[number]={n}&page[size]={size}"
        return JSONResponse({"meta": {"total": len(services), "pages": pages, "page": number},
                             "links": {"first": link(1),
                                       "next": link(number + 1) if number < pages else None,
                                       "last": link(pages)},
                             "data": [self._service_resource(s) for s in chunk]})

    async def _service_get(self, request: Request) -> Response:
        if not self._authorized(request):
            return _unauthorized()
        service = SERVICES.get(request.path_params["id"])
        if service is None:
            return _not_found()
        return JSONResponse({"data": self._service_resource(service)})

    async def _prerequest(self, request: Request) -> Response:
        body, _ = await read_body(request)
        body = body if isinstance(body, dict) else {}
        if body.get("public_key") != self.public_key:
            return _unauthorized()
        currency = str(body.get("currency", "")).upper()
        if not currency:
            return JSONResponse({"errors": {"currency": "This value should not be blank."}},
                                status_code=422)
        services = {s.code: {"code": s.code, "method": s.method, "flow": s.flow,
                             "currency": s.currency, "fields": _fields(s),
                             "amount_min": _num(s.amount_min), "amount_max": _num(s.amount_max)}
                    for s in SERVICES.values() if s.currency == currency}
        methods = {s.method: {"code": s.method, "category": "card" if "card" in s.method
                              else s.method, "name": {"en": s.method, "ru": s.method,
                                                      "uk": s.method}, "position": 0,
                              "hide": False} for s in SERVICES.values() if s.currency == currency}
        return JSONResponse({"data": {"currency": currency, "test_mode": True,
                                      "services": services or [], "methods": methods or [],
                                      "account": {"name": "Training shop", "description": None,
                                                  "icon": None, "website": None}}})

    async def _public_create(self, request: Request) -> Response:
        self._base(request)
        body, _ = await read_body(request)
        body = body if isinstance(body, dict) else {}
        if body.get("public_key") != self.public_key:
            return _unauthorized()
        if not self.public_creation:
            return JSONResponse({"errors": [{"status": "Forbidden", "code": "403",
                                             "title": "public_creation_forbidden"}]},
                                status_code=403)
        with self._lock:
            existing = self._by_reference(body.get("reference_id"), False)
            if body.get("reference_id") and existing is not None:
                return JSONResponse({"errors": [{"status": "Conflict", "code": "409"}]},
                                    status_code=409)
            try:
                invoice = self.create({**body, "test_mode": False}, source="public_api")
            except Unprocessable as exc:
                return JSONResponse({"errors": exc.errors}, status_code=422)
            answer = {"data": self.flat(invoice)}
        self.ensure_worker()
        return JSONResponse(answer, status_code=201)

    async def _public_process(self, request: Request) -> Response:
        """HTML-form creation: create, then send the browser to the payment page (§5.4)."""
        self._base(request)
        fields = await read_form(request)
        if fields.get("public_key") != self.public_key:
            return _unauthorized()
        with self._lock:
            try:
                invoice = self.create({**fields, "test_mode": False}, source="public_api")
            except Unprocessable as exc:
                return JSONResponse({"errors": exc.errors}, status_code=422)
        return RedirectResponse(f"{self.base_url}/emulator/pay/{invoice.sid}", status_code=302)

    async def _public_get(self, request: Request) -> Response:
        # ASSUMPTION (§2): the cpi id is the capability; a public_key parameter is ignored.
        self._base(request)
        with self._lock:
            invoice = self.invoices.get(request.path_params["id"])
            if invoice is None:
                return _not_found()
            self.advance(invoice)
            return JSONResponse({"data": self.flat(invoice)})

    async def _hpp(self, request: Request) -> Response:
        self._base(request)
        with self._lock:
            invoice = self.invoices.get(request.query_params.get("cpi", ""))
        if invoice is None:
            return HTMLResponse(_page("Счёт не найден", "<p>Нет такого счёта.</p>"),
                                status_code=404)
        return await self._payer(request, invoice)

    async def _payer_page(self, request: Request) -> Response:
        self._base(request)
        with self._lock:
            invoice = next((i for i in self.invoices.values()
                            if i.sid == request.path_params["sid"]), None)
        if invoice is None:
            return HTMLResponse(_page("Сессия не найдена", "<p>Нет такой сессии.</p>"),
                                status_code=404)
        return await self._payer(request, invoice)

    async def _payer(self, request: Request, invoice: Invoice) -> Response:
        """The payer's page: amount, description, a card form, Pay and Decline."""
        message = ""
        if request.method == "POST":
            form = await read_form(request)
            message = self._submit(invoice, form.get("action", ""),
                                   re.sub(r"\D", "", form.get("card_number", "")),
                                   re.sub(r"\D", "", form.get("card_expiry", "")))
            self.ensure_worker()
        with self._lock:
            self.advance(invoice)
            status, amount = invoice.status, invoice.amount
        action = f"{self.base_url}/emulator/pay/{invoice.sid}"
        body = f"""
<p class="amount" id="amount">{_num_text(amount)} {invoice.service.currency}</p>
<p id="description">{html.escape(invoice.description or "")}</p>
<p>Счёт <code>{invoice.id}</code>: <b id="status">{status}</b></p>
<p id="message">{html.escape(message)}</p>"""
        if status == "process_pending":
            body += f"""
<form method="post" action="{action}">
  <label>Номер карты <input name="card_number" id="card_number" autocomplete="off"
         placeholder="5519 2838 1203 0000"></label>
  <label>Срок MMYY <input name="card_expiry" id="card_expiry" placeholder="1230"></label>
  <button type="submit" name="action" value="pay" id="pay">Оплатить</button>
  <button type="submit" name="action" value="decline" id="decline">Отказаться</button>
</form>
<p class="hint">Учебные карты: 5519283812030000 — успех; 4302912837020000 — отказ
(срок 0529 — не хватает средств, 0933 — отклонено, 1147 — банк отказал);
срок 0777 на успешной карте — ожидание.</p>"""
        return HTMLResponse(_page("Paymega — оплата", body))

    def _submit(self, invoice: Invoice, action: str, card: str, expiry: str) -> str:
        with self._lock:
            self.advance(invoice)
            if invoice.status != "process_pending":
                return "Счёт уже закрыт."
            if action == "decline":
                self.finish(invoice, "process_failed", "declined")
                return "Оплата отклонена."
            if action != "pay":
                return ""
            if card and not (12 <= len(card) <= 19 and luhn.is_valid(card)):
                return "Неверный номер карты."
            succeeds, _ = TEST_CARDS.get(card, (True, False))
            if succeeds and expiry == "0777":
                invoice.resolution = "auth_3ds_required" if TEST_CARDS.get(
                    card, (True, False))[1] else "ok"
                self._changed(invoice)
                return "Ожидание подтверждения."
            if not succeeds:
                self.finish(invoice, "process_failed", FAIL_EXPIRY.get(expiry,
                                                                       "general_fatal_error"))
                return "Оплата не прошла."
            self.pay(invoice, card=card or None)
            return "Оплата прошла успешно."


def _fields(service: Service) -> list[dict[str, Any]]:
    if service.flow != "test":
        return []
    return [{"key": "status", "type": "text", "label": {"en": "Status", "ru": "Статус",
                                                        "uk": "Статус"},
             "example": "processed", "hint": {"en": "", "ru": "", "uk": ""},
             "regexp": "^[a-zA-Z_]*$", "required": True, "position": 0}]


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _num(value: Decimal | None) -> int | float | None:
    """Amounts as Paymega writes them: 100, 123.45 (spec §3)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _num_text(value: Decimal) -> str:
    return f"{value:.2f}"


def _unauthorized() -> Response:
    return JSONResponse({"errors": [{"status": "Unauthorized", "code": "401"}]}, status_code=401)


def _not_found() -> Response:
    return JSONResponse({"errors": [{"status": "Not Found", "code": "404"}]}, status_code=404)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    phrase = {404: "Not Found", 405: "Method Not Allowed"}.get(status, "Error")
    return JSONResponse({"errors": [{"status": phrase, "code": str(status)}]},
                        status_code=status)


def _page(title: str, body: str) -> str:
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:28em;margin:2em auto;padding:0 1em}}
.amount{{font-size:2em;font-weight:bold}} label{{display:block;margin:.5em 0}}
button{{font-size:1.2em;margin:.5em .5em 0 0;padding:.4em 1em}} .hint{{color:#666}}</style>
</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"""
