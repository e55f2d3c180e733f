"""HTTP client for the Paymega private API (Basic auth) and public API (public key).

``base_url`` is the host (``https://api.paymega.io``); the client adds ``/api``
and ``/public-api``.  Answers are typed; failures are :mod:`providers.errors`,
with the documented meaning of each HTTP code (spec §4).
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import msgspec

from pos_app.providers.errors import (
    NotFound,
    OutcomeUnknown,
    Rejected,
    auth_failed,
    malformed,
    network_error,
    rate_limited,
)
from pos_app.providers.http import decode_json
from pos_app.providers.paymega import messages
from pos_app.providers.paymega.models import (
    ErrorDocument,
    Invoice,
    InvoiceDocument,
    InvoiceList,
    Prerequest,
    PrerequestDocument,
    PublicInvoiceDocument,
    RefundDocument,
    RefundResource,
    ServiceList,
    ServiceResource,
    from_public,
    from_resource,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
NAME = "Paymega"
_encoder = msgspec.json.Encoder(decimal_format="number")


class DuplicateReference(Rejected):
    """409: the ``reference_id`` is taken; ``existing`` is that invoice when the body had it."""

    def __init__(self, existing: Invoice | None) -> None:
        super().__init__(messages.DUPLICATE, code="409")
        self.existing = existing


class Unclear(OutcomeUnknown):
    """400: the request may or may not have created something (spec §4 table: look it up by
    ``reference_id`` before deciding)."""


def money(value: Decimal) -> Decimal:
    """Major units with two decimals, sent as a JSON number (spec §3)."""
    return value.quantize(Decimal("0.01"))


class PaymegaClient:
    def __init__(self, *, http: httpx.AsyncClient, public_key: str = "",
                 has_credentials: bool = True) -> None:
        self._http = http
        self.public_key = public_key
        self.has_credentials = has_credentials  # Basic auth for the private API is configured
        # Paymega's clock minus ours (seconds), from the Date header of its last answer:
        # `expires` must be 14 min to 2 days ahead of *its* clock, and a till's clock drifts.
        self.clock_offset = 0.0

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- private API --

    async def create_invoice(self, attributes: Mapping[str, Any]) -> Invoice:
        body = {"data": {"type": "payment-invoices", "attributes": dict(attributes)}}
        response = await self._call("POST", "/api/payment-invoices", json=body)
        if response.status_code == 409:
            raise DuplicateReference(self._existing(response))
        doc = self._read(response, InvoiceDocument, ok=(201,))
        return from_resource(doc.data)

    async def get_invoice(self, invoice_id: str) -> Invoice:
        response = await self._call("GET", f"/api/payment-invoices/{invoice_id}")
        return from_resource(self._read(response, InvoiceDocument).data)

    async def find_by_reference(self, reference_id: str) -> Invoice | None:
        """The invoice created under ``reference_id``, or None when Paymega has none (§5.8)."""
        page = await self.list_invoices(reference_id=reference_id, size=1)
        return page[0] if page else None

    async def list_invoices(self, *, reference_id: str | None = None, size: int = 20,
                            after: str | None = None) -> list[Invoice]:
        params: dict[str, str | int] = {"page[size]": size}
        if reference_id is not None:
            params["filter[reference_id]"] = reference_id
        if after:
            params["page[after]"] = after
        response = await self._call("GET", "/api/payment-invoices", params=params)
        return [from_resource(r) for r in self._read(response, InvoiceList).data]

    async def services(self) -> list[ServiceResource]:
        found: list[ServiceResource] = []
        page = 1
        while True:
            response = await self._call("GET", "/api/payment-services",
                                        params={"page[number]": page, "page[size]": 100})
            doc = self._read(response, ServiceList)
            found.extend(doc.data)
            links = doc.links if isinstance(doc.links, dict) else {}
            if not doc.data or not links.get("next") or page >= 50:
                return found
            page += 1

    async def refund(self, invoice_id: str, *, amount: Decimal, reference_id: str,
                     description: str) -> RefundResource:
        body = {"data": {"type": "refund", "attributes": {
            "invoiceId": invoice_id, "amount": money(amount), "reference_id": reference_id,
            "description": description}}}
        response = await self._call("POST", f"/api/payment-invoices/{invoice_id}/refund",
                                    json=body)
        if response.status_code == 409:
            raise DuplicateReference(None)
        return self._read(response, RefundDocument, ok=(200, 201)).data

    async def get_refund(self, refund_id: str) -> RefundResource:
        """ASSUMPTION: ``GET /api/refunds/{id}`` (the refund's ``links.self``, spec §5.10)."""
        response = await self._call("GET", f"/api/refunds/{refund_id}")
        return self._read(response, RefundDocument).data

    # -- public API --

    async def public_prerequest(self, currency: str) -> Prerequest:
        """The services for ``currency`` (spec §5.1).  Raises as every call (``_read``)."""
        response = await self._call("POST", "/public-api/payment-prerequest", auth=False,
                                    json={"public_key": self.public_key, "currency": currency})
        return self._read(response, PrerequestDocument).data

    async def public_create(self, *, service: str, currency: str, amount: Decimal,
                            reference_id: str, description: str) -> Invoice:
        body = {"public_key": self.public_key, "service": service, "currency": currency,
                "amount": money(amount), "reference_id": reference_id,
                "description": description}
        response = await self._call("POST", "/public-api/payment-invoices", json=body,
                                    auth=False)
        if response.status_code == 409:
            raise DuplicateReference(None)
        return from_public(self._read(response, PublicInvoiceDocument, ok=(200, 201)).data)

    async def public_get(self, invoice_id: str) -> Invoice:
        response = await self._call("GET", f"/public-api/payment-invoices/{invoice_id}",
                                    auth=False)
        return from_public(self._read(response, PublicInvoiceDocument).data)

    # -- transport --

    async def _call(self, method: str, path: str, *, json: Any = None,
                    params: Mapping[str, str | int] | None = None,
                    auth: bool = True) -> httpx.Response:
        headers = {"Accept": "application/json"}
        content = None
        if json is not None:
            content = _encoder.encode(json)
            headers["Content-Type"] = "application/json"
        where = f"{method} {path.split('?')[0]}"
        try:
            response = await self._http.request(
                method, path, content=content, params=params, headers=headers,
                auth=httpx.USE_CLIENT_DEFAULT if auth else None)
        except httpx.TimeoutException:
            raise network_error(NAME, f"timeout on {where}") from None
        except httpx.TransportError:
            raise network_error(NAME, f"connection cut on {where}") from None
        self._learn_clock(response)
        return response

    def _learn_clock(self, response: httpx.Response) -> None:
        try:
            server = email.utils.parsedate_to_datetime(response.headers.get("date", ""))
        except (TypeError, ValueError):
            return  # no Date header (or a broken one): keep what we knew
        if server.tzinfo is not None:
            self.clock_offset = server.timestamp() - time.time()

    def _read(self, response: httpx.Response, model: type[T], ok: tuple[int, ...] = (200,)) -> T:
        status = response.status_code
        if status in ok:
            return decode_json(response, model, NAME)
        code, text = _error(response)
        if status in (401, 403):
            raise auth_failed(NAME, status)
        if status == 404:
            raise NotFound(messages.NOT_FOUND, code="404", details=text)
        if status == 429 or (status == 503 and "retry-after" in response.headers):
            raise rate_limited(NAME, status, response.headers.get("retry-after"))
        if status == 400:
            raise Unclear(messages.UNCLEAR.with_params(status=status, details=text),
                          code=str(status), details=text)
        if status in (405, 422):
            raise Rejected(messages.REJECTED.with_params(details=text or code),
                           code=code or str(status), details=text)
        if status >= 500:
            raise network_error(NAME, f"HTTP {status}")
        # Undocumented (spec §4 table): it may have been acted on; reconcile by reference_id.
        raise malformed(NAME, f"unexpected HTTP {status}")

    def _existing(self, response: httpx.Response) -> Invoice | None:
        try:
            doc = msgspec.json.decode(response.content, type=ErrorDocument, strict=False)
        except msgspec.DecodeError:
            return None
        return from_resource(doc.data) if doc.data is not None else None


def _error(response: httpx.Response) -> tuple[str, str]:
    """(code, text) from either documented error shape; the raw text if neither fits."""
    try:
        doc = msgspec.json.decode(response.content, type=ErrorDocument, strict=False)
    except msgspec.DecodeError:
        return "", response.text[:200]
    if isinstance(doc.errors, dict):
        parts = [f"{field}: {value}" for field, value in doc.errors.items()]
        return "validation", "; ".join(parts)
    if doc.errors:
        first = doc.errors[0]
        text = first.detail or first.title or first.status or ""
        return str(first.title or first.status or first.code or ""), text
    return "", ""
