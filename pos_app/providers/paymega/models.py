"""Paymega wire models (spec §5, §6) and their reading into one :class:`Invoice`.

Reading is tolerant exactly where the spec warns (§3, §12.8): empty maps arrive
as ``[]``, ``resolution`` is ``OK`` or ``ok``, amounts are integers, decimals or
numeric strings, and unknown fields are ignored.  Anything else that does not fit
is a :class:`msgspec.ValidationError`, which the client reports as a malformed answer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from msgspec import Struct

# PHP-style: an empty map is serialised as [] (spec §3).
AnyMap = dict[str, Any] | list[Any] | None


class FlowData(msgspec.Struct):
    action: str | None = None
    method: str | None = None
    params: AnyMap = None
    metadata: AnyMap = None


class InvoiceAttributes(msgspec.Struct):
    status: str = ""
    resolution: str | None = None
    resolution_message: str | None = None
    serial_number: str | None = None
    amount: Decimal | None = None
    payment_amount: Decimal | None = None
    processed_amount: Decimal | None = None
    refunded_amount: Decimal | None = None
    currency: str = ""
    service_currency: str | None = None
    reference_id: str | None = None
    test_mode: bool = False
    flow_data: FlowData | list[Any] | None = None
    metadata: AnyMap = None
    payload: AnyMap = None
    callback_logs: AnyMap = None
    created: int | None = None
    updated: int | None = None
    processed: int | None = None
    rrn: str | None = None
    approval_code: str | None = None
    description: str | None = None


class InvoiceResource(msgspec.Struct):
    id: str
    attributes: InvoiceAttributes
    type: str = "payment-invoices"


class InvoiceDocument(msgspec.Struct):
    data: InvoiceResource


class InvoiceList(msgspec.Struct):
    data: list[InvoiceResource]
    meta: AnyMap = None
    links: AnyMap = None


class ActivePayment(msgspec.Struct):
    payload: FlowData | list[Any] | None = None
    status: str | None = None
    resolution: str | None = None


class PublicInvoice(msgspec.Struct):
    """The public API's flat representation (spec §5.3)."""

    id: str
    status: str = ""
    resolution: str | None = None
    serial_number: str | None = None
    amount: Decimal | None = None
    payment_amount: Decimal | None = None
    processed_amount: Decimal | None = None
    refunded_amount: Decimal | None = None
    currency: str = ""
    reference_id: str | None = None
    created: int | None = None
    active_payment: ActivePayment | list[Any] | None = None


class PublicInvoiceDocument(msgspec.Struct):
    data: PublicInvoice


class ErrorItem(msgspec.Struct):
    status: str | None = None
    code: str | int | None = None
    title: str | None = None
    detail: str | None = None


class ErrorDocument(msgspec.Struct):
    """Both documented shapes: a list of error objects, or messages keyed by field (§4)."""

    errors: list[ErrorItem] | dict[str, Any] | None = None
    data: InvoiceResource | None = None  # 409: the existing invoice (ASSUMPTION, §4)


class RefundAttributes(msgspec.Struct):
    status: str = ""
    amount: Decimal | None = None
    currency: str | None = None
    reference_id: str | None = None
    original_id: str | None = None


class RefundResource(msgspec.Struct):
    id: str
    attributes: RefundAttributes


class RefundDocument(msgspec.Struct):
    data: RefundResource


class ServiceAttributes(msgspec.Struct):
    service: str
    service_currency: str | None = None
    service_method: str | None = None
    available: bool = True
    active: bool = True
    enabled: bool = True
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None


class PublicService(msgspec.Struct):
    """A service of the payment pre-request (spec §5.1); its amounts in its currency."""

    currency: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None


class Prerequest(msgspec.Struct):
    services: dict[str, PublicService]


class PrerequestDocument(msgspec.Struct):
    data: Prerequest


class ServiceResource(msgspec.Struct):
    id: str
    attributes: ServiceAttributes


class ServiceList(msgspec.Struct):
    data: list[ServiceResource]
    links: AnyMap = None


class Invoice(Struct, frozen=True):
    """What the register needs from an invoice, whichever API it came from."""

    id: str
    status: str
    resolution: str
    currency: str
    amount: Decimal | None
    payment_amount: Decimal | None
    processed_amount: Decimal | None
    refunded_amount: Decimal | None
    reference_id: str | None
    flow_action: str | None
    flow_method: str | None
    flow_has_params: bool
    updated: int | None
    resolution_message: str | None = None
    rrn: str | None = None
    approval_code: str | None = None
    card_mask: str | None = None
    serial_number: str | None = None
    created: int | None = None  # Unix seconds


def _flow(flow: FlowData | list[Any] | None) -> tuple[str | None, str | None, bool]:
    if not isinstance(flow, FlowData):
        return None, None, False
    return flow.action, (flow.method or "").upper() or None, bool(flow.params)


def _card_mask(payload: AnyMap) -> str | None:
    if isinstance(payload, dict):
        card = payload.get("payment_card")
        if isinstance(card, dict) and isinstance(card.get("mask"), str):
            return str(card["mask"])
    return None


def from_resource(resource: InvoiceResource) -> Invoice:
    a = resource.attributes
    action, method, has_params = _flow(a.flow_data)
    return Invoice(
        id=resource.id, status=a.status, resolution=(a.resolution or "").lower(),
        currency=a.currency, amount=a.amount, payment_amount=a.payment_amount,
        processed_amount=a.processed_amount, refunded_amount=a.refunded_amount,
        reference_id=a.reference_id, flow_action=action, flow_method=method,
        flow_has_params=has_params, updated=a.updated, resolution_message=a.resolution_message,
        rrn=a.rrn, approval_code=a.approval_code, card_mask=_card_mask(a.payload),
        serial_number=a.serial_number, created=a.created,
    )


def from_public(invoice: PublicInvoice) -> Invoice:
    payment = invoice.active_payment if isinstance(invoice.active_payment, ActivePayment) else None
    action, method, has_params = _flow(payment.payload if payment else None)
    return Invoice(
        id=invoice.id, status=invoice.status, resolution=(invoice.resolution or "").lower(),
        currency=invoice.currency, amount=invoice.amount, payment_amount=invoice.payment_amount,
        processed_amount=invoice.processed_amount, refunded_amount=invoice.refunded_amount,
        reference_id=invoice.reference_id, flow_action=action, flow_method=method,
        flow_has_params=has_params, updated=None, serial_number=invoice.serial_number,
    )
