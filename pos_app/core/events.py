"""What the journal's event kinds mean, in words for a manager reading a payment's history.

The journal keeps the kinds as written (they are the audit trail and never change); this is
only how they read on screen.
"""

from __future__ import annotations

from enum import StrEnum

from pos_app.i18n import Message

C = "Events"

class EventKind(StrEnum):
    """What a journal event records; the values are what the journal keeps (never renamed:
    they are the audit trail, and a head office reads them)."""

    SALE_CREATED = "sale_created"
    PAYMENT_CREATED = "payment_created"
    DRAFT_DISCARDED = "draft_discarded"
    CREATE_SENT = "create_sent"
    CREATE_ANSWERED = "create_answered"
    CREATE_RECOVERED = "create_recovered"
    CREATE_REJECTED = "create_rejected"
    CREATE_UNKNOWN = "create_unknown"
    RECONCILE_NO_ANSWER = "reconcile_no_answer"
    STATUS = "status"
    STATUS_AFTER_CANCEL = "status_after_cancel"
    NEEDS_PERSON = "needs_person"
    ATTENTION = "attention"
    ATTENTION_ACKNOWLEDGED = "attention_acknowledged"
    UPDATE_IGNORED = "update_ignored"
    ABANDONED = "abandoned"
    CANCEL_REQUESTED = "cancel_requested"
    CANCEL_SENT = "cancel_sent"
    CANCEL_PENDING = "cancel_pending"
    CANCEL_DONE = "cancel_done"
    CANCEL_REJECTED = "cancel_rejected"
    CANCEL_REFUSED = "cancel_refused"
    CANCEL_REFUSED_STILL_PENDING = "cancel_refused_still_pending"
    CANCELLED = "cancelled"
    CANCELLED_BEFORE_SENDING = "cancelled_before_sending"
    REFUND_SENT = "refund_sent"
    REFUND_PENDING = "refund_pending"
    REFUND_DONE = "refund_done"
    REFUND_REJECTED = "refund_rejected"
    RESOLVED_MANUALLY = "resolved_manually"
    CORRECTED_FROM_PROVIDER = "corrected_from_provider"
    LEFT_BY_CASHIER = "left_by_cashier"
    DESTINATION_GIVEN = "destination_given"
    PAID_THERE = "paid_there"
    DIFFERENCE_RESOLVED = "difference_resolved"
    RECEIPT_PRINTED = "receipt_printed"
    RECEIPT_STORED = "receipt_stored"
    SHIFT_OPENED = "shift_opened"
    SHIFT_CLOSED = "shift_closed"
    SHIFT_RECONCILED = "shift_reconciled"
    # A head office's configuration or catalog release (issue 19): data {kind, version}.
    RELEASE_APPLIED = "release_applied"
    RELEASE_REFUSED = "release_refused"

    @classmethod
    def of_operation(cls, kind: str, state: str) -> EventKind:
        """A cancel's or refund's answer: "<kind>_<state>" (``refund_done``)."""
        return cls(f"{kind}_{state.lower()}")


_LABELS: dict[str, Message] = {
    EventKind.SALE_CREATED: Message(C, "Sale recorded"),
    EventKind.PAYMENT_CREATED: Message(C, "Payment created"),
    EventKind.DRAFT_DISCARDED: Message(C, "Draft discarded"),
    EventKind.CREATE_SENT: Message(C, "Sent to the provider"),
    EventKind.CREATE_ANSWERED: Message(C, "Provider answered"),
    EventKind.CREATE_RECOVERED: Message(C, "Found again after a restart"),
    EventKind.CREATE_REJECTED: Message(C, "Refused by the provider"),
    EventKind.CREATE_UNKNOWN: Message(C, "No answer from the provider"),
    EventKind.RECONCILE_NO_ANSWER: Message(C, "Checked again: no answer"),
    EventKind.STATUS: Message(C, "Status from the provider"),
    EventKind.STATUS_AFTER_CANCEL: Message(C, "Status after the cancel"),
    EventKind.NEEDS_PERSON: Message(C, "Handed over to a person"),
    EventKind.ATTENTION: Message(C, "Needs attention"),
    EventKind.ATTENTION_ACKNOWLEDGED: Message(C, "Alert cleared"),
    EventKind.UPDATE_IGNORED: Message(C, "Late update ignored"),
    EventKind.ABANDONED: Message(C, "Left by the cashier; watched until the provider ends it"),
    EventKind.CANCEL_REQUESTED: Message(C, "Cancel requested"),
    EventKind.CANCEL_SENT: Message(C, "Cancel sent"),
    EventKind.CANCEL_PENDING: Message(C, "Cancel accepted, in progress"),
    EventKind.CANCEL_DONE: Message(C, "Cancel done"),
    EventKind.CANCEL_REJECTED: Message(C, "Cancel refused"),
    EventKind.CANCEL_REFUSED: Message(C, "Cancel refused"),
    EventKind.CANCEL_REFUSED_STILL_PENDING: Message(C, "Cancel refused; the payment is still open"),
    EventKind.CANCELLED: Message(C, "Cancelled"),
    EventKind.CANCELLED_BEFORE_SENDING: Message(C, "Cancelled before it was sent"),
    EventKind.REFUND_SENT: Message(C, "Refund sent"),
    EventKind.REFUND_PENDING: Message(C, "Refund accepted, in progress"),
    EventKind.REFUND_DONE: Message(C, "Refund done"),
    EventKind.REFUND_REJECTED: Message(C, "Refund refused"),
    EventKind.RESOLVED_MANUALLY: Message(C, "Resolved by hand"),
    EventKind.CORRECTED_FROM_PROVIDER: Message(C, "Corrected from the provider's answer"),
    EventKind.LEFT_BY_CASHIER: Message(C, "Sale left by the cashier; still followed"),
    EventKind.DESTINATION_GIVEN: Message(C, "Payout destination given again"),
    EventKind.PAID_THERE: Message(C, "The provider says it was paid"),
    EventKind.DIFFERENCE_RESOLVED: Message(C, "Reconciliation difference resolved"),
    EventKind.RECEIPT_PRINTED: Message(C, "Receipt printed"),
    EventKind.RECEIPT_STORED: Message(C, "Provider's receipt saved"),
    EventKind.RELEASE_APPLIED: Message(C, "Head office's release applied"),
    EventKind.RELEASE_REFUSED: Message(C, "Head office's release refused"),
}


# A state in a few words, for the event log and the reconciliation's "here" and "there"
# columns (the journal's states and the providers', which share these names).
_STATE_WORDS: dict[str, Message] = {
    "DRAFT": Message(C, "being prepared"),
    "CREATING": Message(C, "being sent"),
    "PENDING": Message(C, "in progress"),
    "UNKNOWN": Message(C, "outcome unknown"),
    "CANCELLING": Message(C, "being cancelled"),
    "PAID": Message(C, "paid"),
    "DECLINED": Message(C, "declined"),
    "EXPIRED": Message(C, "expired"),
    "CANCELLED": Message(C, "cancelled"),
    "REFUNDING": Message(C, "being refunded"),
    "PARTIALLY_REFUNDED": Message(C, "partly refunded"),
    "REFUNDED": Message(C, "refunded"),
    "UNDERPAID": Message(C, "underpaid"),
}


def state_word(state: str) -> str:
    return str(state_label(state))


def state_label(state: str) -> Message | str:
    """The state in a few words, as a message translated when shown (a state this version
    does not know reads as is)."""
    return _STATE_WORDS.get(state, state)


def describe_event(kind: str) -> str:
    """The event in words; a kind this version does not know (a newer journal) reads as is."""
    label = _LABELS.get(kind)
    return label.render() if label is not None else kind.replace("_", " ")


def known_event(kind: str) -> bool:
    return kind in _LABELS
