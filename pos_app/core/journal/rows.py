"""How the journal's rows read as records, and records as rows."""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pos_app.core.money import AmountError, Money, round_minor
from pos_app.core.packed import pack, unpack
from pos_app.core.payments import Event, Operation, Payment
from pos_app.core.refunds import sale_items
from pos_app.core.sale import Sale
from pos_app.core.states import (
    OperationKind,
    OperationState,
    PaymentState,
)
from pos_app.i18n import Message, UserError, msg
from pos_app.providers.base import LineItem, PaymentRequest
from pos_app.redact import redact

log = logging.getLogger(__name__)
C = "Journal"


class JournalError(UserError):
    """The journal cannot be read or written; nothing may proceed that needs it."""


class StaleTransition(Exception):
    """A state change that the machine does not allow from the payment's current state."""

    def __init__(self, current: Payment, wanted: PaymentState) -> None:
        super().__init__(f"{current.id}: {current.state} -> {wanted} not allowed")
        self.current = current
        self.wanted = wanted


def new_id() -> str:
    return secrets.token_hex(6)


# The shortest start of an id that finds a payment: shorter ones name too many to be meant.
MIN_ID_PREFIX = 4



def payment_method(payment: Payment) -> str:
    """The way the payment was taken, as reports and the export name it: the deposit type,
    the service, the payout method, else the kind the provider reported (Koshelek's SBP…)."""
    options, receipt = payment.request.options, payment.receipt_fields
    return str(options.get("type") or options.get("service") or options.get("method")
               or receipt.get("paymentType") or "")




# -- row mapping -------------------------------------------------------------------------

def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value else None


def dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _msg_json(value: Message | None) -> str | None:
    return stored(value.to_json()) if value else None


def stored(value: object) -> str:
    """JSON as the journal keeps it: a provider's words may echo a secret back (issue 16 #8),
    so every text in it is redacted (texts only: a number is never a secret's place)."""
    def clean(item: Any) -> Any:
        if isinstance(item, str):
            return redact(item)
        if isinstance(item, dict):
            return {key: clean(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [clean(inner) for inner in item]
        return item
    plain = json.loads(json.dumps(value, ensure_ascii=False, default=_json_default))
    return json.dumps(clean(plain), ensure_ascii=False)


def _msg(value: str | None) -> Message | None:
    return Message.from_json(json.loads(value)) if value else None


_Columns = dict[str, tuple[str, Callable[[Any], Any]]]


PAYMENT_COLUMNS: _Columns = {
    # Payment field -> (column, to-db)
    "state": ("state", str),
    "refunded_minor": ("refunded_minor", int),
    "paid_minor": ("paid_minor", lambda v: v),
    "provider_ref": ("provider_ref", lambda v: v),
    "payer_url": ("payer_url", lambda v: v),
    "payer_text": ("payer_text", lambda v: v),
    "expires_at": ("expires_at", iso),
    "raw_status": ("raw_status", str),
    "reason_code": ("reason_code", lambda v: v),
    "reason": ("reason_json", _msg_json),
    "receipt_fields": ("receipt_json", lambda v: pack(stored(dict(v)))),
    "cancel_requested": ("cancel_requested", int),
    "abandoned": ("abandoned", int),
    "attention": ("attention_json", _msg_json),
    "remote_version": ("remote_version", lambda v: v),
    "request": ("request_json", lambda v: pack(json.dumps(v.to_json(), ensure_ascii=False))),
}

OPERATION_COLUMNS: _Columns = {
    "state": ("state", str),
    "op_ref": ("op_ref", lambda v: v),
    "reason_code": ("reason_code", lambda v: v),
    "reason": ("reason_json", _msg_json),
    "receipt_fields": ("receipt_json", lambda v: pack(stored(dict(v)))),
}


def sale_from_row(row: sqlite3.Row) -> Sale:
    return Sale.from_lines_json(json.loads(unpack(row["lines_json"])), currency=row["currency"],
                                id=row["id"], number=row["number"], shift_id=row["shift_id"],
                                reference=row["reference"] or "",
                                replaces=row["replaces"] or "")


def payment_from_row(row: sqlite3.Row) -> Payment:
    """A payment as the journal holds it; JournalError naming the row when it cannot be read
    (a damaged byte in a state once made history and export end in an internal error)."""
    try:
        return _payment(row)
    except (ValueError, TypeError, KeyError, AssertionError, AmountError) as exc:
        raise unreadable_row("payments", row["id"], exc) from None


def unreadable_row(table: str, row_id: str, exc: Exception) -> JournalError:
    log.error("journal row %s/%s cannot be read: %r", table, row_id, exc)
    return JournalError(msg(C, "The journal's {table} row {id} is damaged and cannot be read "
                               "({error}). Nothing was changed; contact support.",
                            table=table, id=row_id, error=str(exc)[:80]))


# A payment's items that are its sale's lines, as nearly all are, are kept once: in the sale.
SALE_ITEMS = "sale"


def payment_row(table: str = "payments") -> str:
    """The columns of a payment's row as :func:`payment_from_row` reads it: with its sale's
    lines (:data:`SALE_ITEMS`); ``table``: the payments table's name in the query."""
    return (f"{table}.*, (SELECT lines_json FROM sales "  # noqa: S608 - a name of ours
            f"WHERE sales.id = {table}.sale_id) AS sale_lines_json")


PAYMENT_ROW = payment_row()


def stored_request(payment: Payment, sale_lines: list[dict[str, Any]] | None = None,
                   ) -> dict[str, Any]:
    """The payment's request as journaled: what the row's own columns already hold (its
    idempotency key, amount and currency), items that are the sale's lines (``sale_lines``,
    as the sale is journaled: :data:`SALE_ITEMS`, ~90 B of a payment) and the line totals
    that follow from a line's price, quantity and discount are left out;
    :func:`request_from_row` puts them back exactly, so nothing the audit needs is lost
    (issue 17).  A value that does not follow (a refund's share of a weighed line) is kept
    as it is."""
    data = payment.request.to_json()
    for name, column in (("key", payment.key), ("amount_minor", payment.amount.minor),
                         ("currency", payment.amount.currency)):
        if data.get(name) == column:
            del data[name]
    if sale_lines is not None and payment.request.items == _items_of(sale_lines,
                                                                     payment.amount.currency):
        data["items"] = SALE_ITEMS
        return data
    for item in data.get("items", ()):
        if item == _with_totals({k: v for k, v in item.items() if k not in _LINE_TOTALS}):
            for name in _LINE_TOTALS:
                del item[name]
    return data


def _items_of(sale_lines: list[dict[str, Any]], currency: str) -> tuple[LineItem, ...]:
    return sale_items(Sale.from_lines_json(sale_lines, currency=currency))


_LINE_TOTALS = ("subtotal_minor", "total_minor")


def _with_totals(item: dict[str, Any]) -> dict[str, Any]:
    """A journaled line item with its totals (they follow from it, as a sale line's do)."""
    if "subtotal_minor" not in item:
        subtotal = round_minor(Decimal(str(item["price_minor"])) * Decimal(str(item["quantity"])))
        item["subtotal_minor"] = subtotal
        item["total_minor"] = subtotal - int(item["discount_minor"])
    return item


def request_from_row(row: sqlite3.Row) -> dict[str, Any]:
    """The request as it was sent (see :func:`stored_request`)."""
    data: dict[str, Any] = json.loads(unpack(row["request_json"]))
    data.setdefault("key", row["idem_key"])
    data.setdefault("amount_minor", row["amount_minor"])
    data.setdefault("currency", row["currency"])
    if data.get("items") == SALE_ITEMS:
        lines = json.loads(unpack(row["sale_lines_json"]))
        data["items"] = [item.to_json() for item in _items_of(lines, row["currency"])]
    else:
        data["items"] = [_with_totals(item) for item in data.get("items", ())]
    return data


def _payment(row: sqlite3.Row) -> Payment:
    currency = row["currency"]
    created, updated = dt(row["created_at"]), dt(row["updated_at"])
    assert created is not None
    assert updated is not None
    return Payment(
        id=row["id"],
        sale_id=row["sale_id"],
        provider=row["provider"],
        kind=row["kind"],
        state=PaymentState(row["state"]),
        amount=Money(row["amount_minor"], currency),
        refunded_minor=row["refunded_minor"],
        paid_minor=row["paid_minor"],
        key=row["idem_key"],
        request=PaymentRequest.from_json(request_from_row(row)),
        provider_ref=row["provider_ref"],
        payer_url=row["payer_url"],
        payer_text=row["payer_text"],
        expires_at=dt(row["expires_at"]),
        raw_status=row["raw_status"],
        reason_code=row["reason_code"],
        reason=_msg(row["reason_json"]),
        receipt_fields=json.loads(unpack(row["receipt_json"])),
        cancel_requested=bool(row["cancel_requested"]),
        abandoned=bool(row["abandoned"]),
        attention=_msg(row["attention_json"]),
        remote_version=row["remote_version"],
        shift_id=row["shift_id"],
        training=bool(row["training"]),
        created_at=created,
        updated_at=updated,
    )


def operation_from_row(row: sqlite3.Row) -> Operation:
    try:
        return _read_operation(row)
    except (ValueError, TypeError, KeyError, AssertionError) as exc:
        raise unreadable_row("operations", row["id"], exc) from None


def _read_operation(row: sqlite3.Row) -> Operation:
    created, updated = dt(row["created_at"]), dt(row["updated_at"])
    assert created is not None
    assert updated is not None
    return Operation(
        id=row["id"],
        payment_id=row["payment_id"],
        kind=OperationKind(row["kind"]),
        state=OperationState(row["state"]),
        key=row["idem_key"],
        request=json.loads(unpack(row["request_json"])),
        amount_minor=row["amount_minor"],
        op_ref=row["op_ref"],
        prev_state=PaymentState(row["prev_state"]) if row["prev_state"] else None,
        reason_code=row["reason_code"],
        reason=_msg(row["reason_json"]),
        receipt_fields=json.loads(unpack(row["receipt_json"])),
        created_at=created,
        updated_at=updated,
        reference=row["reference"] or "",
    )


def event_from_row(row: sqlite3.Row) -> Event:
    at = dt(row["at"])
    assert at
    return Event(seq=row["seq"], at=at, kind=row["kind"], payment_id=row["payment_id"],
                 operation_id=row["operation_id"], from_state=row["from_state"],
                 to_state=row["to_state"], data=json.loads(unpack(row["data_json"])))


def _json_default(value: object) -> object:
    if isinstance(value, Message):
        return value.to_json()
    if isinstance(value, (datetime,)):
        return iso(value)
    if isinstance(value, Enum):
        return value.value
    return str(value)
