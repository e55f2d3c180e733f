"""Paymega callbacks (spec §10): verify the signature, then only re-read the invoice.

``X-Signature`` = base64(SHA-1(secret + raw body + secret)) — not an HMAC — over the
exact bytes received, compared in constant time.  The body is never trusted for
the payment's state: a valid callback only tells the register *which* invoice to ask
about now.
"""

from __future__ import annotations

import base64
import hashlib
import json

from pos_app.redact import same_secret


def signature(secret: str, raw_body: bytes) -> str:
    s = secret.encode("utf-8")
    return base64.b64encode(hashlib.sha1(s + raw_body + s).digest()).decode("ascii")  # noqa: S324


def verify(secret: str, raw_body: bytes, header_value: str | None) -> bool:
    if not secret or not header_value:
        return False
    return same_secret(header_value.strip(), signature(secret, raw_body))


def invoice_id(raw_body: bytes) -> str | None:
    """The invoice id a verified callback is about, or None when the body has none."""
    try:
        data = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError):
        return None
    resource = data.get("data") if isinstance(data, dict) else None
    value = resource.get("id") if isinstance(resource, dict) else None
    return value if isinstance(value, str) and value.startswith("cpi_") else None
