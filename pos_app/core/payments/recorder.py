"""Every change to a payment: written to the journal first, then told to the listeners.

The drivers and the service change payments only through a :class:`Recorder`, so the
journal always knows before a listener (the window, the command line) does, and an
answer that must not be applied (stale, impossible) is recorded as ignored instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, NoReturn, Unpack

from msgspec import Struct
from msgspec.structs import replace

from pos_app.backoff import Backoff
from pos_app.core.events import EventKind, state_label
from pos_app.core.journal import Journal, StaleTransition
from pos_app.core.payments import rules
from pos_app.core.payments.messages import PAID_AFTER_END, PAID_TWICE, PAID_TWICE_CHANGED
from pos_app.core.payments.model import Operation, Payment, PaymentChanges
from pos_app.core.shifts import shift_closed
from pos_app.core.states import OperationKind, OperationState, PaymentState
from pos_app.i18n import Message, UserError, msg
from pos_app.providers.base import (
    PaymentRef,
    PaymentRequest,
    Provider,
    ReceiptSource,
    RemotePayment,
)
from pos_app.providers.errors import NeedsPerson, NotFound, ProviderError

log = logging.getLogger(__name__)
C = "Payment"

RECEIPT_TRIES = 7  # a provider's receipt file, while it says it is not ready yet


class PaymentUpdate(Struct, frozen=True):
    """Something happened to a payment: a state change, new details, or an alert for a person."""

    payment: Payment
    operation: Operation | None = None
    alert: Message | None = None
    error: Message | None = None
    # The driver of this payment stopped (settled, or an internal error: recovered on restart).
    stopped: bool = False


Listener = Callable[[PaymentUpdate], None]


class StopDriving(Exception):
    """Nothing sensible is left to try automatically; a person must look (next start retries)."""


class Recorder:
    """The journal, the providers by name, the listeners, and the options kept in memory."""

    def __init__(self, journal: Journal, providers: Mapping[str, Provider], *,
                 backoff: Backoff) -> None:
        self.journal = journal
        self.providers: Mapping[str, Provider] = dict(providers)
        self._backoff = backoff
        self._listeners: list[Listener] = []
        # Options that must not be journaled (a payout card number), by payment, in memory.
        self._private: dict[str, Mapping[str, str]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- who, what --

    def provider(self, name: str) -> Provider:
        """The enabled provider ``name``; UserError when it is not enabled here."""
        try:
            return self.providers[name]
        except KeyError:
            raise UserError(msg(C, "The payment method “{name}” is not enabled on this terminal.",
                                name=name)) from None

    def keep_private(self, payment_id: str, private: Mapping[str, str]) -> None:
        self._private[payment_id] = private

    def forget_private(self, payment_id: str) -> None:
        self._private.pop(payment_id, None)

    def request(self, payment: Payment) -> PaymentRequest:
        """The journaled request, with the private options while this process has them."""
        private = self._private.get(payment.id)
        return replace(payment.request, private=private) if private else payment.request

    def ref(self, payment: Payment) -> PaymentRef:
        return PaymentRef(request=self.request(payment), provider_ref=payment.provider_ref)

    # -- listeners --

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every update; returns the function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, update: PaymentUpdate) -> None:
        for listener in list(self._listeners):
            try:
                listener(update)
            except Exception:
                log.exception("a payment listener failed")

    # -- changes --

    async def move(self, payment: Payment, to: PaymentState, event: EventKind, *,
                   operation: Operation | None = None, error: ProviderError | None = None,
                   data: Mapping[str, Any] | None = None,
                   **changes: Unpack[PaymentChanges]) -> Payment:
        """Move the payment to ``to`` (journal first); a move the journal refuses as stale is
        recorded as ignored and the current payment returned."""
        try:
            moved = await self.journal.update_payment(payment.id, to=to, event=event, data=data,
                                                      **changes)
        except StaleTransition as exc:
            await self.record_ignored(exc.current, to, to.value, event)
            return exc.current
        self.emit(PaymentUpdate(moved, operation, error=error.message if error else None))
        if to is PaymentState.PAID and isinstance(self.provider(moved.provider), ReceiptSource):
            self.background(self._keep_receipts(moved), f"receipts-{moved.id}")
        return moved

    async def apply(self, payment: Payment, remote: RemotePayment, event: EventKind, *,
                    operation: Operation | None = None, keep_reason: bool = False) -> Payment:
        """Take a provider's word about a payment (:mod:`.rules` says what it means), unless
        it is stale or would move a final state back: then it is recorded as ignored."""
        target = rules.STATE_OF[remote.state]
        if rules.is_stale(payment, remote):
            await self.record_ignored(payment, target, remote.raw_status, event, stale=True)
            return payment
        changes = rules.answer_changes(payment, remote, keep_reason=keep_reason)
        alert = await self._alert_for(payment, remote)
        if alert is not None:
            changes["attention"] = alert
        if rules.paid_first(payment.state, target):
            payment = await self.move(payment, PaymentState.PAID, event)
        verdict = rules.verdict(payment.state, target)
        if verdict is rules.Verdict.STAYS:
            if changes:
                payment = await self.journal.update_payment(payment.id, event=event, **changes)
                self.emit(PaymentUpdate(payment, operation, alert=alert))
            return payment
        if verdict is rules.Verdict.IMPOSSIBLE:
            await self.record_ignored(payment, target, remote.raw_status, event)
            return payment
        moved = await self.move(payment, target, event, operation=operation, **changes)
        if alert is not None and moved.state is target:
            self.emit(PaymentUpdate(moved, operation, alert=alert))
        return moved

    async def _alert_for(self, payment: Payment, remote: RemotePayment) -> Message | None:
        becomes_paid = rules.becomes_paid(payment, rules.STATE_OF[remote.state])
        return rules.alert_for(
            payment, remote,
            paid_twice=await self.paid_twice(payment) if becomes_paid else None,
            shift_closed=becomes_paid and bool(payment.shift_id)
            and await shift_closed(self.journal, payment.shift_id or ""),
            advice=self.return_advice(payment.provider))

    async def paid_twice(self, payment: Payment) -> Message | None:
        """The alert when the customer paid the sale another way meanwhile: another attempt
        for the same sale is paid, or one for the same basket before or after it changed
        (:meth:`Journal.same_basket`); else None."""
        paid = [(sale_id, other) for sale_id in await self.journal.same_basket(payment.sale_id)
                for other in await self.journal.attempts_for(sale_id)
                if other.id != payment.id and _paid(other)]
        if not paid:
            return None
        # The same sale's first: the plainer sentence.
        sale_id, other = min(paid, key=lambda found: found[0] != payment.sale_id)
        sale = await self.journal.get_sale(payment.sale_id)
        params = dict(amount=payment.amount, provider=self.provider(payment.provider).display_name,
                      sale=sale.label if sale else "", other=other.amount,
                      other_provider=self.provider(other.provider).display_name,
                      advice=self.return_advice(payment.provider))
        if sale_id == payment.sale_id:
            return PAID_TWICE.with_params(**params)
        other_sale = await self.journal.get_sale(sale_id)
        return PAID_TWICE_CHANGED.with_params(**params,
                                              other_sale=other_sale.label if other_sale else "")

    def return_advice(self, provider_name: str) -> Message:
        """:func:`.rules.return_advice` for an enabled provider."""
        provider = self.provider(provider_name)
        return rules.return_advice(provider.capabilities, provider.display_name)

    async def record_ignored(self, payment: Payment, wanted: PaymentState, raw_status: str,
                             event: EventKind, *, stale: bool = False) -> None:
        """A late, duplicate or impossible update: never applied, always recorded."""
        log.warning("ignored %s update %r (%s) for payment %s in state %s", event, raw_status,
                    wanted, payment.id, payment.state)
        await self.journal.log_event(EventKind.UPDATE_IGNORED, payment_id=payment.id,
                                     data={"event": event, "remote_status": raw_status,
                                           "wanted": wanted.value, "state": payment.state.value,
                                           "stale": stale})
        if rules.paid_after_end(payment.state, wanted):
            await self.flag(payment, PAID_AFTER_END.with_params(
                provider=self.provider(payment.provider).display_name,
                state=state_label(payment.state.value)))

    async def flag(self, payment: Payment, message: Message) -> None:
        """Raise an alert for a person on the payment (the Needs-attention list)."""
        payment = await self.journal.update_payment(payment.id, event=EventKind.ATTENTION,
                                                    attention=message)
        self.emit(PaymentUpdate(payment, alert=message))

    async def hand_over(self, payment: Payment, exc: NeedsPerson) -> NoReturn:
        """Nothing automatic can settle it: flag it for a person and stop driving it."""
        if payment.state in (PaymentState.CREATING, PaymentState.DRAFT):
            payment = await self.move(payment, PaymentState.UNKNOWN, EventKind.NEEDS_PERSON,
                                      reason=exc.message, reason_code=exc.code)
        await self.flag(payment, exc.message)
        raise StopDriving from exc

    # -- operations --

    async def open_operation(self, payment: Payment, kind: OperationKind) -> Operation | None:
        """The payment's last operation of ``kind`` that has no final answer yet."""
        for operation in reversed(await self.journal.operations_for(payment.id)):
            if operation.kind is kind and not operation.state.is_final:
                return operation
        return None

    async def finish_operation(self, operation: Operation, state: OperationState,
                               reason: Message | None, code: str | None, *,
                               op_ref: str | None = None,
                               receipt_fields: Mapping[str, str] | None = None) -> Operation:
        """Record the operation's answer (journaled as "<kind>_<state>")."""
        changes: dict[str, Any] = {"state": state, "reason": reason, "reason_code": code}
        if op_ref:
            changes["op_ref"] = op_ref
        if receipt_fields:
            changes["receipt_fields"] = receipt_fields
        return await self.journal.update_operation(
            operation.id, event=EventKind.of_operation(operation.kind, state.value), **changes)

    # -- the provider's receipt files --

    async def receipt_file(self, payment: Payment, fmt: str) -> tuple[bytes, str]:
        """The provider's own receipt (``fmt`` "pdf" or "jpeg"): from the journal, else
        fetched and kept.  Returns (content, MIME type).  UserError when the provider issues
        none; ProviderError as its client raises (NotFound: not ready yet)."""
        stored = await self.journal.receipt(payment.id, fmt)
        if stored is not None:
            return stored
        provider = self.provider(payment.provider)
        if not isinstance(provider, ReceiptSource):
            raise UserError(msg(C, "{provider} issues no receipt files.",
                                provider=provider.display_name))
        content, kind = await provider.receipt_file(self.ref(payment), fmt)
        await self.journal.add_receipt(payment.id, source=payment.provider, fmt=fmt,
                                       content=content, content_type=kind)
        return content, kind

    async def _keep_receipts(self, payment: Payment) -> None:
        """After a payment: fetch the provider's receipt files, waiting while not ready."""
        for fmt in ("pdf", "jpeg"):
            for attempt in range(RECEIPT_TRIES):
                if attempt:
                    await asyncio.sleep(self._backoff.delay(attempt))
                try:
                    await self.receipt_file(payment, fmt)
                    break
                except NotFound:
                    continue  # not ready yet
                except (ProviderError, UserError) as exc:
                    log.warning("receipt %s of %s not fetched: %s", fmt, payment.id, exc)
                    break

    def background(self, coroutine: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def background_tasks(self) -> list[asyncio.Task[None]]:
        return list(self._tasks)


def _paid(payment: Payment) -> bool:
    """The customer paid it (refunded since counts: the money came)."""
    return payment.state.is_paid or payment.state is PaymentState.REFUNDED
