"""What the payment drivers tell a person: alerts and reasons written with a payment.

Each is a :class:`~pos_app.i18n.Message` in the "Payment" translation context; the
parameters are filled where it is raised.
"""

from pos_app.i18n import Message

C = "Payment"

AUTO_CANCEL = Message(C, "No final answer within {seconds} seconds; the payment was cancelled.")
CANCELLED_BY_CASHIER = Message(C, "Cancelled by the cashier.")
LATE_PAYMENT = Message(C, "Late payment: the customer paid {amount} after the cashier left the "
                          "payment. Complete the sale (give the goods), or {advice}")
# Paid there, ended unpaid here (a cancel not honoured, a "not paid" decided by hand).
PAID_AFTER_END = Message(C, "{provider} reports this payment as paid, but it was recorded as "
                            "{state} here. Do not take the money again: give the goods "
                            "(History → the payment → Check with the provider… records it as "
                            "paid), or return it.")
DRIVER_FAILED = Message(C, "An internal error stopped the handling of this payment. It is kept "
                           "in the journal and will be checked again on the next start.")
# The register cannot take "the rest" of a sale (another way asks for the whole amount: a
# walk paid 160 for a 100 sale): the part paid goes back first, then the sale is paid whole.
UNDERPAID = Message(C, "The customer paid only {paid} of {amount}. Return the {paid} as the "
                       "store's rules say (e.g. in cash), resolve this payment as not paid, "
                       "then take the whole sale again.")
# How the money goes back, by what the provider allows on this terminal (an alert must never
# send a person to a button that is off).
# The payment said paid second is the one to give back: the first completed the sale
# (helper-44: "return the money" with two amounts named, the cashier could give back either).
PAID_TWICE = Message(C, "Paid twice: the customer paid {amount} by {provider} for sale {sale}, "
                        "which was paid already ({other} by {other_provider}). Give nothing more "
                        "for it; these {amount} are the money to give back — {advice}")
# The customer's basket paid before and after it changed (a link left for it, then a line
# added and the new total paid), in either order.
PAID_TWICE_CHANGED = Message(C, "Paid twice: the customer paid {amount} by {provider} for sale "
                                "{sale}, and {other} by {other_provider} for sale {other_sale}, "
                                "the same basket before or after a change. Give nothing more "
                                "for it; these {amount} are the money to give back — {advice}")
# A link left for the basket before lines were taken out of it, paid while the customer was
# at the till: they paid for goods they no longer take (helper-44: said on the result only,
# and nothing recorded what the cashier then did).
PAID_FOR_TAKEN_OUT = Message(C, "Paid for goods taken out: the customer paid {amount} for goods "
                                "taken out of the basket after their link was made. Give them "
                                "those goods, or give back {amount} (a partial refund where the "
                                "provider allows it, else as the store's rules say). Then mark "
                                "the payment as dealt with, saying which.")
RETURN_BY_REFUND = Message(C, "refund it: History → the payment → Refund.")
RETURN_BY_PAYOUT = Message(C, "return it by a payout: History → the payment → Refund.")
RETURN_ELSEWHERE = Message(C, "return the money as the store's rules say (e.g. in cash): refunds "
                              "through {provider} are not available on this terminal. Then mark "
                              "the payment as dealt with.")
LINK_LOST = Message(C, "The payment link was lost in a failure, so the payment is cancelled and "
                       "cannot be paid twice. Start it again.")
RESOLVED = Message(C, "Resolved by {actor}: {reason}")
REFUND_UNDER_WAY = Message(C, "A refund of this payment is under way: {provider} is asked "
                              "about it again automatically, and its result is recorded when "
                              "it answers. The payment itself is settled: nothing to resolve.")
PAID_AFTER_Z = Message(C, "Paid after its shift was closed: {amount} counts in no Z report. "
                          "Give the goods and note it for the records, or {advice}")
NO_TRANSACTION_ID = Message(C, "{provider} cannot be asked about this payment without its "
                               "transaction id: check it in the provider's cabinet.")
CORRECTED = Message(C, "Corrected by {actor} from the provider's answer: {reason}")
STILL_PENDING = Message(C, "{provider} still reports the payment as in progress after it expired.")
# Asked again and again, the provider answers it does not know the payment: the alert names
# the payment and what a person does (walks: "Paymega does not know this invoice." alone,
# with no payment named and no next step).
NOT_KNOWN_THERE = Message(C, "Not known there: {provider} does not know the payment of {amount} "
                             "begun {time}. Check it in the provider's cabinet, then record in "
                             "History what happened to it (Resolve…).")


ALERT_HEAD_CHARS = 32  # longer, an alert's opening is a sentence, not its subject


def alert_subject(alert: Message) -> str:
    """What an alert is about, when it says so first ("Paid twice: …" → "Paid twice"), in
    the reader's language; else ""."""
    head, colon, _ = alert.render().partition(": ")
    return head if colon and len(head) <= ALERT_HEAD_CHARS else ""
