"""The payment rules: what a provider's answer means, which alert it raises, when to ask next.

Pure functions of their arguments — no journal, no network, no clock — so each is tested
as a table (``tests/core/test_payment_rules.py``).  The driver and the recorder do the I/O
around them.  States and transitions: ``../shared/DESIGN.md`` ("The payment state
machine"); the providers' statuses: ``../shared/specs/koshelek-pay.md`` §6,
``../shared/specs/paymega.md`` §8, ``../shared/specs/pegas-kassa.md`` §7.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import cast

from msgspec import Struct

from pos_app.core import refunds
from pos_app.core.money import AmountError, Money
from pos_app.core.payments.messages import (
    AUTO_CANCEL,
    CANCELLED_BY_CASHIER,
    LATE_PAYMENT,
    PAID_AFTER_Z,
    RETURN_BY_PAYOUT,
    RETURN_BY_REFUND,
    RETURN_ELSEWHERE,
    UNDERPAID,
)
from pos_app.core.payments.model import Operation, Payment, PaymentChanges
from pos_app.core.sale import Sale
from pos_app.core.states import OperationKind, OperationState, PaymentState, can_move
from pos_app.i18n import Message, UserError, msg
from pos_app.providers.base import Capabilities, PollPolicy, RemotePayment, RemoteState

C = "Payment"

# What each provider-neutral status means for the payment here.
STATE_OF: Mapping[RemoteState, PaymentState] = {
    RemoteState.PENDING: PaymentState.PENDING,
    RemoteState.PAID: PaymentState.PAID,
    RemoteState.DECLINED: PaymentState.DECLINED,
    RemoteState.EXPIRED: PaymentState.EXPIRED,
    RemoteState.CANCELLED: PaymentState.CANCELLED,
    RemoteState.REFUNDING: PaymentState.REFUNDING,
    RemoteState.PARTIALLY_REFUNDED: PaymentState.PARTIALLY_REFUNDED,
    RemoteState.REFUNDED: PaymentState.REFUNDED,
    # Not paid in full: it waits for a person's decision (the UNDERPAID alert).
    RemoteState.UNDERPAID: PaymentState.PENDING,
}
REFUND_STATES = frozenset({PaymentState.REFUNDING, PaymentState.PARTIALLY_REFUNDED,
                           PaymentState.REFUNDED})
# States a payment can be in while its create is out or the customer pays: a refund seen
# from one of them means it was paid (and refunded elsewhere) before we looked.
_BEFORE_PAID = frozenset({PaymentState.PENDING, PaymentState.CANCELLING, PaymentState.CREATING})

# A notification asks for a status read at once, but never closer than this (seconds) to
# the last one (Koshelek asks for polls at least 250 ms apart:
# ../shared/specs/koshelek-pay.md §4.4).
MIN_POLL_GAP = 0.25


class Verdict(enum.Enum):
    """What a provider's (fresh) answer does to the payment's state."""

    STAYS = "stays"  # same state: record what is new, if anything
    MOVES = "moves"  # a transition the state machine allows
    IMPOSSIBLE = "impossible"  # it would move a final state back: recorded, never applied


def is_stale(payment: Payment, remote: RemotePayment) -> bool:
    """An answer older than one already taken (its version is lower): never applied."""
    return (remote.version is not None and payment.remote_version is not None
            and remote.version < payment.remote_version)


def verdict(state: PaymentState, target: PaymentState) -> Verdict:
    """:class:`Verdict` of moving a payment in ``state`` to ``target``.  A poll while a
    cancel is under way (PENDING seen from CANCELLING) says nothing new."""
    if target is state or (target is PaymentState.PENDING and state is PaymentState.CANCELLING):
        return Verdict.STAYS
    return Verdict.MOVES if can_move(state, target) else Verdict.IMPOSSIBLE


def paid_first(state: PaymentState, target: PaymentState) -> bool:
    """Refunded (in part) elsewhere before the register saw it paid: the payment is recorded
    PAID before the refund state, so the reports count the money in and out."""
    return target in REFUND_STATES and state in _BEFORE_PAID


def answer_changes(payment: Payment, remote: RemotePayment, *,
                   keep_reason: bool = False) -> PaymentChanges:
    """The payment's fields that ``remote`` changes (empty when nothing is new).

    ``keep_reason``: the payment keeps its own reason (a cancel's "by the cashier") over the
    provider's.  A payment that becomes paid loses the reason it was cancelled or unknown.
    """
    wanted: PaymentChanges = {
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
    # Only what differs: a TypedDict's keys cannot be deleted by a variable's name.
    changes = cast(PaymentChanges, {k: v for k, v in wanted.items()
                                    if getattr(payment, k) != v})
    if (STATE_OF[remote.state] is PaymentState.PAID and payment.reason is not None
            and "reason" not in changes and not payment.state.is_paid):
        changes["reason"], changes["reason_code"] = None, None
    return changes


def becomes_paid(payment: Payment, target: PaymentState) -> bool:
    """The answer says paid, and the journal did not: the moment the paid alerts are due."""
    return target is PaymentState.PAID and payment.state is not PaymentState.PAID


def alert_for(payment: Payment, remote: RemotePayment, *, paid_twice: Message | None,
              shift_closed: bool, advice: Message) -> Message | None:
    """What a person must decide about, once per payment, or None.

    ``paid_twice``: the alert when another attempt for the sale is paid (None: none is);
    ``shift_closed``: the payment's shift has its Z report; ``advice``: :func:`return_advice`.
    A late payment of an attempt the cashier left, a payment after its Z (the money is in no
    report), a customer who paid less than asked.
    """
    target = STATE_OF[remote.state]
    if becomes_paid(payment, target) and paid_twice is not None:
        # Either order: a left link paid after the sale was paid, or the sale paid after
        # its left link was (a walk: that order said only "complete the sale").
        return paid_twice
    if becomes_paid(payment, target) and payment.abandoned:
        return LATE_PAYMENT.with_params(amount=payment.amount, advice=advice)
    if becomes_paid(payment, target) and shift_closed:
        return PAID_AFTER_Z.with_params(amount=payment.amount, advice=advice)
    if remote.state is RemoteState.UNDERPAID and payment.attention is None:
        paid = Money(remote.paid_minor or 0, payment.amount.currency)
        return UNDERPAID.with_params(paid=paid, amount=payment.amount)
    return None


def return_advice(capabilities: Capabilities, provider_name: str) -> Message:
    """How a payment's money can go back on this terminal: a refund, a payout, or (neither
    enabled) outside the register.  An alert never sends a person to a button that is off."""
    if capabilities.refund:
        return RETURN_BY_REFUND
    if capabilities.withdrawal:
        return RETURN_BY_PAYOUT
    return RETURN_ELSEWHERE.with_params(provider=provider_name)


def paid_after_end(state: PaymentState, wanted: PaymentState) -> bool:
    """An answer that says money moved, for a payment that ended unpaid here: a person must
    look (a cancel not honoured, a "not paid" decided by hand)."""
    return (wanted.is_paid or wanted in REFUND_STATES) and state.ended_unpaid


def link_lost(payment: Payment, capabilities: Capabilities) -> bool:
    """Found after a failure, but its link or QR is lost: nobody can be shown it, so nobody
    should be able to pay it later either — it is cancelled (../shared/specs/pegas-kassa.md §8)."""
    return (payment.state is PaymentState.PENDING and payment.kind == "payment"
            and capabilities.register_shows_qr and capabilities.cancel
            and not payment.payer_url and not payment.payer_text)


def past_expiry(payment: Payment, now: datetime, grace_s: float) -> bool:
    """``grace_s`` seconds after the payment's own expiry have passed (no expiry: never)."""
    return payment.expires_at is not None and now > payment.expires_at + timedelta(
        seconds=grace_s)


class CancelDue(Struct, frozen=True):
    reason: Message
    automatic: bool  # the provider's ``cancel_after`` has passed


def cancel_due(policy: PollPolicy, since_ack_s: float, *, cancel_requested: bool,
               abandoned: bool) -> CancelDue | None:
    """Whether a payment in progress is to be cancelled now, and why: the cashier asked (and
    has not left it to finish on its own), or no final answer came within the provider's
    ``cancel_after`` (Koshelek: 30 s, ../shared/specs/koshelek-pay.md §4.4, §9.3).
    None: keep polling."""
    automatic = policy.cancel_after is not None and since_ack_s >= policy.cancel_after
    if not (cancel_requested and not abandoned) and not automatic:
        return None
    if automatic and not cancel_requested:
        return CancelDue(AUTO_CANCEL.with_params(seconds=int(policy.cancel_after or 0)), True)
    return CancelDue(CANCELLED_BY_CASHIER, automatic)


# A link the cashier left is read as often as one followed for this long after it was left:
# the customer is likely still at the till and paying it (helper-42: its late payment was
# said 15 s later, while the cashier was taking the money another way).  Then slowly.
LEFT_WATCHED_S = 120.0


def polled_slowly(policy: PollPolicy, *, since_ack_s: float, left_for_s: float | None,
                  expired: bool) -> bool:
    """Whether a payment's status is read at ``policy.slow_interval``: old (past
    ``slow_after``), expired, or left by the cashier for :data:`LEFT_WATCHED_S` or more
    (``left_for_s``: None while not left)."""
    return since_ack_s >= policy.slow_after or expired or (
        left_for_s is not None and left_for_s >= LEFT_WATCHED_S)


def next_poll_at(policy: PollPolicy, *, last_poll: float | None, acked_at: float | None,
                 slow: bool, poll_now: bool) -> float:
    """When (monotonic seconds) to read a payment's status next.

    ``last_poll``: the last read (None: none yet); ``acked_at``: when the provider took the
    create (None: after a restart); ``slow``: the cashier left it, or it is old or expired
    (``policy.slow_interval``); ``poll_now``: a notification asked for a read.  Never later
    than the automatic cancel, never closer than :data:`MIN_POLL_GAP` to the last read.
    """
    if last_poll is None and acked_at is not None:
        due = acked_at + policy.first_delay
    else:
        due = (last_poll or 0.0) + (policy.slow_interval if slow else policy.interval)
    if policy.cancel_after is not None and acked_at is not None:
        due = min(due, acked_at + policy.cancel_after)
    if poll_now:
        due = min(due, (last_poll or 0.0) + MIN_POLL_GAP)
    return due


def standing_attempt(attempts: Sequence[Payment]) -> Payment | None:
    """The attempt that stands for an order: the newest that did not end unpaid (declined,
    cancelled, expired) — paid, refunded or not finished.  None: all ended unpaid."""
    return next((p for p in reversed(attempts) if not p.state.ended_unpaid), None)


def refunds_so_far(operations: Iterable[Operation]) -> list[list[refunds.ReturnedLine]]:
    """The lines of each refund sent or done (a refused one returned nothing)."""
    return [[refunds.ReturnedLine.from_json(x) for x in op.request.get("lines", [])]
            for op in operations
            if op.kind is OperationKind.REFUND and op.state is not OperationState.REJECTED]


def plan_refund(sale: Sale, payment: Payment, *, amount: Money | None,
                quantities: Mapping[int, Decimal] | None,
                previous: list[list[refunds.ReturnedLine]], capabilities: Capabilities,
                provider_name: str) -> refunds.RefundPlan:
    """What a refund of ``amount`` (None: all that is left) or of ``quantities`` per sale
    line returns, after the ``previous`` refunds.  UserError (AmountError) naming what the
    provider cannot do or what is too much."""
    if quantities:
        if not capabilities.refund_by_items:
            raise UserError(msg(C, "{provider} refunds amounts, not items.",
                                provider=provider_name))
        plan = refunds.plan_by_items(sale, quantities, previous)
        if plan.amount.minor > payment.refundable.minor:
            raise AmountError(msg(C, "Only {left} can still be refunded.",
                                  left=payment.refundable))
    else:
        plan = refunds.plan_by_amount(sale, amount or payment.refundable, payment.refundable,
                                      previous)
    if plan.amount.minor < payment.refundable.minor and not capabilities.partial_refund:
        raise UserError(msg(C, "{provider} can only refund the whole payment.",
                            provider=provider_name))
    return plan
