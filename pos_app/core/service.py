"""The payment service: create, poll, cancel, refund and reconcile, for every provider.

Each payment that is not settled has one *driver* task.  The driver looks at the
payment's journaled state and does the next step: send the create (DRAFT),
learn the outcome of a create whose answer was lost (CREATING, UNKNOWN), poll
(PENDING), send or resend a cancel (CANCELLING) or a refund (REFUNDING).  The
first send, a resend after a lost answer and recovery after a crash are therefore
the same code.  Every step writes the journal *before* the network call, with the
idempotency key of the attempt.

Callers (CLI, GUI) never talk to providers: they call :meth:`PaymentService.start_payment`,
:meth:`cancel`, :meth:`refund` and listen to :class:`PaymentUpdate`s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any, NoReturn

from pos_app.backoff import Backoff
from pos_app.core import refunds
from pos_app.core.events import state_label
from pos_app.core.journal import Journal, StaleTransition, new_id
from pos_app.core.money import AmountError, Money, check_limits
from pos_app.core.payments import Operation, Payment, utcnow
from pos_app.core.sale import Sale
from pos_app.core.shifts import shift_closed
from pos_app.core.states import (
    OperationKind,
    OperationState,
    PaymentState,
    can_correct,
    can_move,
    settled,
)
from pos_app.i18n import Message, UserError, msg
from pos_app.providers.base import (
    BalanceSource,
    PaymentRef,
    PaymentRequest,
    Provider,
    ReceiptSource,
    RefundRequest,
    RemoteOperation,
    RemoteOperationState,
    RemotePayment,
    RemoteState,
)
from pos_app.providers.errors import (
    InProgress,
    NeedsPerson,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    RateLimited,
    Rejected,
)
from pos_app.redact import register_secret

log = logging.getLogger(__name__)
S = PaymentState
C = "Payment"

_STATE_OF = {
    RemoteState.PENDING: S.PENDING,
    RemoteState.PAID: S.PAID,
    RemoteState.DECLINED: S.DECLINED,
    RemoteState.EXPIRED: S.EXPIRED,
    RemoteState.CANCELLED: S.CANCELLED,
    RemoteState.REFUNDING: S.REFUNDING,
    RemoteState.PARTIALLY_REFUNDED: S.PARTIALLY_REFUNDED,
    RemoteState.REFUNDED: S.REFUNDED,
    RemoteState.UNDERPAID: S.PENDING,  # not paid in full: waits for a person's decision
}
_REFUND_STATES = {S.REFUNDING, S.PARTIALLY_REFUNDED, S.REFUNDED}

# A notification asks for a status read at once, but never closer than this to the last one
# (Koshelek asks for polls at least 250 ms apart).
MIN_POLL_GAP = 0.25

# When an answer was lost: wait this long (seconds) before each new attempt to learn the outcome.
RECONCILE_BACKOFF = Backoff(first_s=1.0, cap_s=60.0)  # status re-reads after a failed one
RECEIPT_TRIES = 7  # a provider's receipt file, while it says it is not ready yet
# "Not known there" on this many status reads in a row, a backoff apart, before a person is
# asked: one 404 (a replica behind, a gateway's hiccup) decides nothing about the money.
NOT_FOUND_READS = 3

AUTO_CANCEL = Message(C, "No final answer within {seconds} seconds; the payment was cancelled.")
CANCELLED_BY_CASHIER = Message(C, "Cancelled by the cashier.")
LATE_PAYMENT = Message(C, "Late payment: the customer paid {amount} after the cashier left the "
                          "payment. Complete the sale (give the goods), or {advice}")
# Paid there, ended unpaid here (a cancel not honoured, a "not paid" decided by hand).
PAID_AFTER_END = Message(C, "{provider} reports this payment as paid, but it was recorded as "
                            "{state} here. Do not take the money again: give the goods "
                            "(History → the payment → Check with the provider… records it as "
                            "paid), or return it.")
DRIVER_FAILED = Message(C, "An internal error stopped the handling of this payment. It is kept "
                           "in the journal and will be checked again on the next start.")
# The register cannot take "the rest" of a sale (another way asks for the whole amount: a
# walk paid 160 for a 100 sale): the part paid goes back first, then the sale is paid whole.
UNDERPAID = Message(C, "The customer paid only {paid} of {amount}. Return the {paid} as the "
                       "store's rules say (e.g. in cash), resolve this payment as not paid, "
                       "then take the whole sale again.")
# How the money goes back, by what the provider allows on this terminal (an alert must never
# send a person to a button that is off).
PAID_TWICE = Message(C, "Paid twice: the customer paid {amount} by {provider} for sale {sale}, "
                        "which was paid already ({other} by {other_provider}). Give nothing more, "
                        "and {advice}")
RETURN_BY_REFUND = Message(C, "refund it: History → the payment → Refund.")
RETURN_BY_PAYOUT = Message(C, "return it by a payout: History → the payment → Refund.")
RETURN_ELSEWHERE = Message(C, "return the money as the store's rules say (e.g. in cash): refunds "
                              "through {provider} are not available on this terminal. Then mark "
                              "the payment as dealt with.")
LINK_LOST = Message(C, "The payment link was lost in a failure, so the payment is cancelled and "
                       "cannot be paid twice. Start it again.")
RESOLVED = Message(C, "Resolved by {actor}: {reason}")
REFUND_UNDER_WAY = Message(C, "A refund of this payment is under way: {provider} is asked "
                              "about it again automatically, and its result is recorded when "
                              "it answers. The payment itself is settled: nothing to resolve.")
PAID_AFTER_Z = Message(C, "Paid after its shift was closed: {amount} counts in no Z report. "
                          "Give the goods and note it for the records, or {advice}")
NO_TRANSACTION_ID = Message(C, "{provider} cannot be asked about this payment without its "
                               "transaction id: check it in the provider's cabinet.")
CORRECTED = Message(C, "Corrected by {actor} from the provider's answer: {reason}")
STILL_PENDING = Message(C, "{provider} still reports the payment as in progress after it expired.")


@dataclass(frozen=True)
class PaymentUpdate:
    """Something happened to a payment: a state change, new details, or an alert for a person."""

    payment: Payment
    operation: Operation | None = None
    alert: Message | None = None
    error: Message | None = None
    # The driver of this payment stopped (settled, or an internal error: recovered on restart).
    stopped: bool = False


Listener = Callable[[PaymentUpdate], None]


@dataclass(frozen=True)
class ReceiptData:
    payment: Payment
    sale: Sale
    operations: list[Operation]
    times_printed: int

    def returned(self) -> dict[int, Decimal]:
        """Quantity refunded so far per sale line (refunds sent or done, not refused)."""
        done = refunds.already_returned(_refunds_so_far(self.operations))
        return {index: quantity for index, (quantity, _) in done.items()}


class _StopDriving(Exception):
    """Nothing sensible is left to try automatically; a person must look (next start retries)."""


@dataclass
class _Driver:
    """What the driver of one payment keeps in memory (the truth is in the journal)."""

    payment_id: str
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    acked_at: float | None = None  # monotonic time the provider acknowledged the create
    last_poll: float = 0.0
    failures: int = 0
    warned_still_pending: bool = False
    poll_now: bool = False  # a callback arrived: read the status without waiting the interval
    not_found: int = 0  # status reads in a row that the provider answered "not known"
    asked: asyncio.Event = field(default_factory=asyncio.Event)  # a status read was made
    retry_after: float = 0.0  # seconds the provider asked us to wait (Retry-After)


class PaymentService:
    """Orchestrates payments; the journal is the only state that matters after a crash."""

    def __init__(
        self,
        *,
        journal: Journal,
        providers: Mapping[str, Provider],
        training: bool,
        clock: Callable[[], float] = time.monotonic,
        reconcile_backoff: Backoff = RECONCILE_BACKOFF,
    ) -> None:
        self.journal = journal
        self._providers = dict(providers)
        self.training = training
        self._clock = clock
        self._backoff = reconcile_backoff
        self._drivers: dict[str, _Driver] = {}
        # Options that must not be journaled (a payout card number), by payment, in memory.
        self._private: dict[str, Mapping[str, str]] = {}
        self._listeners: list[Listener] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._resolving: set[str] = set()  # being settled by a person: not driven meanwhile
        self._closed = False

    # -- public API -------------------------------------------------------------------

    @property
    def providers(self) -> Mapping[str, Provider]:
        return self._providers

    def provider(self, name: str) -> Provider:
        try:
            return self._providers[name]
        except KeyError:
            raise UserError(msg(C, "The payment method “{name}” is not enabled on this terminal.",
                                name=name)) from None

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def start(self) -> list[Payment]:
        """Recovery: discard never-sent drafts, then drive every unsettled payment to an end."""
        for draft in await self.journal.payments_in([S.DRAFT]):
            await self.journal.discard_draft(draft.id)
            log.info("discarded draft %s that was never sent", draft.id)
        unsettled = await self.journal.payments_in(
            [S.CREATING, S.UNKNOWN, S.PENDING, S.CANCELLING, S.REFUNDING])
        for payment in unsettled:
            if payment.provider not in self._providers:
                log.error("payment %s belongs to %s, which is not configured; it stays %s",
                          payment.id, payment.provider, payment.state)
                continue
            self._ensure_driver(payment.id)
        if unsettled:
            log.info("recovering %d unsettled payment(s)", len(unsettled))
        return unsettled

    async def close(self) -> None:
        self._closed = True
        tasks = [d.task for d in self._drivers.values() if d.task] + list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._drivers.clear()

    async def followed(self) -> list[Payment]:
        """The payments this process follows now that are not settled and not left by the
        cashier (a customer may be paying, a refund or payout is under way): stopping the
        process stops following them until the next start."""
        followed = []
        for payment_id in [p for p in self._drivers if self._followed(p)]:
            payment = await self.journal.get_payment(payment_id)
            if payment is not None and not payment.state.is_final and not payment.abandoned:
                followed.append(payment)
        return followed

    async def get(self, payment_id: str) -> Payment:
        payment = await self.journal.get_payment(payment_id)
        if payment is None:
            raise UserError(msg(C, "There is no payment {id}.", id=payment_id))
        return payment

    async def start_payment(
        self,
        sale: Sale,
        provider_name: str,
        options: Mapping[str, str] | None = None,
        *,
        expires_in: timedelta | None = None,
        description: str = "",
        kind: str = "payment",
    ) -> Payment:
        """Validate, journal the attempt (DRAFT) and start driving it; returns at once."""
        if self._closed:
            raise UserError(msg(C, "The terminal is shutting down."))
        provider = self.provider(provider_name)
        check_limits(sale.total, minimum=Money(provider.limits.min_minor, sale.currency),
                     maximum=Money(provider.limits.max_minor, sale.currency))
        if sale.id:
            await self.check_new_attempt(sale)
        prepared = dict(await provider.prepare(dict(options or {})))
        private = {k: prepared.pop(k) for k in provider.private_options if k in prepared}
        for value in private.values():  # a payout's card number: masked wherever it is written
            register_secret(value)
        expires_in = expires_in or provider.lifetime
        if not sale.id:
            sale = await self.journal.add_sale(sale, training=self.training)
        payment_id = new_id()
        now = utcnow()
        request = PaymentRequest(
            key=provider.new_payment_key(payment_id),
            order_id=sale.order_id,
            amount_minor=sale.total.minor,
            currency=sale.currency,
            description=description or f"Sale {sale.number}",
            items=refunds.sale_items(sale),
            options=prepared,
            expires_at=now + expires_in if expires_in else None,
            private=private,
        )
        payment = Payment(
            id=payment_id, sale_id=sale.id, provider=provider_name, state=S.DRAFT, kind=kind,
            amount=sale.total, key=request.key, request=request, created_at=now,
            updated_at=now, shift_id=sale.shift_id, training=self.training,
            expires_at=request.expires_at,
        )
        payment = await self.journal.add_payment(payment)
        if private:
            self._private[payment_id] = private
        self._ensure_driver(payment_id)
        return payment

    async def check_new_attempt(self, sale: Sale) -> None:
        """Refuse another payment for a sale that is paid, or whose last attempt may still be
        paid (in progress, or its outcome unknown): the customer could pay twice.  An attempt
        the cashier left to expire does not block: a late payment of it raises an alert."""
        for attempt in await self.journal.attempts_for(sale.id):
            state = attempt.state
            if state.is_paid or state is S.REFUNDED:
                raise UserError(msg(C, "Sale {number} is paid already.", number=sale.label))
            if attempt.paid_minor and not state.is_final:  # part of it is paid (underpaid)
                raise UserError(msg(
                    C, "The customer paid {paid} of sale {number} already, by {provider}: "
                       "return it and resolve that payment before taking another.",
                    paid=Money(attempt.paid_minor, attempt.amount.currency),
                    number=sale.label,
                    provider=self.provider(attempt.provider).display_name))
            if not state.is_final and not (state is S.PENDING and attempt.abandoned):
                raise UserError(msg(
                    C, "The last payment for sale {number} is not settled yet ({state}). Check "
                       "it again, or have the manager resolve it, before taking another: the "
                       "customer could pay twice.",
                    number=sale.label, state=state_label(state.value)))

    async def unsettled_attempts(self, sale: Sale) -> list[Payment]:
        """The sale's payments that may still be paid and that the register still waits for
        (in progress, or their outcome unknown)."""
        if not sale.id:
            return []
        return [p for p in await self.journal.attempts_for(sale.id)
                if not p.state.is_final and not p.abandoned]

    async def leave_sale(self, sale: Sale) -> list[Payment]:
        """The cashier leaves a sale whose payment is not settled (the basket cleared, or
        another basket paid): the payment is still followed, and if it turns out paid the
        late-payment alert says to return the money.  Before, a basket cleared after an
        unknown outcome was paid again, and the first payment turning paid raised nothing."""
        left = []
        for payment in await self.unsettled_attempts(sale):
            payment = await self.journal.update_payment(payment.id, event="left_by_cashier",
                                                        abandoned=True)
            self._emit(PaymentUpdate(payment))
            left.append(payment)
        return left

    def unsettled_warning(self, payment: Payment, sale: Sale) -> Message:
        """What a cashier is told before leaving a sale whose payment is not settled."""
        return msg(C, "The payment of {amount} by {provider} for sale {sale} is not settled yet "
                      "({state}): the customer may have paid it. Taking another payment may "
                      "charge them twice; if the first one turns out paid, an alert will say to "
                      "return it.", amount=payment.amount,
                   provider=self.provider(payment.provider).display_name, sale=sale.label,
                   state=state_label(payment.state.value))

    async def pay(self, sale: Sale, provider_name: str, options: Mapping[str, str] | None = None,
                  **kw: Any) -> Payment:
        """Start a payment and wait until it is settled (see :meth:`wait`)."""
        payment = await self.start_payment(sale, provider_name, options, **kw)
        return await self.wait(payment.id)

    async def wait(self, payment_id: str, *, timeout: float | None = None,
                   until: Callable[[Payment], bool] | None = None) -> Payment:
        """Until the payment is settled: final, UNKNOWN, or left by the cashier to finish on
        its own (or ``until`` says so).  Also returns if its driver stops for any reason."""
        done = until or settled
        result = asyncio.get_running_loop().create_future()

        def on_update(update: PaymentUpdate) -> None:
            if update.payment.id == payment_id and not result.done() and (
                    done(update.payment) or update.stopped):
                result.set_result(update.payment)

        unsubscribe = self.subscribe(on_update)
        try:
            current = await self.get(payment_id)
            if done(current) or payment_id not in self._drivers:
                return current
            payment: Payment = await asyncio.wait_for(result, timeout)
            return payment
        finally:
            unsubscribe()

    async def cancel(self, payment_id: str, *, wait: bool = True) -> Payment:
        """The cashier gives up. Providers that can cancel do; for the others the payment is
        left to expire and watched, so a late payment raises an alert instead of being lost."""
        payment = await self.get(payment_id)
        if payment.state.is_final or payment.state in _REFUND_STATES:
            return payment
        # The driver acts on the flag: before sending (DRAFT), or as soon as it can.
        payment = await self.journal.update_payment(payment_id, event="cancel_requested",
                                                    cancel_requested=True)
        self._emit(PaymentUpdate(payment))
        self._ensure_driver(payment_id)
        if not wait:
            return payment
        return await self.wait(payment_id)

    async def refund(
        self,
        payment_id: str,
        *,
        amount: Money | None = None,
        quantities: Mapping[int, Decimal] | None = None,
        reason: str = "",
        reference: str = "",
    ) -> Operation:
        """Refund all that is left, an amount, or chosen quantities of sale lines.

        Returns the operation once the provider answered (DONE, REJECTED or PENDING),
        or still SENT if the answer was lost — the driver then keeps resending it.
        ``reference``: the caller's own, unique per refund (the journal refuses a second).
        """
        payment, provider, plan = await self._refund_plan(payment_id, amount, quantities)
        key = provider.new_operation_key(payment_id, "refund")
        request = RefundRequest(key=key, amount_minor=plan.amount.minor,
                                currency=payment.amount.currency, items=plan.items, reason=reason,
                                refunded_before_minor=payment.refunded_minor)
        now = utcnow()
        operation = Operation(
            id=new_id(), payment_id=payment_id, kind=OperationKind.REFUND,
            state=OperationState.SENT, key=key,
            request={**request.to_json(), "lines": [line.to_json() for line in plan.lines]},
            created_at=now, updated_at=now, amount_minor=plan.amount.minor,
            prev_state=payment.state, reference=reference,
        )
        operation, payment = await self.journal.add_operation(
            operation, payment_to=S.REFUNDING, event="refund_sent")
        self._emit(PaymentUpdate(payment, operation))
        return await self.operation_answer(operation)

    async def refund_amount(self, payment_id: str, *, amount: Money | None = None,
                            quantities: Mapping[int, Decimal] | None = None) -> Money:
        """What :meth:`refund` with these arguments would return, checked by the same rules
        (UserError if it would be refused) and sent nowhere: the sum a person confirms
        before the money moves."""
        _, _, plan = await self._refund_plan(payment_id, amount, quantities)
        return plan.amount

    async def _refund_plan(self, payment_id: str, amount: Money | None,
                           quantities: Mapping[int, Decimal] | None,
                           ) -> tuple[Payment, Provider, refunds.RefundPlan]:
        payment = await self.get(payment_id)
        provider = self.provider(payment.provider)
        if not provider.capabilities.refund:
            raise UserError(msg(C, "{provider} does not support refunds from the register.",
                                provider=provider.display_name))
        if payment.state not in (S.PAID, S.PARTIALLY_REFUNDED):
            raise UserError(msg(C, "Only a paid payment can be refunded; this one is {state}.",
                                state=state_label(payment.state.value)))
        sale = await self.journal.get_sale(payment.sale_id)
        assert sale is not None
        previous = _refunds_so_far(await self.journal.operations_for(payment_id))
        plan = self._plan_refund(sale, payment, amount, quantities, previous, provider)
        return payment, provider, plan

    async def operation_answer(self, operation: Operation) -> Operation:
        """Send (or resend) the operation and wait for the provider's answer: DONE, REJECTED
        or PENDING, or still SENT once an attempt failed or the driver stopped."""
        answered = asyncio.get_running_loop().create_future()

        def on_update(update: PaymentUpdate) -> None:
            op = update.operation
            if answered.done() or update.payment.id != operation.payment_id:
                return
            if update.stopped:
                answered.set_result(None)
            elif op is not None and op.id == operation.id and (
                    op.state is not OperationState.SENT or update.error is not None):
                answered.set_result(op)

        unsubscribe = self.subscribe(on_update)
        try:
            self._ensure_driver(operation.payment_id)
            current = await self._operation(operation)
            if current.state is not OperationState.SENT:  # answered before we listened
                return current
            result: Operation | None = await answered
        finally:
            unsubscribe()
        # None: the driver stopped without an answer; report what is journaled.
        return result or await self._operation(operation)

    async def _operation(self, operation: Operation) -> Operation:
        operations = await self.journal.operations_for(operation.payment_id)
        return next(op for op in operations if op.id == operation.id)

    async def reconcile(self, payment_ids: Iterable[str] | None = None, *,
                        timeout: float = 30.0) -> list[Payment]:
        """Ask the providers again about unsettled payments; wait (bounded) for their answers."""
        ids = [p.id for p in await self.start()] if payment_ids is None else list(payment_ids)
        waits: list[Awaitable[object]] = []
        asked_at = utcnow()

        def answered(payment: Payment) -> bool:
            # UNKNOWN counts only once the provider was asked again after this call.
            return settled(payment) and (payment.state is not S.UNKNOWN
                                         or payment.updated_at > asked_at)

        for payment_id in ids:
            payment = await self.get(payment_id)
            if payment.state.is_final:
                continue
            self._ensure_driver(payment_id)
            driver = self._drivers.get(payment_id)
            if driver:
                driver.failures = 0
                driver.asked.clear()
                driver.poll_now = True
                driver.wake.set()
            if driver and payment.state is S.PENDING and payment.abandoned:
                # "Settled" while left to the customer, not final: the provider is asked
                # now, not answered from the journal (a link paid after Ctrl+C stayed PENDING).
                waits.append(self._asked_now(driver, timeout))
            else:
                waits.append(self._wait_or_current(payment_id, timeout, answered))
        await asyncio.gather(*waits)
        return [await self.get(payment_id) for payment_id in ids]

    @staticmethod
    async def _asked_now(driver: _Driver, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(driver.asked.wait(), timeout)

    async def _wait_or_current(self, payment_id: str, timeout: float,
                               until: Callable[[Payment], bool] | None) -> Payment:
        try:
            return await self.wait(payment_id, timeout=timeout, until=until)
        except TimeoutError:
            return await self.get(payment_id)

    async def resolve(self, payment_id: str, outcome: PaymentState, *, reason: str,
                      actor: str, seen: PaymentState | None = None) -> Payment:
        """A person settles a payment that nothing automatic could (UNKNOWN, orphans, no status
        channel). Audited; a payment confirmed this way says so on its receipt.

        ``seen``: the state the person decided on.  If the payment moved since (an answer came
        while the dialog was open), the decision was about something else: UserError.  The
        payment's driver is stopped before the decision is written, so no resend can reach the
        provider after it.  "Not paid" is refused while the payment is in progress at the
        provider and followed here: the customer may still pay (cancel it instead).
        """
        if not reason.strip() or not actor.strip():
            raise UserError(msg(C, "Resolving a payment needs a reason and who decided."))
        if outcome not in (S.PAID, S.DECLINED, S.CANCELLED, S.EXPIRED):
            raise UserError(msg(C, "A payment can only be resolved as paid, declined, cancelled "
                                   "or expired."))
        payment = await self.get(payment_id)
        self._check_resolvable(payment, outcome, seen)
        self._resolving.add(payment_id)
        resolved: Payment | None = None
        try:
            await self._stop_driving(payment_id)
            payment = await self.get(payment_id)  # as the stopped driver left it
            self._check_resolvable(payment, outcome, seen)
            resolved = await self._write_resolution(payment, outcome, reason=reason,
                                                    actor=actor)
        finally:
            self._resolving.discard(payment_id)
            if resolved is None:
                self._ensure_driver(payment_id)  # not decided: it is followed as before
        self._emit(PaymentUpdate(resolved))
        return resolved

    def _check_resolvable(self, payment: Payment, outcome: PaymentState,
                          seen: PaymentState | None) -> None:
        if seen is not None and payment.state is not seen:
            raise UserError(msg(C, "The payment changed while you decided: it is now {state}. "
                                   "Look at it again.", state=state_label(payment.state.value)))
        if payment.state is S.REFUNDING:
            # Its payment is settled; the open refund is asked about until the provider
            # answers.  Deciding the payment here dropped a refund Koshelek had made, and the
            # money went back twice.
            raise UserError(REFUND_UNDER_WAY.with_params(
                provider=self.provider(payment.provider).display_name))
        in_progress = payment.state in (S.CREATING, S.PENDING, S.CANCELLING)
        if (outcome is not S.PAID and in_progress and not payment.abandoned
                and payment.attention is None and self._followed(payment.id)):
            raise UserError(msg(C, "This payment is still in progress at {provider}: the "
                                   "customer may still pay. Cancel it, or wait for its result.",
                                provider=self.provider(payment.provider).display_name))

    def _followed(self, payment_id: str) -> bool:
        driver = self._drivers.get(payment_id)
        return driver is not None and driver.task is not None and not driver.task.done()

    async def _stop_driving(self, payment_id: str) -> None:
        driver = self._drivers.pop(payment_id, None)
        if driver is not None and driver.task is not None and not driver.task.done():
            driver.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await driver.task

    async def _write_resolution(self, payment: Payment, outcome: PaymentState, *, reason: str,
                                actor: str) -> Payment:
        fields = dict(payment.receipt_fields)
        if outcome is S.PAID:
            fields["confirmation"] = "manual"
        try:
            return await self.journal.update_payment(
                payment.id, to=outcome, event="resolved_manually",
                data={"reason": reason, "actor": actor, "was": payment.state.value},
                reason=RESOLVED.with_params(actor=actor, reason=reason), reason_code="MANUAL",
                receipt_fields=fields, attention=None)
        except StaleTransition as exc:
            raise UserError(msg(C, "This payment is {state} already; it cannot be resolved as "
                                   "{outcome}.", state=state_label(exc.current.state.value),
                                outcome=state_label(outcome.value))) from None

    async def take_provider_state(self, payment_id: str, *, actor: str,
                                  reason: str) -> Payment:
        """A payment recorded as not paid (declined, cancelled, expired; by hand or not) that
        the provider says was paid: the journal takes the provider's state, so the money can
        be refunded and the reports count it.  Asks the provider now; audited.  UserError
        when it cannot be asked, or does not say paid.  Before, a wrong "not paid" decision
        could not be undone even when the provider said otherwise."""
        if not reason.strip() or not actor.strip():
            raise UserError(msg(C, "Correcting a payment needs a reason and who decided."))
        payment = await self.get(payment_id)
        if not can_correct(payment.state, S.PAID):
            raise UserError(msg(C, "Only a payment recorded as not paid can be corrected this "
                                   "way; this one is {state}.",
                                state=state_label(payment.state.value)))
        provider = self.provider(payment.provider)
        try:
            remote = await self._current_remote(payment)
        except ProviderError as exc:
            raise UserError(msg(C, "{provider} could not be asked: {why}",
                                provider=provider.display_name, why=exc.message)) from None
        if remote is None:
            raise UserError(msg(C, "{provider} does not know this payment: nothing to "
                                   "correct.", provider=provider.display_name))
        target = _STATE_OF[remote.state]
        if not can_correct(payment.state, target):
            raise UserError(msg(C, "{provider} says this payment is {state}: nothing to "
                                   "correct.", provider=provider.display_name,
                                state=state_label(target.value)))
        changes = _remote_changes(payment, remote, keep_reason=False)
        alert = await self._paid_twice(payment)
        try:
            corrected = await self.journal.update_payment(
                payment.id, to=target, correction=True, event="corrected_from_provider",
                data={"actor": actor, "reason": reason, "was": payment.state.value,
                      "provider_says": remote.raw_status},
                **{**changes, "reason": CORRECTED.with_params(actor=actor, reason=reason),
                   "reason_code": "CORRECTED", "attention": alert})
        except StaleTransition as exc:
            raise UserError(msg(C, "The payment changed meanwhile: it is now {state}.",
                                state=state_label(exc.current.state.value))) from None
        self._emit(PaymentUpdate(corrected, alert=alert))
        return corrected

    async def recheck_unpaid(self, payments: Iterable[Payment]) -> list[Payment]:
        """Ask the providers again about payments that ended unpaid here (declined, cancelled,
        expired): one they say was paid is flagged with an alert, once, and returned.  A
        cancel the provider did not honour, a "not paid" decided by hand: the customer paid
        there, and nothing here said so (issue 16 #6).  One that cannot be asked is skipped
        (logged)."""
        flagged = []
        for payment in payments:
            if not payment.state.ended_unpaid or payment.provider not in self._providers:
                continue
            try:
                remote = await self._current_remote(payment)
            except ProviderError as exc:
                log.info("%s not asked again: %s", payment.id, exc.message.english())
                continue
            if remote is None or not can_correct(payment.state, _STATE_OF[remote.state]):
                continue
            if payment.attention is None:
                alert = PAID_AFTER_END.with_params(
                    provider=self.provider(payment.provider).display_name,
                    state=state_label(payment.state.value))
                payment = await self.journal.update_payment(
                    payment.id, event="paid_there", attention=alert,
                    data={"provider_says": remote.raw_status})
                self._emit(PaymentUpdate(payment, alert=alert))
            flagged.append(payment)
        return flagged

    async def _current_remote(self, payment: Payment) -> RemotePayment | None:
        """What the provider says of the payment now; one without its transaction id is
        found the way recovery finds it (same key), then asked by the id found."""
        provider = self.provider(payment.provider)
        if payment.provider_ref:
            return await provider.status(self._ref(payment))
        if not provider.capabilities.lookup_by_key:  # it would resend the create: never
            raise NotFound(NO_TRANSACTION_ID.with_params(provider=provider.display_name),
                           code="NO_TRANSACTION_ID")
        found = await provider.recover(self._request(payment))
        if found is None or not found.provider_ref:
            return found
        return await provider.status(PaymentRef(self._request(payment), found.provider_ref))

    async def acknowledge(self, payment_id: str, *, actor: str, note: str) -> Payment:
        """A person has dealt with an alert on a settled payment (a late payment, paid twice):
        clear it, recording who did what.  A payment not settled is resolved, not dismissed:
        clearing its flag would hide it from the list while nothing follows it."""
        if not note.strip() or not actor.strip():
            raise UserError(msg(C, "Say what was done about it, and who did it."))
        current = await self.get(payment_id)
        if not current.state.is_final:
            raise UserError(msg(C, "This payment is not settled ({state}): resolve it instead.",
                                state=state_label(current.state.value)))
        was = current.attention.english() if current.attention else ""
        payment = await self.journal.update_payment(
            payment_id, event="attention_acknowledged", attention=None,
            data={"actor": actor, "note": note, "attention": was})
        self._emit(PaymentUpdate(payment))
        return payment

    async def receipt_file(self, payment_id: str, fmt: str) -> tuple[bytes, str]:
        """The provider's own receipt (PDF or JPEG): from the journal, else fetched and kept."""
        stored = await self.journal.receipt(payment_id, fmt)
        if stored is not None:
            return stored
        payment = await self.get(payment_id)
        provider = self.provider(payment.provider)
        if not isinstance(provider, ReceiptSource):
            raise UserError(msg(C, "{provider} issues no receipt files.",
                                provider=provider.display_name))
        content, kind = await provider.receipt_file(self._ref(payment), fmt)
        await self.journal.add_receipt(payment_id, source=payment.provider, fmt=fmt,
                                       content=content, content_type=kind)
        return content, kind

    async def _keep_receipts(self, payment: Payment) -> None:
        """After a payment: fetch the provider's receipt files, waiting while not ready."""
        for fmt in ("pdf", "jpeg"):
            for attempt in range(RECEIPT_TRIES):
                if attempt:
                    await asyncio.sleep(self._backoff.delay(attempt))
                try:
                    await self.receipt_file(payment.id, fmt)
                    break
                except NotFound:
                    continue  # not ready yet
                except (ProviderError, UserError) as exc:
                    log.warning("receipt %s of %s not fetched: %s", fmt, payment.id, exc)
                    break

    async def receipt_data(self, payment_id: str) -> ReceiptData:
        """What a receipt shows, and how often it was printed (a reprint is a DUPLICATE)."""
        payment = await self.get(payment_id)
        sale = await self.journal.get_sale(payment.sale_id)
        assert sale is not None
        operations = await self.journal.operations_for(payment_id)
        printed = sum(1 for e in await self.journal.events_for(payment_id)
                      if e.kind == "receipt_printed")
        return ReceiptData(payment, sale, operations, printed)

    async def receipt_printed(self, payment_id: str, *, how: str) -> None:
        await self.journal.log_event("receipt_printed", payment_id=payment_id,
                                     data={"how": how})

    async def withdraw(self, provider_name: str, amount: Money, *, method: str, number: str,
                       comment: str = "", refund_of: str | None = None,
                       sale: Sale | None = None) -> Payment:
        """A payout to a customer, journaled and driven like a payment (kind "withdrawal").
        ``sale``: the order it is an attempt for (see :func:`payout_sale`); a new one if None."""
        options = await self.check_withdrawal(provider_name, amount, method=method,
                                              number=number, comment=comment,
                                              refund_of=refund_of)
        return await self.start_payment(sale or payout_sale(amount), provider_name, options,
                                        kind="withdrawal",
                                        description=comment or "payout")

    async def resume_withdrawal(self, payment_id: str, *, method: str, number: str) -> None:
        """Give an unfinished payout its destination back (it is never journaled, so a restart
        forgets it): then it is sent, once, with its own order id.  UserError when the
        destination is not the one it was made for (compared masked, as journaled)."""
        payment = await self.get(payment_id)
        if payment.kind != "withdrawal" or payment.state.is_final:
            return
        provider = self.provider(payment.provider)
        prepared = await provider.prepare({**payment.request.options, "method": method,
                                           "number": number})
        recorded = payment.request.options
        if (prepared.get("method"), prepared.get("number_masked")) != (
                recorded.get("method"), recorded.get("number_masked")):
            raise UserError(msg(C, "This payout was made to {method} {number}; give that "
                                   "destination to finish it.", method=recorded.get("method"),
                                number=recorded.get("number_masked")))
        private = {k: prepared[k] for k in provider.private_options if k in prepared}
        for value in private.values():
            register_secret(value)
        self._private[payment_id] = private
        if payment.attention is not None:  # "its destination is not kept": given now
            payment = await self.journal.update_payment(payment_id, event="destination_given",
                                                        attention=None)
            self._emit(PaymentUpdate(payment))

    async def check_withdrawal(self, provider_name: str, amount: Money, *, method: str,
                               number: str, comment: str = "", refund_of: str | None = None,
                               ) -> dict[str, str]:
        """The checks :meth:`withdraw` makes before anything is journaled or sent (UserError
        naming what is wrong), for a dialog to refuse with every field kept.  Returns the
        payout's options."""
        provider = self.provider(provider_name)
        if not provider.capabilities.withdrawal:
            raise UserError(msg(C, "{provider} does not make payouts.",
                                provider=provider.display_name))
        options = {"operation": "withdrawal", "method": method, "number": number,
                   "comment": comment}
        if refund_of:  # first: nothing else matters when there is nothing left to return
            await self._check_payout_refund(refund_of, amount)
            options["refund_of"] = refund_of
        check_limits(amount, minimum=Money(provider.limits.min_minor, amount.currency),
                     maximum=Money(provider.limits.max_minor, amount.currency))
        await provider.prepare(dict(options))  # the method, number and comment rules
        return options

    async def _check_payout_refund(self, payment_id: str, amount: Money) -> None:
        payment = await self.get(payment_id)
        paid_out = await self.paid_out_for(payment)
        left = Money(max(payment.refundable.minor - paid_out.minor, 0), paid_out.currency)
        if amount.minor <= left.minor:
            return
        if paid_out.minor:
            raise UserError(msg(C, "At most {left} can be returned for this payment: {paid} "
                                   "was paid, {returned} returned by payouts already.",
                                left=left.format(), paid=payment.amount.format(),
                                returned=paid_out.format()))
        raise UserError(msg(C, "At most {left} can be returned for this payment: that is "
                               "what was paid.", left=left.format()))

    async def paid_out_for(self, payment: Payment) -> Money:
        """What payouts returned of the payment (a refund where the provider has none): they
        count unless they failed — one in progress or unknown may have reached the customer."""
        minor = sum(p.amount.minor for p in await self.journal.payouts_for(payment.id)
                    if not p.state.ended_unpaid)
        return Money(minor, payment.amount.currency)

    async def left_to_pay_out(self, payment_id: str) -> Money:
        """What a payout may still return of the payment."""
        payment = await self.get(payment_id)
        paid_out = await self.paid_out_for(payment)
        return Money(max(payment.refundable.minor - paid_out.minor, 0), paid_out.currency)

    async def balance(self, provider_name: str) -> Money:
        provider = self.provider(provider_name)
        if not isinstance(provider, BalanceSource):
            raise UserError(msg(C, "{provider} does not report a balance.",
                                provider=provider.display_name))
        return Money(await provider.balance_minor(), provider.balance_currency)

    def notify(self, provider_ref: str) -> None:
        """A callback or postback arrived: it only makes the driver read the status now."""
        for driver in self._drivers.values():
            driver.poll_now = True
            driver.wake.set()
        log.info("status read requested by a notification for %s", provider_ref)

    # -- the driver -------------------------------------------------------------------

    def _ensure_driver(self, payment_id: str) -> None:
        if self._closed or payment_id in self._resolving:
            return
        driver = self._drivers.get(payment_id)
        if driver and driver.task and not driver.task.done():
            driver.wake.set()
            return
        driver = driver or _Driver(payment_id)
        self._drivers[payment_id] = driver
        driver.task = asyncio.get_running_loop().create_task(self._drive(driver),
                                                             name=f"payment-{payment_id}")

    async def _drive(self, driver: _Driver) -> None:
        error: Message | None = None
        try:
            while True:
                payment = await self.get(driver.payment_id)
                if payment.state.is_final:
                    return
                step = {
                    S.DRAFT: self._send_create,
                    S.CREATING: self._recover_create,
                    S.UNKNOWN: self._recover_create,
                    S.PENDING: self._poll,
                    S.CANCELLING: self._resume_cancel,
                    S.REFUNDING: self._resume_refund,
                }[payment.state]
                await step(driver, payment)
        except asyncio.CancelledError:
            raise
        except _StopDriving:
            log.warning("payment %s needs a person; stopped driving it", driver.payment_id)
        except UserError as exc:  # e.g. the journal cannot be written: say why
            log.error("driver of payment %s stopped: %s", driver.payment_id, exc)
            error = exc.message
        except Exception:
            log.exception("driver of payment %s failed; it will be recovered on the next start",
                          driver.payment_id)
            error = DRIVER_FAILED
        finally:
            if self._drivers.get(driver.payment_id) is driver:
                del self._drivers[driver.payment_id]
                self._private.pop(driver.payment_id, None)
            await self._emit_stopped(driver.payment_id, error)

    async def _emit_stopped(self, payment_id: str, error: Message | None) -> None:
        with contextlib.suppress(Exception):
            payment = await self.journal.get_payment(payment_id)
            if payment is not None:
                self._emit(PaymentUpdate(payment, error=error, stopped=True))

    async def _sleep(self, driver: _Driver, seconds: float) -> None:
        """Wait, but wake early for a cancel request or a notification."""
        driver.wake.clear()
        if seconds <= 0:
            # Due already.  wait_for(…, 0) would still wrap wake.wait() in a task and cancel
            # it; one cancelled before it ran warns "never awaited" when the loop ends.
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(driver.wake.wait(), seconds)

    async def _backoff_sleep(self, driver: _Driver) -> None:
        delay = self._backoff.delay(driver.failures + 1, asked_s=driver.retry_after)
        driver.retry_after = 0.0
        driver.failures += 1
        await self._sleep(driver, delay)

    @staticmethod
    def _asked_to_wait(driver: _Driver, exc: ProviderError) -> None:
        """Remember a rate limit's Retry-After for the next backoff."""
        if isinstance(exc, RateLimited) and exc.retry_after:
            driver.retry_after = exc.retry_after

    async def _read_failed(self, driver: _Driver, payment: Payment, exc: ProviderError,
                           operation: Operation | None = None, *, backoff: bool = True) -> None:
        """A status read that failed decides nothing about the payment or its operation: say
        so, wait (the backoff, or as long as the provider asked), ask again.  Only "not known
        there" on :data:`NOT_FOUND_READS` reads in a row hands it to a person (its driver
        stops)."""
        driver.asked.set()  # asked: the answer (none) is what there is to say
        if isinstance(exc, NotFound):
            driver.not_found += 1
            if driver.not_found >= NOT_FOUND_READS:
                log.error("%s does not know payment %s (%s)", payment.provider, payment.id,
                          exc.code)
                await self._attention(payment, exc.message)
                raise _StopDriving from exc
        self._asked_to_wait(driver, exc)
        log.warning("status of %s not read this time: %s (%s)", payment.id,
                    exc.message.english(), exc.details)
        self._emit(PaymentUpdate(payment, operation, error=exc.message))
        if backoff:
            await self._backoff_sleep(driver)
        elif driver.retry_after:
            wait, driver.retry_after = driver.retry_after, 0.0
            await self._sleep(driver, wait)

    def _request(self, payment: Payment) -> PaymentRequest:
        """The journaled request, with the private options while this process has them."""
        private = self._private.get(payment.id)
        return replace(payment.request, private=private) if private else payment.request

    def _ref(self, payment: Payment) -> PaymentRef:
        return PaymentRef(request=self._request(payment), provider_ref=payment.provider_ref)

    # -- create --

    async def _send_create(self, driver: _Driver, payment: Payment) -> None:
        if payment.cancel_requested:
            await self._move(payment, S.CANCELLED, "cancelled_before_sending",
                             reason=CANCELLED_BY_CASHIER)
            return
        payment = await self._move(payment, S.CREATING, "create_sent")
        if payment.state is not S.CREATING:
            return  # the intent is not on disk: send nothing
        provider = self.provider(payment.provider)
        try:
            remote = await provider.create(self._request(payment))
        except (OutcomeUnknown, InProgress) as exc:
            # InProgress without a transaction id: ask again later with the same key.
            self._asked_to_wait(driver, exc)
            await self._move(payment, S.UNKNOWN, "create_unknown", reason=exc.message,
                             reason_code=exc.code, error=exc)
            driver.failures = 1  # the client already resent; the next try waits a little
            return
        except NeedsPerson as exc:
            await self._hand_over(payment, exc)
        except Rejected as exc:
            await self._move(payment, S.DECLINED, "create_rejected", reason=exc.message,
                             reason_code=exc.code, data={"details": exc.details})
            return
        driver.acked_at = self._clock()
        payment = await self._apply(payment, remote, "create_answered")
        await self._unshowable(driver, payment)

    async def _recover_create(self, driver: _Driver, payment: Payment) -> None:
        """CREATING (crash mid-request) or UNKNOWN (no answer): find out, never create twice."""
        if driver.failures:
            await self._backoff_sleep(driver)
        provider = self.provider(payment.provider)
        try:
            remote = await provider.recover(self._request(payment))
            if remote is None:
                # The provider confirms nothing exists under this key: create it now, same key.
                remote = await provider.create(self._request(payment))
        except (OutcomeUnknown, InProgress) as exc:
            # Journaled each time: the resolution screen shows what the provider said last.
            self._asked_to_wait(driver, exc)
            payment = await self._move(payment, S.UNKNOWN, "reconcile_no_answer",
                                       reason=exc.message, reason_code=exc.code, error=exc)
            driver.failures = max(driver.failures, 1)
            return
        except NeedsPerson as exc:
            await self._hand_over(payment, exc)
        except Rejected as exc:
            await self._move(payment, S.DECLINED, "create_rejected", reason=exc.message,
                             reason_code=exc.code, data={"details": exc.details})
            return
        driver.failures = 0
        driver.acked_at = self._clock()
        payment = await self._apply(payment, remote, "create_recovered")
        await self._unshowable(driver, payment)

    async def _unshowable(self, driver: _Driver, payment: Payment) -> None:
        """Found after a failure, but its link is lost: nobody can be shown it, so nobody
        should be able to pay it later either (Pegas-kassa spec §8.3)."""
        provider = self.provider(payment.provider)
        if (payment.state is S.PENDING and payment.kind == "payment"
                and provider.capabilities.register_shows_qr and provider.capabilities.cancel
                and not payment.payer_url and not payment.payer_text):
            await self._start_cancel(driver, payment, LINK_LOST)

    # -- waiting for the customer --

    async def _poll(self, driver: _Driver, payment: Payment) -> None:
        provider = self.provider(payment.provider)
        policy = provider.poll_policy
        now = self._clock()
        age = (utcnow() - payment.created_at).total_seconds()
        since_ack = now - driver.acked_at if driver.acked_at is not None else age
        auto = policy.cancel_after is not None and since_ack >= policy.cancel_after
        if (payment.cancel_requested and not payment.abandoned) or auto:
            if driver.failures:  # an earlier cancel was refused while the payment went on
                await self._backoff_sleep(driver)
            reason = (AUTO_CANCEL.with_params(seconds=int(policy.cancel_after or 0)) if auto
                      and not payment.cancel_requested else CANCELLED_BY_CASHIER)
            await self._start_cancel(driver, payment, reason, automatic=auto)
            return
        if driver.last_poll == 0.0 and driver.acked_at is not None:
            next_poll = driver.acked_at + policy.first_delay
        else:
            slow = payment.abandoned or since_ack >= policy.slow_after or self._past_expiry(
                payment, 0)
            next_poll = driver.last_poll + (policy.slow_interval if slow else policy.interval)
        if policy.cancel_after is not None and driver.acked_at is not None:
            next_poll = min(next_poll, driver.acked_at + policy.cancel_after)
        if driver.poll_now:  # still no closer than MIN_POLL_GAP to the last read
            driver.poll_now = False
            next_poll = min(next_poll, driver.last_poll + MIN_POLL_GAP)
        if next_poll > now:
            await self._sleep(driver, next_poll - now)
            return  # re-read the journal: a cancel may have been requested meanwhile
        driver.last_poll = self._clock()
        try:
            remote = await provider.status(self._ref(payment))
        except InProgress:
            driver.asked.set()
            return
        except NeedsPerson as exc:
            await self._hand_over(payment, exc)
        except OutcomeUnknown as exc:  # no answer this time: the next poll asks again
            await self._read_failed(driver, payment, exc, backoff=False)
            return
        except Rejected as exc:
            await self._read_failed(driver, payment, exc)
            return
        driver.not_found = 0
        payment = await self._apply(payment, remote, "status")
        driver.asked.set()  # what the provider says now is in the journal
        if (payment.state is S.PENDING and self._past_expiry(payment, policy.grace_after_expiry)
                and not driver.warned_still_pending):
            driver.warned_still_pending = True
            await self._attention(payment, STILL_PENDING.with_params(
                provider=provider.display_name))

    def _past_expiry(self, payment: Payment, grace: float) -> bool:
        return payment.expires_at is not None and utcnow() > payment.expires_at + timedelta(
            seconds=grace)

    # -- cancel --

    async def _start_cancel(self, driver: _Driver, payment: Payment, reason: Message, *,
                            automatic: bool = False) -> None:
        provider = self.provider(payment.provider)
        if not provider.capabilities.cancel:
            # Nothing to call: stop showing it, keep watching it until the provider ends it.
            payment = await self.journal.update_payment(
                payment.id, event="abandoned", abandoned=True, cancel_requested=True,
                data={"automatic": automatic})
            self._emit(PaymentUpdate(payment))
            return
        now = utcnow()
        operation = Operation(
            id=new_id(), payment_id=payment.id, kind=OperationKind.CANCEL,
            state=OperationState.SENT, key=provider.new_operation_key(payment.id, "cancel"),
            request={"automatic": automatic, "reason": reason.to_json()},
            created_at=now, updated_at=now, prev_state=payment.state,
        )
        try:
            operation, payment = await self.journal.add_operation(
                operation, payment_to=S.CANCELLING, event="cancel_sent", reason=reason)
        except StaleTransition as exc:
            log.info("cancel of %s not started: %s", payment.id, exc)
            return
        self._emit(PaymentUpdate(payment, operation))
        await self._send_cancel(driver, payment, operation)

    async def _resume_cancel(self, driver: _Driver, payment: Payment) -> None:
        operation = await self._open_operation(payment, OperationKind.CANCEL)
        if operation is None:  # cannot happen: the operation is written with the state
            log.error("payment %s is CANCELLING without a cancel operation", payment.id)
            await self._learn_state(driver, payment)
            return
        if driver.failures:
            await self._backoff_sleep(driver)
        if operation.state is OperationState.PENDING and operation.op_ref:
            await self._cancel_progress(driver, payment, operation)
        else:
            await self._send_cancel(driver, payment, operation)

    async def _send_cancel(self, driver: _Driver, payment: Payment, operation: Operation) -> None:
        provider = self.provider(payment.provider)
        try:
            result = await provider.cancel(self._ref(payment), operation.key)
        except OutcomeUnknown as exc:
            self._asked_to_wait(driver, exc)
            self._emit(PaymentUpdate(payment, operation, error=exc.message))
            driver.failures = max(driver.failures, 1)
            return
        except InProgress:
            driver.failures = max(driver.failures, 1)
            return
        except ProviderError as exc:
            # E.g. WRONG_TRANSACTION_STATE_CHANGE: the payment moved on; ask what it is now.
            await self._finish_operation(operation, OperationState.REJECTED, exc.message, exc.code)
            await self._learn_state(driver, payment)
            return
        driver.failures = 0
        await self._cancel_result(driver, payment, operation, result)

    async def _cancel_progress(self, driver: _Driver, payment: Payment,
                               operation: Operation) -> None:
        provider = self.provider(payment.provider)
        assert operation.op_ref
        try:
            result = await provider.operation_status(self._ref(payment), operation.op_ref)
        except ProviderError:
            driver.failures = max(driver.failures, 1)
            return
        await self._cancel_result(driver, payment, operation, result)

    async def _cancel_result(self, driver: _Driver, payment: Payment, operation: Operation,
                             result: RemoteOperation) -> None:
        if result.state is RemoteOperationState.PENDING:
            if operation.state is not OperationState.PENDING:
                operation = await self.journal.update_operation(
                    operation.id, event="cancel_pending", state=OperationState.PENDING,
                    op_ref=result.op_ref)
            await self._sleep(driver, self.provider(payment.provider).poll_policy.interval)
            return
        if result.state is RemoteOperationState.DONE:
            operation = await self._finish_operation(operation, OperationState.DONE, None, None,
                                                     op_ref=result.op_ref)
            remote = result.payment if result.payment and result.payment.state is not (
                RemoteState.PENDING) else RemotePayment(state=RemoteState.CANCELLED,
                                                        raw_status="canceled")
            await self._apply(payment, remote, "cancelled", operation=operation,
                              keep_reason=True)
            return
        operation = await self._finish_operation(operation, OperationState.REJECTED,
                                                 result.reason, result.reason_code,
                                                 op_ref=result.op_ref)
        if result.payment is not None and result.payment.state is not RemoteState.PENDING:
            # Typically PAID: the customer confirmed before the cancel arrived.
            await self._apply(payment, result.payment, "cancel_refused", operation=operation)
        else:
            await self._learn_state(driver, payment)

    async def _learn_state(self, driver: _Driver, payment: Payment) -> None:
        """After a refused cancel: ask the provider what the payment is now and act on it."""
        provider = self.provider(payment.provider)
        try:
            remote = await provider.status(self._ref(payment))
        except NeedsPerson as exc:
            await self._hand_over(payment, exc)
        except ProviderError as exc:
            await self._read_failed(driver, payment, exc)
            return
        driver.not_found = 0
        if remote.state is RemoteState.PENDING and payment.state is S.CANCELLING:
            # Still in progress although the cancel was refused: poll, and try again later.
            driver.failures += 1
            await self._move(payment, S.PENDING, "cancel_refused_still_pending")
            return
        await self._apply(payment, remote, "status_after_cancel")

    # -- refund --

    def _plan_refund(self, sale: Sale, payment: Payment, amount: Money | None,
                     quantities: Mapping[int, Decimal] | None,
                     previous: list[list[refunds.ReturnedLine]],
                     provider: Provider) -> refunds.RefundPlan:
        if quantities:
            if not provider.capabilities.refund_by_items:
                raise UserError(msg(C, "{provider} refunds amounts, not items.",
                                    provider=provider.display_name))
            plan = refunds.plan_by_items(sale, quantities, previous)
            if plan.amount.minor > payment.refundable.minor:
                raise AmountError(msg(C, "Only {left} can still be refunded.",
                                      left=payment.refundable))
        else:
            plan = refunds.plan_by_amount(sale, amount or payment.refundable, payment.refundable,
                                          previous)
        partial = plan.amount.minor < payment.refundable.minor
        if partial and not provider.capabilities.partial_refund:
            raise UserError(msg(C, "{provider} can only refund the whole payment.",
                                provider=provider.display_name))
        return plan

    async def _resume_refund(self, driver: _Driver, payment: Payment) -> None:
        operation = await self._open_operation(payment, OperationKind.REFUND)
        if operation is None:
            log.error("payment %s is REFUNDING without an open refund", payment.id)
            await self._attention(payment, msg(C, "A refund is recorded without its details; "
                                                  "check the payment with the provider."))
            return
        if driver.failures:
            await self._backoff_sleep(driver)
        provider = self.provider(payment.provider)
        reading = operation.state is OperationState.PENDING and bool(operation.op_ref)
        try:
            if reading:
                assert operation.op_ref
                result = await provider.operation_status(self._ref(payment), operation.op_ref)
            else:
                # First send or resend after a lost answer: same key, same body (spec §4.7).
                result = await provider.refund(self._ref(payment),
                                               RefundRequest.from_json(operation.request))
        except InProgress:
            driver.failures = max(driver.failures, 1)
            return
        except NeedsPerson as exc:
            await self._hand_over(payment, exc)
        except OutcomeUnknown as exc:
            self._asked_to_wait(driver, exc)
            self._emit(PaymentUpdate(payment, operation, error=exc.message))
            driver.failures = max(driver.failures, 1)
            return
        except Rejected as exc:
            if reading:  # the read was refused, not the refund: it may still go through
                await self._read_failed(driver, payment, exc, operation)
                return
            await self._refund_rejected(payment, operation, exc.message, exc.code)
            return
        driver.failures = driver.not_found = 0
        if result.state is RemoteOperationState.PENDING:
            if operation.state is not OperationState.PENDING or operation.op_ref != result.op_ref:
                operation = await self.journal.update_operation(
                    operation.id, event="refund_pending", state=OperationState.PENDING,
                    op_ref=result.op_ref)
                self._emit(PaymentUpdate(payment, operation))
            await self._sleep(driver, provider.poll_policy.interval)
        elif result.state is RemoteOperationState.DONE:
            await self._refund_done(payment, operation, result)
        else:
            await self._refund_rejected(payment, operation, result.reason, result.reason_code)

    async def _refund_done(self, payment: Payment, operation: Operation,
                           result: RemoteOperation) -> None:
        operation = await self._finish_operation(operation, OperationState.DONE, None, None,
                                                 op_ref=result.op_ref,
                                                 receipt_fields=result.receipt_fields)
        refunded = payment.refunded_minor + (operation.amount_minor or 0)
        target = S.REFUNDED if refunded >= payment.amount.minor else S.PARTIALLY_REFUNDED
        if result.payment and _STATE_OF[result.payment.state] not in (target, S.REFUNDING):
            log.warning("refund of %s: provider says %s, our sums say %s", payment.id,
                        result.payment.raw_status, target)
        payment = await self._move(payment, target, "refund_done", refunded_minor=refunded,
                                   operation=operation)

    async def _refund_rejected(self, payment: Payment, operation: Operation,
                               reason: Message | None, code: str | None) -> None:
        operation = await self._finish_operation(operation, OperationState.REJECTED, reason, code)
        back = operation.prev_state or S.PAID
        await self._move(payment, back, "refund_rejected", operation=operation)

    # -- shared helpers --

    async def _open_operation(self, payment: Payment, kind: OperationKind) -> Operation | None:
        for operation in reversed(await self.journal.operations_for(payment.id)):
            if operation.kind is kind and not operation.state.is_final:
                return operation
        return None

    async def _finish_operation(self, operation: Operation, state: OperationState,
                                reason: Message | None, code: str | None, *,
                                op_ref: str | None = None,
                                receipt_fields: Mapping[str, str] | None = None) -> Operation:
        changes: dict[str, Any] = {"state": state, "reason": reason, "reason_code": code}
        if op_ref:
            changes["op_ref"] = op_ref
        if receipt_fields:
            changes["receipt_fields"] = receipt_fields
        return await self.journal.update_operation(
            operation.id, event=f"{operation.kind}_{state.value.lower()}", **changes)

    async def _move(self, payment: Payment, to: PaymentState, event: str, *,
                    operation: Operation | None = None, error: ProviderError | None = None,
                    data: Mapping[str, Any] | None = None, **changes: Any) -> Payment:
        try:
            moved = await self.journal.update_payment(payment.id, to=to, event=event, data=data,
                                                      **changes)
        except StaleTransition as exc:
            await self._ignored(exc.current, to, to.value, event)
            return exc.current
        self._emit(PaymentUpdate(moved, operation, error=error.message if error else None))
        if to is S.PAID and self.provider(moved.provider).capabilities.receipt_file:
            self._background(self._keep_receipts(moved), f"receipts-{moved.id}")
        return moved

    def _background(self, coroutine: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _apply(self, payment: Payment, remote: RemotePayment, event: str, *,
                     operation: Operation | None = None, keep_reason: bool = False) -> Payment:
        """Take a provider's word about a payment, unless it would move a final state back."""
        target = _STATE_OF[remote.state]
        if (remote.version is not None and payment.remote_version is not None
                and remote.version < payment.remote_version):
            await self._ignored(payment, target, remote.raw_status, event, stale=True)
            return payment
        changes = _remote_changes(payment, remote, keep_reason=keep_reason)
        if target is S.PAID and payment.reason is not None and "reason" not in changes \
                and not payment.state.is_paid:
            # Why it was being cancelled or was unknown no longer applies: it is paid.
            changes.update(reason=None, reason_code=None)
        alert = await self._alert_for(payment, remote, target)
        if alert is not None:
            changes["attention"] = alert
        if target in _REFUND_STATES and payment.state in (S.PENDING, S.CANCELLING, S.CREATING):
            # Paid and refunded elsewhere before we looked: record the payment first.
            payment = await self._move(payment, S.PAID, event)
        stays = target is payment.state or (
            # A poll while a cancel is under way says nothing new.
            target is S.PENDING and payment.state is S.CANCELLING)
        if stays:
            if changes:
                payment = await self.journal.update_payment(payment.id, event=event, **changes)
                self._emit(PaymentUpdate(payment, operation, alert=alert))
            return payment
        if not can_move(payment.state, target):
            await self._ignored(payment, target, remote.raw_status, event)
            return payment
        moved = await self._move(payment, target, event, operation=operation, **changes)
        if alert is not None and moved.state is target:
            self._emit(PaymentUpdate(moved, operation, alert=alert))
        return moved

    async def _alert_for(self, payment: Payment, remote: RemotePayment,
                         target: PaymentState) -> Message | None:
        """Something a person must decide about, raised once per payment."""
        if target is S.PAID and payment.abandoned and payment.state is not S.PAID:
            return await self._paid_twice(payment) or LATE_PAYMENT.with_params(
                amount=payment.amount, advice=self.return_advice(payment.provider))
        if target is S.PAID and payment.state is not S.PAID \
                and await self._shift_closed(payment):
            # Its shift's Z report is printed and kept: this money is in no report.
            return PAID_AFTER_Z.with_params(amount=payment.amount,
                                            advice=self.return_advice(payment.provider))
        if remote.state is RemoteState.UNDERPAID and payment.attention is None:
            paid = Money(remote.paid_minor or 0, payment.amount.currency)
            return UNDERPAID.with_params(paid=paid, amount=payment.amount)
        return None

    async def _shift_closed(self, payment: Payment) -> bool:
        return bool(payment.shift_id) and await shift_closed(self.journal, payment.shift_id or "")

    async def _paid_twice(self, payment: Payment) -> Message | None:
        """The alert when another attempt for the same sale was paid (the customer paid the
        sale another way meanwhile), else None."""
        other = next((p for p in await self.journal.attempts_for(payment.sale_id)
                      if p.id != payment.id and (p.state.is_paid or p.state is S.REFUNDED)),
                     None)
        if other is None:
            return None
        sale = await self.journal.get_sale(payment.sale_id)
        return PAID_TWICE.with_params(
            amount=payment.amount, provider=self.provider(payment.provider).display_name,
            sale=sale.label if sale else "", other=other.amount,
            other_provider=self.provider(other.provider).display_name,
            advice=self.return_advice(payment.provider))

    def return_advice(self, provider_name: str) -> Message:
        """How a payment's money can go back on this terminal: a refund, a payout, or (neither
        enabled) outside the register."""
        provider = self.provider(provider_name)
        if provider.capabilities.refund:
            return RETURN_BY_REFUND
        if provider.capabilities.withdrawal:
            return RETURN_BY_PAYOUT
        return RETURN_ELSEWHERE.with_params(provider=provider.display_name)

    async def _ignored(self, payment: Payment, wanted: PaymentState, raw_status: str, event: str,
                       *, stale: bool = False) -> None:
        """A late, duplicate or impossible update: never applied, always recorded."""
        log.warning("ignored %s update %r (%s) for payment %s in state %s", event, raw_status,
                    wanted, payment.id, payment.state)
        await self.journal.log_event("update_ignored", payment_id=payment.id,
                                     data={"event": event, "remote_status": raw_status,
                                           "wanted": wanted.value, "state": payment.state.value,
                                           "stale": stale})
        if (wanted.is_paid or wanted in _REFUND_STATES) and payment.state.ended_unpaid:
            # Money may have moved although we ended the payment unpaid: a person must look.
            provider = self.provider(payment.provider)
            await self._attention(payment, PAID_AFTER_END.with_params(
                provider=provider.display_name, state=state_label(payment.state.value)))

    async def _hand_over(self, payment: Payment, exc: NeedsPerson) -> NoReturn:
        """Nothing automatic can settle it: flag it for a person and stop driving it."""
        if payment.state in (S.CREATING, S.DRAFT):
            payment = await self._move(payment, S.UNKNOWN, "needs_person", reason=exc.message,
                                       reason_code=exc.code)
        await self._attention(payment, exc.message)
        raise _StopDriving from exc

    async def _attention(self, payment: Payment, message: Message) -> None:
        payment = await self.journal.update_payment(payment.id, event="attention",
                                                    attention=message)
        self._emit(PaymentUpdate(payment, alert=message))

    def _emit(self, update: PaymentUpdate) -> None:
        for listener in list(self._listeners):
            try:
                listener(update)
            except Exception:
                log.exception("a payment listener failed")


def payout_sale(amount: Money, reference: str = "") -> Sale:
    """What a payout is journaled as: a sale of one line, "Выплата" (payout)."""
    return replace(Sale.single_amount(amount, name="Выплата"), reference=reference)


def _returned_lines(operation: Operation) -> list[refunds.ReturnedLine]:
    return [refunds.ReturnedLine.from_json(x) for x in operation.request.get("lines", [])]


def _refunds_so_far(operations: Iterable[Operation]) -> list[list[refunds.ReturnedLine]]:
    """The lines of each refund sent or done (a refused one returned nothing)."""
    return [_returned_lines(op) for op in operations
            if op.kind is OperationKind.REFUND and op.state is not OperationState.REJECTED]


def _remote_changes(payment: Payment, remote: RemotePayment, *,
                    keep_reason: bool) -> dict[str, Any]:
    """The fields of ``payment`` that ``remote`` changes (empty when nothing is new)."""
    wanted: dict[str, Any] = {
        "provider_ref": remote.provider_ref or payment.provider_ref,
        "raw_status": remote.raw_status or payment.raw_status,
        "payer_url": remote.payer_url or payment.payer_url,
        "payer_text": remote.payer_text or payment.payer_text,
        "expires_at": remote.expires_at or payment.expires_at,
        "remote_version": remote.version if remote.version is not None
        else payment.remote_version,
        "receipt_fields": {**payment.receipt_fields, **remote.receipt_fields},
    }
    if remote.refunded_minor is not None:
        wanted["refunded_minor"] = remote.refunded_minor
    if remote.paid_minor is not None:
        wanted["paid_minor"] = remote.paid_minor
    if remote.reason is not None and not keep_reason:
        wanted["reason"] = remote.reason
        wanted["reason_code"] = remote.reason_code
    changes = {k: v for k, v in wanted.items() if getattr(payment, k) != v}
    return changes
