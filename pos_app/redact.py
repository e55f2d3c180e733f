"""Keep secrets out of logs, error texts and anything else a person or a file may see.

Two defences: patterns (``token=…`` in URLs, ``Authorization`` headers, JSON
password fields) and the exact values of every secret the app has loaded, which
:func:`register_secret` adds.  :class:`RedactingFilter` applies both to every log
record; :func:`redact` is for text built by hand (exception messages, reports).
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import threading
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pos_app.i18n import Message

MASK = "***"
# Credentials, and a customer's personal data (a payout's card or phone number, a payer's
# phone) that travel in query strings (Pegas-kassa's API is GET with parameters).
_SECRET_QUERY_KEYS = {"token", "password", "secret", "key", "api_key", "public_key_secret",
                      "number", "card", "phone", "qiwi_account", "wallet"}
_PATTERNS = [
    # token=abc in URLs or form bodies, up to the next separator.
    (re.compile(r"(?i)\b(token|password|secret|api_key|number|card|phone|qiwi_account)"
                r"=([^&\s\"'#]+)"), r"\1=" + MASK),
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(basic|bearer)?\s*[^\s\"',}]+"),
     r"\1" + MASK),
    (re.compile(r"(?i)([\"'](?:password|token|secret)[\"']\s*:\s*[\"'])[^\"']*([\"'])"),
     r"\1" + MASK + r"\2"),
    # user:password@host in URLs.
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@"), r"\1" + MASK + "@"),
]

_lock = threading.Lock()
_secrets: set[str] = set()
# Shorter values would mask ordinary words and numbers; such secrets are not secret anyway.
_MIN_SECRET_LEN = 4


def same_secret(given: str, expected: str) -> bool:
    """Constant-time equality of two texts, whatever their characters: ``hmac.compare_digest``
    raises on non-ASCII ``str`` (a header "X-Signature: é" was an HTTP 500 and a traceback)."""
    import hmac  # with OpenSSL's hashes: not on the start's path, which imports this module

    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                               expected.encode("utf-8", "surrogatepass"))


def register_secret(value: str | None) -> None:
    """Remember a secret value so that it is masked wherever it would be written."""
    if value and len(value) >= _MIN_SECRET_LEN:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    with _lock:
        values = sorted(_secrets, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    return text


def redact_message(message: Message) -> Message:
    """A message whose text parameters (a provider's words among them) are redacted."""
    def clean(value: object) -> object:
        if isinstance(value, str):
            return redact(value)
        if isinstance(value, Message):
            return redact_message(value)
        return value
    return Message(message.context, message.text,
                   {name: clean(value) for name, value in message.params.items()})


def redact_url(url: str) -> str:
    """A URL safe to log: secret query values and user info replaced."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2] if "@" in parts.netloc else parts.netloc
    query = urlencode(
        [(k, MASK if k.lower() in _SECRET_QUERY_KEYS else v) for k, v in parse_qsl(parts.query,
                                                                                   keep_blank_values=True)],
        safe="*",
    )
    return redact(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


class RedactingFilter(logging.Filter):
    """Rewrites each record's final text so no handler ever sees a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        cleaned = redact(message)
        record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def basic_auth_ok(headers: Mapping[str, str], login: str, password: str) -> bool:
    """Constant-time check of an ``Authorization: Basic`` header (``headers``: a request's,
    names in any case as Starlette's are)."""
    header = headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = f"{login}:{password}".encode()
    import hmac

    return hmac.compare_digest(given, expected)
