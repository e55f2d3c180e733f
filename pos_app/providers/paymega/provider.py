"""Paymega invoices behind the common Provider protocol.

The register shows the invoice's payment page as a QR code.  ``reference_id`` is
the idempotency key of an attempt: a lost answer is never resent blindly — the
invoice is looked up by ``filter[reference_id]`` first, and only an invoice that
is confirmed absent is created again under the same ``reference_id`` (spec §12).
Paymega has no cancel: a cashier who gives up leaves the invoice to expire and the
service keeps watching it, so a late payment is noticed (spec §12.6).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from pos_app.backoff import Backoff
from pos_app.i18n import Message
from pos_app.providers.base import (
    Capabilities,
    Limits,
    PaymentRef,
    PaymentRequest,
    PollPolicy,
    RefundRequest,
    RemoteListed,
    RemoteOperation,
    RemoteOperationState,
    RemotePayment,
    RemoteState,
)
from pos_app.providers.errors import (
    InvalidInput,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    Rejected,
    wait_before_resend,
)
from pos_app.providers.paymega import messages
from pos_app.providers.paymega.client import DuplicateReference, PaymegaClient, Unclear
from pos_app.providers.paymega.models import Invoice
from pos_app.providers.paymega.settings import PaymegaSettings

RESEND_BACKOFF = Backoff(first_s=1.0, cap_s=4.0)  # a request resent after no answer
log = logging.getLogger(__name__)

MIN_LIFETIME = timedelta(minutes=14)
MAX_LIFETIME = timedelta(days=2)
_PENDING = {"created", "processing", "process_pending", "process_error"}
_REFUNDING = {"refunding", "refund_pending", "refund_error"}
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def invoice_state(invoice: Invoice) -> tuple[RemoteState, Any]:
    """Status table of spec §8.1 -> neutral state, and the reason to show with it."""
    status, resolution = invoice.status, invoice.resolution
    if status in _PENDING:
        return RemoteState.PENDING, None
    if status == "processed":
        paid, asked = invoice.processed_amount, invoice.payment_amount or invoice.amount
        if paid is not None and asked is not None and paid < asked:
            return RemoteState.UNDERPAID, None
        return RemoteState.PAID, None
    if status == "partially_processed":
        return RemoteState.UNDERPAID, None
    if status == "expired" or (status == "process_failed" and resolution == "expired"):
        return RemoteState.EXPIRED, messages.EXPIRED
    if status == "terminated":
        return RemoteState.CANCELLED, messages.TERMINATED
    if status in _REFUNDING:
        return RemoteState.REFUNDING, None
    if status == "partially_refunded":
        return RemoteState.PARTIALLY_REFUNDED, None
    if status == "refunded":
        return RemoteState.REFUNDED, None
    if status == "charged_back":
        return RemoteState.REFUNDED, messages.CHARGED_BACK
    if status == "refund_failed":
        return RemoteState.PAID, None
    if status == "process_failed" or status.endswith("_failed"):
        return RemoteState.DECLINED, messages.for_resolution(resolution)
    log.warning("Paymega sent an unknown status %r (resolution %r); still waiting", status,
                resolution)
    return RemoteState.PENDING, None


class PaymegaProvider:
    """Invoices with a QR code for the payer's phone."""

    id = "paymega"
    display_name = "Paymega"
    payment_hint = Message("Payment", "The customer scans a QR code and pays on their phone.")
    options_widget: str | None = None
    private_options: frozenset[str] = frozenset()

    def __init__(self, *, client: PaymegaClient, settings: PaymegaSettings | None = None,
                 terminal_id: str = "", currency: str = "RUB",
                 backoff: Backoff = RESEND_BACKOFF) -> None:
        """``terminal_id`` goes into every key and the invoice's metadata; ``currency`` is the
        terminal's: the public API lists the services in it (spec §5.1)."""
        self.client = client
        self._settings = s = settings or PaymegaSettings()
        self._terminal_id = terminal_id
        self._currency = currency
        self._backoff = backoff
        self._services: frozenset[str] | None = None
        self.capabilities = Capabilities(register_shows_qr=True, refund=s.refunds,
                                         partial_refund=s.refunds)
        self.limits = Limits(min_minor=s.min_amount_minor, max_minor=s.max_amount_minor)
        lifetime = timedelta(minutes=s.lifetime_minutes)
        self.lifetime: timedelta | None = min(max(lifetime, MIN_LIFETIME), MAX_LIFETIME)
        # Spec §12.3: every 2-3 s while the QR is shown, then every 10-30 s until final.
        self.poll_policy = PollPolicy(
            first_delay=min(s.poll_interval_s, 2.0), interval=s.poll_interval_s,
            slow_interval=s.slow_poll_interval_s, slow_after=self.lifetime.total_seconds(),
            grace_after_expiry=s.grace_s)

    def new_payment_key(self, payment_id: str) -> str:
        """``<till>-<yyyymmdd>-<payment id>``: unique per account, safe in URLs (spec §12.1)."""
        return f"{self._till()}-{datetime.now(UTC):%Y%m%d}-{payment_id}"

    def _till(self) -> str:
        return _KEY_UNSAFE.sub("", self._terminal_id)[:24] or "pos"

    def new_operation_key(self, payment_id: str, kind: str) -> str:
        return f"{self.new_payment_key(payment_id)}-{kind}-{datetime.now(UTC):%H%M%S%f}"[:64]

    async def prepare(self, options: Mapping[str, str]) -> Mapping[str, str]:
        """Refuse a service code the account does not offer before anything is journaled.

        Raises InvalidInput (exit 2).  When the list cannot be read the code goes as it is:
        Paymega then refuses an unknown one itself (422, spec §4), and nothing is charged.
        """
        service = options.get("service") or self._settings.service
        if not re.fullmatch(r"[a-z0-9_]{3,64}", service):
            raise InvalidInput(messages.REJECTED.with_params(details=f"service {service!r}"),
                               code="SERVICE")
        offered = await self._offered_services()
        if offered is not None and service not in offered:
            raise InvalidInput(messages.UNKNOWN_SERVICE.with_params(
                service=service, offered=", ".join(sorted(offered)) or "—"), code="SERVICE")
        return {**options, "service": service}

    async def warm_up(self) -> None:
        """The services, and the configured one's amount range (:meth:`_narrow_limits`)."""
        await self._offered_services()

    async def _offered_services(self) -> frozenset[str] | None:
        """The service codes this account can take now, read once; None if unreadable."""
        if self._services is None:
            try:
                self._services = await self._read_services()
            except ProviderError as exc:
                log.warning("Paymega's services could not be read (%s); the service code is "
                            "sent unchecked", exc.code)
                return None
        return self._services

    async def _read_services(self) -> frozenset[str]:
        """The account's service codes that can take a payment now (spec §5.1, §5.2); the
        configured service's own amounts narrow :attr:`limits`."""
        if self._settings.api == "public" and not self.client.has_credentials:
            services = (await self.client.public_prerequest(self._currency)).services
            mine = services.get(self._settings.service)
            if mine is not None:
                self._narrow_limits(mine.amount_min, mine.amount_max, mine.currency)
            return frozenset(services)
        offered = [s.attributes for s in await self.client.services()
                   if s.attributes.available and s.attributes.active and s.attributes.enabled]
        for service in offered:
            if service.service == self._settings.service:
                self._narrow_limits(service.amount_min, service.amount_max,
                                    service.service_currency)
        return frozenset(service.service for service in offered)

    def _narrow_limits(self, low: Decimal | None, high: Decimal | None,
                       currency: str | None) -> None:
        """The configured limits within Paymega's own for the configured service (spec §5.1,
        §5.2: ``amount_min``/``amount_max``, in the service's currency, so only when that is
        the terminal's): a card service from 10 ₽ was offered at 2 ₽ and refused (422)."""
        if currency is not None and currency.upper() != self._currency.upper():
            return
        configured = Limits(min_minor=self._settings.min_amount_minor,
                            max_minor=self._settings.max_amount_minor)
        low_minor = configured.min_minor if low is None else int(
            (low * 100).to_integral_value(ROUND_CEILING))
        high_minor = configured.max_minor if high is None else int(
            (high * 100).to_integral_value(ROUND_FLOOR))
        narrowed = Limits(min_minor=max(configured.min_minor, low_minor),
                          max_minor=min(configured.max_minor, high_minor))
        if narrowed.min_minor > narrowed.max_minor:
            log.warning("Paymega's service %s takes %s to %s, outside the configured limits; "
                        "the configured ones stay", self._settings.service, low, high)
            return
        if narrowed != self.limits:
            log.info("Paymega's service %s takes %s to %s %s", self._settings.service,
                     low, high, self._currency)
        self.limits = narrowed

    # -- create --

    async def create(self, request: PaymentRequest) -> RemotePayment:
        last: OutcomeUnknown | None = None
        for attempt in range(1 + self._settings.retries):
            if attempt:
                await asyncio.sleep(wait_before_resend(self._backoff, attempt, last))
            try:
                return self._remote(await self._send_create(request))
            except DuplicateReference as duplicate:
                existing = duplicate.existing or await self._lookup(request.key)
                if existing is None:
                    raise OutcomeUnknown(messages.DUPLICATE, code="409") from None
                log.info("adopting the existing invoice %s for %s", existing.id, request.key)
                return self._remote(existing)
            except Rejected as exc:  # after DuplicateReference, which is one too
                if not self._clock_was_off(exc):
                    raise
                # Nothing was created (422): send it again, timed by Paymega's clock.
                log.warning("Paymega's clock differs from ours by %.0f s; expiry adjusted",
                            self.client.clock_offset)
                return self._remote(await self._send_create(request))
            except OutcomeUnknown as exc:
                # The invoice may exist: look before sending again (spec §4, 5xx row).
                found = await self._lookup(request.key)
                if found is not None:
                    return self._remote(found)
                if isinstance(exc, Unclear):  # 400, and nothing was created: a bad request
                    raise Rejected(exc.message, code=exc.code, details=exc.details) from None
                last = exc
        assert last is not None
        raise last

    async def _send_create(self, request: PaymentRequest) -> Invoice:
        service = request.options.get("service", self._settings.service)
        amount = Decimal(request.amount_minor).scaleb(-2)
        if self._settings.api == "public":
            return await self.client.public_create(
                service=service, currency=request.currency, amount=amount,
                reference_id=request.key, description=request.description)
        attributes: dict[str, Any] = {
            "reference_id": request.key,
            "service": service,
            "currency": request.currency,
            "amount": amount,
            "test_mode": self._settings.test_mode,
            "description": request.description,
            "metadata": {"till": self._terminal_id, "order": request.order_id},
        }
        if request.expires_at is not None:
            # The same lifetime on Paymega's clock (it checks 14 min .. 2 days from its now).
            expires = request.expires_at + timedelta(seconds=self.client.clock_offset)
            attributes["expires"] = expires.astimezone(UTC).isoformat(timespec="seconds")
        if self._settings.callback_url:
            attributes["callback_url"] = self._settings.callback_url
        return await self.client.create_invoice(attributes)

    def _clock_was_off(self, exc: Rejected) -> bool:
        """An `expires` refused while Paymega's clock is far from ours (learned from the
        refusal's own Date header): the till's clock, not the request, was wrong."""
        return "expir" in (exc.details or "").lower() and abs(self.client.clock_offset) > 30

    async def _lookup(self, reference_id: str) -> Invoice | None:
        if self._settings.api == "public" and not self._has_private_api():
            raise OutcomeUnknown(messages.NO_LOOKUP, code="NO_LOOKUP")
        return await self.client.find_by_reference(reference_id)

    async def payments_between(self, since: datetime, until: datetime) -> list[RemoteListed]:
        """This terminal's invoices created in [since, until): the list is newest first
        (spec §5.8), so paging stops at the first older one.  Other tills of the account
        are told apart by the ``<till>-`` prefix of the reference id."""
        prefix, after = f"{self._till()}-", None
        since = since.replace(microsecond=0)  # Paymega's times are whole seconds
        found: list[RemoteListed] = []
        while True:
            page = await self.client.list_invoices(size=100, after=after)
            for invoice in page:
                created = datetime.fromtimestamp(invoice.created or 0, UTC)
                if created < since:
                    return found
                if created < until and (invoice.reference_id or "").startswith(prefix):
                    found.append(RemoteListed(
                        key=invoice.reference_id or "", amount_minor=_minor(invoice.amount) or 0,
                        currency=invoice.currency, created=created, remote=self._remote(invoice)))
            if len(page) < 100:
                return found
            after = page[-1].id

    def _has_private_api(self) -> bool:
        return self.client.has_credentials

    async def recover(self, request: PaymentRequest) -> RemotePayment | None:
        found = await self._lookup(request.key)
        return self._remote(found) if found is not None else None

    # -- after creation --

    async def status(self, ref: PaymentRef) -> RemotePayment:
        if not ref.provider_ref:
            found = await self._lookup(ref.request.key)
            if found is None:
                raise NotFound(messages.NOT_FOUND, code="404")
            return self._remote(found)
        if self._settings.api == "public":
            invoice = await self.client.public_get(ref.provider_ref)
        else:
            invoice = await self.client.get_invoice(ref.provider_ref)
        return self._remote(invoice)

    async def cancel(self, ref: PaymentRef, key: str) -> RemoteOperation:
        # Not offered (capabilities.cancel is False): the service leaves the invoice to expire.
        raise Rejected(messages.REJECTED.with_params(details="no cancel in the Paymega API"),
                       code="NO_CANCEL")

    async def refund(self, ref: PaymentRef, request: RefundRequest) -> RemoteOperation:
        if not ref.provider_ref:
            raise NotFound(messages.NOT_FOUND, code="404")
        amount = Decimal(request.amount_minor).scaleb(-2)
        try:
            refund = await self.client.refund(ref.provider_ref, amount=amount,
                                              reference_id=request.key,
                                              description=request.reason or "refund")
        except DuplicateReference:
            # Sent before and the answer was lost: the invoice tells whether it went through.
            return await self._refund_from_invoice(ref, request)
        return self._refund_operation(refund.id, refund.attributes.status, ref)

    async def operation_status(self, ref: PaymentRef, op_ref: str) -> RemoteOperation:
        refund = await self.client.get_refund(op_ref)
        return self._refund_operation(refund.id, refund.attributes.status, ref)

    async def _refund_from_invoice(self, ref: PaymentRef,
                                   request: RefundRequest) -> RemoteOperation:
        """Done only if the invoice's refunded total includes this refund; never assumed."""
        payment = await self.status(ref)
        refunded = payment.refunded_minor or 0
        if refunded >= request.refunded_before_minor + request.amount_minor:
            state = RemoteOperationState.DONE
        elif payment.state is RemoteState.REFUNDING:
            state = RemoteOperationState.PENDING
        else:
            state = RemoteOperationState.REJECTED
        return RemoteOperation(state=state, payment=payment)

    def _refund_operation(self, refund_id: str, status: str, ref: PaymentRef) -> RemoteOperation:
        if status in ("processed", "success", "succeeded", "refunded"):
            state = RemoteOperationState.DONE
        elif status.endswith(("failed", "declined", "rejected")) or status == "canceled":
            state = RemoteOperationState.REJECTED
        else:
            state = RemoteOperationState.PENDING
        return RemoteOperation(
            state=state, op_ref=refund_id,
            reason=messages.REJECTED.with_params(details=status)
            if state is RemoteOperationState.REJECTED else None,
            reason_code=status if state is RemoteOperationState.REJECTED else None,
            receipt_fields={"refundId": refund_id})

    async def probe(self) -> Message:
        return messages.PROBE_OK.with_params(n=len(await self._read_services()))

    async def aclose(self) -> None:
        await self.client.aclose()

    # -- reading --

    def _remote(self, invoice: Invoice) -> RemotePayment:
        state, reason = invoice_state(invoice)
        url = self.payer_url(invoice)
        if url is None and state is RemoteState.PENDING:
            reason = messages.NO_QR
        return RemotePayment(
            state=state,
            provider_ref=invoice.id,
            raw_status=invoice.status if not invoice.resolution or invoice.resolution == "ok"
            else f"{invoice.status}/{invoice.resolution}",
            reason_code=invoice.resolution if state is not RemoteState.PAID else None,
            reason=reason,
            paid_minor=_minor(invoice.processed_amount),
            refunded_minor=_minor(invoice.refunded_amount),
            payer_url=url,
            version=invoice.updated,
            receipt_fields=_receipt_fields(invoice),
        )

    def payer_url(self, invoice: Invoice) -> str | None:
        """What the QR code shows (spec §7): the hosted page, else a plain GET action."""
        if self._settings.payer_page:
            return f"{self._settings.payer_page}?cpi={invoice.id}"
        if invoice.flow_action and invoice.flow_method in (None, "GET") and \
                not invoice.flow_has_params:
            return invoice.flow_action
        return None


def _minor(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def _receipt_fields(invoice: Invoice) -> dict[str, str]:
    fields = {
        "invoiceId": invoice.id,
        "referenceId": invoice.reference_id,
        "rrn": invoice.rrn,
        "approvalCode": invoice.approval_code,
        "card": invoice.card_mask,
    }
    return {k: v for k, v in fields.items() if v}
