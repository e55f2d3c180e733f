"""The reconciliation's differences: what a shift's check found, and who resolved each."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from msgspec import Struct

from pos_app.core.clock import utcnow
from pos_app.core.events import EventKind
from pos_app.core.journal.rows import iso, new_id
from pos_app.i18n import Message

if TYPE_CHECKING:
    from pos_app.core.journal.store import Journal


class DiffKind(StrEnum):
    ORPHAN = "orphan"  # paid at the provider, not in the journal
    MISSING = "missing"  # in the journal as paid, the provider does not know it
    STATE = "state"  # paid on one side, not on the other
    AMOUNT = "amount"  # both paid, amounts differ
    BALANCE = "balance"  # the provider's balance moved by another amount than journaled
    UNCHECKED = "unchecked"  # the provider could not be asked: the check is incomplete


# What one side says, as the journal keeps it: a message is kept untranslated (as JSON) and
# read in the language of whoever looks; plain text (amounts, older rows) as it is.
Side = Message | str


class Found(Struct, frozen=True):
    """A difference a check found, before it is kept."""

    provider: str
    kind: DiffKind
    ref: str
    payment_id: str | None
    ours: Side
    theirs: Side


class Difference(Struct, frozen=True):
    id: str
    shift_id: str
    provider: str
    kind: DiffKind
    ref: str  # what identifies it at the provider: reference, order id, transaction
    payment_id: str | None
    ours: str
    theirs: str
    found_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "provider": self.provider, "kind": self.kind.value,
                "ref": self.ref, "payment_id": self.payment_id, "ours": self.ours,
                "theirs": self.theirs, "resolved_by": self.resolved_by,
                "resolution": self.resolution}


def side_column(side: Side) -> str:
    return json.dumps(side.to_json(), ensure_ascii=False) if isinstance(side, Message) else side


def side_text(column: str) -> str:
    """A side as kept, in the language of whoever reads it now."""
    if column.startswith('{"context"'):
        return Message.from_json(json.loads(column)).render()
    return column


def difference_from_row(row: sqlite3.Row) -> Difference:
    resolved = row["resolved_at"]
    return Difference(id=row["id"], shift_id=row["shift_id"], provider=row["provider"],
                      kind=DiffKind(row["kind"]), ref=row["ref"], payment_id=row["payment_id"],
                      ours=side_text(row["ours"]), theirs=side_text(row["theirs"]),
                      found_at=datetime.fromisoformat(row["found_at"]),
                      resolved_at=datetime.fromisoformat(resolved) if resolved else None,
                      resolved_by=row["resolved_by"], resolution=row["resolution"])


def differences_of(conn: sqlite3.Connection, shift_id: str) -> list[Difference]:
    """The shift's differences: open ones first, then by when they were found."""
    rows = conn.execute("SELECT * FROM differences WHERE shift_id = ? "
                        "ORDER BY resolved_at IS NOT NULL, found_at, provider, ref",
                        (shift_id,))
    return [difference_from_row(r) for r in rows]


def notes_of(conn: sqlite3.Connection, shift_id: str) -> list[tuple[str, ...]]:
    """(provider, kind, ref, ours, theirs, resolved_by, resolution) of each difference, as
    a report keeps them."""
    return [tuple(row) for row in conn.execute(
        "SELECT provider, kind, ref, ours, theirs, resolved_by, resolution FROM differences "
        "WHERE shift_id = ? ORDER BY found_at", (shift_id,))]


def keep_found(journal: Journal, conn: sqlite3.Connection, shift_id: str,
               found: Sequence[Found]) -> None:
    """Replace the shift's open differences by what a check found now (resolved ones stay;
    event ``shift_reconciled``)."""
    conn.execute("DELETE FROM differences WHERE shift_id = ? AND resolved_at IS NULL",
                 (shift_id,))
    now = iso(utcnow())
    for item in found:
        conn.execute(
            "INSERT OR IGNORE INTO differences (id, shift_id, found_at, provider, kind, ref, "
            "payment_id, ours, theirs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (new_id(), shift_id, now, item.provider, item.kind.value, item.ref,
             item.payment_id, side_column(item.ours), side_column(item.theirs)))
    journal.insert_event(conn, EventKind.SHIFT_RECONCILED, data={
        "shift_id": shift_id, "differences": len(found),
        "kinds": sorted({item.kind.value for item in found})})


def resolve_difference(journal: Journal, conn: sqlite3.Connection, difference_id: str, *,
                       actor: str, reason: str) -> Difference | None:
    """Mark it resolved (event ``difference_resolved``); None when it was already."""
    cursor = conn.execute(
        "UPDATE differences SET resolved_at = ?, resolved_by = ?, resolution = ? "
        "WHERE id = ? AND resolved_at IS NULL",
        (iso(utcnow()), actor, reason.strip(), difference_id))
    if not cursor.rowcount:
        return None
    row = conn.execute("SELECT * FROM differences WHERE id = ?", (difference_id,)).fetchone()
    difference = difference_from_row(row)
    journal.insert_event(conn, EventKind.DIFFERENCE_RESOLVED, payment_id=difference.payment_id,
                         data={**difference.to_json(), "actor": actor, "reason": reason})
    return difference
