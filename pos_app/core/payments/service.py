"""The payment service: the public methods the window and the command line call.

Checkout, cancel, refund, resolve, reconcile, payouts and receipts, for every provider.
Callers never talk to providers: they call :meth:`PaymentService.start_payment`,
:meth:`~PaymentService.cancel`, :meth:`~PaymentService.refund`… and listen to
:class:`~pos_app.core.payments.recorder.PaymentUpdate`s.  Each payment that is not settled
has one :class:`~pos_app.core.payments.driver.PaymentDriver` that takes it to an end; the
service starts them (on the first call and on recovery), wakes them and stops them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from pos_app.backoff import Backoff
from pos_app.core import refunds
from pos_app.core.clock import utcnow
from pos_app.core.events import EventKind, state_label
from pos_app.core.journal import Journal, StaleTransition, new_id
from pos_app.core.money import Money, check_limits
from pos_app.core.payments import rules
from pos_app.core.payments.clock import Clock, SystemClock
from pos_app.core.payments.driver import PaymentDriver
from pos_app.core.payments.messages import (
    CORRECTED,
    LATE_PAYMENT,
    NO_TRANSACTION_ID,
    PAID_AFTER_END,
    PAID_FOR_TAKEN_OUT,
    REFUND_UNDER_WAY,
    RESOLVED,
)
from pos_app.core.payments.model import Operation, Payment
from pos_app.core.payments.recorder import Listener, PaymentUpdate, Recorder
from pos_app.core.sale import Sale
from pos_app.core.states import (
    OperationKind,
    OperationState,
    PaymentState,
    can_correct,
    settled,
)
from pos_app.i18n import Message, UserError, msg, tr
from pos_app.providers.base import (
    BalanceSource,
    PaymentRef,
    PaymentRequest,
    Provider,
    RefundRequest,
    RemotePayment,
)
from pos_app.providers.errors import NotFound, ProviderError
from pos_app.redact import register_secret

log = logging.getLogger(__name__)
C = "Payment"

# When an answer was lost: wait this long (seconds) before each new attempt to learn the outcome.
RECONCILE_BACKOFF = Backoff(first_s=1.0, cap_s=60.0)  # status re-reads after a failed one


_WHAT = {"payment": Message(C, "a payment"), "withdrawal": Message(C, "a payout")}


class ReferenceInUse(UserError):
    """A caller's reference names another order or refund (another amount, kind or payment):
    nothing is made under it."""


class PaidThere(UserError):
    """Every attempt for a reference ended unpaid here, but a provider says one was paid:
    nothing is charged again until a person has looked."""


class _Running(Struct):
    driver: PaymentDriver
    task: asyncio.Task[None]


class ReceiptData(Struct, frozen=True):
    payment: Payment
    sale: Sale
    operations: list[Operation]
    times_printed: int
    refund: Operation | None = None  # a refund's receipt: that done refund

    def returned(self) -> dict[int, Decimal]:
        """Quantity refunded so far per sale line (refunds sent or done, not refused)."""
        done = refunds.already_returned(rules.refunds_so_far(self.operations))
        return {index: quantity for index, (quantity, _) in done.items()}


class PaymentService:
    """Orchestrates payments; the journal is the only state that matters after a crash."""

    def __init__(
        self,
        *,
        journal: Journal,
        providers: Mapping[str, Provider],
        training: bool,
        currency: str,
        clock: Clock | None = None,
        reconcile_backoff: Backoff = RECONCILE_BACKOFF,
    ) -> None:
        self.journal = journal
        self.training = training
        self.currency = currency  # the terminal's: every amount here is in it
        self._clock = clock or SystemClock()
        self._backoff = reconcile_backoff
        self._recorder = Recorder(journal, providers, backoff=reconcile_backoff)
        self._drivers: dict[str, _Running] = {}
        self._resolving: set[str] = set()  # being settled by a person: not driven meanwhile
        self._closed = False

    # -- public API -------------------------------------------------------------------

    @property
    def providers(self) -> Mapping[str, Provider]:
        """The providers enabled on this terminal, by name."""
        return self._recorder.providers

    def provider(self, name: str) -> Provider:
        """The enabled provider ``name``; UserError when it is not enabled here."""
        return self._recorder.provider(name)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every :class:`PaymentUpdate`; returns the unsubscribe."""
        return self._recorder.subscribe(listener)

    async def start(self) -> list[Payment]:
        """Recovery: discard never-sent drafts, then drive every unsettled payment to an end."""
        for draft in await self.journal.payments_in([PaymentState.DRAFT]):
            await self.journal.discard_draft(draft.id)
            log.info("discarded draft %s that was never sent", draft.id)
        unsettled = await self.journal.payments_in(
            [state for state in PaymentState if state.needs_reconcile])
        for payment in unsettled:
            if payment.provider not in self.providers:
                log.error("payment %s belongs to %s, which is not configured; it stays %s",
                          payment.id, payment.provider, payment.state)
                continue
            self._ensure_driver(payment.id)
        if unsettled:
            log.info("recovering %d unsettled payment(s)", len(unsettled))
        return unsettled

    async def warm_up(self) -> None:
        """Each provider learns what its account allows before the first payment (Paymega's
        service range): the window runs it once it has started, in the background."""
        for provider in self.providers.values():
            await provider.warm_up()

    async def close(self) -> None:
        self._closed = True
        tasks = [r.task for r in self._drivers.values()] + self._recorder.background_tasks()
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
        for payment_id in [p for p in self._drivers if self.following(p)]:
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
        _within_limits(sale.total, provider)
        if sale.id:
            await self.check_new_attempt(sale)
        prepared = dict(await provider.prepare(dict(options or {})))
        _within_limits(sale.total, provider)  # prepare may have learned the provider's own
        private = {k: prepared.pop(k) for k in provider.private_options if k in prepared}
        for value in private.values():  # a payout's card number: masked wherever it is written
            register_secret(value)
        expires_in = expires_in or provider.lifetime
        if not sale.id:
            sale = await self.journal.add_sale(sale, training=self.training)
        payment_id = new_id()
        now = self._clock.now()
        request = PaymentRequest(
            key=provider.new_payment_key(payment_id),
            order_id=sale.order_id,
            amount_minor=sale.total.minor,
            currency=sale.currency,
            description=description or tr(C, "Sale {label}", label=sale.label),
            items=refunds.sale_items(sale),
            options=prepared,
            expires_at=now + expires_in if expires_in else None,
            private=private,
        )
        payment = Payment(
            id=payment_id, sale_id=sale.id, provider=provider_name, state=PaymentState.DRAFT,
            kind=kind, amount=sale.total, key=request.key, request=request, created_at=now,
            updated_at=now, shift_id=sale.shift_id, training=self.training,
            expires_at=request.expires_at,
        )
        payment = await self.journal.add_payment(payment)
        if private:
            self._recorder.keep_private(payment_id, private)
        self._ensure_driver(payment_id)
        return payment

    async def order_for_reference(self, sale: Sale, kind: str = "payment",
                                  ) -> tuple[Sale, Payment | None]:
        """The caller's idempotency rule for an order it names by ``sale.reference`` (the
        command line's ``--reference``; the window's payouts): a second request for the
        same order is never a second charge or payout.

        Returns the journaled sale of the reference (``sale`` itself when the reference is
        new or empty) and the attempt that still stands for it (paid, refunded, or not
        finished; an UNKNOWN one asked about once more), which is to be reported, not made
        again; None when a new attempt may be made for the returned sale (every earlier one
        ended unpaid).  ``kind``: "payment" or "withdrawal".

        Raises :class:`ReferenceInUse` when the reference names an order of another amount
        or kind, :class:`PaidThere` when an attempt ended unpaid here but its provider says
        it was paid (a cancel not honoured): never charged again, a person must look.
        """
        if not sale.reference:
            return sale, None
        earlier = await self.journal.sale_by_reference(sale.reference)
        if earlier is None:
            return sale, None
        known, attempts = earlier
        if known.total != sale.total or any(p.kind != kind for p in attempts):
            used_by = attempts[0].kind if attempts else kind  # one sale, one kind
            raise ReferenceInUse(msg(
                C, "The reference {reference} is already used by sale {number}: "
                   "{what} of {amount}.", reference=sale.reference, number=known.label,
                what=_WHAT[used_by], amount=known.total))
        standing = rules.standing_attempt(attempts)
        if standing is None and (paid := await self.recheck_unpaid(attempts)):
            raise PaidThere(msg(
                C, "Reference {reference}: payment {id} ended {state} here, but the provider "
                   "says it was paid. It is not charged again; a person must check it.",
                reference=sale.reference, id=paid[-1].id,
                state=state_label(paid[-1].state.value)))
        if standing is not None and standing.state is PaymentState.UNKNOWN:
            [standing] = await self.reconcile([standing.id], timeout=30)
        return known, standing

    async def check_new_attempt(self, sale: Sale) -> None:
        """Refuse another payment for a sale that is paid, or whose last attempt may still be
        paid (in progress, or its outcome unknown): the customer could pay twice.  An attempt
        the cashier left to expire does not block: a late payment of it raises an alert."""
        for attempt in await self.journal.attempts_for(sale.id):
            state = attempt.state
            if state.is_paid or state is PaymentState.REFUNDED:
                raise UserError(msg(C, "Sale {number} is paid already.", number=sale.label))
            if attempt.paid_minor and not state.is_final:  # part of it is paid (underpaid)
                raise UserError(msg(
                    C, "The customer paid {paid} of sale {number} already, by {provider}: "
                       "return it and resolve that payment before taking another.",
                    paid=Money(attempt.paid_minor, attempt.amount.currency),
                    number=sale.label,
                    provider=self.provider(attempt.provider).display_name))
            if not state.is_final and not (state is PaymentState.PENDING and attempt.abandoned):
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
            payment = await self.journal.update_payment(payment.id, event=EventKind.LEFT_BY_CASHIER,
                                                        abandoned=True)
            self._recorder.emit(PaymentUpdate(payment))
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
        if payment.state.is_final or payment.state in rules.REFUND_STATES:
            return payment
        # The driver acts on the flag: before sending (DRAFT), or as soon as it can.
        payment = await self.journal.update_payment(payment_id, event=EventKind.CANCEL_REQUESTED,
                                                    cancel_requested=True)
        self._recorder.emit(PaymentUpdate(payment))
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
        ``reference``: the caller's idempotency key for this refund: a refund asked again
        under it returns the first one as it is now (resent, same key, if its answer was
        lost), never a second.  :class:`ReferenceInUse` when it names a refund of another
        payment or amount.  UserError naming what the provider or the payment does not allow.
        """
        if reference and (earlier := await self.earlier_refund(
                payment_id, reference, amount)) is not None:
            return earlier
        payment, provider, plan = await self._refund_plan(payment_id, amount, quantities)
        key = provider.new_operation_key(payment_id, "refund")
        request = RefundRequest(key=key, amount_minor=plan.amount.minor,
                                currency=payment.amount.currency, items=plan.items,
                                reason=reason or tr(C, "Refund"),
                                refunded_before_minor=payment.refunded_minor)
        now = self._clock.now()
        operation = Operation(
            id=new_id(), payment_id=payment_id, kind=OperationKind.REFUND,
            state=OperationState.SENT, key=key,
            request={**request.to_json(), "lines": [line.to_json() for line in plan.lines]},
            created_at=now, updated_at=now, amount_minor=plan.amount.minor,
            prev_state=payment.state, reference=reference,
        )
        operation, payment = await self.journal.add_operation(
            operation, payment_to=PaymentState.REFUNDING, event=EventKind.REFUND_SENT)
        self._recorder.emit(PaymentUpdate(payment, operation))
        return await self.operation_answer(operation)

    async def earlier_refund(self, payment_id: str, reference: str,
                             amount: Money | None = None) -> Operation | None:
        """The refund already made under ``reference`` for this payment (and ``amount``, if
        given), as it is now — resent, same key, if its answer was lost; None if the reference
        is new.  :class:`ReferenceInUse` when it names a refund of another payment or amount.
        :meth:`refund` applies it itself; a caller asks first to say so."""
        operation = await self.journal.operation_by_reference(reference)
        if operation is None:
            return None
        if operation.payment_id != payment_id or (
                amount is not None and amount.minor != operation.amount_minor):
            raise ReferenceInUse(msg(C, "The reference {reference} is already used by refund "
                                        "{id} of payment {payment}.", reference=reference,
                                     id=operation.id, payment=operation.payment_id))
        if operation.state is OperationState.SENT:  # its answer was lost: resent, same key
            return await self.operation_answer(operation)
        return operation

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
        if payment.state not in (PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED):
            raise UserError(msg(C, "Only a paid payment can be refunded; this one is {state}.",
                                state=state_label(payment.state.value)))
        sale = await self.journal.get_sale(payment.sale_id)
        assert sale is not None
        previous = rules.refunds_so_far(await self.journal.operations_for(payment_id))
        plan = rules.plan_refund(sale, payment, amount=amount, quantities=quantities,
                                 previous=previous, capabilities=provider.capabilities,
                                 provider_name=provider.display_name)
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
        asked_at = utcnow()  # the journal's time: compared with updated_at

        def answered(payment: Payment) -> bool:
            # UNKNOWN counts only once the provider was asked again after this call.
            return settled(payment) and (payment.state is not PaymentState.UNKNOWN
                                         or payment.updated_at > asked_at)

        for payment_id in ids:
            payment = await self.get(payment_id)
            if payment.state.is_final:
                continue
            self._ensure_driver(payment_id)
            running = self._drivers.get(payment_id)
            if running:
                running.driver.wake(read_status=True, fresh=True)
            if running and payment.state is PaymentState.PENDING and payment.abandoned:
                # "Settled" while left to the customer, not final: the provider is asked
                # now, not answered from the journal (a link paid after Ctrl+C stayed PENDING).
                waits.append(running.driver.asked(timeout))
            else:
                waits.append(self._wait_or_current(payment_id, timeout, answered))
        await asyncio.gather(*waits)
        return [await self.get(payment_id) for payment_id in ids]

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
        if outcome is not PaymentState.PAID and not outcome.ended_unpaid:
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
        self._recorder.emit(PaymentUpdate(resolved))
        return resolved

    def _check_resolvable(self, payment: Payment, outcome: PaymentState,
                          seen: PaymentState | None) -> None:
        if seen is not None and payment.state is not seen:
            raise UserError(msg(C, "The payment changed while you decided: it is now {state}. "
                                   "Look at it again.", state=state_label(payment.state.value)))
        if payment.state is PaymentState.REFUNDING:
            # Its payment is settled; the open refund is asked about until the provider
            # answers.  Deciding the payment here dropped a refund Koshelek had made, and the
            # money went back twice.
            raise UserError(REFUND_UNDER_WAY.with_params(
                provider=self.provider(payment.provider).display_name))
        in_progress = payment.state in (PaymentState.CREATING, PaymentState.PENDING,
                                        PaymentState.CANCELLING)
        if (outcome is not PaymentState.PAID and in_progress and not payment.abandoned
                and payment.attention is None and self.following(payment.id)):
            raise UserError(msg(C, "This payment is still in progress at {provider}: the "
                                   "customer may still pay. Cancel it, or wait for its result.",
                                provider=self.provider(payment.provider).display_name))

    def following(self, payment_id: str) -> bool:
        """This process follows the payment now (its driver runs): a payment in progress,
        a late payment watched after the cashier left it, a refund being asked about."""
        running = self._drivers.get(payment_id)
        return running is not None and not running.task.done()

    async def _stop_driving(self, payment_id: str) -> None:
        running = self._drivers.pop(payment_id, None)
        if running is not None and not running.task.done():
            running.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running.task

    async def _write_resolution(self, payment: Payment, outcome: PaymentState, *, reason: str,
                                actor: str) -> Payment:
        fields = dict(payment.receipt_fields)
        if outcome is PaymentState.PAID:
            fields["confirmation"] = "manual"
        try:
            return await self.journal.update_payment(
                payment.id, to=outcome, event=EventKind.RESOLVED_MANUALLY,
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
        if not can_correct(payment.state, PaymentState.PAID):
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
        target = rules.STATE_OF[remote.state]
        if not can_correct(payment.state, target):
            raise UserError(msg(C, "{provider} says this payment is {state}: nothing to "
                                   "correct.", provider=provider.display_name,
                                state=state_label(target.value)))
        alert = await self._recorder.paid_twice(payment)
        changes = rules.answer_changes(payment, remote, keep_reason=False)
        changes["reason"] = CORRECTED.with_params(actor=actor, reason=reason)
        changes["reason_code"], changes["attention"] = "CORRECTED", alert
        try:
            corrected = await self.journal.update_payment(
                payment.id, to=target, correction=True, event=EventKind.CORRECTED_FROM_PROVIDER,
                data={"actor": actor, "reason": reason, "was": payment.state.value,
                      "provider_says": remote.raw_status}, **changes)
        except StaleTransition as exc:
            raise UserError(msg(C, "The payment changed meanwhile: it is now {state}.",
                                state=state_label(exc.current.state.value))) from None
        self._recorder.emit(PaymentUpdate(corrected, alert=alert))
        return corrected

    async def recheck_unpaid(self, payments: Iterable[Payment]) -> list[Payment]:
        """Ask the providers again about payments that ended unpaid here (declined, cancelled,
        expired): one they say was paid is flagged with an alert, once, and returned.  A
        cancel the provider did not honour, a "not paid" decided by hand: the customer paid
        there, and nothing here said so (issue 16 #6).  One that cannot be asked is skipped
        (logged)."""
        flagged = []
        for payment in payments:
            if not payment.state.ended_unpaid or payment.provider not in self.providers:
                continue
            try:
                remote = await self._current_remote(payment)
            except ProviderError as exc:
                log.info("%s not asked again: %s", payment.id, exc.message.english())
                continue
            if remote is None or not can_correct(payment.state, rules.STATE_OF[remote.state]):
                continue
            if payment.attention is None:
                alert = PAID_AFTER_END.with_params(
                    provider=self.provider(payment.provider).display_name,
                    state=state_label(payment.state.value))
                payment = await self.journal.update_payment(
                    payment.id, event=EventKind.PAID_THERE, attention=alert,
                    data={"provider_says": remote.raw_status})
                self._recorder.emit(PaymentUpdate(payment, alert=alert))
            flagged.append(payment)
        return flagged

    async def _current_remote(self, payment: Payment) -> RemotePayment | None:
        """What the provider says of the payment now; one without its transaction id is
        found the way recovery finds it (same key), then asked by the id found."""
        provider = self.provider(payment.provider)
        if payment.provider_ref:
            return await provider.status(self._recorder.ref(payment))
        if not provider.capabilities.lookup_by_key:  # it would resend the create: never
            raise NotFound(NO_TRANSACTION_ID.with_params(provider=provider.display_name),
                           code="NO_TRANSACTION_ID")
        found = await provider.recover(self._recorder.request(payment))
        if found is None or not found.provider_ref:
            return found
        return await provider.status(PaymentRef(self._recorder.request(payment),
                                                found.provider_ref))

    async def acknowledge(self, payment_id: str, *, actor: str, note: str | Message,
                          ) -> Payment:
        """A person has dealt with an alert on a settled payment (a late payment, paid twice):
        clear it, recording who did what (``note``: as they wrote it, or the app's own words,
        kept as a message a report reads in its reader's language).  A payment not settled is
        resolved, not dismissed: clearing its flag would hide it from the list while nothing
        follows it."""
        if isinstance(note, Message):
            kept: str | dict[str, Any] = note.to_json()
        elif note.strip():
            kept = note
        else:
            kept = ""
        if not kept or not actor.strip():
            raise UserError(msg(C, "Say what was done about it, and who did it."))
        current = await self.get(payment_id)
        if not current.state.is_final:
            raise UserError(msg(C, "This payment is not settled ({state}): resolve it instead.",
                                state=state_label(current.state.value)))
        # Kept as the message, not its English: a report reads it in its reader's language
        # (a Russian Z said "(Late payment: the customer paid …)" in English).
        was = current.attention.to_json() if current.attention else ""
        payment = await self.journal.update_payment(
            payment_id, event=EventKind.ATTENTION_ACKNOWLEDGED, attention=None,
            data={"actor": actor, "note": kept, "attention": was})
        self._recorder.emit(PaymentUpdate(payment))
        return payment

    async def completed_with(self, payment_id: str, *, actor: str,
                             taken_out: Money | None = None) -> Payment:
        """The window completed the sale with this payment of a link left for it, paid late
        while the customer was still at the till: its late-payment alert ("complete the sale
        or return the money") is answered, and cleared as :meth:`acknowledge` clears it —
        unless ``taken_out`` (goods taken out of the basket since the link was made, paid
        for all the same): then the alert says so, for a person to record what was done.
        Another alert (paid twice) stays for a person (helper-42: "Paid, give the goods" on
        the screen, "complete the sale or return the money" in the alert bar)."""
        payment = await self.get(payment_id)
        if payment.attention is None or payment.attention.text != LATE_PAYMENT.text:
            return payment
        if taken_out is not None and taken_out.minor > 0:
            await self._recorder.flag(payment, PAID_FOR_TAKEN_OUT.with_params(amount=taken_out))
            return await self.get(payment_id)
        return await self.acknowledge(payment_id, actor=actor, note=msg(
            C, "The sale was completed with it at the till."))

    async def receipt_file(self, payment_id: str, fmt: str) -> tuple[bytes, str]:
        """The provider's own receipt (``fmt`` "pdf" or "jpeg"), as (content, MIME type):
        from the journal, else fetched and kept.  UserError: the provider issues none;
        ProviderError as its client raises (NotFound: not ready yet)."""
        return await self._recorder.receipt_file(await self.get(payment_id), fmt)

    async def receipt_data(self, payment_id: str, refund_id: str | None = None) -> ReceiptData:
        """What a receipt shows — the payment's, or with ``refund_id`` the receipt of that
        refund — and how often that receipt was printed on paper (a reprint is a DUPLICATE).
        UserError when ``refund_id`` is no done refund of the payment."""
        payment = await self.get(payment_id)
        sale = await self.journal.get_sale(payment.sale_id)
        assert sale is not None
        operations = await self.journal.operations_for(payment_id)
        refund = None
        if refund_id is not None:
            refund = next((op for op in operations if op.id == refund_id
                           and op.kind is OperationKind.REFUND
                           and op.state is OperationState.DONE), None)
            if refund is None:
                raise UserError(msg(C, "This refund is not done: it has no receipt."))
        # On paper: a PDF saved is no print (the next paper copy said DUPLICATE, issue 20).
        printed = sum(1 for e in await self.journal.events_for(payment_id)
                      if e.kind == EventKind.RECEIPT_PRINTED and e.data.get("how") != "pdf"
                      and e.data.get("refund") == refund_id)
        return ReceiptData(payment, sale, operations, printed, refund)

    async def receipt_printed(self, payment_id: str, *, how: str,
                              refund_id: str | None = None) -> None:
        data = {"how": how} | ({"refund": refund_id} if refund_id else {})
        await self.journal.log_event(EventKind.RECEIPT_PRINTED, payment_id=payment_id,
                                     data=data)

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
                                        description=comment or tr(C, "Payout"))

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
        self._recorder.keep_private(payment_id, private)
        if payment.attention is not None:  # "its destination is not kept": given now
            payment = await self.journal.update_payment(
                payment_id, event=EventKind.DESTINATION_GIVEN, attention=None)
            self._recorder.emit(PaymentUpdate(payment))

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
        _within_limits(amount, provider)
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
        for running in self._drivers.values():
            running.driver.wake(read_status=True)
        log.info("status read requested by a notification for %s", provider_ref)

    def return_advice(self, provider_name: str) -> Message:
        """How a payment's money can go back on this terminal (a refund, a payout, or
        outside the register): :func:`~pos_app.core.payments.rules.return_advice`."""
        return self._recorder.return_advice(provider_name)

    # -- the drivers --

    def _ensure_driver(self, payment_id: str) -> None:
        """Start the payment's driver, or wake it when it runs already."""
        if self._closed or payment_id in self._resolving:
            return
        running = self._drivers.get(payment_id)
        if running and not running.task.done():
            running.driver.wake()
            return
        driver = PaymentDriver(payment_id, recorder=self._recorder, clock=self._clock,
                               backoff=self._backoff)
        task = asyncio.get_running_loop().create_task(self._drive(driver),
                                                      name=f"payment-{payment_id}")
        self._drivers[payment_id] = _Running(driver, task)

    async def _drive(self, driver: PaymentDriver) -> None:
        error: Message | None = None
        try:
            error = await driver.run()
        finally:
            running = self._drivers.get(driver.payment_id)
            if running is not None and running.driver is driver:
                del self._drivers[driver.payment_id]
                self._recorder.forget_private(driver.payment_id)
            await self._emit_stopped(driver.payment_id, error)

    async def _emit_stopped(self, payment_id: str, error: Message | None) -> None:
        with contextlib.suppress(Exception):
            payment = await self.journal.get_payment(payment_id)
            if payment is not None:
                self._recorder.emit(PaymentUpdate(payment, error=error, stopped=True))


def payout_sale(amount: Money, reference: str = "") -> Sale:
    """What a payout is journaled as: a sale of one line, "Выплата" (payout)."""
    return replace(Sale.single_amount(amount, name="Выплата"), reference=reference)


def _within_limits(amount: Money, provider: Provider) -> None:
    """Raises ``UserError`` when ``amount`` is outside the provider's limits: the configured
    ones, narrowed by what the provider itself takes once it is known (Paymega's service)."""
    check_limits(amount, minimum=Money(provider.limits.min_minor, amount.currency),
                 maximum=Money(provider.limits.max_minor, amount.currency))
