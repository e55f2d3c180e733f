"""Shifts: a cashier opens one before the first sale, a manager closes it with the Z report.

A payment belongs to the shift that was open when it started, a refund to the shift it was
made in (the journal stamps both inside the write transaction).  At most one shift per mode
is open.  When a shift opens, the providers that report a balance are asked for it, so the
reconciliation can compare the balance change with what the journal says moved.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pos_app.core.journal import Journal
from pos_app.core.journal import shifts as table
from pos_app.core.journal.shifts import Shift as Shift
from pos_app.core.payments import utcnow
from pos_app.i18n import UserError, msg

log = logging.getLogger(__name__)
C = "Shift"


class Shifts:
    """Open, find and close shifts in the journal of one mode."""

    def __init__(self, journal: Journal, *, training: bool) -> None:
        self.journal = journal
        self.training = training

    async def current(self) -> Shift | None:
        def do(conn: sqlite3.Connection) -> Shift | None:
            shift_id = table.open_shift_id(conn, self.training)
            return table.load_shift(conn, shift_id) if shift_id else None
        return await self.journal.read(do)

    async def by_number(self, number: int) -> Shift | None:
        return await self.journal.read(
            lambda conn: table.shift_by_number(conn, number, self.training))

    async def latest(self) -> Shift | None:
        """The open shift, else the one closed last."""
        return await self.journal.read(lambda conn: table.latest_shift(conn, self.training))

    async def open(self, cashier: str, *, balances: Mapping[str, int] | None = None,
                   at: datetime | None = None) -> Shift:
        cashier = " ".join(cashier.split())
        if not cashier:
            raise UserError(msg(C, "Enter the cashier's name to open a shift."))
        if len(cashier) > 60:
            raise UserError(msg(C, "The cashier's name is too long (60 characters at most)."))

        def do(conn: sqlite3.Connection) -> Shift:
            existing = table.open_shift_id(conn, self.training)
            if existing:
                number = table.load_shift(conn, existing).number
                raise UserError(msg(C, "Shift {number} is still open; close it with the Z report "
                                       "first.", number=number))
            return table.insert_shift(self.journal, conn, cashier=cashier, at=at or utcnow(),
                                      training=self.training, balances=balances or {})
        shift = await self.journal.write(do)
        log.info("shift %d opened by %s", shift.number, cashier)
        return shift

    async def close(self, shift: Shift, *, actor: str,
                    z_report: Callable[[sqlite3.Connection, datetime], Mapping[str, Any]]) -> Shift:
        """Close ``shift``; ``z_report(conn, closed_at)`` counts it in the same transaction,
        so no payment can slip in between the count and the close."""
        def do(conn: sqlite3.Connection) -> Shift:
            at = utcnow()
            closed = table.close_shift(self.journal, conn, shift, at=at, actor=actor,
                                       z_report=z_report(conn, at))
            if closed is None:
                raise UserError(msg(C, "Shift {number} is already closed.", number=shift.number))
            return closed
        closed = await self.journal.write(do)
        log.info("shift %d closed by %s", closed.number, actor)
        return closed


async def shift_closed(journal: Journal, shift_id: str) -> bool:
    """Whether the shift ``shift_id`` has its Z report (is closed)."""
    return await journal.read(lambda conn: table.is_closed(conn, shift_id))
