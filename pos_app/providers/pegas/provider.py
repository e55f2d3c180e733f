"""Pegas-kassa deposits and withdrawals behind the common Provider protocol.

Much of this API is undocumented (spec §6, §7), so the choices here follow the
spec's ASSUMPTIONs and stay configurable: the status endpoint's path, whether it
exists at all (``status_channel``: auto, on, off), the deposit type and lifetime.

Without a status channel (spec §8.4) the register learns that a deposit was paid
from its receipt file; a payment that nothing confirms is left to a person, whose
manual confirmation is flagged in the journal and on the receipt.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pos_app.backoff import Backoff
from pos_app.core.money import Money
from pos_app.i18n import Message
from pos_app.providers.base import (
    Capabilities,
    Limits,
    PaymentRef,
    PaymentRequest,
    PollPolicy,
    RefundRequest,
    RemoteOperation,
    RemoteOperationState,
    RemotePayment,
    RemoteState,
)
from pos_app.providers.errors import (
    InvalidInput,
    NeedsPerson,
    NotFound,
    OutcomeUnknown,
    Rejected,
    wait_before_resend,
)
from pos_app.providers.pegas import messages
from pos_app.providers.pegas.client import Duplicate, PegasClient, StatusUnavailable, rubles
from pos_app.providers.pegas.models import DepositAnswer, TransactionAnswer
from pos_app.providers.pegas.settings import DEPOSIT_TYPES, PegasSettings

RESEND_BACKOFF = Backoff(first_s=1.0, cap_s=4.0)  # a request resent after no answer
log = logging.getLogger(__name__)

LINK_TYPES = {"invoice-select", "invoice-card", "invoice-qw", "yandex"}
PAYOUT_METHODS = ("card", "phone", "wallet", "yandex", "nickname")
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_PHONE = re.compile(r"\+?[0-9]{10,15}")
_NUMBERS = {
    "card": re.compile(r"[0-9]{16,19}"),
    "phone": _PHONE,
    "wallet": _PHONE,  # a QIWI wallet is a phone number
    "yandex": re.compile(r"[0-9]{11,20}"),
    "nickname": re.compile(r"[A-Za-z0-9_.-]{3,64}"),
}
# The grouping people type inside a number and that is not part of it (a card's spaces, a
# phone's brackets).  Only digits-only methods have any: a nickname is sent exactly as typed
# ("john-doe" is not "johndoe"), and what its pattern does not allow is refused.
_GROUPING = {
    "card": re.compile(r"[ -]"),
    "phone": re.compile(r"[ ()-]"),
    "wallet": re.compile(r"[ ()-]"),
    "yandex": re.compile(r" "),
}

# Status names are undocumented: ours plus the synonyms of spec §7 (client tolerance).
_STATES = {
    **dict.fromkeys(("waiting", "wait", "pending", "new", "created", "process", "processing"),
                    RemoteState.PENDING),
    **dict.fromkeys(("paid", "success", "succeeded", "completed", "accept"), RemoteState.PAID),
    **dict.fromkeys(("canceled", "cancelled", "cancel", "rejected"), RemoteState.CANCELLED),
    "expired": RemoteState.EXPIRED,
    **dict.fromkeys(("failed", "fail", "error", "unpaid"), RemoteState.DECLINED),
}


def mask(number: str) -> str:
    """What the journal keeps of a payout destination."""
    return number if len(number) <= 6 else f"{number[:4]}…{number[-4:]}"


class PegasProvider:
    id = "pegas"
    display_name = "Pegas-kassa"
    payment_hint = Message("Payment", "The customer scans a QR code or pays to a number.")
    options_widget: str | None = "pos_app.providers.pegas.widgets:DepositOptions"
    capabilities = Capabilities(cancel=True, register_shows_qr=True, withdrawal=True)
    private_options = frozenset({"number"})  # a payout card number never reaches the journal

    def __init__(self, *, client: PegasClient, settings: PegasSettings | None = None,
                 terminal_id: str = "", backoff: Backoff = RESEND_BACKOFF) -> None:
        """``terminal_id`` goes into every order id (spec §5.1 ``order_id``)."""
        self.client = client
        self._settings = s = settings or PegasSettings()
        self._terminal_id = terminal_id
        self._backoff = backoff
        self._ttl = timedelta(minutes=s.ttl_minutes)
        self.limits = Limits(min_minor=s.min_amount_minor, max_minor=s.max_amount_minor)
        self.lifetime: timedelta | None = self._ttl
        # Spec §8.4: every 3 s while the QR is shown, then every 15-30 s.
        self.poll_policy = PollPolicy(first_delay=s.poll_interval_s, interval=s.poll_interval_s,
                                      slow_interval=s.slow_poll_interval_s,
                                      slow_after=self._ttl.total_seconds(),
                                      grace_after_expiry=s.grace_s)
        self._status_available: bool | None = {"on": True, "off": False}.get(s.status_channel)

    @property
    def deposit_type(self) -> str:
        """The deposit type a payment takes unless the cashier chooses another (§5.1)."""
        return self._settings.deposit_type

    def new_payment_key(self, payment_id: str) -> str:
        """The ``order_id``: ``<till>-<yyyymmdd>-<payment id>`` (spec §8.1)."""
        till = _KEY_UNSAFE.sub("", self._terminal_id)[:24] or "pos"
        return f"{till}-{datetime.now(UTC):%Y%m%d}-{payment_id}"

    def new_operation_key(self, payment_id: str, kind: str) -> str:
        return f"{self.new_payment_key(payment_id)}-{kind}"[:64]

    async def prepare(self, options: Mapping[str, str]) -> Mapping[str, str]:
        if options.get("operation") == "withdrawal":
            return self._prepare_withdrawal(options)
        kind = options.get("type") or self._settings.deposit_type
        if kind not in DEPOSIT_TYPES:
            raise InvalidInput(messages.BAD_TYPE.with_params(type=kind), code="type")
        prepared = {**options, "type": kind}
        if kind == "invoice-qw":
            phone = re.sub(r"[\s()-]", "", options.get("phone", ""))
            if not _PHONE.fullmatch(phone):
                raise InvalidInput(messages.NEEDS_PHONE, code="phone")
            prepared["phone"] = phone
        return prepared

    def _prepare_withdrawal(self, options: Mapping[str, str]) -> dict[str, str]:
        # python-stdnum brings pydoc, platform and sysconfig (~5 ms): not on every start.
        from stdnum import luhn

        method = options.get("method", "")
        if method not in PAYOUT_METHODS:
            raise InvalidInput(messages.BAD_METHOD.with_params(method=method), code="method")
        number = options.get("number", "").strip()
        if method in _GROUPING:
            number = _GROUPING[method].sub("", number)
        bad_card = method == "card" and not luhn.is_valid(number)
        if not _NUMBERS[method].fullmatch(number) or bad_card:
            raise InvalidInput(messages.BAD_NUMBER.with_params(
                number=mask(number), what=messages.PAYOUT_NUMBER[method]), code="number")
        comment = options.get("comment", "")
        if comment and not 3 <= len(comment.strip()) <= 100:
            raise InvalidInput(messages.BAD_COMMENT, code="comment")
        # The full number is private (never journaled); the masked one is for people.
        return {**options, "method": method, "number": number, "number_masked": mask(number),
                "comment": comment.strip()}

    # -- create and recover --

    async def create(self, request: PaymentRequest) -> RemotePayment:
        if _is_withdrawal(request) and not request.private.get("number"):
            # After a restart the payout's destination is not known any more (not journaled):
            # it may never have left, so it is not "declined"; repeating it gives it back.
            raise NeedsPerson(messages.PAYOUT_NEEDS_DESTINATION, code="not_sent")
        last: OutcomeUnknown | None = None
        for attempt in range(1 + self._settings.retries):
            if attempt:
                await asyncio.sleep(wait_before_resend(self._backoff, attempt, last))
            try:
                answer = await self._send(request)
                return self._created(request, answer)
            except Duplicate:
                return await self._existing(request)
            except OutcomeUnknown as exc:
                last = exc
                if self._status_works():
                    found = await self._lookup(request)
                    if found is not None:
                        return found
                    continue  # confirmed absent: resend with the same order_id
                # No status channel: one resend; a duplicate then means it exists (spec §8.3).
                if attempt >= 1:
                    break
        assert last is not None
        raise last

    async def _send(self, request: PaymentRequest) -> DepositAnswer:
        o = request.options
        params = {"amount": rubles(request.amount_minor), "order_id": request.key}
        if _is_withdrawal(request):
            params.update(method=o["method"], number=request.private["number"])
            if o.get("comment"):
                params["comment"] = o["comment"]
            return await self.client.withdrawal(params)
        params["type"] = o["type"]
        params["ttl"] = str(max(int(self._ttl.total_seconds() // 60), 1))
        for name in ("phone", "qiwi_account"):
            if o.get(name):
                params[name] = o[name]
        if self._settings.success_url and o["type"] == "invoice-qw":
            params["success_url"] = self._settings.success_url
        return await self.client.deposit(params)

    def _created(self, request: PaymentRequest, answer: DepositAnswer) -> RemotePayment:
        fields = {"orderId": request.key}
        if answer.commission is not None:
            fields["commission"] = f"{answer.commission:.2f}"
        payer_text = None
        if answer.wallet or answer.card:
            # Wallet types: the customer pays to a number; the exact amount matters.  As a
            # cashier reads them: a card in fours, the amount as on the sale's screen.
            number = answer.wallet or " ".join(re.findall(".{1,4}", answer.card or ""))
            payer_text = f"{number} · {Money(request.amount_minor, 'RUB').format()}"
        return RemotePayment(
            state=RemoteState.PENDING, provider_ref=str(answer.id) if answer.id else None,
            raw_status="created", payer_url=answer.url, payer_text=payer_text,
            expires_at=None if _is_withdrawal(request)
            else datetime.now(UTC) + self._ttl,
            receipt_fields=fields)

    async def _existing(self, request: PaymentRequest) -> RemotePayment:
        """The order id is taken: the operation exists. Find it, or hand it to a person."""
        if self._status_works():
            found = await self._lookup(request)
            if found is not None:
                return found
        raise NeedsPerson(messages.ORPHAN.with_params(order=request.key), code="orphan")

    async def recover(self, request: PaymentRequest) -> RemotePayment | None:
        if self._status_works():
            found = await self._lookup(request)
            if found is None and _is_withdrawal(request) and not request.private.get("number"):
                # Never arrived: sent again with the same order id once the destination is
                # given back (the same --reference repeated), never called declined.
                raise NeedsPerson(messages.PAYOUT_NEEDS_DESTINATION, code="not_sent")
            return found
        return None  # nothing to ask: create() resends once and a duplicate means it exists

    async def _lookup(self, request: PaymentRequest) -> RemotePayment | None:
        try:
            answer = await self.client.transaction(order_id=request.key)
        except StatusUnavailable:
            self._status_gone()
            raise NeedsPerson(messages.NO_STATUS, code="no_status") from None
        except NotFound:
            return None
        return self._from_status(answer, request)

    # -- after creation --

    async def status(self, ref: PaymentRef) -> RemotePayment:
        if self._status_works():
            try:
                answer = await self.client.transaction(id=ref.provider_ref) if ref.provider_ref \
                    else await self.client.transaction(order_id=ref.request.key)
                if answer.order_id and answer.order_id != ref.request.key:
                    # That id is another order's (a reset sandbox reuses ids): ours is found
                    # by its own order id, never taken from someone else's transaction.
                    log.warning("Pegas-kassa transaction %s belongs to order %s, not %s; "
                                "asking by order id", ref.provider_ref, answer.order_id,
                                ref.request.key)
                    answer = await self.client.transaction(order_id=ref.request.key)
                return self._from_status(answer, ref.request)
            except StatusUnavailable:
                self._status_gone()
        return await self._receipt_probe(ref)

    async def _receipt_probe(self, ref: PaymentRef) -> RemotePayment:
        """No status channel: a receipt file exists only for a completed payment (§8.4)."""
        try:
            await self.client.receipt(fmt="pdf", id=ref.provider_ref or None,
                                      order_id=None if ref.provider_ref else ref.request.key)
        except NotFound:
            return RemotePayment(state=RemoteState.PENDING, provider_ref=ref.provider_ref,
                                 raw_status="no receipt yet")
        return RemotePayment(state=RemoteState.PAID, provider_ref=ref.provider_ref,
                             raw_status="receipt issued",
                             receipt_fields={"confirmation": "receipt"})

    def _from_status(self, answer: TransactionAnswer, request: PaymentRequest) -> RemotePayment:
        status = (answer.status or "").lower()
        state = _STATES.get(status)
        if state is None:
            log.warning("Pegas-kassa sent an unknown status %r; still waiting", status)
            state = RemoteState.PENDING
        reason: Message | None = None
        if state is RemoteState.DECLINED:
            reason = messages.NOT_PAID
        elif state is RemoteState.EXPIRED:
            reason = messages.EXPIRED
        fields = {"orderId": answer.order_id or request.key}
        if answer.commission is not None:
            fields["commission"] = f"{answer.commission:.2f}"
        paid = _minor(answer.amount) if state is RemoteState.PAID else None
        return RemotePayment(state=state, provider_ref=str(answer.id) if answer.id else None,
                             raw_status=status, reason=reason, paid_minor=paid,
                             receipt_fields=fields)

    async def cancel(self, ref: PaymentRef, key: str) -> RemoteOperation:
        if _is_withdrawal(ref.request):
            raise Rejected(messages.WITHDRAWAL_NO_CANCEL, code="withdrawal")
        if not ref.provider_ref:
            # Cancel needs Pegas-kassa's id (spec §5.2); the recovery looks it up first.
            raise NotFound(messages.NOT_FOUND, code="no_id")
        try:
            await self.client.cancel(order_id=ref.request.key, id=ref.provider_ref)
        except Rejected as exc:
            if isinstance(exc, NotFound):
                raise
            # "Transaction cannot be cancelled": the customer was faster. Ask what it is now.
            payment = await self.status(ref)
            return RemoteOperation(state=RemoteOperationState.REJECTED, payment=payment,
                                   reason=messages.CANNOT_CANCEL, reason_code=exc.code)
        return RemoteOperation(state=RemoteOperationState.DONE, payment=RemotePayment(
            state=RemoteState.CANCELLED, provider_ref=ref.provider_ref, raw_status="canceled",
            reason=messages.CANCELLED))

    async def refund(self, ref: PaymentRef, request: RefundRequest) -> RemoteOperation:
        raise Rejected(messages.REJECTED.with_params(details="no refund in the API; make a "
                                                             "withdrawal to the customer"),
                       code="no_refund")

    async def operation_status(self, ref: PaymentRef, op_ref: str) -> RemoteOperation:
        raise Rejected(messages.REJECTED.with_params(details="no operation status"),
                       code="no_operation_status")

    async def receipt_file(self, ref: PaymentRef, fmt: str) -> tuple[bytes, str]:
        return await self.client.receipt(fmt=fmt, id=ref.provider_ref or None,
                                         order_id=None if ref.provider_ref else ref.request.key)

    # ../shared/specs/pegas-kassa.md §5.4: the balance is in rubles (ASSUMPTION).
    balance_currency = "RUB"

    async def balance_minor(self) -> int:
        balance = await self.client.balance()
        return int((balance * 100).to_integral_value())

    async def warm_up(self) -> None:
        """Nothing to learn before the first payment: its limits are the configured ones."""

    async def probe(self) -> Message:
        balance = await self.client.balance()
        return messages.PROBE_OK.with_params(balance=f"{balance:.2f}")

    async def aclose(self) -> None:
        await self.client.aclose()

    # -- the status channel --

    def _status_works(self) -> bool:
        return self._status_available is not False

    def _status_gone(self) -> None:
        if self._settings.status_channel == "on":
            return  # configured as present: keep asking, the 404 was about something else
        if self._status_available is not False:
            log.warning("Pegas-kassa has no status endpoint at %s; using the receipt probe",
                        self.client.status_path)
        self._status_available = False


def _is_withdrawal(request: PaymentRequest) -> bool:
    return request.options.get("operation") == "withdrawal"


def _minor(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())
