"""What the journal's event kinds mean, in words for a manager reading a payment's history.

The journal keeps the kinds as written (they are the audit trail and never change); this is
only how they read on screen.
"""

from __future__ import annotations

from pos_app.i18n import Message

C = "Events"

_LABELS: dict[str, Message] = {
    "sale_created": Message(C, "Sale recorded"),
    "payment_created": Message(C, "Payment created"),
    "draft_discarded": Message(C, "Draft discarded"),
    "create_sent": Message(C, "Sent to the provider"),
    "create_answered": Message(C, "Provider answered"),
    "create_recovered": Message(C, "Found again after a restart"),
    "create_rejected": Message(C, "Refused by the provider"),
    "create_unknown": Message(C, "No answer from the provider"),
    "reconcile_no_answer": Message(C, "Checked again: no answer"),
    "status": Message(C, "Status from the provider"),
    "status_after_cancel": Message(C, "Status after the cancel"),
    "needs_person": Message(C, "Handed over to a person"),
    "attention": Message(C, "Needs attention"),
    "attention_acknowledged": Message(C, "Alert cleared"),
    "update_ignored": Message(C, "Late update ignored"),
    "abandoned": Message(C, "Left by the cashier; watched until the provider ends it"),
    "cancel_requested": Message(C, "Cancel requested"),
    "cancel_sent": Message(C, "Cancel sent"),
    "cancel_pending": Message(C, "Cancel accepted, in progress"),
    "cancel_done": Message(C, "Cancel done"),
    "cancel_rejected": Message(C, "Cancel refused"),
    "cancel_refused": Message(C, "Cancel refused"),
    "cancel_refused_still_pending": Message(C, "Cancel refused; the payment is still open"),
    "cancelled": Message(C, "Cancelled"),
    "cancelled_before_sending": Message(C, "Cancelled before it was sent"),
    "refund_sent": Message(C, "Refund sent"),
    "refund_pending": Message(C, "Refund accepted, in progress"),
    "refund_done": Message(C, "Refund done"),
    "refund_rejected": Message(C, "Refund refused"),
    "resolved_manually": Message(C, "Resolved by hand"),
    "corrected_from_provider": Message(C, "Corrected from the provider's answer"),
    "left_by_cashier": Message(C, "Sale left by the cashier; still followed"),
    "destination_given": Message(C, "Payout destination given again"),
    "paid_there": Message(C, "The provider says it was paid"),
    "difference_resolved": Message(C, "Reconciliation difference resolved"),
    "receipt_printed": Message(C, "Receipt printed"),
    "receipt_stored": Message(C, "Provider's receipt saved"),
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
