"""The shifts table: opened, closed with the Z report kept."""

from __future__ import annotations

import logging
import sqlite3

log = logging.getLogger(__name__)


def open_shift_id(conn: sqlite3.Connection, training: bool) -> str | None:
    """The shift open now (at most one per mode): new sales, payments and refunds join it."""
    row = conn.execute("SELECT id FROM shifts WHERE closed_at IS NULL AND training = ?",
                       (int(training),)).fetchone()
    return row[0] if row else None
