"""What the head office receives of this journal (issue 19): its events after a cursor, and the
current rows they describe.  Read on a connection of its own (``Journal.read_apart``), never on
the journal's thread and never under the payment lock: a head-office outage cannot slow a sale.

Every value is plain JSON (packed JSON unpacked, times as the journal's ISO texts), so the
head office can keep it as ``jsonb``.  The shapes are :mod:`pos_app.headoffice.wire`'s.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from pos_app.core.packed import unpack

# The rows an event can describe: the table, and its columns the head office keeps (packed
# columns unpacked; the payment's request stays home: it is the provider's wire, not a fact).
ROW_COLUMNS: dict[str, tuple[str, ...]] = {
    "sales": ("id", "number", "created_at", "currency", "total_minor", "lines_json",
              "shift_id", "reference", "replaces"),
    "payments": ("id", "sale_id", "provider", "kind", "state", "amount_minor", "currency",
                 "refunded_minor", "paid_minor", "provider_ref", "method", "reason_code",
                 "attention_json", "abandoned", "shift_id", "refund_of", "created_at",
                 "updated_at"),
    "operations": ("id", "payment_id", "kind", "state", "amount_minor", "op_ref",
                   "reason_code", "shift_id", "reference", "created_at", "updated_at"),
    "shifts": ("id", "number", "cashier", "opened_at", "closed_at", "closed_by",
               "balances_json", "z_report_json"),
    "differences": ("id", "shift_id", "found_at", "provider", "kind", "ref", "payment_id",
                    "ours", "theirs", "resolved_at", "resolved_by", "resolution"),
}
_PACKED = {"lines_json", "attention_json", "balances_json", "z_report_json", "data_json"}
_CREATED = {"sales": "created_at", "payments": "created_at", "operations": "created_at",
            "shifts": "opened_at", "differences": "found_at"}


def journal_uuid(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM journal_meta WHERE key = 'journal_uuid'").fetchone()
    return str(row[0])


def last_seq(conn: sqlite3.Connection) -> int:
    """The newest event's number (0: none yet)."""
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0])


def _value(column: str, value: Any) -> Any:
    if column in _PACKED and value is not None:
        return json.loads(unpack(value))
    return value


def events_after(conn: sqlite3.Connection, seq: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` events after ``seq``, oldest first."""
    rows = conn.execute("SELECT seq, at, kind, payment_id, operation_id, from_state, "
                        "to_state, data_json FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                        (seq, limit)).fetchall()
    return [{"seq": r[0], "at": r[1], "kind": r[2], "payment_id": r[3],
             "operation_id": r[4], "from_state": r[5], "to_state": r[6],
             "data": _value("data_json", r[7])} for r in rows]


def rows_described(conn: sqlite3.Connection,
                   events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The current rows of what ``events`` are about: their payments with their sales,
    operations and shifts, and the differences of the shifts they reconciled or closed.
    Each as ``{"table", "id", "created_at", "data"}``; training rows are never included."""
    wanted: dict[str, set[str]] = {table: set() for table in ROW_COLUMNS}
    for event in events:
        data = event["data"] if isinstance(event["data"], dict) else {}
        if event["payment_id"]:
            wanted["payments"].add(event["payment_id"])
        if event["operation_id"]:
            wanted["operations"].add(event["operation_id"])
        for key, table in (("sale_id", "sales"), ("shift_id", "shifts")):
            if isinstance(data.get(key), str):
                wanted[table].add(data[key])
        if event["kind"] in ("shift_reconciled", "shift_closed", "difference_resolved") \
                and isinstance(data.get("shift_id"), str):
            wanted["differences"] |= {r[0] for r in conn.execute(
                "SELECT id FROM differences WHERE shift_id = ?", (data["shift_id"],))}
    payments = _rows(conn, "payments", wanted["payments"])
    wanted["sales"] |= {row["data"]["sale_id"] for row in payments}
    wanted["shifts"] |= {row["data"]["shift_id"] for row in payments if row["data"]["shift_id"]}
    return [*_rows(conn, "sales", wanted["sales"]), *payments,
            *_rows(conn, "operations", wanted["operations"]),
            *_rows(conn, "shifts", wanted["shifts"]),
            *_rows(conn, "differences", wanted["differences"])]


def _rows(conn: sqlite3.Connection, table: str, ids: set[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    columns = ROW_COLUMNS[table]
    training = " AND training = 0" if table in ("sales", "payments", "shifts") else ""
    marks = ",".join("?" * len(ids))
    found = conn.execute(f"SELECT {', '.join(columns)} FROM {table} "  # noqa: S608 (names ours)
                         f"WHERE id IN ({marks}){training} ORDER BY id", sorted(ids))
    rows = []
    for values in found:
        data = {column: _value(column, value) for column, value in zip(columns, values,
                                                                       strict=True)}
        rows.append({"table": table, "id": data["id"], "created_at": data[_CREATED[table]],
                     "data": data})
    return rows


def releases_recorded(conn: sqlite3.Connection) -> dict[str, int]:
    """The newest head-office release of each kind this register applied or refused (its
    ``release_applied``/``release_refused`` events): what not to fetch and check again."""
    return {kind: max(seen["version"] for seen in both.values() if seen)
            for kind, both in releases_seen(conn).items()}


def releases_seen(conn: sqlite3.Connection) -> dict[str, dict[str, dict[str, Any] | None]]:
    """Per release kind, the newest release this register ``applied`` (what it runs) and the
    newest it ``refused`` when that is newer, each ``{"version": int, "at": ISO time,
    "changed": [keys], "problems": [English sentences], "messages": [Message.to_json()]}``
    (None: none)."""
    found: dict[str, dict[str, dict[str, Any] | None]] = {}
    for at, kind, data in conn.execute(
            "SELECT at, kind, data_json FROM events WHERE kind IN "
            "('release_applied', 'release_refused') ORDER BY seq"):
        event = _value("data_json", data)
        if not isinstance(event, dict) or not isinstance(event.get("version"), int):
            continue
        both = found.setdefault(str(event.get("kind")), {"applied": None, "refused": None})
        seen = {"version": event["version"], "at": at,
                "changed": list(event.get("changed", [])),
                "problems": list(event.get("problems", [])),
                "messages": list(event.get("messages", []))}
        if kind == "release_applied":
            both["applied"], both["refused"] = seen, None  # what it runs now
        else:
            both["refused"] = seen
    return found
