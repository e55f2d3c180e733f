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

import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pos_app.core.events import EventKind, state_label
from pos_app.core.journal import Journal, new_id, payment_from_row
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
S = PaymentState
R = RemoteState


class DiffKind(StrEnum):
    ORPHAN = "orphan"  # paid at the provider, not in the journal
    MISSING = "missing"  # in the journal as paid, the provider does not know it
    STATE = "state"  # paid on one side, not on the other
    AMOUNT = "amount"  # both paid, amounts differ
    BALANCE = "balance"  # the provider's balance moved by another amount than journaled
    UNCHECKED = "unchecked"  # the provider could not be asked: the check is incomplete


KIND_LABELS: dict[DiffKind, Message] = {
    DiffKind.ORPHAN: Message(C, "Paid at the provider, not recorded here"),
    DiffKind.MISSING: Message(C, "Recorded here, unknown to the provider"),
    DiffKind.STATE: Message(C, "State differs"),
    DiffKind.AMOUNT: Message(C, "Amount differs"),
    DiffKind.BALANCE: Message(C, "Balance change differs"),
    DiffKind.UNCHECKED: Message(C, "Could not be checked"),
}


NO_TRANSACTION = Message(C, "cannot be asked without its transaction id: check it in the "
                           "provider's cabinet")


@dataclass(frozen=True)
class Difference:
    id: str
    shift_id: str
    provider: str
    kind: DiffKind
    ref: str  # what identifies it at the provider: reference, order id, transaction
    payment_id: str | None
    ours: str
    theirs: str
    found_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "provider": self.provider, "kind": self.kind.value,
                "ref": self.ref, "payment_id": self.payment_id, "ours": self.ours,
                "theirs": self.theirs, "resolved_by": self.resolved_by,
                "resolution": self.resolution}


def _difference(row: sqlite3.Row) -> Difference:
    resolved = row["resolved_at"]
    return Difference(id=row["id"], shift_id=row["shift_id"], provider=row["provider"],
                      kind=DiffKind(row["kind"]), ref=row["ref"], payment_id=row["payment_id"],
                      ours=side_text(row["ours"]), theirs=side_text(row["theirs"]),
                      found_at=datetime.fromisoformat(row["found_at"]),
                      resolved_at=datetime.fromisoformat(resolved) if resolved else None,
                      resolved_by=row["resolved_by"], resolution=row["resolution"])


_PAID = "paid"
_UNPAID = "unpaid"
_OPEN = "open"
_OURS = {S.PAID: _PAID, S.REFUNDING: _PAID, S.PARTIALLY_REFUNDED: _PAID, S.REFUNDED: _PAID,
         S.DECLINED: _UNPAID, S.EXPIRED: _UNPAID, S.CANCELLED: _UNPAID}
_THEIRS = {R.PAID: _PAID, R.REFUNDING: _PAID, R.PARTIALLY_REFUNDED: _PAID, R.REFUNDED: _PAID,
           R.UNDERPAID: _PAID,  # money arrived, less than asked: an amount difference
           R.DECLINED: _UNPAID, R.EXPIRED: _UNPAID, R.CANCELLED: _UNPAID}


def _money(minor: int | None, currency: str) -> str:
    return Money(minor, currency).format() if minor is not None else "—"


def _stated(state: str, minor: int | None, currency: str) -> Message:
    return Message(C, "{state} {amount}", {"state": state_label(state),
                                           "amount": _money(minor, currency)})


# What one side says, as the journal keeps it: a message is kept untranslated (as JSON) and
# read in the language of whoever looks; plain text (amounts, older rows) as it is.
Side = Message | str


def _side_column(side: Side) -> str:
    return json.dumps(side.to_json(), ensure_ascii=False) if isinstance(side, Message) else side


def side_text(column: str) -> str:
    if column.startswith('{"context"'):
        return Message.from_json(json.loads(column)).render()
    return column


@dataclass(frozen=True)
class _Found:
    provider: str
    kind: DiffKind
    ref: str
    payment_id: str | None
    ours: Side
    theirs: Side


class Reconciler:
    """Runs the reconciliation of a shift and keeps its differences."""

    def __init__(self, service: PaymentService) -> None:
        self.service = service
        self.journal: Journal = service.journal

    async def run(self, shift: Shift, *, settle_timeout: float = 20.0) -> list[Difference]:
        payments = await self._payments(shift)
        # First let the service settle what is in flight, so only real differences remain.
        unsettled = [p.id for p in payments if p.state.needs_reconcile
                     and p.provider in self.service.providers]
        if unsettled:
            await self.service.reconcile(unsettled, timeout=settle_timeout)
            payments = await self._payments(shift)
        found: list[_Found] = []
        for payment in payments:
            found.extend(await self._check_payment(payment))
        found.extend(await self._orphans(shift))
        if shift.is_open:
            found.extend(await self._balances(shift, payments))
        await self.journal.write(lambda conn: self._store(conn, shift, found))
        log.info("shift %d reconciled: %d difference(s)", shift.number, len(found))
        return await self.differences(shift)

    async def differences(self, shift: Shift) -> list[Difference]:
        def do(conn: sqlite3.Connection) -> list[Difference]:
            rows = conn.execute("SELECT * FROM differences WHERE shift_id = ? "
                                "ORDER BY resolved_at IS NOT NULL, found_at, provider, ref",
                                (shift.id,))
            return [_difference(r) for r in rows]
        return await self.journal.read(do)

    async def resolve(self, difference_id: str, *, actor: str, reason: str) -> Difference:
        if not reason.strip() or not actor.strip():
            raise UserError(msg(C, "Resolving a difference needs a reason and who decided."))

        def do(conn: sqlite3.Connection) -> Difference:
            cursor = conn.execute(
                "UPDATE differences SET resolved_at = ?, resolved_by = ?, resolution = ? "
                "WHERE id = ? AND resolved_at IS NULL",
                (utcnow().isoformat(timespec="milliseconds"), actor, reason.strip(),
                 difference_id))
            if not cursor.rowcount:
                raise UserError(msg(C, "This difference is already resolved."))
            row = conn.execute("SELECT * FROM differences WHERE id = ?",
                               (difference_id,)).fetchone()
            difference = _difference(row)
            self.journal.insert_event(
                conn, EventKind.DIFFERENCE_RESOLVED, payment_id=difference.payment_id,
                data={**difference.to_json(), "actor": actor, "reason": reason})
            return difference
        return await self.journal.write(do)

    # -- asking ------------------------------------------------------------------------

    async def shift_payments(self, shift: Shift) -> list[Payment]:
        """Every payment of ``shift`` (its training flag), oldest first."""
        return await self._payments(shift)

    async def _payments(self, shift: Shift) -> list[Payment]:
        def do(conn: sqlite3.Connection) -> list[Payment]:
            rows = conn.execute("SELECT * FROM payments WHERE shift_id = ? AND training = ? "
                                "AND state != ? ORDER BY created_at",
                                (shift.id, int(shift.training), S.DRAFT.value))
            return [payment_from_row(r) for r in rows]
        return await self.journal.read(do)

    async def _check_payment(self, payment: Payment) -> list[_Found]:
        provider = self.service.providers.get(payment.provider)
        ref = payment.provider_ref or payment.key
        ours = _stated(payment.state.value, payment.received_minor, payment.amount.currency)
        if provider is None:
            return [_Found(payment.provider, DiffKind.UNCHECKED, ref, payment.id, ours,
                           Message(C, "not configured"))]
        try:
            remote = await provider.status(PaymentRef(payment.request, payment.provider_ref))
        except NotFound as exc:
            if _OURS.get(payment.state) == _PAID:
                return [_Found(payment.provider, DiffKind.MISSING, ref, payment.id, ours,
                               Message(C, "not found"))]
            if exc.code == "NO_TRANSACTION_ID" and (payment.state is S.UNKNOWN
                                                     or payment.reason_code == "MANUAL"):
                # Its outcome was never learnt (or was decided by hand), and without a
                # transaction id the provider cannot be asked: money may have moved unseen.
                return [_Found(payment.provider, DiffKind.UNCHECKED, ref, payment.id, ours,
                               NO_TRANSACTION)]
            return []
        except ProviderError as exc:
            return [_Found(payment.provider, DiffKind.UNCHECKED, ref, payment.id, ours,
                           exc.message)]
        return self._compare(payment, remote, ref, ours)

    def _compare(self, payment: Payment, remote: RemotePayment, ref: str,
                 ours: Side) -> list[_Found]:
        currency = payment.amount.currency
        theirs = _stated(remote.state.value, remote.paid_minor, currency)
        mine, other = _OURS.get(payment.state, _OPEN), _THEIRS.get(remote.state, _OPEN)
        if mine != other:
            return [_Found(payment.provider, DiffKind.STATE, ref, payment.id, ours, theirs)]
        if mine != _PAID:
            return []
        if remote.paid_minor is not None and remote.paid_minor != payment.received_minor:
            return [_Found(payment.provider, DiffKind.AMOUNT, ref, payment.id, ours, theirs)]
        if remote.refunded_minor is not None and remote.refunded_minor != payment.refunded_minor:
            return [_Found(payment.provider, DiffKind.AMOUNT, ref, payment.id,
                           _stated("REFUNDED", payment.refunded_minor, currency),
                           _stated("REFUNDED", remote.refunded_minor, currency))]
        return []

    async def _orphans(self, shift: Shift) -> list[_Found]:
        found: list[_Found] = []
        until = shift.closed_at or utcnow()
        for name, provider in self.service.providers.items():
            if not isinstance(provider, ActivitySource):
                continue
            try:
                listed = await provider.payments_between(shift.opened_at, until)
            except ProviderError as exc:
                found.append(_Found(name, DiffKind.UNCHECKED, "*", None, "", exc.message))
                continue
            for item in listed:
                if _THEIRS.get(item.remote.state) != _PAID:
                    continue
                if not await self.journal.find_payments(item.key):
                    paid = item.remote.paid_minor if item.remote.paid_minor is not None \
                        else item.amount_minor
                    found.append(_Found(name, DiffKind.ORPHAN, item.key, None, "—",
                                        _stated(item.remote.state.value, paid, item.currency)))
        return found

    async def _balances(self, shift: Shift, payments: Sequence[Payment]) -> list[_Found]:
        found: list[_Found] = []
        for name, provider in self.service.providers.items():
            opening = shift.balances.get(name)
            if opening is None or not isinstance(provider, BalanceSource):
                continue
            try:
                now = await provider.balance_minor()
            except ProviderError as exc:
                found.append(_Found(name, DiffKind.UNCHECKED, "balance", None, "", exc.message))
                continue
            expected = sum(_balance_effect(p) for p in payments if p.provider == name)
            if now - opening != expected:
                found.append(_Found(name, DiffKind.BALANCE, "balance", None,
                                    _money(expected, provider.balance_currency),
                                    _money(now - opening, provider.balance_currency)))
        return found

    def _store(self, conn: sqlite3.Connection, shift: Shift, found: Sequence[_Found]) -> None:
        conn.execute("DELETE FROM differences WHERE shift_id = ? AND resolved_at IS NULL",
                     (shift.id,))
        now = utcnow().isoformat(timespec="milliseconds")
        for item in found:
            conn.execute(
                "INSERT OR IGNORE INTO differences (id, shift_id, found_at, provider, kind, ref, "
                "payment_id, ours, theirs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new_id(), shift.id, now, item.provider, item.kind.value, item.ref,
                 item.payment_id, _side_column(item.ours), _side_column(item.theirs)))
        self.journal.insert_event(conn, EventKind.SHIFT_RECONCILED, data={
            "shift_id": shift.id, "differences": len(found),
            "kinds": sorted({item.kind.value for item in found})})


def _balance_effect(payment: Payment) -> int:
    """How a payment moved the provider's balance: a deposit credits what arrived less the
    commission; a payout debits its amount and commission from the moment it is sent."""
    commission = _commission_minor(payment)
    if payment.kind == "withdrawal":
        if payment.state in (S.DECLINED, S.CANCELLED, S.EXPIRED):
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

