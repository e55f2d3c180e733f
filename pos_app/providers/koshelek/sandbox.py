"""Koshelek Pay emulator (spec koshelek-pay.md, §12 "Notes for a faithful local emulator").

Mounted under ``/koshelek`` (the partner-name segment of the base URL, spec §2.1).
State lives in memory.  Where the spec leaves behaviour open, the choice is
written next to the code as ASSUMPTION, matching the spec's own assumptions.

Training customers: ``POST /_sandbox/koshelek/sessions`` creates one and returns a
barcode ``KP<13-digit card><8-char cardSession><6-digit TOTP>``.  The TOTP module
is played by ``POST /_sandbox/koshelek/verify`` (``barcodeVerify``) and
``GET /_sandbox/koshelek/token`` (``getToken``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import io
import json
import re
import secrets
import threading
import time
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec
from msgspec import Struct, field
from msgspec.structs import asdict
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route, Router

from pos_app.redact import basic_auth_ok, same_secret
from pos_app.sandbox.common import JSONResponse, random_code, read_body, utc_millis
from pos_app.sandbox.provider import TRAINING_STORE

PREFIX = "/koshelek"
MIN_AMOUNT = 400  # kopecks: TOTAL_AMOUNT_IS_TOO_SMALL below this (spec §3.2)
MAX_AMOUNT = 9_999_999_999  # 10 digits
STATUSES_FINAL = {"accepted", "rejected", "canceled", "refunded"}
PAYMENT_ERROR_CODES = ("NOT_ENOUGH_LIMIT_TO_PAY", "TOTAL_AMOUNT_IS_TOO_SMALL",
                       "EXTERNAL_PROVIDER_ERROR", "SUBSCRIPTION_IS_NOT_FOUND",
                       "PAYMENT_DECLINED_BY_EXTERNAL_PROVIDER", "PAYMENT_ORDER_IS_NOT_FOUND")
MEASURES = {"PIECE", "GRAM", "KILOGRAM", "TON", "CENTIMETER", "DECIMETER", "METER",
            "SQUARE_CENTIMETER", "SQUARE_DECIMETER"}
TAXES = {"none", "vat0", "vat10", "vat20", "vat110", "vat120"}
_BARCODE = re.compile(r"^KP([0-9]{13})([A-Z0-9]{8})([0-9]{6})$")
TOTP_STEP = 30
TOTP_WINDOW = 10  # steps either side: a code shown up to five minutes ago still verifies


class Behaviour(Struct):
    """How the training customer answers a payment request in the app."""

    mode: str = "approve"  # approve | decline | cancel | never
    delay_ms: int = 1500
    error_code: str = "PAYMENT_DECLINED_BY_EXTERNAL_PROVIDER"
    pending_after_ms: int = 150
    payment_type: str = "SBP"

    def __post_init__(self) -> None:
        if self.mode not in ("approve", "decline", "cancel", "never"):
            raise ValueError(f"unknown behaviour mode {self.mode!r}")
        if self.error_code not in PAYMENT_ERROR_CODES:
            raise ValueError(f"unknown errorCode {self.error_code!r}")


class Session(Struct):
    card_session: str
    loyalty_id: str
    registered: bool = True
    pay_available: bool = True
    behaviour: Behaviour | None = None
    transaction_id: str | None = None


class RefTransaction(Struct):
    id: str
    kind: str  # cancel | refund
    status: str  # new | accepted | rejected
    amount: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)
    error_code: str | None = None
    completes_at: float = 0.0
    slip: dict[str, Any] | None = None


class Transaction(Struct):
    id: str
    card_session: str
    store_id: str
    terminal_id: str
    order_id: str
    total: int
    items: list[dict[str, Any]]
    payment_type: str
    behaviour: Behaviour
    created: float
    status: str = "new"
    error_code: str | None = None
    refunded: int = 0
    refs: list[RefTransaction] = field(default_factory=list)
    slip: dict[str, Any] | None = None
    operation_date: str = field(default_factory=utc_millis)

    def public(self) -> dict[str, Any]:
        data: dict[str, Any] = msgspec.to_builtins(self)  # its refunds and cancels as dicts
        del data["created"]
        return data


class BadRequest(Exception):
    """A request the emulator rejects as invalid (ASSUMPTION: HTTP 400, see spec §3.5)."""


class Unprocessable(Exception):
    """HTTP 422 with a spec §8.1 code."""

    def __init__(self, code: str, details: str) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


class KoshelekSandbox:
    """In-memory Koshelek Pay. Thread-safe: the server may run it on another thread."""

    name = "koshelek"
    base_url = f"http://sandbox{PREFIX}"

    def __init__(self, *, login: str = "pos-training",
                 password: str = "training-password",
                 refund_delay_ms: int = 0, cancel_refusal: str = "200",
                 async_availability: bool = False) -> None:
        self.login = login
        self.password = password
        self.behaviour = Behaviour()
        self.refund_delay_ms = refund_delay_ms
        # ASSUMPTION (spec §4.6): a refused cancel is 200 + refStatus rejected; "422" switches
        # to 422 WRONG_TRANSACTION_STATE_CHANGE.
        self.cancel_refusal = cancel_refusal
        self.async_availability = async_availability
        self.stores: set[str] = {TRAINING_STORE}
        self.sessions: dict[str, Session] = {}
        self.transactions: dict[str, Transaction] = {}
        self._replies: dict[tuple[str, str], tuple[int, Any]] = {}
        self._availability: dict[str, dict[str, Any]] = {}
        self._secret = secrets.token_bytes(16)
        self._lock = threading.RLock()
        # What clients sent, with the monotonic time it arrived: tests check timing and bodies.
        self.requests: list[tuple[float, str, dict[str, Any]]] = []

    # -- the TOTP module's side --------------------------------------------------------

    def _totp(self, card_session: str, step: int) -> str:
        digest = hmac.new(self._secret, f"{card_session}:{step}".encode(), hashlib.sha1).digest()
        return f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"

    def new_session(self, *, registered: bool = True, pay_available: bool = True,
                    behaviour: Behaviour | None = None) -> dict[str, str]:
        with self._lock:
            card_session = random_code(8)
            loyalty_id = "77" + "".join(secrets.choice("0123456789") for _ in range(11))
            session = Session(card_session, loyalty_id, registered, pay_available, behaviour)
            self.sessions[card_session] = session
            return {"barcode": self.barcode(card_session), "cardSession": card_session,
                    "loyaltyId": loyalty_id}

    def barcode(self, card_session: str) -> str:
        session = self.sessions[card_session]
        step = int(time.time()) // TOTP_STEP
        return f"KP{session.loyalty_id}{card_session}{self._totp(card_session, step)}"

    def verify(self, barcode: str) -> dict[str, Any]:
        """``barcodeVerify`` (spec §2.4): parse and check the TOTP; offline, like the library."""
        match = _BARCODE.match(barcode.strip())
        if not match:
            return {"resultCode": "INVALID_BARCODE", "totpCodeValid": False}
        loyalty_id, card_session, code = match.groups()
        step = int(time.time()) // TOTP_STEP
        valid = any(same_secret(code, self._totp(card_session, s))
                    for s in range(step - TOTP_WINDOW, step + TOTP_WINDOW + 1))
        with self._lock:
            session = self.sessions.get(card_session)
        available = session is None or session.pay_available
        return {
            "resultCode": "CARDSESSION_AVAILABLE" if available else "CARDSESSION_NOT_AVAILABLE",
            "totpCodeValid": valid,
            "cardNumber": loyalty_id,
            "cardSession": card_session if available else None,
        }

    def token(self) -> str:
        payload = base64.b64encode(json.dumps(
            {"fp": "training-cash-desk", "ts": int(time.time() * 1000)}).encode()).decode()
        return payload + self._token_code(payload)

    def _token_code(self, payload: str) -> str:
        digest = hmac.new(self._secret, payload.encode(), hashlib.sha256).digest()
        return f"{int.from_bytes(digest[:4], 'big') % 1000:03d}"

    def token_ok(self, token: str | None) -> bool:
        if not token or len(token) < 4:
            return False
        payload, code = token[:-3], token[-3:]
        if not same_secret(code, self._token_code(payload)):
            return False
        try:
            issued = float(json.loads(base64.b64decode(payload))["ts"]) / 1000
        except (ValueError, KeyError, TypeError):
            return False
        return time.time() - issued < 300

    # -- control ------------------------------------------------------------------------

    def force(self, transaction_id: str, outcome: str, error_code: str | None = None) -> bool:
        with self._lock:
            txn = self.transactions.get(transaction_id)
            if txn is None:
                raise KeyError(transaction_id)
            self._advance(txn)
            if txn.status not in ("new", "pending"):
                return False
            if outcome == "approve":
                self._finish(txn, "accepted")
            else:
                self._finish(txn, "rejected", error_code or "PAYMENT_DECLINED_BY_EXTERNAL_PROVIDER")
            return True

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            for txn in self.transactions.values():
                self._advance(txn)
            return [txn.public() for txn in self.transactions.values()]

    # -- state machine (spec §6) ------------------------------------------------------

    def _advance(self, txn: Transaction) -> None:
        """Apply whatever the customer or the bank did by now (lazy timers)."""
        now = time.monotonic()
        elapsed_ms = (now - txn.created) * 1000
        b = txn.behaviour
        if txn.status == "new" and elapsed_ms >= b.pending_after_ms:
            txn.status = "pending"
        if txn.status in ("new", "pending") and b.mode != "never" and elapsed_ms >= b.delay_ms:
            outcome = {"approve": ("accepted", None), "decline": ("rejected", b.error_code),
                       "cancel": ("canceled", None)}[b.mode]
            self._finish(txn, *outcome)
        for ref in txn.refs:
            if ref.kind == "refund" and ref.status == "new" and now >= ref.completes_at:
                self._complete_refund(txn, ref)

    def _finish(self, txn: Transaction, status: str, error_code: str | None = None) -> None:
        txn.status = status
        txn.error_code = error_code
        txn.operation_date = utc_millis()
        if status in ("accepted", "rejected"):
            txn.slip = self._slip(txn, txn.total)

    def _slip(self, txn: Transaction, amount: int, ref: RefTransaction | None = None,
              ) -> dict[str, Any]:
        slip: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "paymentType": txn.payment_type,
            "storeId": txn.store_id,
            "terminalId": txn.terminal_id,
            "orderId": txn.order_id,
            "paymentTransactionId": txn.id,
            "operationDateTime": utc_millis(),
            "totalAmount": amount,
            "currency": "RUB",
        }
        if ref is not None and ref.kind == "refund":
            slip["refundTransactionId"] = ref.id
        if txn.status != "rejected" or ref is not None:
            slip["operationId"] = random_code(32, "0123456789ABCDEF")
        if txn.payment_type == "SBP":
            slip.update(merchantId="MA0000012345", qrcId="AS1" + random_code(29), kzo="3")
        return slip

    def _complete_refund(self, txn: Transaction, ref: RefTransaction) -> None:
        ref.status = "accepted"
        txn.refunded += ref.amount
        txn.status = "refunded" if txn.refunded >= txn.total else "partial_refunded"
        ref.slip = self._slip(txn, ref.amount, ref)

    # -- API handlers -------------------------------------------------------------------

    def _replay_or(self, endpoint: str, body: dict[str, Any], handler: Any) -> tuple[int, Any]:
        """Idempotency by requestId (spec §3.7): a repeat gets the first answer, body ignored."""
        request_id = body.get("requestId")
        _check_str(body, "requestId", 36)
        key = (endpoint, str(request_id))
        if key in self._replies:
            return self._replies[key]
        try:
            reply: tuple[int, Any] = handler(body)
        except Unprocessable as exc:
            reply = (422, {"code": exc.code, "details": exc.details})
        self._replies[key] = reply
        return reply

    def availability(self, body: dict[str, Any]) -> tuple[int, Any]:
        body = {**body, "cardSession": body.get("cardSession", body.get("cardsession"))}
        _check_common(body, "cardSession")  # both spellings accepted (spec §5.9)
        card_session: str = body["cardSession"]
        _check_invoice(body.get("checkoutInvoice"))
        self._known_store(body["storeId"])
        session = self._session(card_session)
        total = _amount(body["checkoutInvoice"], "totalAmount")
        info = [
            {"paymentType": "SBP", "available": session.pay_available, "message": ""},
            {"paymentType": "DOLYAME", "available": total >= 4000,
             "message": "" if total >= 4000 else "Оплата частями доступна от 40 ₽"},
        ]
        result = {"koshelekPayIsDefault": session.pay_available,
                  "paymentTypeAvailabilityInfoList": info}
        if self.async_availability:
            availability_id = str(uuid.uuid4())
            self._availability[availability_id] = result
            return 201, {"availabilityInfoId": availability_id, "timeout": 200}
        return 200, result

    def checkout(self, body: dict[str, Any]) -> tuple[int, Any]:
        _check_common(body, "cardSession")
        card_session: str = body["cardSession"]
        invoice = _check_invoice(body.get("checkoutInvoice"))
        methods = body.get("paymentMethods")
        if not isinstance(methods, list) or not methods or not all(
                isinstance(m, dict) and m.get("type") in ("SBP", "DOLYAME") for m in methods):
            raise BadRequest("paymentMethods: нужен непустой список с type SBP или DOLYAME")
        user = body.get("user")
        if not isinstance(user, dict):
            raise BadRequest("user: обязательный объект")
        _check_str(user, "loyaltyId", 36)
        self._known_store(body["storeId"])
        session = self._session(card_session)
        if session.transaction_id is not None:
            existing = self.transactions[session.transaction_id]
            self._advance(existing)
            code = ("TRANSACTION_FOR_SESSION_ID_ALREADY_PAYED" if existing.status == "accepted"
                    else "TRANSACTION_FOR_SESSION_ID_ALREADY_EXISTS")
            raise Unprocessable(code, "Транзакция для этой сессии уже существует")
        total = _amount(invoice, "totalAmount")
        behaviour = session.behaviour or self.behaviour
        txn = Transaction(
            id=str(uuid.uuid4()), card_session=body["cardSession"], store_id=body["storeId"],
            terminal_id=body["terminalId"], order_id=invoice["orderId"], total=total,
            items=invoice["items"], payment_type=methods[0]["type"], behaviour=behaviour,
            created=time.monotonic(),
        )
        self.transactions[txn.id] = txn
        session.transaction_id = txn.id
        if total < MIN_AMOUNT:
            self._finish(txn, "rejected", "TOTAL_AMOUNT_IS_TOO_SMALL")
        answer = {"requestId": body["requestId"], "transactionId": txn.id,
                  "status": txn.status, "slip": self._slip(txn, total)}
        if txn.error_code:
            answer["errorCode"] = txn.error_code
        return 200, answer

    def status(self, body: dict[str, Any]) -> tuple[int, Any]:
        txn_id, ref_id = body.get("transactionId"), body.get("refTransactionId")
        if not txn_id and not ref_id:
            raise BadRequest("нужен transactionId или refTransactionId")
        txn, ref = self._find(txn_id, ref_id)
        if txn is None:
            # spec §4.4: an empty status when the transaction is not found.
            return 200, {"requestId": body["requestId"], "transactionId": txn_id or "",
                         "status": ""}
        self._advance(txn)
        answer = self._status_body(txn, ref if ref_id else (txn.refs[-1] if txn.refs else None))
        answer["requestId"] = body["requestId"]
        return 200, answer

    def _status_body(self, txn: Transaction, ref: RefTransaction | None) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "transactionId": txn.id,
            "status": txn.status,
            "paymentGroup": "INSTALLMENT" if txn.payment_type == "DOLYAME" else "SBP",
            "paymentProvider": txn.payment_type,
        }
        slip = ref.slip if ref is not None and ref.slip else txn.slip
        if slip:
            answer["slip"] = slip
        if txn.status == "rejected":
            answer["errorCode"] = txn.error_code
        if ref is not None:
            answer["refTransactionId"] = ref.id
            answer["refStatus"] = ref.status
            if ref.error_code:
                answer["errorCode"] = ref.error_code
        return answer

    def cancel(self, body: dict[str, Any]) -> tuple[int, Any]:
        _check_common(body, None)
        _check_str(body, "transactionId", 36)
        self._known_store(body["storeId"])
        txn = self.transactions.get(body["transactionId"])
        if txn is None:
            raise Unprocessable("UNKNOWN_TRANSACTION_ID", "Транзакция не найдена")
        self._advance(txn)
        ref = RefTransaction(id=str(uuid.uuid4()), kind="cancel", status="accepted")
        if txn.status in ("new", "pending"):
            txn.status = "canceled"
            txn.operation_date = utc_millis()
        else:
            if self.cancel_refusal == "422":
                raise Unprocessable("WRONG_TRANSACTION_STATE_CHANGE",
                                    f"Отмена невозможна: транзакция в статусе {txn.status}")
            ref.status = "rejected"
        txn.refs.append(ref)
        answer = {"requestId": body["requestId"], "refTransactionId": ref.id,
                  "refStatus": ref.status, "transactionId": txn.id, "status": txn.status,
                  "slip": self._slip(txn, txn.total)}
        return 200, answer

    def refund(self, body: dict[str, Any]) -> tuple[int, Any]:
        _check_common(body, None)
        _check_str(body, "transactionId", 36)
        self._known_store(body["storeId"])
        amount = _amount(body, "refundAmount")
        if amount <= 0:
            raise BadRequest("refundAmount: должно быть больше 0")
        if body.get("currency", "RUB") not in ("RUB", "", None):
            raise BadRequest("currency: ожидается RUB")
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise BadRequest("items: нужен непустой список")
        for item in items:
            _check_item(item)
        if sum(_amount(i, "totalAmount") for i in items) != amount:
            raise BadRequest("refundAmount не равен сумме totalAmount позиций")
        txn = self.transactions.get(body["transactionId"])
        if txn is None:
            raise Unprocessable("UNKNOWN_TRANSACTION_ID", "Транзакция не найдена")
        self._advance(txn)
        ref = RefTransaction(id=str(uuid.uuid4()), kind="refund", status="new", amount=amount,
                             items=items)
        error = self._refund_refusal(txn, amount, items)
        if error:
            ref.status, ref.error_code = "rejected", error
        else:
            txn.status = "refunding"
            ref.completes_at = time.monotonic() + self.refund_delay_ms / 1000
            if self.refund_delay_ms <= 0:
                self._complete_refund(txn, ref)
        txn.refs.append(ref)
        answer = {"requestId": body["requestId"], "refTransactionId": ref.id,
                  "refStatus": ref.status, "transactionId": txn.id, "status": txn.status,
                  "slip": ref.slip or self._slip(txn, amount, ref)}
        if ref.error_code:
            answer["errorCode"] = ref.error_code
        return 200, answer

    def _refund_refusal(self, txn: Transaction, amount: int,
                        items: list[dict[str, Any]]) -> str | None:
        if txn.status == "refunding":
            return "PAYMENT_TRANSACTION_IS_BEING_REFUNDED_ALREADY"
        if txn.status in ("new", "pending", "rejected"):
            return "PAYMENT_TRANSACTION_IS_NOT_PAID"
        if txn.status in ("canceled", "refunded"):
            return "TERMINAL_STATE_OF_PAYMENT_TRANSACTION"
        if amount > txn.total - txn.refunded:
            return "REQUESTED_REFUND_AMOUNT_IS_GREATER_THAN_AVAILABLE"
        sold = {(i["article"], i["name"]): i for i in txn.items}
        for item in items:
            original = sold.get((item["article"], item["name"]))
            if original is None:
                continue  # ASSUMPTION: a refund "by amount" line is not matched against goods
            if item.get("measure", "PIECE") != "PIECE" and _decimal(item, "quantity") != \
                    _decimal(original, "quantity"):
                raise BadRequest(f"{item['name']}: нештучный товар возвращается только целиком")
        return None

    def receipt(self, body: dict[str, Any]) -> tuple[int, Any]:
        _check_common(body, None)
        _check_str(body, "transactionId", 36)
        invoice = body.get("invoice")
        if not isinstance(invoice, dict):
            raise BadRequest("invoice: обязательный объект")
        for name, limit in (("orderId", 36), ("receiptId", 36), ("merchantName", 999),
                            ("merchantAddress", 999), ("dateTime", 64), ("shift", 32),
                            ("cashier", 256)):
            _check_str(invoice, name, limit)
        if len(str(invoice.get("inn", ""))) != 12:
            raise BadRequest("inn: ровно 12 символов")
        if invoice.get("receiptType") not in ("debit", "credit", "refund"):
            raise BadRequest("receiptType: debit, credit или refund")
        txn = self.transactions.get(body["transactionId"])
        if txn is None:
            raise Unprocessable("UNKNOWN_TRANSACTION_ID", "Транзакция не найдена")
        self._advance(txn)
        if txn.status not in ("accepted", "partial_refunded", "refunded", "refunding"):
            raise Unprocessable("PAYMENT_TRANSACTION_IS_NOT_PAID", "Оплата не завершена")
        return 200, None

    # -- lookups --

    def _known_store(self, store_id: str) -> None:
        if store_id not in self.stores:
            raise Unprocessable("UNKNOWN_PARTNER_ID", "Магазин не найден")

    def _session(self, card_session: str) -> Session:
        session = self.sessions.get(card_session)
        if session is None or not session.registered or not session.pay_available:
            raise Unprocessable("UNKNOWN_SESSION_ID", "Сессия карты не найдена")
        return session

    def _find(self, txn_id: str | None,
              ref_id: str | None) -> tuple[Transaction | None, RefTransaction | None]:
        if txn_id:
            return self.transactions.get(txn_id), None
        for txn in self.transactions.values():
            for ref in txn.refs:
                if ref.id == ref_id:
                    return txn, ref
        return None, None

    # -- HTTP -----------------------------------------------------------------------------

    def bind(self, base_url: str) -> None:
        self.base_url = base_url

    def credentials(self) -> dict[str, str]:
        return {"base_url": self.base_url, "login": self.login, "password": self.password}

    def error_body(self, status: int) -> Any:
        return None

    def control_routes(self) -> list[BaseRoute]:
        """The training customer's app (``/sessions``, ``/verify``), the TOTP module
        (``/token``), and a trainer's switches."""
        async def session(request: Request) -> Response:
            body, _ = await read_body(request)
            body = body if isinstance(body, dict) else {}
            try:
                behaviour = Behaviour(**body["behaviour"]) if body.get("behaviour") else None
            except (TypeError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse(self.new_session(
                registered=bool(body.get("register", True)),
                pay_available=bool(body.get("pay_available", True)), behaviour=behaviour))

        async def verify(request: Request) -> Response:
            body, _ = await read_body(request)
            barcode = body.get("barcode", "") if isinstance(body, dict) else ""
            return JSONResponse(self.verify(str(barcode)))

        async def token(request: Request) -> Response:
            return JSONResponse({"token": self.token()})

        async def behaviour(request: Request) -> Response:
            body, _ = await read_body(request)
            if request.method == "POST":
                try:
                    self.behaviour = Behaviour(**(body if isinstance(body, dict) else {}))
                except (TypeError, ValueError) as exc:
                    return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse(asdict(self.behaviour))

        async def transactions(request: Request) -> Response:
            return JSONResponse(self.snapshot())

        async def force(request: Request) -> Response:
            body, _ = await read_body(request)
            error_code = body.get("errorCode") if isinstance(body, dict) else None
            if request.path_params["outcome"] not in ("approve", "decline"):
                return JSONResponse({"error": "use approve or decline"}, status_code=404)
            try:
                changed = self.force(request.path_params["id"], request.path_params["outcome"],
                                     error_code)
            except KeyError:
                return JSONResponse({"error": "no such transaction"}, status_code=404)
            return JSONResponse({"changed": changed})

        async def stores(request: Request) -> Response:
            body, _ = await read_body(request)
            if isinstance(body, dict) and body.get("storeId"):
                self.stores.add(str(body["storeId"]))
            return JSONResponse(sorted(self.stores))

        return [
            Route("/sessions", session, methods=["POST"]),
            Route("/verify", verify, methods=["POST"]),
            Route("/token", token, methods=["GET"]),
            Route("/behaviour", behaviour, methods=["GET", "POST"]),
            Route("/transactions", transactions, methods=["GET"]),
            Route("/transactions/{id}/{outcome:str}", force, methods=["POST"]),
            Route("/stores", stores, methods=["GET", "POST"]),
        ]

    def app(self) -> Router:
        api = "/api/v1/merchant"
        # Handlers are looked up by name on each request, so a test can wrap one.
        endpoints = {
            f"{api}/availability-info/task": ("availability", True),
            f"{api}/checkout": ("checkout", True),
            f"{api}/transaction/status": ("status", False),
            f"{api}/transaction/receipt": ("receipt", False),
            f"{api}/transaction/cancel": ("cancel", False),
            f"{api}/transaction/refund": ("refund", True),
        }
        routes = [Route(path, self._endpoint(path, handler, token), methods=["POST"])
                  for path, (handler, token) in endpoints.items()]
        routes.append(Route(f"{api}/availability-info/{{availability_id}}",
                            self._get_availability, methods=["GET"]))
        routes.append(Route("/wallet", self._wallet_page, methods=["GET"]))
        return Router(routes)

    def _endpoint(self, path: str, handler_name: str, needs_token: bool) -> Any:
        async def endpoint(request: Request) -> Response:
            if not basic_auth_ok(request.headers, self.login, self.password):
                return JSONResponse(
                    {"code": "UNAUTHORIZED", "details": "Неверный логин или пароль"},
                    status_code=401, headers={"WWW-Authenticate": "Basic"})
            if needs_token and not self.token_ok(request.headers.get("token")):
                # ASSUMPTION (spec §12.1): a missing or invalid token is refused like bad auth.
                return JSONResponse({"code": "INVALID_TOKEN", "details": "Неверный token"},
                                    status_code=401)
            body, error = await read_body(request)
            if error or not isinstance(body, dict):
                return JSONResponse({"code": "INVALID_REQUEST",
                                     "details": error or "ожидается JSON-объект"}, status_code=400)
            with self._lock:
                self.requests.append((time.monotonic(), path, body))
                try:
                    status, answer = self._replay_or(path, body, getattr(self, handler_name))
                except BadRequest as exc:
                    return JSONResponse({"code": "INVALID_REQUEST", "details": str(exc)},
                                        status_code=400)
            if answer is None:
                return Response(status_code=status)
            return JSONResponse(answer, status_code=status)
        return endpoint

    async def _get_availability(self, request: Request) -> Response:
        if not basic_auth_ok(request.headers, self.login, self.password):
            return JSONResponse({"code": "UNAUTHORIZED"}, status_code=401)
        availability_id = request.path_params["availability_id"]
        with self._lock:
            result = self._availability.get(availability_id)
        if result is None:
            return JSONResponse({"code": "UNKNOWN_TRANSACTION_ID", "details": "не найдено"},
                                status_code=422)
        return JSONResponse({"availabilityInfoId": availability_id, "computationComplete": True,
                             **result})

    async def _wallet_page(self, request: Request) -> Response:
        """A training customer's phone: a fresh Koshelek Pay barcode to scan or type."""
        customer = self.new_session()
        return HTMLResponse(_WALLET_PAGE.format(
            barcode=html.escape(customer["barcode"]), svg=_qr_svg(customer["barcode"]),
            loyalty=html.escape(customer["loyaltyId"])))


# -- validation (spec §3, §5) ------------------------------------------------------------

def _check_str(data: dict[str, Any], name: str, limit: int) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise BadRequest(f"{name}: обязательная строка")
    if len(value) > limit:
        raise BadRequest(f"{name}: не длиннее {limit} символов")
    return value


def _check_common(body: dict[str, Any], session_field: str | None) -> None:
    _check_str(body, "storeId", 36)
    _check_str(body, "terminalId", 256)
    if session_field:
        value = _check_str(body, session_field, 32)
        if not value.isalnum() or not value.isascii():
            raise BadRequest(f"{session_field}: только латинские буквы и цифры")


def _amount(data: dict[str, Any], name: str, *, required: bool = True) -> int:
    """Kopecks: a non-negative integer of at most 10 digits; quoted numbers are accepted (§3.2)."""
    value = data.get(name)
    if value is None and not required:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise BadRequest(f"{name}: целое число копеек")
    text = str(value)
    if not re.fullmatch(r"[0-9]{1,10}", text):
        raise BadRequest(f"{name}: целое неотрицательное число копеек, не более 10 цифр")
    return int(text)


def _decimal(data: dict[str, Any], name: str) -> Decimal:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BadRequest(f"{name}: число")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BadRequest(f"{name}: число") from None
    if not number.is_finite():
        raise BadRequest(f"{name}: число")
    return number


def _check_item(item: Any) -> None:
    if not isinstance(item, dict):
        raise BadRequest("items: позиция должна быть объектом")
    _check_str(item, "name", 512)
    _check_str(item, "article", 64)
    price = _decimal(item, "price")
    if price < 0 or price != price.quantize(Decimal("0.01")):
        raise BadRequest("price: неотрицательное число копеек")
    quantity = _decimal(item, "quantity")
    measure = item.get("measure", "PIECE")
    if measure not in MEASURES:
        raise BadRequest(f"measure: неизвестная единица {measure!r}")
    if measure == "KILOGRAM" and quantity != quantity.to_integral_value():
        raise BadRequest("quantity: для KILOGRAM целое число; весовой товар передаётся в GRAM")
    if quantity <= 0 or quantity != quantity.quantize(Decimal("0.1")):
        raise BadRequest("quantity: больше 0, не более одного знака после точки")
    if item.get("currency", "RUB") not in ("RUB", "", None):
        raise BadRequest("currency: ожидается RUB")
    if item.get("tax") not in TAXES:
        raise BadRequest("tax: none, vat0, vat10, vat20, vat110 или vat120")
    _amount(item, "totalAmount")
    _amount(item, "discountAmount", required=False)
    sub = item.get("subTotalAmount", item.get("subtotalAmount"))  # spec §5.9 spelling
    if sub is not None:
        _amount({"subTotalAmount": sub}, "subTotalAmount")


def _check_invoice(invoice: Any) -> dict[str, Any]:
    if not isinstance(invoice, dict):
        raise BadRequest("checkoutInvoice: обязательный объект")
    _check_str(invoice, "orderId", 36)
    total = _amount(invoice, "totalAmount")
    if total > MAX_AMOUNT:
        raise BadRequest("totalAmount: не более 10 цифр")
    if invoice.get("currency", "RUB") not in ("RUB", "", None):
        raise BadRequest("currency: ожидается только RUB")
    items = invoice.get("items")
    if not isinstance(items, list) or not items:
        raise BadRequest("items: нужен непустой список")
    for item in items:
        _check_item(item)
    # ASSUMPTION (spec §5.1): the totals must agree; a client that sends inconsistent totals
    # would print a receipt that differs from what the customer paid.
    if sum(_amount(i, "totalAmount") for i in items) != total:
        raise BadRequest("totalAmount не равен сумме totalAmount позиций")
    discount = _amount(invoice, "discountAmount", required=False)
    if "subTotalAmount" in invoice and _amount(invoice, "subTotalAmount") - discount != total:
        raise BadRequest("subTotalAmount − discountAmount ≠ totalAmount")
    return invoice


def _qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


_WALLET_PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Кошелёк — учебный покупатель</title>
<style>body{{font-family:sans-serif;text-align:center;margin:2em}}
code{{font-size:1.4em;letter-spacing:.05em}}</style></head>
<body><h1>Кошелёк · карта покупателя</h1>
<p>Учебный режим. Отсканируйте код или введите его вручную.</p>
<div>{svg}</div>
<p><code id="barcode">{barcode}</code></p>
<p>Карта лояльности: {loyalty}</p>
<p><a href="">Новый код</a></p>
</body></html>"""
