"""The export's rows: every payment started in a period, oldest first, as plain tuples.

Read on a connection of its own (``Journal.read_apart``), in batches, so a year of payments
streams out at over 100 000 rows a second while the register keeps writing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pos_app.core.journal.rows import iso
from pos_app.core.journal.tallies import METHOD_SQL

# Only what a row of the file needs: the whole payment (its request and receipt JSON) cost
# 40 µs a row to read back, a fifth of the time of an export of a year.
# The local time is SQLite's (the C library's zone rules, as Python's astimezone), in C.
# No text from outside in it: METHOD_SQL is a constant.
_SELECT = (
    "SELECT p.id, strftime('%Y-%m-%d %H:%M:%S', p.created_at, 'localtime') AS created, "  # noqa: S608
    "p.provider, p.kind, p.state, p.amount_minor, p.paid_minor, p.refunded_minor, "
    f"p.currency, p.provider_ref, p.idem_key, p.training, {METHOD_SQL} AS method, "
    "s.number AS shift_number, sa.number AS sale_number, sa.reference AS sale_reference "
    "FROM payments p LEFT JOIN shifts s ON s.id = p.shift_id "
    "LEFT JOIN sales sa ON sa.id = p.sale_id ")
_WHERE = "WHERE p.created_at >= ? AND p.created_at < ? AND p.state != 'DRAFT'"


def _where(since: datetime, until: datetime, training: bool | None) -> tuple[str, list[Any]]:
    where = _WHERE
    params: list[Any] = [iso(since), iso(until)]
    if training is not None:
        where += " AND p.training = ?"
        params.append(int(training))
    return where, params


def count_period(conn: sqlite3.Connection, since: datetime, until: datetime,
                 training: bool | None) -> int:
    """How many payments (not drafts) started in [``since``, ``until``)."""
    where, params = _where(since, until, training)
    return int(conn.execute(f"SELECT COUNT(*) FROM payments p {where}",  # noqa: S608
                            params).fetchone()[0])


def period_rows(conn: sqlite3.Connection, since: datetime, until: datetime,
                training: bool | None, *, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """The payments of the period in batches of ``batch`` tuples, in :data:`_SELECT`'s
    column order."""
    where, params = _where(since, until, training)
    rows = conn.cursor()
    rows.row_factory = None  # plain tuples: the fastest way out of SQLite
    rows.execute(_SELECT + where + " ORDER BY p.created_at, p.id", params)
    while chunk := rows.fetchmany(batch):
        yield chunk
