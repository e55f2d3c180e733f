"""HTTP client for the Koshelek Pay API v1.2.1 (spec §4).

Every request carries a ``requestId``.  A request that got no answer is resent
with the *same* ``requestId`` and body (spec §3.7), so the server can treat it as
a repeat; status polls use a new one each time (spec §4.4).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import msgspec

from pos_app.backoff import Backoff
from pos_app.providers.errors import (
    InProgress,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    Rejected,
    auth_failed,
    malformed,
    network_error,
    rate_limited,
    wait_before_resend,
)
from pos_app.providers.http import decode_json
from pos_app.providers.koshelek import messages
from pos_app.providers.koshelek.models import (
    AvailabilityResponse,
    CheckoutResponse,
    ErrorBody,
    OperationResponse,
    StatusResponse,
)
from pos_app.providers.koshelek.tokens import TokenSource

RESEND_BACKOFF = Backoff(first_s=0.5, cap_s=2.0)  # a request resent after no answer
log = logging.getLogger(__name__)

T = TypeVar("T")
NAME = "Koshelek Pay"
_encoder = msgspec.json.Encoder(decimal_format="number")

CHECKOUT = "/api/v1/merchant/checkout"
STATUS = "/api/v1/merchant/transaction/status"
CANCEL = "/api/v1/merchant/transaction/cancel"
REFUND = "/api/v1/merchant/transaction/refund"
RECEIPT = "/api/v1/merchant/transaction/receipt"
AVAILABILITY = "/api/v1/merchant/availability-info/task"


def new_request_id() -> str:
    return str(uuid.uuid4())


class KoshelekClient:
    """Raw API calls; answers are typed models, failures are :mod:`providers.errors`."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        tokens: TokenSource,
        store_id: str,
        terminal_id: str,
        status_timeout: float = 5.0,
        retries: int = 3,
        backoff: Backoff = RESEND_BACKOFF,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self.store_id = store_id
        self.terminal_id = terminal_id
        self._status_timeout = status_timeout
        self._retries = retries
        self._backoff = backoff

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- requests -----------------------------------------------------------------

    def _session_body(self, request_id: str, card_session: str, invoice: Mapping[str, Any],
                      loyalty_id: str) -> dict[str, Any]:
        """The part availability and checkout share (spec §4.1, §4.3)."""
        return {
            "requestId": request_id,
            "cardSession": card_session,
            "storeId": self.store_id,
            "terminalId": self.terminal_id,
            "checkoutInvoice": invoice,
            "user": {"loyaltyId": loyalty_id},
        }

    async def availability(
        self, *, request_id: str, card_session: str, invoice: Mapping[str, Any], loyalty_id: str
    ) -> AvailabilityResponse:
        body = self._session_body(request_id, card_session, invoice, loyalty_id)
        return await self._send(AVAILABILITY, body, AvailabilityResponse, token=True)

    async def checkout(
        self,
        *,
        request_id: str,
        card_session: str,
        invoice: Mapping[str, Any],
        loyalty_id: str,
        payment_methods: Sequence[Mapping[str, Any]],
    ) -> CheckoutResponse:
        body = self._session_body(request_id, card_session, invoice, loyalty_id)
        body["paymentMethods"] = list(payment_methods)
        return await self._send(CHECKOUT, body, CheckoutResponse, token=True)

    async def status(
        self, *, transaction_id: str | None = None, ref_transaction_id: str | None = None
    ) -> StatusResponse:
        body: dict[str, Any] = {"requestId": new_request_id()}
        if transaction_id:
            body["transactionId"] = transaction_id
        if ref_transaction_id:
            body["refTransactionId"] = ref_transaction_id
        # A status read is cheap and safe to repeat: no resend here, the next poll is the retry.
        return await self._send(STATUS, body, StatusResponse, token=False, attempts=1,
                                timeout=self._status_timeout)

    async def cancel(self, *, request_id: str, transaction_id: str) -> OperationResponse:
        body = {
            "requestId": request_id,
            "storeId": self.store_id,
            "terminalId": self.terminal_id,
            "transactionId": transaction_id,
        }
        return await self._send(CANCEL, body, OperationResponse, token=False)

    async def refund(
        self,
        *,
        request_id: str,
        transaction_id: str,
        amount_minor: int,
        items: Sequence[Mapping[str, Any]],
    ) -> OperationResponse:
        body = {
            "requestId": request_id,
            "storeId": self.store_id,
            "terminalId": self.terminal_id,
            "transactionId": transaction_id,
            "refundAmount": amount_minor,
            "currency": "RUB",
            "items": list(items),
        }
        return await self._send(REFUND, body, OperationResponse, token=True)

    async def send_receipt(
        self, *, request_id: str, transaction_id: str, invoice: Mapping[str, Any],
        meta: Mapping[str, str] | None = None,
    ) -> None:
        body: dict[str, Any] = {
            "requestId": request_id,
            "transactionId": transaction_id,
            "storeId": self.store_id,
            "terminalId": self.terminal_id,
            "invoice": invoice,
        }
        if meta:
            body["meta"] = dict(meta)
        await self._send(RECEIPT, body, None, token=False)

    # -- transport ----------------------------------------------------------------

    async def _send(
        self,
        path: str,
        body: Mapping[str, Any],
        model: type[T] | None,
        *,
        token: bool,
        attempts: int | None = None,
        timeout: float | None = None,
    ) -> T:
        """POST ``body``; on no answer resend the identical body, then give up as unknown."""
        content = _encoder.encode(body)
        tries = attempts if attempts is not None else 1 + self._retries
        last: OutcomeUnknown | None = None
        for attempt in range(tries):
            if attempt:
                await asyncio.sleep(wait_before_resend(self._backoff, attempt, last))
                log.info("resending %s with the same requestId (attempt %d)", path, attempt + 1)
            headers = {"Content-Type": "application/json"}
            if token:
                try:
                    headers["token"] = await self._tokens.get_token()
                except ProviderError as exc:
                    if last is not None:  # an earlier copy may have arrived
                        raise last from exc
                    if isinstance(exc, Rejected):
                        raise
                    # Nothing was sent, so the outcome is known: not done.
                    raise Rejected(exc.message, code=exc.code or "TOKEN") from exc
            try:
                response = await self._http.post(
                    path, content=content, headers=headers,
                    timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.TimeoutException as exc:
                last = network_error(NAME, f"timeout on {path.rsplit('/', 1)[-1]}")
                log.warning("%s: %s", path, type(exc).__name__)
                continue
            except httpx.TransportError as exc:
                last = network_error(NAME, f"connection error on {path.rsplit('/', 1)[-1]}")
                log.warning("%s: %s", path, type(exc).__name__)
                continue
            try:
                return self._read(response, model)
            except OutcomeUnknown as exc:
                last = exc
                # A 5xx or an unreadable answer: the server may have acted; resend the same request.
                continue
        assert last is not None
        raise last

    def _read(self, response: httpx.Response, model: type[T] | None) -> T:
        status = response.status_code
        if status == 200:
            if model is None:
                return None  # type: ignore[return-value]
            return decode_json(response, model, NAME)
        if status == 422:
            raise self._error_from_422(response)
        if status in (401, 403):
            raise auth_failed(NAME, status)
        if status == 400:
            raise Rejected(messages.BAD_REQUEST.with_params(details=_details(response)),
                           code="HTTP_400", details=_details(response))
        if status == 404:
            raise NotFound(messages.UNKNOWN_CODE.with_params(code="HTTP 404"), code="HTTP_404")
        if status == 429 or (status == 503 and "retry-after" in response.headers):
            raise rate_limited(NAME, status, response.headers.get("retry-after"))
        if status >= 500:
            raise network_error(NAME, f"HTTP {status}")
        # Undocumented (spec §4.3, e.g. 405, 409): the request may have been acted on.
        raise malformed(NAME, f"unexpected HTTP {status}")

    def _error_from_422(self, response: httpx.Response) -> ProviderError:
        try:
            error = msgspec.json.decode(response.content, type=ErrorBody, strict=False)
        except msgspec.DecodeError:
            return malformed(NAME, "unreadable 422 body")
        message = messages.for_code(error.code)
        if error.code == "TRANSACTION_IN_PROCESSING":
            return InProgress(message, code=error.code, details=error.details)
        if error.code == "UNKNOWN_TRANSACTION_ID":
            return NotFound(message, code=error.code, details=error.details)
        return Rejected(message, code=error.code, details=error.details)


def _details(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict):
        return str(data.get("details") or data.get("code") or "")[:200]
    return ""


def money_json(value: Decimal) -> Decimal | int:
    """Kopecks as a JSON integer when whole (spec §3.2), else at most 2 decimals."""
    return int(value) if value == value.to_integral_value() else value.quantize(Decimal("0.01"))
