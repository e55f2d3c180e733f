"""One payment's driver: it takes the payment from its journaled state to an end.

Each payment that is not settled has one :class:`PaymentDriver` (as Electrum's
``PaySession`` in ``electrum/lnworker.py``).  It looks at the journaled state and does the
next step: send the create (DRAFT), learn the outcome of a create whose answer was lost
(CREATING, UNKNOWN), poll (PENDING), send or resend a cancel (CANCELLING) or a refund
(REFUNDING).  The first send, a resend after a lost answer and recovery after a crash are
therefore the same code.  Every step writes the journal *before* the network call, with
the idempotency key of the attempt.  What an answer means is decided in :mod:`.rules`.

How each provider answer is acted on (``pos_app/providers/errors.py``): ``Rejected`` ends
a create or an operation; ``OutcomeUnknown`` and ``InProgress`` are asked again after a
backoff; ``NeedsPerson`` flags the payment and stops the driver; a status read that fails
decides nothing about the money.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from msgspec import Struct, field

from pos_app.backoff import Backoff
from pos_app.core.events import EventKind
from pos_app.core.journal import StaleTransition, new_id
from pos_app.core.payments import rules
from pos_app.core.payments.clock import Clock
from pos_app.core.payments.messages import (
    CANCELLED_BY_CASHIER,
    DRIVER_FAILED,
    LINK_LOST,
    NOT_KNOWN_THERE,
    STILL_PENDING,
)
from pos_app.core.payments.model import Operation, Payment
from pos_app.core.payments.recorder import PaymentUpdate, Recorder, StopDriving
from pos_app.core.states import OperationKind, OperationState, PaymentState
from pos_app.i18n import Message, UserError, msg
from pos_app.providers.base import (
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

log = logging.getLogger(__name__)
C = "Payment"

# "Not known there" on this many status reads in a row, a backoff apart, before a person is
# asked: one 404 (a replica behind, a gateway's hiccup) decides nothing about the money.
NOT_FOUND_READS = 3


class _Memory(Struct):
    """What the driver keeps between steps (the truth is in the journal)."""

    acked_at: float | None = None  # monotonic time the provider acknowledged the create
    last_poll: float | None = None
    failures: int = 0
    warned_still_pending: bool = False
    poll_now: bool = False  # a notification arrived: read the status without waiting
    left_at: float | None = None  # monotonic time it was first seen left by the cashier
    not_found: int = 0  # status reads in a row that the provider answered "not known"
    retry_after: float = 0.0  # seconds the provider asked us to wait (Retry-After)
    asked: asyncio.Event = field(default_factory=asyncio.Event)  # a status read was made


class PaymentDriver:
    """Drives one payment: :meth:`run` until it is final or needs a person."""

    def __init__(self, payment_id: str, *, recorder: Recorder, clock: Clock,
                 backoff: Backoff) -> None:
        self.payment_id = payment_id
        self._recorder = recorder
        self._clock = clock
        self._backoff = backoff
        self._memory = _Memory()
        self._wake = asyncio.Event()

    # -- what the service asks of it --

    def wake(self, *, read_status: bool = False, fresh: bool = False) -> None:
        """Do the next step now instead of waiting.  ``read_status``: a notification or a
        person asks for a status read (never closer than the rules allow); ``fresh``: forget
        the failures so far, so the next try waits no backoff."""
        if fresh:
            self._memory.failures = 0
            self._memory.asked.clear()
        if read_status:
            self._memory.poll_now = True
        self._wake.set()

    async def asked(self, timeout: float) -> None:
        """Until the provider was asked about the payment once more (or ``timeout`` s)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._memory.asked.wait(), timeout)

    async def run(self) -> Message | None:
        """Drive the payment until it is final.  Returns None, or why it stopped early (a
        journal that cannot be written, an internal error: recovered on the next start)."""
        try:
            while True:
                payment = await self._recorder.journal.get_payment(self.payment_id)
                if payment is None or payment.state.is_final:
                    return None
                await self._step(payment)
        except StopDriving:
            log.warning("payment %s needs a person; stopped driving it", self.payment_id)
        except UserError as exc:  # e.g. the journal cannot be written: say why
            log.error("driver of payment %s stopped: %s", self.payment_id, exc)
            return exc.message
        except Exception:
            log.exception("driver of payment %s failed; it will be recovered on the next start",
                          self.payment_id)
            return DRIVER_FAILED
        return None

    async def _step(self, payment: Payment) -> None:
        step = {
            PaymentState.DRAFT: self._send_create,
            PaymentState.CREATING: self._recover_create,
            PaymentState.UNKNOWN: self._recover_create,
            PaymentState.PENDING: self._poll,
            PaymentState.CANCELLING: self._resume_cancel,
            PaymentState.REFUNDING: self._resume_refund,
        }[payment.state]
        await step(payment)

    # -- waiting --

    async def _sleep(self, seconds: float) -> None:
        """Wait, but wake early for a cancel request or a notification."""
        await self._clock.wait(self._wake, seconds)

    async def _backoff_sleep(self) -> None:
        memory = self._memory
        delay = self._backoff.delay(memory.failures + 1, asked_s=memory.retry_after)
        memory.retry_after = 0.0
        memory.failures += 1
        await self._sleep(delay)

    def _asked_to_wait(self, exc: ProviderError) -> None:
        """Remember a rate limit's Retry-After for the next backoff."""
        if isinstance(exc, RateLimited) and exc.retry_after:
            self._memory.retry_after = exc.retry_after

    def _failed_once(self, exc: ProviderError | None = None) -> None:
        """No answer this time: the next try waits a backoff (or what the provider asked)."""
        if exc is not None:
            self._asked_to_wait(exc)
        self._memory.failures = max(self._memory.failures, 1)

    async def _read_failed(self, payment: Payment, exc: ProviderError,
                           operation: Operation | None = None, *, backoff: bool = True) -> None:
        """A status read that failed decides nothing about the payment or its operation: say
        so, wait (the backoff, or as long as the provider asked), ask again.  Only "not known
        there" on :data:`NOT_FOUND_READS` reads in a row hands it to a person (the driver
        stops)."""
        memory = self._memory
        memory.asked.set()  # asked: the answer (none) is what there is to say
        if isinstance(exc, NotFound):
            memory.not_found += 1
            if memory.not_found >= NOT_FOUND_READS:
                log.error("%s does not know payment %s (%s)", payment.provider, payment.id,
                          exc.code)
                await self._recorder.flag(payment, NOT_KNOWN_THERE.with_params(
                    provider=self._recorder.provider(payment.provider).display_name,
                    amount=payment.amount.format(),
                    time=f"{payment.created_at.astimezone():%d.%m.%Y %H:%M}"))
                raise StopDriving from exc
        self._asked_to_wait(exc)
        log.warning("status of %s not read this time: %s (%s)", payment.id,
                    exc.message.english(), exc.details)
        self._recorder.emit(PaymentUpdate(payment, operation, error=exc.message))
        if backoff:
            await self._backoff_sleep()
        elif memory.retry_after:
            wait, memory.retry_after = memory.retry_after, 0.0
            await self._sleep(wait)

    # -- create --

    async def _send_create(self, payment: Payment) -> None:
        if payment.cancel_requested:
            await self._recorder.move(payment, PaymentState.CANCELLED,
                                      EventKind.CANCELLED_BEFORE_SENDING,
                                      reason=CANCELLED_BY_CASHIER)
            return
        payment = await self._recorder.move(payment, PaymentState.CREATING, EventKind.CREATE_SENT)
        if payment.state is not PaymentState.CREATING:
            return  # the intent is not on disk: send nothing
        provider = self._recorder.provider(payment.provider)
        try:
            remote = await provider.create(self._recorder.request(payment))
        except ProviderError as exc:
            await self._create_failed(payment, exc, EventKind.CREATE_UNKNOWN)
            return
        await self._created(payment, remote, EventKind.CREATE_ANSWERED)

    async def _recover_create(self, payment: Payment) -> None:
        """CREATING (crash mid-request) or UNKNOWN (no answer): find out, never create twice."""
        if self._memory.failures:
            await self._backoff_sleep()
        provider = self._recorder.provider(payment.provider)
        try:
            remote = await provider.recover(self._recorder.request(payment))
            if remote is None:
                # The provider confirms nothing exists under this key: create it now, same key.
                remote = await provider.create(self._recorder.request(payment))
        except ProviderError as exc:
            await self._create_failed(payment, exc, EventKind.RECONCILE_NO_ANSWER)
            return
        self._memory.failures = 0
        await self._created(payment, remote, EventKind.CREATE_RECOVERED)

    async def _create_failed(self, payment: Payment, exc: ProviderError,
                             no_answer: EventKind) -> None:
        """A create, or the search for one, without an answer to act on.  Refused: DECLINED.
        Nothing automatic can settle it: a person.  Otherwise (no answer, still being
        processed — an InProgress without a transaction id —, or an error of no known class):
        UNKNOWN, journaled each time as ``no_answer`` (the resolution screen shows what the
        provider said last), and asked again with the same key after a backoff."""
        if isinstance(exc, NeedsPerson):
            await self._recorder.hand_over(payment, exc)
        if isinstance(exc, Rejected):
            await self._recorder.move(payment, PaymentState.DECLINED, EventKind.CREATE_REJECTED,
                                      reason=exc.message, reason_code=exc.code,
                                      data={"details": exc.details})
            return
        await self._recorder.move(payment, PaymentState.UNKNOWN, no_answer, reason=exc.message,
                                  reason_code=exc.code, error=exc)
        self._failed_once(exc)  # the client already resent; the next try waits a little

    async def _created(self, payment: Payment, remote: RemotePayment,
                       event: EventKind) -> None:
        self._memory.acked_at = self._clock.monotonic()
        payment = await self._recorder.apply(payment, remote, event)
        if rules.link_lost(payment, self._recorder.provider(payment.provider).capabilities):
            await self._start_cancel(payment, LINK_LOST)

    # -- waiting for the customer --

    async def _poll(self, payment: Payment) -> None:
        memory = self._memory
        provider = self._recorder.provider(payment.provider)
        policy = provider.poll_policy
        now = self._clock.monotonic()
        age = (self._clock.now() - payment.created_at).total_seconds()
        since_ack = now - memory.acked_at if memory.acked_at is not None else age
        due = rules.cancel_due(policy, since_ack, cancel_requested=payment.cancel_requested,
                               abandoned=payment.abandoned)
        if due is not None:
            if memory.failures:  # an earlier cancel was refused while the payment went on
                await self._backoff_sleep()
            await self._start_cancel(payment, due.reason, automatic=due.automatic)
            return
        if payment.abandoned and memory.left_at is None:
            memory.left_at = now
        next_poll = rules.next_poll_at(
            policy, last_poll=memory.last_poll, acked_at=memory.acked_at,
            slow=rules.polled_slowly(
                policy, since_ack_s=since_ack,
                left_for_s=None if memory.left_at is None else now - memory.left_at,
                expired=rules.past_expiry(payment, self._clock.now(), 0)),
            poll_now=memory.poll_now)
        memory.poll_now = False
        if next_poll > now:
            await self._sleep(next_poll - now)
            return  # re-read the journal: a cancel may have been requested meanwhile
        memory.last_poll = self._clock.monotonic()
        try:
            remote = await provider.status(self._recorder.ref(payment))
        except InProgress:
            memory.asked.set()
            return
        except NeedsPerson as exc:
            await self._recorder.hand_over(payment, exc)
        except OutcomeUnknown as exc:  # no answer this time: the next poll asks again
            await self._read_failed(payment, exc, backoff=False)
            return
        except Rejected as exc:
            await self._read_failed(payment, exc)
            return
        memory.not_found = 0
        payment = await self._recorder.apply(payment, remote, EventKind.STATUS)
        memory.asked.set()  # what the provider says now is in the journal
        if (payment.state is PaymentState.PENDING and not memory.warned_still_pending
                and rules.past_expiry(payment, self._clock.now(),
                                      policy.grace_after_expiry)):
            memory.warned_still_pending = True
            await self._recorder.flag(payment, STILL_PENDING.with_params(
                provider=provider.display_name))

    # -- cancel --

    async def _start_cancel(self, payment: Payment, reason: Message, *,
                            automatic: bool = False) -> None:
        provider = self._recorder.provider(payment.provider)
        if not provider.capabilities.cancel:
            # Nothing to call: stop showing it, keep watching it until the provider ends it.
            payment = await self._recorder.journal.update_payment(
                payment.id, event=EventKind.ABANDONED, abandoned=True, cancel_requested=True,
                data={"automatic": automatic})
            self._recorder.emit(PaymentUpdate(payment))
            return
        now = self._clock.now()
        operation = Operation(
            id=new_id(), payment_id=payment.id, kind=OperationKind.CANCEL,
            state=OperationState.SENT, key=provider.new_operation_key(payment.id, "cancel"),
            request={"automatic": automatic, "reason": reason.to_json()},
            created_at=now, updated_at=now, prev_state=payment.state,
        )
        try:
            operation, payment = await self._recorder.journal.add_operation(
                operation, payment_to=PaymentState.CANCELLING, event=EventKind.CANCEL_SENT,
                reason=reason)
        except StaleTransition as exc:
            log.info("cancel of %s not started: %s", payment.id, exc)
            return
        self._recorder.emit(PaymentUpdate(payment, operation))
        await self._send_cancel(payment, operation)

    async def _resume_cancel(self, payment: Payment) -> None:
        operation = await self._recorder.open_operation(payment, OperationKind.CANCEL)
        if operation is None:  # cannot happen: the operation is written with the state
            log.error("payment %s is CANCELLING without a cancel operation", payment.id)
            await self._learn_state(payment)
            return
        if self._memory.failures:
            await self._backoff_sleep()
        if operation.state is OperationState.PENDING and operation.op_ref:
            await self._cancel_progress(payment, operation)
        else:
            await self._send_cancel(payment, operation)

    async def _send_cancel(self, payment: Payment, operation: Operation) -> None:
        provider = self._recorder.provider(payment.provider)
        try:
            result = await provider.cancel(self._recorder.ref(payment), operation.key)
        except OutcomeUnknown as exc:
            self._recorder.emit(PaymentUpdate(payment, operation, error=exc.message))
            self._failed_once(exc)
            return
        except InProgress:
            self._failed_once()
            return
        except ProviderError as exc:
            # E.g. WRONG_TRANSACTION_STATE_CHANGE: the payment moved on; ask what it is now.
            await self._recorder.finish_operation(operation, OperationState.REJECTED, exc.message,
                                                  exc.code)
            await self._learn_state(payment)
            return
        self._memory.failures = 0
        await self._cancel_result(payment, operation, result)

    async def _cancel_progress(self, payment: Payment, operation: Operation) -> None:
        provider = self._recorder.provider(payment.provider)
        assert operation.op_ref
        try:
            result = await provider.operation_status(self._recorder.ref(payment), operation.op_ref)
        except ProviderError:
            self._failed_once()
            return
        await self._cancel_result(payment, operation, result)

    async def _cancel_result(self, payment: Payment, operation: Operation,
                             result: RemoteOperation) -> None:
        if result.state is RemoteOperationState.PENDING:
            if operation.state is not OperationState.PENDING:
                operation = await self._recorder.journal.update_operation(
                    operation.id, event=EventKind.CANCEL_PENDING, state=OperationState.PENDING,
                    op_ref=result.op_ref)
            await self._sleep(self._recorder.provider(payment.provider).poll_policy.interval)
            return
        if result.state is RemoteOperationState.DONE:
            operation = await self._recorder.finish_operation(operation, OperationState.DONE, None,
                                                              None, op_ref=result.op_ref)
            remote = result.payment if result.payment and result.payment.state is not (
                RemoteState.PENDING) else RemotePayment(state=RemoteState.CANCELLED,
                                                        raw_status="canceled")
            await self._recorder.apply(payment, remote, EventKind.CANCELLED, operation=operation,
                                       keep_reason=True)
            return
        operation = await self._recorder.finish_operation(operation, OperationState.REJECTED,
                                                          result.reason, result.reason_code,
                                                          op_ref=result.op_ref)
        if result.payment is not None and result.payment.state is not RemoteState.PENDING:
            # Typically PAID: the customer confirmed before the cancel arrived.
            await self._recorder.apply(payment, result.payment, EventKind.CANCEL_REFUSED,
                                       operation=operation)
        else:
            await self._learn_state(payment)

    async def _learn_state(self, payment: Payment) -> None:
        """After a refused cancel: ask the provider what the payment is now and act on it."""
        provider = self._recorder.provider(payment.provider)
        try:
            remote = await provider.status(self._recorder.ref(payment))
        except NeedsPerson as exc:
            await self._recorder.hand_over(payment, exc)
        except ProviderError as exc:
            await self._read_failed(payment, exc)
            return
        self._memory.not_found = 0
        if remote.state is RemoteState.PENDING and payment.state is PaymentState.CANCELLING:
            # Still in progress although the cancel was refused: poll, and try again later.
            self._memory.failures += 1
            await self._recorder.move(payment, PaymentState.PENDING,
                                      EventKind.CANCEL_REFUSED_STILL_PENDING)
            return
        await self._recorder.apply(payment, remote, EventKind.STATUS_AFTER_CANCEL)

    # -- refund --

    async def _resume_refund(self, payment: Payment) -> None:
        operation = await self._recorder.open_operation(payment, OperationKind.REFUND)
        if operation is None:
            log.error("payment %s is REFUNDING without an open refund", payment.id)
            await self._recorder.flag(payment, msg(C, "A refund is recorded without its details; "
                                               "check the payment with the provider."))
            return
        if self._memory.failures:
            await self._backoff_sleep()
        provider = self._recorder.provider(payment.provider)
        reading = operation.state is OperationState.PENDING and bool(operation.op_ref)
        try:
            if reading:
                assert operation.op_ref
                result = await provider.operation_status(self._recorder.ref(payment),
                                                         operation.op_ref)
            else:
                # First send or resend after a lost answer: same key, same body
                # (../shared/specs/koshelek-pay.md §4.7).
                result = await provider.refund(self._recorder.ref(payment),
                                               RefundRequest.from_json(operation.request))
        except InProgress:
            self._failed_once()
            return
        except NeedsPerson as exc:
            await self._recorder.hand_over(payment, exc)
        except OutcomeUnknown as exc:
            self._recorder.emit(PaymentUpdate(payment, operation, error=exc.message))
            self._failed_once(exc)
            return
        except Rejected as exc:
            if reading:  # the read was refused, not the refund: it may still go through
                await self._read_failed(payment, exc, operation)
                return
            await self._refund_rejected(payment, operation, exc.message, exc.code)
            return
        self._memory.failures = self._memory.not_found = 0
        if result.state is RemoteOperationState.PENDING:
            if operation.state is not OperationState.PENDING or operation.op_ref != result.op_ref:
                operation = await self._recorder.journal.update_operation(
                    operation.id, event=EventKind.REFUND_PENDING, state=OperationState.PENDING,
                    op_ref=result.op_ref)
                self._recorder.emit(PaymentUpdate(payment, operation))
            await self._sleep(provider.poll_policy.interval)
        elif result.state is RemoteOperationState.DONE:
            await self._refund_done(payment, operation, result)
        else:
            await self._refund_rejected(payment, operation, result.reason, result.reason_code)

    async def _refund_done(self, payment: Payment, operation: Operation,
                           result: RemoteOperation) -> None:
        operation = await self._recorder.finish_operation(
            operation, OperationState.DONE, None, None, op_ref=result.op_ref,
            receipt_fields=result.receipt_fields)
        refunded = payment.refunded_minor + (operation.amount_minor or 0)
        target = (PaymentState.REFUNDED if refunded >= payment.amount.minor
                  else PaymentState.PARTIALLY_REFUNDED)
        if result.payment and rules.STATE_OF[result.payment.state] not in (
                target, PaymentState.REFUNDING):
            log.warning("refund of %s: provider says %s, our sums say %s", payment.id,
                        result.payment.raw_status, target)
        await self._recorder.move(payment, target, EventKind.REFUND_DONE, refunded_minor=refunded,
                                  operation=operation)

    async def _refund_rejected(self, payment: Payment, operation: Operation,
                               reason: Message | None, code: str | None) -> None:
        operation = await self._recorder.finish_operation(operation, OperationState.REJECTED,
                                                          reason, code)
        back = operation.prev_state or PaymentState.PAID
        await self._recorder.move(payment, back, EventKind.REFUND_REJECTED, operation=operation)
