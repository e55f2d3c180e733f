"""Koshelek Pay behind the common Provider protocol."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from pos_app.i18n import Message
from pos_app.providers.base import (
    Capabilities,
    Limits,
    LineItem,
    PaymentRef,
    PaymentRequest,
    PollPolicy,
    RefundRequest,
    RemoteOperation,
    RemoteOperationState,
    RemotePayment,
    RemoteState,
)
from pos_app.providers.errors import NotFound, Rejected
from pos_app.providers.koshelek import messages
from pos_app.providers.koshelek.client import KoshelekClient, money_json, new_request_id
from pos_app.providers.koshelek.models import OperationResponse, Slip, StatusResponse
from pos_app.providers.koshelek.settings import KoshelekSettings
from pos_app.providers.koshelek.tokens import TokenSource

log = logging.getLogger(__name__)

# Koshelek status (spec §6.1) -> neutral state.
_STATES = {
    "new": RemoteState.PENDING,
    "pending": RemoteState.PENDING,
    "accepted": RemoteState.PAID,
    "rejected": RemoteState.DECLINED,
    "canceled": RemoteState.CANCELLED,
    "refunding": RemoteState.REFUNDING,
    "partial_refunded": RemoteState.PARTIALLY_REFUNDED,
    "refunded": RemoteState.REFUNDED,
}
_REF_STATES = {
    "new": RemoteOperationState.PENDING,
    "accepted": RemoteOperationState.DONE,
    "rejected": RemoteOperationState.REJECTED,
}


class KoshelekProvider:
    """Checkout, status, cancel and refund through Koshelek Pay."""

    id = "koshelek"
    display_name = "Koshelek Pay"
    payment_hint = Message("Payment", "The customer shows the code in the Koshelek app; you "
                                      "scan it.")
    options_widget: str | None = None
    capabilities = Capabilities(cancel=True, refund=True, partial_refund=True,
                                lookup_by_key=False,
                                refund_by_items=True, customer_barcode=True)
    # The customer's code carries its own lifetime; the 30 s wait is in poll_policy.
    lifetime: timedelta | None = None
    private_options: frozenset[str] = frozenset()

    def __init__(self, *, client: KoshelekClient, tokens: TokenSource,
                 settings: KoshelekSettings | None = None) -> None:
        self.client = client
        self._tokens = tokens
        self._settings = s = settings or KoshelekSettings()
        self.limits = Limits(min_minor=s.min_amount_minor, max_minor=s.max_amount_minor)
        # Spec §4.4: first poll 250-500 ms after checkout, then >= 250 ms apart, 30 s at most.
        interval = max(s.poll_interval_ms / 1000, 0.25)
        self.poll_policy = PollPolicy(
            first_delay=min(max(s.poll_first_delay_ms / 1000, 0.25), 0.5),
            interval=interval,
            slow_interval=interval,
            slow_after=s.status_wait_s,
            cancel_after=s.status_wait_s,
            grace_after_expiry=0.0,
        )

    def new_payment_key(self, payment_id: str) -> str:
        return new_request_id()

    def new_operation_key(self, payment_id: str, kind: str) -> str:
        return new_request_id()

    async def prepare(self, options: Mapping[str, str]) -> Mapping[str, str]:
        """Read the customer's barcode through the TOTP module; keep only what checkout needs."""
        if options.get("card_session"):
            return dict(options)
        barcode = options.get("barcode", "")
        info = await self._tokens.verify_barcode(barcode)
        prepared = {k: v for k, v in options.items() if k != "barcode"}
        prepared.update(card_session=info.card_session, loyalty_id=info.loyalty_id)
        return prepared

    async def create(self, request: PaymentRequest) -> RemotePayment:
        if request.currency != "RUB":
            raise Rejected(messages.ONLY_RUB, code="CURRENCY")
        invoice = checkout_invoice(request)
        card_session = request.options.get("card_session", "")
        loyalty_id = request.options.get("loyalty_id", "")
        if self._settings.check_availability:
            await self._check_availability(card_session, invoice, loyalty_id)
        answer = await self.client.checkout(
            request_id=request.key,
            card_session=card_session,
            invoice=invoice,
            loyalty_id=loyalty_id,
            payment_methods=[{"type": self._settings.payment_type}],
        )
        return _payment(answer.status, answer.transaction_id, answer.slip, answer.error_code)

    async def recover(self, request: PaymentRequest) -> RemotePayment | None:
        # Koshelek has no lookup by orderId; the resend with the same requestId is the lookup
        # (the server replays its first answer, or processes the request if it never arrived).
        return await self.create(request)

    async def status(self, ref: PaymentRef) -> RemotePayment:
        if not ref.provider_ref:
            raise NotFound(messages.for_code("UNKNOWN_TRANSACTION_ID"), code="NO_TRANSACTION_ID")
        answer = await self.client.status(transaction_id=ref.provider_ref)
        if not answer.status or answer.status == "none":
            raise NotFound(messages.for_code("UNKNOWN_TRANSACTION_ID"),
                           code="UNKNOWN_TRANSACTION_ID")
        return _payment(answer.status, answer.transaction_id or ref.provider_ref, answer.slip,
                        answer.error_code)

    async def cancel(self, ref: PaymentRef, key: str) -> RemoteOperation:
        if not ref.provider_ref:
            raise NotFound(messages.for_code("UNKNOWN_TRANSACTION_ID"), code="NO_TRANSACTION_ID")
        answer = await self.client.cancel(request_id=key, transaction_id=ref.provider_ref)
        return _operation(answer, ref.provider_ref)

    async def refund(self, ref: PaymentRef, request: RefundRequest) -> RemoteOperation:
        if not ref.provider_ref:
            raise NotFound(messages.for_code("UNKNOWN_TRANSACTION_ID"), code="NO_TRANSACTION_ID")
        answer = await self.client.refund(
            request_id=request.key,
            transaction_id=ref.provider_ref,
            amount_minor=request.amount_minor,
            items=[item_json(i) for i in request.items],
        )
        return _operation(answer, ref.provider_ref)

    async def operation_status(self, ref: PaymentRef, op_ref: str) -> RemoteOperation:
        answer: StatusResponse = await self.client.status(ref_transaction_id=op_ref)
        payment = None
        if answer.status and answer.status != "none":
            payment = _payment(answer.status, answer.transaction_id or ref.provider_ref,
                               answer.slip, answer.error_code)
        state = _REF_STATES.get(answer.ref_status or "", RemoteOperationState.PENDING)
        return RemoteOperation(
            state=state, op_ref=op_ref, payment=payment, reason_code=answer.error_code,
            reason=messages.for_error_code(answer.error_code) if answer.error_code else None,
            receipt_fields=answer.slip.receipt_fields() if answer.slip else {},
        )

    async def warm_up(self) -> None:
        """Nothing to learn before the first payment: its limits are the configured ones."""

    async def probe(self) -> Message:
        # A status read of a transaction that cannot exist: answered only with valid credentials.
        answer = await self.client.status(transaction_id=str(uuid.uuid4()))
        return messages.PROBE_OK.with_params(answer=answer.status or "-")

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _check_availability(self, card_session: str, invoice: Mapping[str, Any],
                                  loyalty_id: str) -> None:
        answer = await self.client.availability(
            request_id=new_request_id(), card_session=card_session, invoice=invoice,
            loyalty_id=loyalty_id)
        for info in answer.payment_type_availability_info_list:
            if info.payment_type == self._settings.payment_type:
                if info.available:
                    return
                raise Rejected(messages.NOT_AVAILABLE.with_params(details=info.message or "—"),
                               code="NOT_AVAILABLE")
        raise Rejected(messages.NOT_AVAILABLE.with_params(details=self._settings.payment_type),
                       code="NOT_AVAILABLE")


def _payment(status: str, transaction_id: str | None, slip: Slip | None,
             error_code: str | None) -> RemotePayment:
    state = _STATES.get(status)
    if state is None:
        log.warning("Koshelek sent an unknown status %r; still waiting", status)
        state = RemoteState.PENDING
    reason = None
    if state is RemoteState.DECLINED:
        reason = messages.for_error_code(error_code or "EXTERNAL_PROVIDER_ERROR")
    elif state is RemoteState.CANCELLED:
        reason = messages.CUSTOMER_CANCELLED
    # The slip is trusted only with a final status (spec §4.3 DISCREPANCY).
    trusted_slip = slip if slip is not None and state is not RemoteState.PENDING else None
    return RemotePayment(
        state=state,
        provider_ref=transaction_id or None,
        raw_status=status,
        reason_code=error_code,
        reason=reason,
        paid_minor=trusted_slip.total_amount if trusted_slip and state is RemoteState.PAID
        else None,
        receipt_fields=trusted_slip.receipt_fields() if trusted_slip else {},
    )


def _operation(answer: OperationResponse, transaction_id: str) -> RemoteOperation:
    payment = None
    if answer.status and answer.status != "none":
        payment = _payment(answer.status, answer.transaction_id or transaction_id, answer.slip,
                           None)
    state = _REF_STATES.get(answer.ref_status)
    if state is None:
        log.warning("Koshelek sent an unknown refStatus %r; checking later", answer.ref_status)
        state = RemoteOperationState.PENDING
    return RemoteOperation(
        state=state,
        op_ref=answer.ref_transaction_id,
        payment=payment,
        reason_code=answer.error_code,
        reason=messages.for_error_code(answer.error_code) if answer.error_code else None,
        receipt_fields=answer.slip.receipt_fields() if answer.slip else {},
    )


def item_json(item: LineItem) -> dict[str, Any]:
    """One ``Item`` (spec §5.2). Weighed goods go in grams: Koshelek rejects 1.125 KILOGRAM."""
    quantity, price, measure = item.quantity, item.price_minor, item.measure
    if measure == "KILOGRAM":
        quantity, price, measure = quantity * 1000, price / 1000, "GRAM"
    if quantity != quantity.quantize(Decimal("0.1")):
        raise Rejected(messages.BAD_QUANTITY.with_params(quantity=item.quantity, name=item.name),
                       code="QUANTITY")
    return {
        "name": item.name,
        "article": item.article or "-",
        "price": money_json(price),
        "currency": "RUB",
        "quantity": quantity.normalize() if quantity % 1 else int(quantity),
        "measure": measure,
        "totalAmount": item.total_minor,
        "discountAmount": item.discount_minor,
        "subTotalAmount": item.subtotal_minor,
        "tax": item.vat,
    }


def checkout_invoice(request: PaymentRequest) -> dict[str, Any]:
    items = [item_json(i) for i in request.items]
    discount = sum(i.discount_minor for i in request.items)
    return {
        "orderId": request.order_id[:36],
        "totalAmount": request.amount_minor,
        "discountAmount": discount,
        "subTotalAmount": request.amount_minor + discount,
        "currency": "RUB",
        "items": items,
    }
