"""HTTP client for Pegas-kassa (spec §5): GET with query parameters, the site token in each.

The token is a query parameter, so it is in every URL: the shared HTTP layer logs
URLs with ``token=***``, the value is registered for redaction, and no error text
built here ever contains a URL.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

import httpx
import msgspec

from pos_app.providers.errors import (
    AuthFailed,
    NotFound,
    Rejected,
    auth_failed,
    malformed,
    network_error,
    rate_limited,
)
from pos_app.providers.pegas import messages
from pos_app.providers.pegas.models import (
    AlternativeFile,
    BalanceAnswer,
    DepositAnswer,
    Envelope,
    TransactionAnswer,
    first_error,
)
from pos_app.redact import register_secret

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Envelope)
NAME = "Pegas-kassa"


class Duplicate(Rejected):
    """The order id is already taken: the operation exists (spec §4, duplicate row)."""


class StatusUnavailable(NotFound):
    """The assumed status endpoint itself does not exist on this server."""


def rubles(amount_minor: int) -> str:
    """Rubles with a dot and two decimals (spec §3 ASSUMPTION): ``1499.00``."""
    return f"{Decimal(amount_minor).scaleb(-2):.2f}"


class PegasClient:
    def __init__(self, *, http: httpx.AsyncClient, token: str,
                 status_path: str = "/transaction") -> None:
        self._http = http
        self._token = token
        register_secret(token)
        self.status_path = status_path

    async def aclose(self) -> None:
        await self._http.aclose()

    async def deposit(self, params: Mapping[str, str]) -> DepositAnswer:
        return await self._get("/deposit", params, DepositAnswer)

    async def cancel(self, *, order_id: str, id: str) -> Envelope:
        return await self._get("/deposit/cancel", {"order_id": order_id, "id": id}, Envelope)

    async def withdrawal(self, params: Mapping[str, str]) -> DepositAnswer:
        return await self._get("/withdrawal", params, DepositAnswer)

    async def balance(self) -> Decimal:
        answer = await self._get("/balance", {}, BalanceAnswer)
        if answer.balance is None:
            raise malformed(NAME, "balance missing")
        return answer.balance

    async def transaction(self, *, order_id: str | None = None,
                          id: str | None = None) -> TransactionAnswer:
        """The assumed status endpoint (spec §6.1); StatusUnavailable when it does not exist."""
        params = {"order_id": order_id} if order_id else {"id": id or ""}
        try:
            return await self._get(self.status_path, params, TransactionAnswer)
        except NotFound as exc:
            if exc.code != "resource_not_found":  # a 404 about the path, not the transaction
                raise StatusUnavailable(messages.NOT_FOUND, code="NO_STATUS_ENDPOINT") from None
            raise

    async def receipt(self, *, fmt: str, order_id: str | None = None,
                      id: str | None = None) -> tuple[bytes, str]:
        """The receipt file and its content type (spec §5.5); NotFound until it exists."""
        params = {"format": fmt, **({"order_id": order_id} if order_id else {}),
                  **({"id": id} if id else {})}
        response = await self._request("/transaction/receipt/file", params)
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if response.status_code == 200 and kind in ("application/pdf", "image/jpeg"):
            return response.content, kind
        if response.status_code == 200 and "json" in kind:
            alternative = self._decode(response, AlternativeFile)
            if alternative.file:
                return base64.b64decode(alternative.file), "application/pdf" if fmt == "pdf" \
                    else "image/jpeg"
            log.warning("receipt answered JSON without a file: %s", response.text[:200])
            raise NotFound(messages.RECEIPT_NOT_READY, code="NO_FILE")
        self._check(response, self._decode(response, Envelope) if "json" in kind else Envelope())
        raise malformed(NAME, f"receipt content-type {kind!r}")

    # -- transport --

    async def _request(self, path: str, params: Mapping[str, str]) -> httpx.Response:
        query = {"token": self._token, **params}
        try:
            return await self._http.get(path, params=query)
        except httpx.TimeoutException:
            raise network_error(NAME, f"timeout on {path}") from None
        except httpx.TransportError:
            raise network_error(NAME, f"connection cut on {path}") from None

    async def _get(self, path: str, params: Mapping[str, str], model: type[E]) -> E:
        response = await self._request(path, params)
        if "json" not in response.headers.get("content-type", ""):
            if response.status_code == 404:
                raise NotFound(messages.NOT_FOUND, code="404")
            if response.status_code == 429:
                raise rate_limited(NAME, 429, response.headers.get("retry-after"))
            if response.status_code >= 500:
                raise network_error(NAME, f"HTTP {response.status_code}")
            raise malformed(NAME, f"content-type {response.headers.get('content-type')!r}")
        answer = self._decode(response, model)
        self._check(response, answer)
        return answer

    def _decode(self, response: httpx.Response, model: type[E]) -> E:
        try:
            return msgspec.json.decode(response.content, type=model, strict=False)
        except msgspec.DecodeError as exc:
            if response.status_code >= 500:
                raise network_error(NAME, f"HTTP {response.status_code}") from None
            raise malformed(NAME, str(exc)[:200]) from None

    def _check(self, response: httpx.Response, answer: Envelope) -> None:
        """Map the error table of spec §4; a 200 with errors is a failure too."""
        status = response.status_code
        error = first_error(answer)
        if status == 200 and error is None:
            return
        code, path, text = error or ("", "", "")
        details = f"{path}: {text}" if path else text or code
        if status == 429:
            raise rate_limited(NAME, 429, response.headers.get("retry-after"))
        if status >= 500:
            raise network_error(NAME, f"HTTP {status}")
        if status == 401 or code == "authorization_error":
            raise auth_failed(NAME, 401)
        if status == 403 or code == "access_denied":
            raise AuthFailed(messages.ACCESS_DENIED, code="access_denied", details=details)
        if status == 404 or code == "resource_not_found":
            raise NotFound(messages.NOT_FOUND, code=code or "404", details=details)
        if status not in (200, 400):
            # Undocumented (spec §4 table, e.g. 409, 422): it may have been acted on.
            raise malformed(NAME, f"unexpected HTTP {status}")
        if path == "order_id":
            raise Duplicate(messages.DUPLICATE, code="duplicate", details=details)
        if code == "provider_error":
            raise Rejected(messages.PROVIDER_ERROR.with_params(details=text or code),
                           code=code, details=details)
        if code == "invalid_parameters" and path:
            raise Rejected(messages.INVALID.with_params(path=path, details=text), code=code,
                           details=details)
        raise Rejected(messages.REJECTED.with_params(details=details or f"HTTP {status}"),
                       code=code or f"HTTP_{status}", details=details)
