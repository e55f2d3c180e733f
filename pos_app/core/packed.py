"""JSON kept small in the journal (issue 17: 2.2 KB a payment).

A payment's request and receipt fields, a sale's lines and an event's data are JSON of a
few hundred bytes that repeat the same keys and values.  zlib's preset dictionary (RFC 1950
§2.2; Python's ``zdict``) holds them once for all: each value shrinks to about a third and
stays a value of its own (a damaged row loses only itself, any row reads alone).

A packed value is a BLOB: the format byte, then raw DEFLATE.  Text is read as it is: the
journals written before schema 7, and values too short to gain.  The dictionary of a format
must never change — rows written with it could not be read back; a new dictionary is a new
format byte.
"""

from __future__ import annotations

import zlib

FORMAT_1 = b"\x01"

# The words the journal's JSON repeats most (requests, receipts, lines, events), those that
# repeat most last: DEFLATE finds the end of the dictionary cheapest to refer to.
_DICTIONARY_1 = (
    b'"attention": "description": "Sale "expires_at": null, "reference": "refund_of": '
    b'"comment": "actor": "note": "reason": {"context": "Service", "text": "params": {'
    b'"invoiceId": "cpi_"referenceId": "TRAINING-01-"status": "accepted", "processed", '
    b'"qrcId": "kzo": "operationId": "merchantId": "operationDateTime": "2026-'
    b'"paymentTransactionId": "paymentType": "SBP", "orderId": "S0000'
    b'"options": {"service": "payment_card_rub_hpp", "type": "invoice-card", "method": '
    b'"card_session": "loyalty_id": "barcode": '
    b'[{"name": "unit_price_minor": "currency": "RUB", "quantity": "1", "measure": "PIECE", '
    b'"KILOGRAM", "vat": "vat10", "vat20", "none", "article": "discount_minor": 0}, '
    b'{"key": "order_id": "amount_minor": "currency": "RUB", "items": [{"name": '
    b'"article": "price_minor": "quantity": "1", "measure": "PIECE", "total_minor": '
    b'"subtotal_minor": "discount_minor": 0, "vat": "vat20"}], "expires_at": null}'
)

_GAINS_FROM = 48  # bytes: below this a value stays text


def pack(text: str) -> str | bytes:
    """``text`` as the journal stores it: packed when that makes it smaller."""
    raw = text.encode()
    if len(raw) < _GAINS_FROM:
        return text
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _DICTIONARY_1)
    packed = FORMAT_1 + packer.compress(raw) + packer.flush()
    return packed if len(packed) < len(raw) else text


def unpack(value: str | bytes) -> str:
    """The text of a stored value.  Raises ValueError for bytes of no known format (the
    journal then names the damaged row)."""
    if isinstance(value, str):
        return value
    if value[:1] != FORMAT_1:
        raise ValueError(f"stored value of unknown format {value[:1]!r}")
    unpacker = zlib.decompressobj(-15, zdict=_DICTIONARY_1)
    try:
        text = unpacker.decompress(value[1:]) + unpacker.flush()
    except zlib.error as exc:
        raise ValueError(f"damaged packed value: {exc}") from None
    if not unpacker.eof:
        raise ValueError("packed value cut short")
    return text.decode()
