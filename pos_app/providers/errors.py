"""Errors every provider adapter raises, so the payment service can act on them uniformly.

The distinction that matters for money is whether the request may have had an
effect: :class:`OutcomeUnknown` (timeout, dropped connection, 5xx, an answer we
cannot read) means "maybe" and leads to reconciliation with the same
idempotency key; :class:`Rejected` means "definitely not done".
"""

from __future__ import annotations

from pos_app.i18n import Message, UserError, msg


class ProviderError(UserError):
    """Base of all provider errors; ``message`` is a sentence for the cashier."""

    def __init__(self, message: Message, *, code: str | None = None, details: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.details = details


class OutcomeUnknown(ProviderError):
    """The request left; whether the provider acted on it is not known."""


class MalformedResponse(OutcomeUnknown):
    """The provider answered something we cannot read; it may still have acted."""


class Rejected(ProviderError):
    """The provider refused the request; nothing changed on its side."""


class InvalidInput(Rejected):
    """What the cashier entered cannot be used (a garbage barcode, a bad phone number).
    Raised before anything is journaled or sent."""


class AuthFailed(Rejected):
    """Credentials or the signing token were refused: a configuration problem."""


class NotFound(Rejected):
    """The provider does not know the payment or operation we asked about."""


class InProgress(ProviderError):
    """The provider is still processing; poll and do not start another operation."""


class NeedsPerson(ProviderError):
    """Nothing automatic can settle this payment; a person must check it with the provider."""


class InsecureURL(UserError):
    """A live-mode URL that would send money traffic in the clear."""


def network_error(provider: str, what: str) -> OutcomeUnknown:
    """No usable answer (a timeout, a cut connection, a 5xx).  ``what`` says which call and
    how, for the log (``details``); the cashier reads a sentence without it."""
    return OutcomeUnknown(
        msg("Provider", "No answer from {provider}. The result is being checked.",
            provider=provider),
        code="NETWORK", details=what,
    )


def malformed(provider: str, details: str) -> MalformedResponse:
    return MalformedResponse(
        msg("Provider", "{provider} sent an answer that cannot be read. "
            "The result is being checked.", provider=provider),
        code="MALFORMED",
        details=details,
    )


def auth_failed(provider: str, status: int) -> AuthFailed:
    return AuthFailed(
        msg("Provider", "{provider} refused the terminal's credentials (HTTP {status}). "
            "Ask the store manager to check the settings.", provider=provider, status=status),
        code=f"HTTP_{status}",
    )
