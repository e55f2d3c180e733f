"""Reconciliation of a shift with the providers: what they say against what the journal says.

Every payment of the shift is asked about again (Koshelek: status per transaction;
Paymega: by invoice or reference; Pegas-kassa: status by order id).  Providers that list
payments (Paymega) are also asked for this terminal's payments of the shift's period, which
finds money that reached the provider but never the journal (orphans).  Providers that
report a balance (Pegas-kassa) have the balance change since the shift opened compared with
what the journal says moved.  Differences are stored with the shift; a manager resolves each
with a reason, and that is audited.  A difference found again after its resolution stays
resolved.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Sequence

from pos_app.core.events import state_label
from pos_app.core.journal import Journal
from pos_app.core.journal.differences import Difference as Difference
from pos_app.core.journal.differences import DiffKind as DiffKind
from pos_app.core.journal.differences import (
    Found,
    Side,
    differences_of,
    keep_found,
    resolve_difference,
)
from pos_app.core.journal.differences import side_text as side_text
from pos_app.core.money import Money, parse_provider_amount
from pos_app.core.payments import Payment, utcnow
from pos_app.core.payments.service import PaymentService
from pos_app.core.shifts import Shift
from pos_app.core.states import PaymentState
from pos_app.i18n import Message, UserError, msg
from pos_app.providers.base import (
    ActivitySource,
    BalanceSource,
    PaymentRef,
    RemotePayment,
    RemoteState,
)
from pos_app.providers.errors import NotFound, ProviderError

log = logging.getLogger(__name__)
C = "Reconciliation"
# Status reads in flight at once for each provider: one at a time, a shift of 2,000 payments
# took 2,000 round trips in a row (minutes over a slow link, while the Z waited).  Two per
# provider halve that and stay near what a till already sends; the providers' rate limits
# are not documented (../shared/specs: Paymega §4 lists 429, the others say nothing).
ASKED_AT_ONCE = 2


KIND_LABELS: dict[DiffKind, Message] = {
    DiffKind.ORPHAN: Message(C, "Paid at the provider, not recorded here"),
    DiffKind.MISSING: Message(C, "Recorded here, unknown to the provider"),
    DiffKind.STATE: Message(C, "State differs"),
    DiffKind.AMOUNT: Message(C, "Amount differs"),
    DiffKind.BALANCE: Message(C, "Balance change differs"),
    DiffKind.UNCHECKED: Message(C, "Could not be checked"),
}


BALANCE_REF = "balance"  # a difference of the provider's balance, not of one payment
BALANCE_WORDS = Message(C, "the site's balance")


def ref_text(ref: str) -> str:
    """A difference's reference as a person reads it: a transaction id as it is, the
    balance in words (a walk: "Ссылка: balance")."""
    return BALANCE_WORDS.render() if ref == BALANCE_REF else ref


NO_TRANSACTION = Message(C, "cannot be asked without its transaction id: check it in the "
                           "provider's cabinet")


_PAID = "paid"
_UNPAID = "unpaid"
_OPEN = "open"
_OURS = {
    **dict.fromkeys((PaymentState.PAID, PaymentState.REFUNDING, PaymentState.PARTIALLY_REFUNDED,
                     PaymentState.REFUNDED), _PAID),
    **dict.fromkeys((PaymentState.DECLINED, PaymentState.EXPIRED, PaymentState.CANCELLED), _UNPAID),
}
_THEIRS = {
    **dict.fromkeys((RemoteState.PAID, RemoteState.REFUNDING, RemoteState.PARTIALLY_REFUNDED,
                     RemoteState.REFUNDED,
                     RemoteState.UNDERPAID),  # money arrived, less than asked: an amount differs
                    _PAID),
    **dict.fromkeys((RemoteState.DECLINED, RemoteState.EXPIRED, RemoteState.CANCELLED), _UNPAID),
}


def _money(minor: int | None, currency: str) -> str:
    return Money(minor, currency).format() if minor is not None else "—"


def _stated(state: str, minor: int | None, currency: str) -> Message:
    return Message(C, "{state} {amount}", {"state": state_label(state),
                                           "amount": _money(minor, currency)})


class Reconciler:
    """Runs the reconciliation of a shift and keeps its differences."""

    def __init__(self, service: PaymentService) -> None:
        self.service = service
        self.journal: Journal = service.journal

    async def run(self, shift: Shift, *, settle_timeout: float = 20.0,
                  progress: Callable[[int, int], None] | None = None) -> list[Difference]:
        """Ask the providers about every payment of ``shift`` (and for what they list that
        the journal lacks), keep the differences found and return them all.  ``progress``:
        called with (payments asked, payments in all).  Cancelling it keeps nothing: the
        differences are written at the end, in one transaction."""
        payments = await self._payments(shift)
        # First let the service settle what is in flight, so only real differences remain.
        unsettled = [p.id for p in payments if p.state.needs_reconcile
                     and p.provider in self.service.providers]
        if unsettled:
            await self.service.reconcile(unsettled, timeout=settle_timeout)
            payments = await self._payments(shift)
        found = await self._check_payments(payments, progress)
        found.extend(await self._orphans(shift))
        if shift.is_open:
            found.extend(await self._balances(shift, payments))
        await self.journal.write(lambda conn: keep_found(self.journal, conn, shift.id, found))
        log.info("shift %d reconciled: %d difference(s)", shift.number, len(found))
        return await self.differences(shift)

    async def differences(self, shift: Shift) -> list[Difference]:
        return await self.journal.read(lambda conn: differences_of(conn, shift.id))

    async def resolve(self, difference_id: str, *, actor: str, reason: str) -> Difference:
        if not reason.strip() or not actor.strip():
            raise UserError(msg(C, "Resolving a difference needs a reason and who decided."))
        resolved = await self.journal.write(lambda conn: resolve_difference(
            self.journal, conn, difference_id, actor=actor, reason=reason))
        if resolved is None:
            raise UserError(msg(C, "This difference is already resolved."))
        return resolved

    # -- asking ------------------------------------------------------------------------

    async def shift_payments(self, shift: Shift) -> list[Payment]:
        """Every payment of ``shift`` (its training flag), oldest first."""
        return await self._payments(shift)

    async def _payments(self, shift: Shift) -> list[Payment]:
        return await self.journal.shift_payments(shift.id, training=shift.training)

    async def _check_payments(self, payments: Sequence[Payment],
                              progress: Callable[[int, int], None] | None) -> list[Found]:
        """What each payment's provider says, :data:`ASKED_AT_ONCE` reads in flight per
        provider; the findings in the payments' order."""
        results: list[list[Found]] = [[] for _ in payments]
        asked = 0

        async def worker(queue: Iterator[tuple[int, Payment]]) -> None:
            nonlocal asked
            for index, payment in queue:  # shared by the provider's workers: each read once
                results[index] = await self._check_payment(payment)
                asked += 1
                if progress is not None:
                    progress(asked, len(payments))

        by_provider: dict[str, list[tuple[int, Payment]]] = {}
        for index, payment in enumerate(payments):
            by_provider.setdefault(payment.provider, []).append((index, payment))
        queues = [iter(each) for each in by_provider.values()]
        await asyncio.gather(*(worker(queue) for queue in queues
                               for _ in range(ASKED_AT_ONCE)))
        return [each for result in results for each in result]

    async def _check_payment(self, payment: Payment) -> list[Found]:
        provider = self.service.providers.get(payment.provider)
        ref = payment.provider_ref or payment.key
        ours = _stated(payment.state.value, payment.received_minor, payment.amount.currency)
        if provider is None:
            return [Found(payment.provider, DiffKind.UNCHECKED, ref, payment.id, ours,
                           Message(C, "not configured"))]
        try:
            remote = await provider.status(PaymentRef(payment.request, payment.provider_ref))
        except NotFound as exc:
            if _OURS.get(payment.state) == _PAID:
                return [Found(payment.provider, DiffKind.MISSING, ref, payment.id, ours,
                               Message(C, "not found"))]
            if exc.code == "NO_TRANSACTION_ID" and (payment.state is PaymentState.UNKNOWN
                                                     or payment.reason_code == "MANUAL"):
                # Its outcome was never learnt (or was decided by hand), and without a
                # transaction id the provider cannot be asked: money may have moved unseen.
                return [Found(payment.provider, DiffKind.UNCHECKED, ref, payment.id, ours,
                               NO_TRANSACTION)]
            return []
        except ProviderError as exc:
            return [Found(payment.provider, DiffKind.UNCHECKED, ref, payment.id, ours,
                           exc.message)]
        return self._compare(payment, remote, ref, ours)

    def _compare(self, payment: Payment, remote: RemotePayment, ref: str,
                 ours: Side) -> list[Found]:
        currency = payment.amount.currency
        theirs = _stated(remote.state.value, remote.paid_minor, currency)
        mine, other = _OURS.get(payment.state, _OPEN), _THEIRS.get(remote.state, _OPEN)
        if mine != other:
            return [Found(payment.provider, DiffKind.STATE, ref, payment.id, ours, theirs)]
        if mine != _PAID:
            return []
        if remote.paid_minor is not None and remote.paid_minor != payment.received_minor:
            return [Found(payment.provider, DiffKind.AMOUNT, ref, payment.id, ours, theirs)]
        if remote.refunded_minor is not None and remote.refunded_minor != payment.refunded_minor:
            return [Found(payment.provider, DiffKind.AMOUNT, ref, payment.id,
                           _stated("REFUNDED", payment.refunded_minor, currency),
                           _stated("REFUNDED", remote.refunded_minor, currency))]
        return []

    async def _orphans(self, shift: Shift) -> list[Found]:
        found: list[Found] = []
        until = shift.closed_at or utcnow()
        for name, provider in self.service.providers.items():
            if not isinstance(provider, ActivitySource):
                continue
            try:
                listed = await provider.payments_between(shift.opened_at, until)
            except ProviderError as exc:
                found.append(Found(name, DiffKind.UNCHECKED, "*", None, "", exc.message))
                continue
            for item in listed:
                if _THEIRS.get(item.remote.state) != _PAID:
                    continue
                if not await self.journal.find_payments(item.key):
                    paid = item.remote.paid_minor if item.remote.paid_minor is not None \
                        else item.amount_minor
                    found.append(Found(name, DiffKind.ORPHAN, item.key, None, "—",
                                        _stated(item.remote.state.value, paid, item.currency)))
        return found

    async def _balances(self, shift: Shift, payments: Sequence[Payment]) -> list[Found]:
        found: list[Found] = []
        for name, provider in self.service.providers.items():
            opening = shift.balances.get(name)
            if opening is None or not isinstance(provider, BalanceSource):
                continue
            try:
                now = await provider.balance_minor()
            except ProviderError as exc:
                found.append(Found(name, DiffKind.UNCHECKED, BALANCE_REF, None, "", exc.message))
                continue
            expected = sum(_balance_effect(p) for p in payments if p.provider == name)
            if now - opening != expected:
                found.append(Found(name, DiffKind.BALANCE, BALANCE_REF, None,
                                    _money(expected, provider.balance_currency),
                                    _money(now - opening, provider.balance_currency)))
        return found


def _balance_effect(payment: Payment) -> int:
    """How a payment moved the provider's balance: a deposit credits what arrived less the
    commission; a payout debits its amount and commission from the moment it is sent."""
    commission = _commission_minor(payment)
    if payment.kind == "withdrawal":
        if payment.state in (PaymentState.DECLINED, PaymentState.CANCELLED, PaymentState.EXPIRED):
            return 0  # the hold was released
        return -(payment.amount.minor + commission)
    if _OURS.get(payment.state) != _PAID:
        return 0
    return payment.received_minor - payment.refunded_minor - commission


def _commission_minor(payment: Payment) -> int:
    text = payment.receipt_fields.get("commission")
    if not text:
        return 0
    try:
        return parse_provider_amount(text, payment.amount.currency).minor
    except ValueError:
        log.warning("payment %s has an unreadable commission %r", payment.id, text)
        return 0

