"""What the journal records about payments and the operations on them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, TypedDict

from msgspec import Struct, field

from pos_app.core.clock import utcnow as utcnow  # where the rest of the app finds it
from pos_app.core.money import Money
from pos_app.core.states import OperationKind, OperationState, PaymentState
from pos_app.i18n import Message
from pos_app.providers.base import PaymentRequest


def local_day_start(day: date) -> datetime:
    """The first instant (UTC) of the local calendar ``day``.

    Where clocks jump at midnight (America/Santiago, 00:00 → 01:00) the day starts at
    01:00; a naive ``datetime.combine(day, time()).astimezone()`` put it an hour early, so
    the last hour of the day before fell into this one.  zoneinfo's ``fold=0`` reading of
    a missing time uses the offset before the jump, which is exactly that first instant.
    """
    import tzlocal  # here: only exports and date filters need it, not the start

    return datetime.combine(day, time(), tzinfo=tzlocal.get_localzone()).astimezone(UTC)


class Payment(Struct, frozen=True):
    """One payment attempt with one provider. A sale may have several (a declined one, a retry)."""

    id: str
    sale_id: str
    provider: str
    state: PaymentState
    amount: Money
    key: str
    request: PaymentRequest
    created_at: datetime
    updated_at: datetime
    kind: str = "payment"  # or "withdrawal" (a payout to a customer)
    refunded_minor: int = 0
    paid_minor: int | None = None  # what the provider says actually arrived, when it says
    provider_ref: str | None = None
    payer_url: str | None = None
    payer_text: str | None = None
    expires_at: datetime | None = None
    raw_status: str = ""
    reason_code: str | None = None
    reason: Message | None = None
    receipt_fields: Mapping[str, str] = field(default_factory=dict)
    cancel_requested: bool = False
    abandoned: bool = False
    attention: Message | None = None
    remote_version: int | None = None
    shift_id: str | None = None
    training: bool = False

    @property
    def received_minor(self) -> int:
        """What arrived: the amount the provider reported, else the amount asked for."""
        return self.paid_minor if self.paid_minor is not None else self.amount.minor

    @property
    def refundable(self) -> Money:
        return Money(self.amount.minor - self.refunded_minor, self.amount.currency)


class Operation(Struct, frozen=True):
    """A cancel, refund or withdrawal we sent; ``key`` is its idempotency key."""

    id: str
    payment_id: str
    kind: OperationKind
    state: OperationState
    key: str
    request: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime
    amount_minor: int | None = None
    op_ref: str | None = None
    prev_state: PaymentState | None = None
    reason_code: str | None = None
    reason: Message | None = None
    receipt_fields: Mapping[str, str] = field(default_factory=dict)
    reference: str = ""  # the caller's own reference (``refund --reference``), if any


class Event(Struct, frozen=True):
    """One line of the append-only audit trail."""

    seq: int
    at: datetime
    kind: str
    payment_id: str | None
    operation_id: str | None
    from_state: str | None
    to_state: str | None
    data: Mapping[str, Any]


class PaymentChanges(TypedDict, total=False):
    """What a write may change of a payment (each a field of ``Payment``; one column each,
    ``journal.rows.PAYMENT_COLUMNS``)."""

    state: PaymentState
    refunded_minor: int
    paid_minor: int | None
    provider_ref: str | None
    payer_url: str | None
    payer_text: str | None
    expires_at: datetime | None
    raw_status: str
    reason_code: str | None
    reason: Message | None
    receipt_fields: Mapping[str, str]
    cancel_requested: bool
    abandoned: bool
    attention: Message | None
    remote_version: int | None
    request: PaymentRequest


class OperationChanges(TypedDict, total=False):
    """What a write may change of a cancel or refund (``journal.rows.OPERATION_COLUMNS``)."""

    state: OperationState
    op_ref: str | None
    reason_code: str | None
    reason: Message | None
    receipt_fields: Mapping[str, str]
