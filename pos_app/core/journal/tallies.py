"""What the X and Z reports count, read from the journal in the report's own transaction.

The counting is SQL (a year of payments is grouped by SQLite, not read row by row); what the
counts mean — buckets, totals, words — is :mod:`pos_app.core.reports`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from pos_app.core.events import EventKind
from pos_app.core.journal.differences import notes_of
from pos_app.core.packed import unpack
from pos_app.core.states import OperationKind, OperationState

# The way to pay within a provider (Pegas-kassa's deposit type, Paymega's service, the
# payout method, Koshelek's payment type from its slip): kept by the journal since schema 7
# (rows.payment_method; its JSON is packed), read from the JSON of a row written before
# (text; a receipt packed later is not read).
METHOD_SQL = ("CASE WHEN p.method != '' THEN p.method "
              "WHEN typeof(p.request_json) = 'text' THEN COALESCE("
              "json_extract(p.request_json, '$.options.type'), "
              "json_extract(p.request_json, '$.options.service'), "
              "json_extract(p.request_json, '$.options.method'), "
              "CASE WHEN typeof(p.receipt_json) = 'text' "
              "THEN json_extract(p.receipt_json, '$.paymentType') END, '') ELSE '' END")


REFUSED = "REFUSED"  # not a payment state: a report's word for a create the provider refused


def payment_tallies(conn: sqlite3.Connection, shift_id: str, training: bool,
                    paid_states: Iterable[str]) -> Iterator[tuple[str, str, str, str, str,
                                                                  int, int]]:
    """(provider, method, currency, kind, state, count, minor) of the shift's payments; a
    paid one counts what arrived (``paid_minor``), the others what was asked.  A payment the
    provider refused before creating anything (declined without its reference) has the
    state REFUSED: no customer was declined (issue 20 #19)."""
    paid = tuple(paid_states)
    marks = ",".join("?" * len(paid))
    yield from conn.execute(
        f"SELECT p.provider, {METHOD_SQL} AS method, p.currency, p.kind, "  # noqa: S608
        f"CASE WHEN p.state = 'DECLINED' AND p.provider_ref IS NULL THEN '{REFUSED}' "
        "ELSE p.state END, COUNT(*), "
        f"SUM(CASE WHEN p.state IN ({marks}) THEN COALESCE(p.paid_minor, p.amount_minor) "
        "ELSE p.amount_minor END) "
        "FROM payments p WHERE p.shift_id = ? AND p.training = ? GROUP BY 1, 2, 3, 4, 5",
        (*paid, shift_id, int(training)))


def refund_tallies(conn: sqlite3.Connection, shift_id: str, training: bool,
                   ) -> Iterator[tuple[str, str, str, int, int | None]]:
    """(provider, method, currency, count, minor) of the refunds done in the shift."""
    yield from conn.execute(
        f"SELECT p.provider, {METHOD_SQL} AS method, p.currency, COUNT(*), "  # noqa: S608
        "SUM(o.amount_minor) FROM operations o JOIN payments p ON p.id = o.payment_id "
        "WHERE o.shift_id = ? AND o.kind = ? AND o.state = ? AND p.training = ? "
        "GROUP BY 1, 2, 3",
        (shift_id, str(OperationKind.REFUND), str(OperationState.DONE), int(training)))


def shift_notes(conn: sqlite3.Connection, shift_id: str, training: bool,
                ) -> list[dict[str, Any]]:
    """The shift's differences, the payments a person decided (by hand, or corrected from
    the provider's answer), the alerts dealt with, and the payments still needing attention,
    as the report keeps them."""
    notes: list[dict[str, Any]] = [
        {"source": "difference", "provider": provider, "kind": kind, "ref": ref, "ours": ours,
         "theirs": theirs, "resolved_by": by, "resolution": resolution}
        for provider, kind, ref, ours, theirs, by, resolution in notes_of(conn, shift_id)]
    notes += [
        {"source": "decision", "provider": provider, "sale": number, "amount_minor": minor,
         "currency": currency, "state": state, "reason": reason}
        for provider, number, minor, currency, state, reason in conn.execute(
            "SELECT p.provider, s.number, p.amount_minor, p.currency, p.state, p.reason_json "
            "FROM payments p JOIN sales s ON s.id = p.sale_id WHERE p.shift_id = ? "
            "AND p.training = ? AND p.reason_code IN ('MANUAL', 'CORRECTED') "
            "ORDER BY p.created_at", (shift_id, int(training)))]
    for provider, number, minor, currency, data in conn.execute(
            "SELECT p.provider, s.number, p.amount_minor, p.currency, e.data_json FROM events e "
            "JOIN payments p ON p.id = e.payment_id JOIN sales s ON s.id = p.sale_id "
            "WHERE p.shift_id = ? AND p.training = ? AND e.kind = ? ORDER BY e.seq",
            (shift_id, int(training), str(EventKind.ATTENTION_ACKNOWLEDGED))):
        done = json.loads(unpack(data) if data else "{}")  # an alert dealt with: what was done
        notes.append({"source": "alert", "provider": provider, "sale": number,
                      "amount_minor": minor, "currency": currency,
                      "alert": done.get("attention", ""), "actor": done.get("actor", ""),
                      "note": done.get("note", "")})
    # Still waiting for a person when the report was made (Needs attention): a Z report
    # said nothing of them (issue 20 #19).
    notes += [
        {"source": "open", "provider": provider, "sale": number, "amount_minor": minor,
         "currency": currency, "state": state}
        for provider, number, minor, currency, state in conn.execute(
            "SELECT p.provider, s.number, p.amount_minor, p.currency, p.state FROM payments p "
            "JOIN sales s ON s.id = p.sale_id WHERE p.shift_id = ? AND p.training = ? "
            "AND (p.state = 'UNKNOWN' OR p.attention_json IS NOT NULL) ORDER BY p.created_at",
            (shift_id, int(training)))]
    return notes
