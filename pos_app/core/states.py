"""The payment state machine of DESIGN.md, the same for every provider.

::

    DRAFT ─send─► CREATING ─ack─► PENDING ──► PAID ──► REFUNDING ──► PARTIALLY_REFUNDED / REFUNDED
      │             │               │  ├────► DECLINED
      │             │               │  ├────► EXPIRED
      │             │               │  └─cancel─► CANCELLING ──► CANCELLED
      │             │               │                  └───────► PAID (the customer won the race)
      │             └─no answer─► UNKNOWN ──reconcile──► any state above
      ├─ cancelled before sending ─► CANCELLED
      └─ never sent, process ended ─► (removed on recovery)

A final state never moves backwards.  PAID and PARTIALLY_REFUNDED are final
"until a refund": the only way out of them is REFUNDING.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from pos_app.i18n import Message

if TYPE_CHECKING:
    from pos_app.core.payments import Payment


class PaymentState(StrEnum):
    DRAFT = "DRAFT"
    CREATING = "CREATING"
    PENDING = "PENDING"
    UNKNOWN = "UNKNOWN"
    CANCELLING = "CANCELLING"
    PAID = "PAID"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    REFUNDING = "REFUNDING"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    REFUNDED = "REFUNDED"

    @property
    def is_final(self) -> bool:
        """No provider update can change it any more (a refund is our own new operation)."""
        return self in _FINAL

    @property
    def is_paid(self) -> bool:
        """Money was taken (and not all of it returned yet)."""
        return self in (PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDING)

    @property
    def ended_unpaid(self) -> bool:
        """Declined, expired or cancelled: no money was taken, and none will be."""
        return self in _UNPAID_ENDINGS

    @property
    def needs_reconcile(self) -> bool:
        """The outcome of something we sent is not known yet."""
        return self in _IN_FLIGHT



_FINAL = frozenset({PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED, PaymentState.DECLINED,
                    PaymentState.EXPIRED, PaymentState.CANCELLED, PaymentState.REFUNDED})
_IN_FLIGHT = frozenset({PaymentState.CREATING, PaymentState.PENDING, PaymentState.UNKNOWN,
                        PaymentState.CANCELLING, PaymentState.REFUNDING})

_UNPAID_ENDINGS = {PaymentState.DECLINED, PaymentState.EXPIRED, PaymentState.CANCELLED}
_PAYMENT_OUTCOMES = {PaymentState.PENDING, PaymentState.PAID, *_UNPAID_ENDINGS}
_REFUNDS = {PaymentState.REFUNDING, PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDED}

ALLOWED: dict[PaymentState, frozenset[PaymentState]] = {
    # A cashier may cancel before anything was sent.
    PaymentState.DRAFT: frozenset({PaymentState.CREATING, PaymentState.CANCELLED}),
    PaymentState.CREATING: frozenset({*_PAYMENT_OUTCOMES, PaymentState.UNKNOWN,
                                      PaymentState.CANCELLING}),
    # Reconciliation may find the payment anywhere, even already refunded.
    PaymentState.UNKNOWN: frozenset({*_PAYMENT_OUTCOMES, PaymentState.CANCELLING, *_REFUNDS}),
    PaymentState.PENDING: frozenset({PaymentState.PAID, *_UNPAID_ENDINGS,
                                     PaymentState.CANCELLING}),
    # A refused cancel of a payment still in progress goes back to waiting.
    PaymentState.CANCELLING: frozenset({PaymentState.PAID, *_UNPAID_ENDINGS,
                                        PaymentState.PENDING}),
    PaymentState.PAID: frozenset(_REFUNDS),
    PaymentState.REFUNDING: frozenset({PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED,
                                       PaymentState.REFUNDED}),
    PaymentState.PARTIALLY_REFUNDED: frozenset({PaymentState.REFUNDING, PaymentState.REFUNDED}),
    PaymentState.DECLINED: frozenset(),
    PaymentState.EXPIRED: frozenset(),
    PaymentState.CANCELLED: frozenset(),
    PaymentState.REFUNDED: frozenset(),
}


def can_move(current: PaymentState, new: PaymentState) -> bool:
    return new in ALLOWED[current]


# The one way out of a final state: a person corrects an unpaid ending that the provider
# contradicts (it says paid), with its answer as the evidence (service.take_provider_state).
CORRECTIONS: dict[PaymentState, frozenset[PaymentState]] = dict.fromkeys(
    _UNPAID_ENDINGS, frozenset({PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED,
                                PaymentState.REFUNDED}))


def can_correct(current: PaymentState, new: PaymentState) -> bool:
    return new in CORRECTIONS.get(current, frozenset())


class OperationKind(StrEnum):
    CANCEL = "cancel"
    REFUND = "refund"
    WITHDRAWAL = "withdrawal"


class OperationState(StrEnum):
    """State of a cancel, refund or withdrawal we sent."""

    SENT = "SENT"  # written before the request; outcome not known yet
    PENDING = "PENDING"  # the provider accepted it for processing
    DONE = "DONE"
    REJECTED = "REJECTED"

    @property
    def is_final(self) -> bool:
        return self in (OperationState.DONE, OperationState.REJECTED)


_PAYMENT = "Payment"  # the translations' context (the service's)
_STATE_TEXT = {
    PaymentState.DRAFT: Message(_PAYMENT, "Preparing the payment…"),
    PaymentState.CREATING: Message(_PAYMENT, "Sending the payment…"),
    PaymentState.PENDING: Message(_PAYMENT, "Waiting for the customer…"),
    PaymentState.UNKNOWN: Message(_PAYMENT, "No answer from the provider. The result is being "
                                            "checked."),
    PaymentState.CANCELLING: Message(_PAYMENT, "Cancelling…"),
    PaymentState.PAID: Message(_PAYMENT, "Paid."),
    PaymentState.DECLINED: Message(_PAYMENT, "Declined."),
    PaymentState.EXPIRED: Message(_PAYMENT, "Expired: the customer did not pay in time."),
    PaymentState.CANCELLED: Message(_PAYMENT, "Cancelled."),
    PaymentState.REFUNDING: Message(_PAYMENT, "Refunding…"),
    PaymentState.PARTIALLY_REFUNDED: Message(_PAYMENT, "Partly refunded."),
    PaymentState.REFUNDED: Message(_PAYMENT, "Refunded."),
}


def describe_state(state: PaymentState) -> Message:
    """A short sentence for the cashier about where a payment is."""
    return _STATE_TEXT[state]


def settled(payment: Payment) -> bool:
    """Nothing more will happen without a person or a long wait: final, UNKNOWN, or left."""
    return (payment.state.is_final or payment.state is PaymentState.UNKNOWN
            or (payment.abandoned and payment.state is PaymentState.PENDING))
