"""Pegas-kassa emulator (spec pegas-kassa.md, §9 "Emulator fidelity checklist").

Mounted under ``/pegas``: the API at ``/pegas/api/v1/...`` (GET query strings and POST
JSON on the same paths, the site token in either) and the payer page at
``/pegas/pay/<id>``.  Almost everything beyond the paths is undocumented; this
follows the spec's ASSUMPTIONs, and the assumed endpoints (status, withdrawal
cancel, callbacks) can be switched off to test the "no status channel" mode.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import json
import logging
import re
import threading
import time
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
from msgspec import Struct
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from pos_app.redact import same_secret
from pos_app.sandbox.common import JSONResponse, payer_route, random_code, read_body, read_form
from pos_app.sandbox.files import jpeg_receipt, pdf_receipt

log = logging.getLogger(__name__)

DEPOSIT_TYPES = ("wallet", "wallet-card", "invoice-qw", "invoice-card", "invoice-select",
                 "yandex")
LINK_TYPES = {"invoice-qw", "invoice-card", "invoice-select", "yandex"}
METHODS = ("wallet", "yandex", "card", "nickname", "phone")
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
_PHONE = re.compile(r"\+?[0-9]{10,15}")
CALLBACK_RETRIES = (1, 5, 15, 60)  # minutes (spec §6.3)


class Invalid(Exception):
    """400 ``invalid_parameters`` with a ``validation_error`` (spec §4)."""

    def __init__(self, path: str, message: str, code: str = "invalid_parameters") -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.code = code


class Transaction(Struct):
    id: int
    order_id: str
    operation: str  # deposit | withdrawal
    type: str  # the deposit type or the withdrawal method
    amount: Decimal
    commission: Decimal
    status: str
    created_at: float
    updated_at: float
    expires_at: float
    url: str | None = None
    wallet: str | None = None
    card: str | None = None
    number: str | None = None
    comment: str | None = None
    paid_at: float | None = None
    due_status: str | None = None
    due_at: float = 0.0

    def public(self) -> dict[str, Any]:
        def iso(moment: float | None) -> str | None:
            return datetime.fromtimestamp(moment, UTC).astimezone().isoformat(
                timespec="seconds") if moment else None
        return {"id": self.id, "order_id": self.order_id, "operation": self.operation,
                "type": self.type, "amount": _num(self.amount),
                "commission": _num(self.commission), "status": self.status,
                "created_at": iso(self.created_at), "updated_at": iso(self.updated_at),
                "expires_at": iso(self.expires_at), "errors": []}


class PegasSandbox:
    """In-memory Pegas-kassa site. Thread-safe for the server thread."""

    name = "pegas"

    def __init__(self, *, token: str = "pegas-training-token") -> None:
        self.token = token
        self.transactions: dict[int, Transaction] = {}
        self.balance = Decimal("25340.15")
        self.commission_rate = Decimal("0.03")
        self.min_amount, self.max_amount = Decimal("10.00"), Decimal("100000.00")
        self.assumed_endpoints = True
        self.receipt_delay_s = 0.0
        self.provider_error_types: list[str] = []
        self.withdrawal_delay_s = 1.0
        self.default_ttl_minutes = 30
        self.auto: dict[str, Any] = {"mode": "never", "delay_ms": 0}
        self.callback_url: str | None = None
        self.time_scale = 60.0
        self.callback_transport: httpx.AsyncBaseTransport | None = None
        self.delivered: list[dict[str, Any]] = []
        self.base_url = "http://sandbox/pegas"
        self._pending: list[tuple[float, int, bytes, int]] = []  # due, attempt, body, txn id
        # Ids go on from the time it started: the training journal outlives the sandbox, and
        # a second training day's transactions must not take the first day's ids.
        self._next_id = 184467 + int(time.time()) % 10_000_000
        self._worker: asyncio.Task[None] | None = None
        self._lock = threading.RLock()

    # -- state --

    def snapshot(self) -> list[dict[str, Any]]:
        """Every transaction as it is now (for tests and drills: the provider's truth)."""
        for txn in self.transactions.values():
            self.advance(txn)
        return [{**txn.public(), "operation": txn.operation}
                for txn in self.transactions.values()]

    def advance(self, txn: Transaction) -> None:
        now = time.time()
        # What the simulated payer decided happens only to a transaction still open: a
        # deposit cancelled meanwhile was paid by it once (the real service would not).
        if txn.due_status and now >= txn.due_at and txn.status in ("waiting", "created",
                                                                   "processing"):
            status, txn.due_status = txn.due_status, None
            self._set(txn, status)
            if txn.operation == "withdrawal" and status == "processing":
                txn.due_status, txn.due_at = "success", now + self.withdrawal_delay_s
        if txn.status in ("waiting", "created") and now >= txn.expires_at:
            self._set(txn, "expired")

    def _set(self, txn: Transaction, status: str) -> None:
        txn.status = status
        txn.updated_at = time.time()
        if status == "paid":
            txn.paid_at = txn.updated_at
            self.balance += txn.amount - txn.commission
        elif status == "success":
            txn.paid_at = txn.updated_at
        elif txn.operation == "withdrawal" and status in ("failed", "canceled", "expired"):
            self.balance += txn.amount + txn.commission  # the hold is released
        if self.callback_url and self.assumed_endpoints:
            body = json.dumps(txn.public(), ensure_ascii=False).encode()
            self._pending.append((time.time(), 1, body, txn.id))

    def pay(self, txn: Transaction) -> bool:
        self.advance(txn)
        if txn.status != "waiting":
            return False
        self._set(txn, "paid")
        return True

    def fail(self, txn: Transaction, *, expire: bool = False) -> bool:
        self.advance(txn)
        if txn.status not in ("waiting", "created", "processing"):
            return False
        self._set(txn, "expired" if expire else "failed")
        return True

    def _new(self, params: dict[str, str], operation: str, kind: str, amount: Decimal,
             ttl_minutes: int) -> Transaction:
        now = time.time()
        self._next_id += 1
        commission = (amount * self.commission_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        txn = Transaction(id=self._next_id, order_id=params["order_id"], operation=operation,
                          type=kind, amount=amount, commission=commission,
                          status="waiting" if operation == "deposit" else "created",
                          created_at=now, updated_at=now, expires_at=now + ttl_minutes * 60)
        self.transactions[txn.id] = txn
        return txn

    # -- API --

    def deposit(self, params: dict[str, str]) -> dict[str, Any]:
        amount = self._amount(params)
        kind = params.get("type", "")
        if kind not in DEPOSIT_TYPES:
            raise Invalid("type", f"The type must be one of: {', '.join(DEPOSIT_TYPES)}.")
        order_id = self._order_id(params)
        ttl = self._ttl(params, required=kind == "wallet")
        if kind == "invoice-qw" and not _PHONE.fullmatch(params.get("phone", "")):
            raise Invalid("phone", "The phone must be in international format.")
        if kind in self.provider_error_types:
            raise Invalid("", f"Provider refused the {kind} payment.", code="provider_error")
        txn = self._new({**params, "order_id": order_id}, "deposit", kind, amount, ttl)
        answer: dict[str, Any] = {"id": txn.id, "commission": _num(txn.commission)}
        if kind in LINK_TYPES:
            txn.url = f"{self.base_url}/pay/{txn.id}?sig={random_code(6).lower()}"
            answer["url"] = txn.url
        elif kind == "wallet":
            txn.wallet = "+7999" + f"{txn.id % 10_000_000:07d}"
            answer["wallet"] = txn.wallet
        else:
            txn.card = "4276" + f"{txn.id:012d}"[-12:]
            answer["card"] = txn.card
        if self.auto["mode"] in ("pay", "decline"):
            txn.due_status = "paid" if self.auto["mode"] == "pay" else "failed"
            txn.due_at = time.time() + self.auto["delay_ms"] / 1000
        return {**answer, "errors": []}

    def cancel(self, params: dict[str, str], operation: str = "deposit") -> dict[str, Any]:
        txn = self._pair(params, operation)
        self.advance(txn)
        if txn.status == "canceled":
            return {"id": txn.id, "errors": []}  # idempotent (ASSUMPTION §5.2)
        if txn.status not in ("waiting", "created"):
            raise Invalid("id", "Transaction cannot be cancelled")
        self._set(txn, "canceled")
        return {"id": txn.id, "errors": []}

    def withdrawal(self, params: dict[str, str]) -> dict[str, Any]:
        amount = self._amount(params)
        method = params.get("method", "")
        if method not in METHODS:
            raise Invalid("method", f"The method must be one of: {', '.join(METHODS)}.")
        number = params.get("number", "")
        if not re.fullmatch(r"[+A-Za-z0-9_.-]{3,64}", number):
            raise Invalid("number", "The number is not valid.")
        comment = params.get("comment")
        if comment is not None and not 3 <= len(comment) <= 100:
            raise Invalid("comment", "The comment must be between 3 and 100 characters.")
        order_id = self._order_id(params)  # ASSUMPTION: required, for idempotency
        commission = (amount * self.commission_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if amount + commission > self.balance:
            raise Invalid("", "Insufficient funds", code="provider_error")
        txn = self._new({**params, "order_id": order_id}, "withdrawal", method, amount,
                        self._ttl(params, required=False))
        txn.number, txn.comment = number, comment
        self.balance -= amount + commission  # held until it succeeds or fails
        txn.due_status, txn.due_at = "processing", time.time() + 0.2
        return {"id": txn.id, "commission": _num(txn.commission), "errors": []}

    def status(self, params: dict[str, str]) -> dict[str, Any]:
        txn = self._find(params)
        self.advance(txn)
        return txn.public()

    def receipt(self, params: dict[str, str]) -> tuple[bytes, str, str]:
        fmt = params.get("format", "")
        if fmt not in ("pdf", "jpeg"):
            raise Invalid("format", "The format must be pdf or jpeg.")
        txn = self._find(params)
        self.advance(txn)
        if txn.status not in ("paid", "success") or txn.paid_at is None or \
                time.time() < txn.paid_at + self.receipt_delay_s:
            raise LookupError("no receipt for this transaction")
        lines = ["PEGAS-KASSA", "RECEIPT" if txn.operation == "deposit" else "PAYOUT",
                 f"ID: {txn.id}", f"ORDER: {txn.order_id}", f"TYPE: {txn.type}",
                 f"AMOUNT: {txn.amount:.2f} RUB", f"COMMISSION: {txn.commission:.2f} RUB",
                 f"DATE: {datetime.fromtimestamp(txn.paid_at, UTC):%Y-%m-%d %H:%M:%S} UTC",
                 f"STATUS: {txn.status}"]
        if fmt == "pdf":
            return pdf_receipt(lines), "application/pdf", f"receipt-{txn.id}.pdf"
        return jpeg_receipt(lines), "image/jpeg", f"receipt-{txn.id}.jpg"

    # -- validation --

    def _amount(self, params: dict[str, str]) -> Decimal:
        text = params.get("amount", "")
        if not _AMOUNT.fullmatch(text):
            raise Invalid("amount", "The amount must be a number with a dot and at most two "
                                    "decimals.")
        amount = Decimal(text)
        if amount <= 0:
            raise Invalid("amount", "The amount must be greater than 0.")
        if not self.min_amount <= amount <= self.max_amount:
            raise Invalid("amount", f"The amount must be between {self.min_amount} and "
                                    f"{self.max_amount}.")
        return amount

    def _order_id(self, params: dict[str, str]) -> str:
        order_id = params.get("order_id", "")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", order_id):
            raise Invalid("order_id", "The order id is required (up to 64 of A-Z a-z 0-9 _ -).")
        if any(t.order_id == order_id for t in self.transactions.values()):
            raise Invalid("order_id", "The order id has already been taken.")
        return order_id

    def _ttl(self, params: dict[str, str], *, required: bool) -> int:
        text = params.get("ttl")
        if text is None:
            if required:
                raise Invalid("ttl", "The ttl is required for this type.")
            return self.default_ttl_minutes
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 1440:
            raise Invalid("ttl", "The ttl must be 1 to 1440 minutes.")
        return int(text)

    def _find(self, params: dict[str, str]) -> Transaction:
        if params.get("id"):
            wanted = params["id"]
            txn = self.transactions.get(int(wanted)) \
                if wanted.isascii() and wanted.isdigit() else None
        elif params.get("order_id"):
            txn = next((t for t in self.transactions.values()
                        if t.order_id == params["order_id"]), None)
        else:
            raise Invalid("id", "The id or the order id is required.")
        if txn is None:
            raise LookupError("not found")
        return txn

    def _pair(self, params: dict[str, str], operation: str) -> Transaction:
        txn = self._find({"id": params.get("id", "")}) if params.get("id") else None
        if txn is None or txn.order_id != params.get("order_id") or txn.operation != operation:
            raise LookupError("order_id and id do not match")
        return txn

    # -- callbacks (assumed, spec §6.3) --

    def ensure_worker(self) -> None:
        if self._pending and (self._worker is None or self._worker.done()):
            self._worker = asyncio.get_running_loop().create_task(self._deliver_all())

    async def _deliver_all(self) -> None:
        async with httpx.AsyncClient(transport=self.callback_transport, timeout=10) as client:
            while True:
                with self._lock:
                    if not self._pending or not self.callback_url:
                        return
                    due, attempt, body, txn_id = min(self._pending)
                    if due <= time.time():
                        self._pending.remove((due, attempt, body, txn_id))
                if due > time.time():
                    await asyncio.sleep(min(due - time.time(), 1.0))
                    continue
                signature = hmac.new(self.token.encode(), body, hashlib.sha256).hexdigest()
                try:
                    response = await client.post(self.callback_url, content=body, headers={
                        "Content-Type": "application/json", "X-Signature": signature})
                    code = response.status_code
                except httpx.HTTPError:
                    code = 0
                with self._lock:
                    self.delivered.append({"id": txn_id, "attempt": attempt, "code": code})
                    if code != 200 and attempt <= len(CALLBACK_RETRIES):
                        delay = CALLBACK_RETRIES[attempt - 1] * 60 / self.time_scale
                        self._pending.append((time.time() + delay, attempt + 1, body, txn_id))

    # -- the training server --

    def bind(self, base_url: str) -> None:
        self.base_url = base_url

    def credentials(self) -> dict[str, str]:
        return {"base_url": f"{self.base_url}/api/v1", "token": self.token}

    def error_body(self, status: int) -> Any:
        return {"errors": [{"code": "internal_error", "message": "Internal error"}]}

    def control_routes(self) -> list[BaseRoute]:
        """The training payer (``/payments/{id}/{outcome}``: pay, fail, expire) and the
        site's switches (balance, commission, the assumed endpoints)."""
        async def transactions(request: Request) -> Response:
            with self._lock:
                for txn in self.transactions.values():
                    self.advance(txn)
                return JSONResponse([{**txn.public(), "url": txn.url, "wallet": txn.wallet,
                                      "card": txn.card} for txn in self.transactions.values()])

        async def decide(request: Request) -> Response:
            outcome = request.path_params["outcome"]
            with self._lock:
                txn = self.transactions.get(request.path_params["id"])
                if txn is None:
                    return JSONResponse({"error": "no such transaction"}, status_code=404)
                if outcome == "pay":
                    changed = self.pay(txn)
                elif outcome in ("fail", "expire"):
                    changed = self.fail(txn, expire=outcome == "expire")
                else:
                    return JSONResponse({"error": "use pay, fail or expire"}, status_code=404)
                status = txn.status
            self.ensure_worker()
            return JSONResponse({"changed": changed, "status": status})

        async def settings(request: Request) -> Response:
            body, _ = await read_body(request)
            allowed = {"assumed_endpoints", "receipt_delay_s", "provider_error_types",
                       "withdrawal_delay_s", "callback_url", "time_scale", "default_ttl_minutes"}
            for key, value in (body if isinstance(body, dict) else {}).items():
                if key in ("balance", "commission_rate"):
                    setattr(self, key, Decimal(str(value)))
                elif key in allowed:
                    setattr(self, key, value)
                else:
                    return JSONResponse({"error": f"unknown setting {key}"}, status_code=400)
            return JSONResponse({**{key: getattr(self, key) for key in sorted(allowed)},
                                 "balance": str(self.balance),
                                 "commission_rate": str(self.commission_rate)})

        return [
            Route("/transactions", transactions, methods=["GET"]),
            Route("/transactions/{id:int}/{outcome:str}", decide, methods=["POST"]),
            Route("/payments/{id:int}/{outcome:str}", decide, methods=["POST"]),
            payer_route(self),
            Route("/settings", settings, methods=["GET", "POST"]),
        ]

    # -- HTTP --

    def app(self) -> Starlette:
        api = "/api/v1"
        routes = [Route(f"{api}{path}", self._endpoint(handler), methods=["GET", "POST"])
                  for path, handler in (("/deposit", self.deposit),
                                        ("/deposit/cancel", self.cancel),
                                        ("/withdrawal", self.withdrawal),
                                        ("/balance", self._balance))]
        routes += [
            Route(f"{api}/withdrawal/cancel", self._endpoint(
                lambda p: self.cancel(p, "withdrawal"), assumed=True), methods=["GET", "POST"]),
            Route(f"{api}/transaction", self._endpoint(self.status, assumed=True),
                  methods=["GET", "POST"]),
            Route(f"{api}/transaction/receipt/file", self._receipt_file, methods=["GET", "POST"]),
            Route("/pay/{id:int}", self._payer_page, methods=["GET", "POST"]),
        ]
        return Starlette(routes=routes)

    def _balance(self, params: dict[str, str]) -> dict[str, Any]:
        return {"balance": _num(self.balance), "errors": []}

    async def _params(self, request: Request) -> dict[str, str]:
        params = dict(request.query_params)
        if request.method == "POST":
            try:
                body = json.loads(await request.body() or b"{}")
            except ValueError:
                raise Invalid("", "The request body is not JSON.", code="parsing_error") from None
            if not isinstance(body, dict):
                raise Invalid("", "The request body is not a JSON object.",
                              code="parsing_error")
            params.update({k: str(v) for k, v in body.items() if v is not None})
        return params

    def _endpoint(self, handler: Any, *, assumed: bool = False) -> Any:
        async def endpoint(request: Request) -> Response:
            self.base_url = f"{request.url.scheme}://{request.url.netloc}" \
                            f"{request.scope.get('root_path', '')}"
            if assumed and not self.assumed_endpoints:
                return HTMLResponse("<h1>404 Not Found</h1>", status_code=404)  # no such path
            try:
                params = await self._params(request)
                if not same_secret(params.get("token", ""), self.token):
                    return _error(401, "authorization_error", "Invalid token")
                with self._lock:
                    answer = handler(params)
            except Invalid as exc:
                return _error(400, exc.code, "The given data was invalid." if exc.path
                              else exc.message, exc.path, exc.message)
            except LookupError:
                return _error(404, "resource_not_found", "Resource not found")
            self.ensure_worker()
            return JSONResponse(answer)
        return endpoint

    async def _receipt_file(self, request: Request) -> Response:
        try:
            params = await self._params(request)
            if not same_secret(params.get("token", ""), self.token):
                return _error(401, "authorization_error", "Invalid token")
            with self._lock:
                content, kind, name = self.receipt(params)
        except Invalid as exc:
            return _error(400, exc.code, "The given data was invalid.", exc.path, exc.message)
        except LookupError:
            return _error(404, "resource_not_found", "Receipt not found")
        return Response(content, media_type=kind,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def _payer_page(self, request: Request) -> Response:
        """The page behind a deposit's ``url``: amount, Pay and Decline."""
        message = ""
        with self._lock:
            txn = self.transactions.get(request.path_params["id"])
        if txn is None or txn.operation != "deposit":
            return HTMLResponse(_page("Не найдено", "<p>Нет такого счёта.</p>"), status_code=404)
        if request.method == "POST":
            action = (await read_form(request)).get("action")
            with self._lock:
                if action == "pay":
                    message = "Оплата прошла." if self.pay(txn) else "Счёт уже закрыт."
                elif action == "decline":
                    message = "Вы отказались от оплаты." if self.fail(txn) else \
                        "Счёт уже закрыт."
            self.ensure_worker()
        with self._lock:
            self.advance(txn)
            status = txn.status
        body = (f'<p class="amount" id="amount">{txn.amount:.2f} ₽</p>'
                f"<p>Заказ <code>{html.escape(txn.order_id)}</code>, способ {txn.type}: "
                f'<b id="status">{status}</b></p><p id="message">{html.escape(message)}</p>')
        if status == "waiting":
            body += (f'<form method="post" action="{request.url.path}">'
                     '<button type="submit" name="action" value="pay" id="pay">Оплатить</button>'
                     '<button type="submit" name="action" value="decline" id="decline">'
                     "Отказаться</button></form>")
        return HTMLResponse(_page("Pegas-kassa — оплата", body))


def _error(status: int, code: str, message: str, path: str = "",
           detail: str = "") -> Response:
    entry: dict[str, Any] = {"code": code, "message": message}
    if path:
        entry["validation_error"] = {"path": path, "message": detail}
    return JSONResponse({"errors": [entry]}, status_code=status)


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>'
            "<style>body{font-family:sans-serif;max-width:28em;margin:2em auto}"
            ".amount{font-size:2em;font-weight:bold}button{font-size:1.2em;margin:.5em}"
            f"</style></head><body><h1>{title}</h1>{body}</body></html>")
