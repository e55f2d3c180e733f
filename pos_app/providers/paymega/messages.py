"""Cashier sentences for Paymega answers (spec §4, §8.3)."""

from __future__ import annotations

from pos_app.i18n import Message

C = "Paymega"

DUPLICATE = Message(C, "Paymega already has an invoice for this payment; it is used instead.")
NOT_FOUND = Message(C, "Paymega does not know this invoice.")
UNCLEAR = Message(C, "Paymega did not accept the request (HTTP {status}: {details}). "
                     "The result is being checked.")
REJECTED = Message(C, "Paymega refused the request: {details}")
UNKNOWN_SERVICE = Message(C, "Paymega does not offer the service “{service}” on this account. "
                             "Services it offers: {offered}.")
NO_QR = Message(C, "This Paymega invoice cannot be shown as a QR code (its payment page needs "
                   "a form). Take another payment method.")
NOT_PAID = Message(C, "The payment did not go through ({resolution}).")
EXPIRED = Message(C, "The customer did not pay before the invoice expired.")
TERMINATED = Message(C, "The customer closed the payment page without paying.")
CHARGED_BACK = Message(C, "The payment was charged back by the customer's bank.")
NO_LOOKUP = Message(C, "Paymega's public API cannot look invoices up by reference; the private "
                       "API credentials are needed to learn this payment's outcome.")

PROBE_OK = Message(C, "Paymega answered: {n} payment services available.")

# Resolutions a cashier meets most (spec §8.3); any other one is shown as its code.
RESOLUTIONS: dict[str, Message] = {
    "insufficient_funds": Message(C, "Not enough money on the card."),
    "declined": Message(C, "The card was declined."),
    "issuer_decline": Message(C, "The card's bank declined the payment."),
    "card_expired": Message(C, "The card has expired."),
    "invalid_card": Message(C, "The card number is not valid."),
    "invalid_cvv": Message(C, "The card's security code was wrong."),
    "limit_violation": Message(C, "A card or account limit was reached."),
    "antifraud_error": Message(C, "The payment was stopped by fraud protection."),
    "lost_or_stolen_card": Message(C, "The card is reported lost or stolen."),
    "auth_3ds_required": Message(C, "The customer did not finish the 3-D Secure check."),
    "expired": EXPIRED,
}


def for_resolution(resolution: str) -> Message:
    return RESOLUTIONS.get(resolution) or NOT_PAID.with_params(resolution=resolution or "—")
