"""The one WHERE builder: a history filter as SQL over ``payments p`` (history, counts, export)."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from msgspec import Struct

from pos_app.core.journal.rows import iso
from pos_app.core.money import AmountError, parse_decimal, to_minor
from pos_app.core.states import (
    PaymentState,
)

log = logging.getLogger(__name__)


class PaymentFilter(Struct, frozen=True):
    """History search. ``text`` matches ids, keys, provider references, sale numbers and
    order references — and amounts, when ``currency`` (the terminal's) says how to read one
    ("1499", "10,05"; its minor digits)."""

    providers: tuple[str, ...] = ()
    states: tuple[PaymentState, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""
    training: bool | None = None
    needs_attention: bool = False  # UNKNOWN, or flagged for a person
    currency: str | None = None



def history_sql(flt: PaymentFilter, columns: str, *,
                 before: tuple[str, str] | None = None) -> tuple[str, list[Any]]:
    """``SELECT columns FROM payments p [INDEXED BY …] WHERE …`` for the history's filters.

    A search or the attention flag finds few rows through their own indexes (the planner
    picks them, then sorts a few).  Provider, state and dates alone can match half a year of
    payments: those walk the covering ``payments_history`` index newest first, which never
    sorts and never reads a row it does not return (an unordered state index made "paid"
    sort 500 000 rows, 2 s).
    """
    searching = bool(flt.text.strip() or flt.needs_attention)
    # A count has no order to keep: by state and provider it reads their small index.
    counting = columns == "COUNT(*)" and not (flt.since or flt.until)
    where, params = _filter_sql(flt, steer=not counting)
    if before is not None:
        where.append("(p.created_at, p.id) < (?, ?)")
        params.extend(before)
    walk = "" if searching or counting else " INDEXED BY payments_history"
    sql = f"SELECT {columns} FROM payments p{walk}"  # noqa: S608 - no user text in it
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql, params


# The providers of the journal's payments, each found by one step down the (provider,
# idem_key) index: with them a search by idempotency key needs no index of its own.
_KNOWN_PROVIDERS = (
    "(WITH RECURSIVE known(name) AS (SELECT MIN(provider) FROM payments UNION ALL "
    "SELECT (SELECT MIN(provider) FROM payments WHERE provider > known.name) FROM known "
    "WHERE known.name IS NOT NULL) SELECT name FROM known WHERE name IS NOT NULL)")


def by_key(clause: str, *, table: str = "") -> str:
    """``clause`` on the idempotency key, answered by the (provider, idem_key) index."""
    return f"({table}provider IN {_KNOWN_PROVIDERS} AND {clause})"


def prefix_clause(column: str, text: str) -> tuple[str, list[str]]:
    """``column`` starts with ``text``, as an index range (never LIKE: "%" is a character)."""
    last = ord(text[-1])
    if last == 0x10FFFF:  # nothing sorts after it: compare the start instead
        return f"substr({column}, 1, length(?)) = ?", [text, text]
    return f"({column} >= ? AND {column} < ?)", [text, text[:-1] + chr(last + 1)]


def _filter_sql(flt: PaymentFilter, *, steer: bool = True) -> tuple[list[str], list[Any]]:
    # "+" keeps a term from choosing the index (``steer``): with a search, the search's own
    # indexes find the few rows (the provider's would read half the journal); without one,
    # the walk of payments_history reads provider and state from the index anyway.
    where: list[str] = []
    params: list[Any] = []
    searching = bool(flt.text.strip() or flt.needs_attention)
    plus = "+" if steer or searching else ""
    if flt.providers:
        where.append(f"{plus}p.provider IN ({','.join('?' * len(flt.providers))})")
        params.extend(flt.providers)
    if flt.states:
        where.append(f"{plus}p.state IN ({','.join('?' * len(flt.states))})")
        params.extend(str(s) for s in flt.states)
    created = "+p.created_at" if searching else "p.created_at"
    if flt.since:
        where.append(f"{created} >= ?")
        params.append(iso(flt.since))
    if flt.until:
        where.append(f"{created} < ?")
        params.append(iso(flt.until))
    if flt.training is not None:
        where.append(f"{plus}p.training = ?")
        params.append(int(flt.training))
    if flt.needs_attention:  # the very expression of the payments_attention index
        where.append("(p.state = 'UNKNOWN' OR p.attention_json IS NOT NULL)")
    text = flt.text.strip()
    if text:
        clauses = []
        for column in ("p.id", "p.provider_ref", "p.idem_key"):
            clause, values = prefix_clause(column, text)
            clauses.append(by_key(clause, table="p.") if column == "p.idem_key" else clause)
            params.extend(values)
        clauses.append("p.sale_id IN (SELECT id FROM sales WHERE reference = ?)")
        params.append(text)
        number = re.fullmatch(r"[Ss]?0*([0-9]{1,12})(-\w*)?", text)
        if number:  # a sale number as printed on the receipt (S000042-…)
            clauses.append("p.sale_id IN (SELECT id FROM sales WHERE number = ?)")
            params.append(int(number.group(1)))
        minor = _amount_minor(text, flt.currency) if flt.currency else None
        if minor is not None:
            clauses.append("(p.amount_minor = ? AND p.currency = ?)")
            params.extend((minor, flt.currency))
        where.append("(" + " OR ".join(clauses) + ")")
    return where, params


# SQLite's integers are 64-bit: a longer "amount" typed into a search is no amount.
_MAX_MINOR = 2**63 - 1


def _amount_minor(text: str, currency: str) -> int | None:
    try:
        minor = to_minor(parse_decimal(text), currency)
    except AmountError:
        return None
    return minor if abs(minor) <= _MAX_MINOR else None
