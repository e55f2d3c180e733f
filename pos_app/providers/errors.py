"""Errors every provider adapter raises, so the payment service can act on them uniformly.

Every answer of every provider call (each HTTP code, a timeout, a cut or unreadable body) is
one of four classes, and the service acts on the class alone (:data:`ACTED_ON`):

- :class:`OutcomeUnknown` (timeout, dropped connection, 5xx, 429, an answer we cannot read):
  "maybe"; ask again with the same idempotency key.  :class:`RateLimited` says how long to
  wait (``Retry-After``).
- :class:`Rejected` (incl. :class:`NotFound`, :class:`AuthFailed`): "definitely not done".
  On a *read* (a status) it says nothing about the payment itself: the read failed.
- :class:`InProgress`: the provider is still working on it; ask later.
- :class:`NeedsPerson`: nothing automatic can settle it.

No other subclass of :class:`ProviderError` may be raised (tests/providers/test_fault_matrix.py
holds every provider, call and answer to this).
"""

from __future__ import annotations

import time

from pos_app.backoff import Backoff
from pos_app.i18n import Message, UserError, msg
from pos_app.redact import redact, redact_message

# The longest wait a Retry-After may impose on one read (seconds): a misconfigured gateway's
# "come back tomorrow" must not freeze a customer's payment.
MAX_RETRY_AFTER = 120.0


class ProviderError(UserError):
    """Base of all provider errors; ``message`` is a sentence for the cashier.  What the
    provider's text puts in it (``details``, the message's parameters) is redacted here: a
    provider may echo the token or a password back (issue 16 #8)."""

    def __init__(self, message: Message, *, code: str | None = None, details: str = "") -> None:
        super().__init__(redact_message(message))
        self.code = code
        self.details = redact(details)


class OutcomeUnknown(ProviderError):
    """The request left; whether the provider acted on it is not known."""


class RateLimited(OutcomeUnknown):
    """429 (or a 503 with ``Retry-After``): too many requests; ``retry_after`` seconds to wait
    before the next one, when the provider said (None: our own backoff)."""

    def __init__(self, message: Message, *, retry_after: float | None, code: str | None = None,
                 details: str = "") -> None:
        super().__init__(message, code=code, details=details)
        self.retry_after = retry_after


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


ACTED_ON: tuple[type[ProviderError], ...] = (OutcomeUnknown, Rejected, InProgress, NeedsPerson)


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


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date, RFC 9110 §10.2.3),
    at most :data:`MAX_RETRY_AFTER`; None when absent or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    import email.utils  # rarely needed: not on every start's path (issue 17)

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return min(max(when.timestamp() - time.time(), 0.0), MAX_RETRY_AFTER)


def rate_limited(provider: str, status: int, retry_after_header: str | None) -> RateLimited:
    """A 429 (or 5xx with ``Retry-After``): outcome unknown, ask again after the wait."""
    return RateLimited(
        msg("Provider", "{provider} asks to slow down (HTTP {status}). The result is being "
            "checked.", provider=provider, status=status),
        retry_after=parse_retry_after(retry_after_header), code=f"HTTP_{status}")


def wait_before_resend(backoff: Backoff, attempt: int, last: ProviderError | None) -> float:
    """Seconds before resend number ``attempt`` (1-based): the backoff's, or longer when the
    provider's ``Retry-After`` asked for it."""
    asked = last.retry_after if isinstance(last, RateLimited) else None
    return backoff.delay(attempt, asked_s=asked)
