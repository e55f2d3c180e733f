"""Shifts: a cashier opens one before the first sale, a manager closes it with the Z report.

A payment belongs to the shift that was open when it started, a refund to the shift it was
made in (the journal stamps both inside the write transaction).  At most one shift per mode
is open.  When a shift opens, the providers that report a balance are asked for it, so the
reconciliation can compare the balance change with what the journal says moved.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pos_app.core.events import EventKind
from pos_app.core.journal import Journal, new_id
from pos_app.core.journal.shifts import open_shift_id
from pos_app.core.payments import utcnow
from pos_app.i18n import UserError, msg

log = logging.getLogger(__name__)
C = "Shift"

# A shift open longer than this gets a warning: a day's takings belong in one Z report.
LONG_SHIFT = timedelta(hours=24)


@dataclass(frozen=True)
class Shift:
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


def _shift(row: sqlite3.Row) -> Shift:
    closed = row["closed_at"]
    z_report = row["z_report_json"]
    return Shift(id=row["id"], number=row["number"], cashier=row["cashier"],
                 opened_at=datetime.fromisoformat(row["opened_at"]),
                 training=bool(row["training"]),
                 closed_at=datetime.fromisoformat(closed) if closed else None,
                 closed_by=row["closed_by"], balances=json.loads(row["balances_json"]),
                 z_report=json.loads(z_report) if z_report else None)


class Shifts:
    """Open, find and close shifts in the journal of one mode."""

    def __init__(self, journal: Journal, *, training: bool) -> None:
        self.journal = journal
        self.training = training

    async def current(self) -> Shift | None:
        def do(conn: sqlite3.Connection) -> Shift | None:
            shift_id = open_shift_id(conn, self.training)
            return self._load(conn, shift_id) if shift_id else None
        return await self.journal.read(do)

    async def by_number(self, number: int) -> Shift | None:
        def do(conn: sqlite3.Connection) -> Shift | None:
            row = conn.execute("SELECT * FROM shifts WHERE number = ? AND training = ?",
                               (number, int(self.training))).fetchone()
            return _shift(row) if row else None
        return await self.journal.read(do)

    async def latest(self) -> Shift | None:
        """The open shift, else the one closed last."""
        def do(conn: sqlite3.Connection) -> Shift | None:
            row = conn.execute("SELECT * FROM shifts WHERE training = ? ORDER BY number DESC "
                               "LIMIT 1", (int(self.training),)).fetchone()
            return _shift(row) if row else None
        return await self.journal.read(do)

    async def open(self, cashier: str, *, balances: Mapping[str, int] | None = None,
                   at: datetime | None = None) -> Shift:
        cashier = " ".join(cashier.split())
        if not cashier:
            raise UserError(msg(C, "Enter the cashier's name to open a shift."))
        if len(cashier) > 60:
            raise UserError(msg(C, "The cashier's name is too long (60 characters at most)."))

        def do(conn: sqlite3.Connection) -> Shift:
            existing = open_shift_id(conn, self.training)
            if existing:
                number = self._load(conn, existing).number
                raise UserError(msg(C, "Shift {number} is still open; close it with the Z report "
                                       "first.", number=number))
            number = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM shifts").fetchone()[0]
            shift_id = new_id()
            conn.execute(
                "INSERT INTO shifts (id, number, cashier, opened_at, training, balances_json) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (shift_id, number, cashier, (at or utcnow()).isoformat(timespec="milliseconds"),
                 int(self.training), json.dumps(dict(balances or {}))))
            self.journal.insert_event(conn, EventKind.SHIFT_OPENED, data={
                "shift_id": shift_id, "number": number, "cashier": cashier,
                "balances": dict(balances or {})})
            return self._load(conn, shift_id)
        shift = await self.journal.write(do)
        log.info("shift %d opened by %s", shift.number, cashier)
        return shift

    async def close(self, shift: Shift, *, actor: str,
                    z_report: Callable[[sqlite3.Connection, datetime], Mapping[str, Any]]) -> Shift:
        """Close ``shift``; ``z_report(conn, closed_at)`` counts it in the same transaction,
        so no payment can slip in between the count and the close."""
        def do(conn: sqlite3.Connection) -> Shift:
            at = utcnow()
            report = json.dumps(dict(z_report(conn, at)), ensure_ascii=False)
            cursor = conn.execute(
                "UPDATE shifts SET closed_at = ?, closed_by = ?, z_report_json = ? "
                "WHERE id = ? AND closed_at IS NULL",
                (at.isoformat(timespec="milliseconds"), actor, report, shift.id))
            if not cursor.rowcount:
                raise UserError(msg(C, "Shift {number} is already closed.", number=shift.number))
            self.journal.insert_event(conn, EventKind.SHIFT_CLOSED, data={
                "shift_id": shift.id, "number": shift.number, "actor": actor})
            return self._load(conn, shift.id)
        closed = await self.journal.write(do)
        log.info("shift %d closed by %s", closed.number, actor)
        return closed

    @staticmethod
    def _load(conn: sqlite3.Connection, shift_id: str) -> Shift:
        row = conn.execute("SELECT * FROM shifts WHERE id = ?", (shift_id,)).fetchone()
        if row is None:
            raise KeyError(shift_id)
        return _shift(row)


async def shift_closed(journal: Journal, shift_id: str) -> bool:
    """Whether the shift ``shift_id`` has its Z report (is closed)."""
    row = await journal.read(lambda conn: conn.execute(
        "SELECT closed_at FROM shifts WHERE id = ?", (shift_id,)).fetchone())
    return row is not None and row[0] is not None
