"""The shifts table: a shift opened, and closed with its Z report kept as printed."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from pos_app.core.clock import utcnow
from pos_app.core.events import EventKind
from pos_app.core.journal.rows import iso, new_id

if TYPE_CHECKING:
    from pos_app.core.journal.store import Journal

# A shift open longer than this gets a warning: a day's takings belong in one Z report.
LONG_SHIFT = timedelta(hours=24)


class Shift(Struct, frozen=True):
    id: str
    number: int
    cashier: str
    opened_at: datetime
    training: bool
    closed_at: datetime | None = None
    closed_by: str | None = None
    # Provider balances (minor units) when the shift opened, where a provider reports one.
    balances: Mapping[str, int] = field(default_factory=dict)
    z_report: Mapping[str, Any] | None = None  # the Z report as printed, kept unchanged

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def runs_long(self, now: datetime | None = None) -> bool:
        return self.is_open and (now or utcnow()) - self.opened_at > LONG_SHIFT


def shift_from_row(row: sqlite3.Row) -> Shift:
    closed = row["closed_at"]
    z_report = row["z_report_json"]
    return Shift(id=row["id"], number=row["number"], cashier=row["cashier"],
                 opened_at=datetime.fromisoformat(row["opened_at"]),
                 training=bool(row["training"]),
                 closed_at=datetime.fromisoformat(closed) if closed else None,
                 closed_by=row["closed_by"], balances=json.loads(row["balances_json"]),
                 z_report=json.loads(z_report) if z_report else None)


def open_shift_id(conn: sqlite3.Connection, training: bool) -> str | None:
    """The shift open now (at most one per mode): new sales, payments and refunds join it."""
    row = conn.execute("SELECT id FROM shifts WHERE closed_at IS NULL AND training = ?",
                       (int(training),)).fetchone()
    return row[0] if row else None


def load_shift(conn: sqlite3.Connection, shift_id: str) -> Shift:
    """The shift ``shift_id``; KeyError when there is none."""
    row = conn.execute("SELECT * FROM shifts WHERE id = ?", (shift_id,)).fetchone()
    if row is None:
        raise KeyError(shift_id)
    return shift_from_row(row)


def shift_by_number(conn: sqlite3.Connection, number: int, training: bool) -> Shift | None:
    row = conn.execute("SELECT * FROM shifts WHERE number = ? AND training = ?",
                       (number, int(training))).fetchone()
    return shift_from_row(row) if row else None


def latest_shift(conn: sqlite3.Connection, training: bool) -> Shift | None:
    """The open shift, else the one closed last."""
    row = conn.execute("SELECT * FROM shifts WHERE training = ? ORDER BY number DESC LIMIT 1",
                       (int(training),)).fetchone()
    return shift_from_row(row) if row else None


def insert_shift(journal: Journal, conn: sqlite3.Connection, *, cashier: str, at: datetime,
                 training: bool, balances: Mapping[str, int]) -> Shift:
    """A new shift, numbered after the last one of either mode (event ``shift_opened``)."""
    number = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM shifts").fetchone()[0]
    shift_id = new_id()
    conn.execute(
        "INSERT INTO shifts (id, number, cashier, opened_at, training, balances_json) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (shift_id, number, cashier, iso(at), int(training), json.dumps(dict(balances))))
    journal.insert_event(conn, EventKind.SHIFT_OPENED, data={
        "shift_id": shift_id, "number": number, "cashier": cashier,
        "balances": dict(balances)})
    return load_shift(conn, shift_id)


def close_shift(journal: Journal, conn: sqlite3.Connection, shift: Shift, *, at: datetime,
                actor: str, z_report: Mapping[str, Any]) -> Shift | None:
    """Close the shift with its Z report (event ``shift_closed``); None when it was closed
    already (nothing written)."""
    cursor = conn.execute(
        "UPDATE shifts SET closed_at = ?, closed_by = ?, z_report_json = ? "
        "WHERE id = ? AND closed_at IS NULL",
        (iso(at), actor, json.dumps(dict(z_report), ensure_ascii=False), shift.id))
    if not cursor.rowcount:
        return None
    journal.insert_event(conn, EventKind.SHIFT_CLOSED, data={
        "shift_id": shift.id, "number": shift.number, "actor": actor})
    return load_shift(conn, shift.id)


def is_closed(conn: sqlite3.Connection, shift_id: str) -> bool:
    """Whether the shift ``shift_id`` has its Z report."""
    row = conn.execute("SELECT closed_at FROM shifts WHERE id = ?", (shift_id,)).fetchone()
    return row is not None and row[0] is not None
