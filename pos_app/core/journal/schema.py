"""The journal's tables, and the numbered migrations that make them (``PRAGMA user_version``)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence

from pos_app.core.journal.rows import JournalError
from pos_app.i18n import msg

log = logging.getLogger(__name__)
C = "Journal"


# -- schema ------------------------------------------------------------------------------

_V1 = """
CREATE TABLE sales (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    currency TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    lines_json TEXT NOT NULL,
    shift_id TEXT,
    training INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL REFERENCES sales(id),
    provider TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'payment',
    state TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    refunded_minor INTEGER NOT NULL DEFAULT 0,
    idem_key TEXT NOT NULL,
    request_json TEXT NOT NULL,
    provider_ref TEXT,
    payer_url TEXT,
    payer_text TEXT,
    expires_at TEXT,
    raw_status TEXT NOT NULL DEFAULT '',
    reason_code TEXT,
    reason_json TEXT,
    receipt_json TEXT NOT NULL DEFAULT '{}',
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    abandoned INTEGER NOT NULL DEFAULT 0,
    attention_json TEXT,
    remote_version INTEGER,
    shift_id TEXT,
    training INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (provider, idem_key)
);
CREATE INDEX payments_state ON payments(state);
CREATE INDEX payments_created ON payments(created_at);
CREATE INDEX payments_sale ON payments(sale_id);
CREATE INDEX payments_provider_ref ON payments(provider_ref);
CREATE TABLE operations (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_json TEXT NOT NULL,
    amount_minor INTEGER,
    op_ref TEXT,
    prev_state TEXT,
    reason_code TEXT,
    reason_json TEXT,
    receipt_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (payment_id, idem_key)
);
CREATE INDEX operations_payment ON operations(payment_id);
CREATE INDEX operations_state ON operations(state);
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    payment_id TEXT,
    operation_id TEXT,
    from_state TEXT,
    to_state TEXT,
    data_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_payment ON events(payment_id);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TABLE receipts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id TEXT NOT NULL REFERENCES payments(id),
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX receipts_payment ON receipts(payment_id);
CREATE TABLE shifts (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    cashier TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT
);
"""

# v2: what actually arrived, when a provider says (Paymega's processed_amount can be less).
_V2 = """
ALTER TABLE payments ADD COLUMN paid_minor INTEGER;
"""

# v3: history pages newest first without sorting 100k rows each time.
_V3 = """
CREATE INDEX payments_newest ON payments(created_at DESC, id DESC);
"""

# v4: shifts own payments and refunds; reconciliation differences and their resolutions.
_V4 = """
ALTER TABLE operations ADD COLUMN shift_id TEXT;
ALTER TABLE shifts ADD COLUMN training INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shifts ADD COLUMN closed_by TEXT;
ALTER TABLE shifts ADD COLUMN balances_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE shifts ADD COLUMN z_report_json TEXT;
CREATE UNIQUE INDEX shifts_one_open ON shifts(training) WHERE closed_at IS NULL;
CREATE INDEX payments_shift ON payments(shift_id);
CREATE INDEX operations_shift ON operations(shift_id);
CREATE TABLE differences (
    id TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES shifts(id),
    found_at TEXT NOT NULL,
    provider TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    payment_id TEXT,
    ours TEXT NOT NULL DEFAULT '',
    theirs TEXT NOT NULL DEFAULT '',
    resolved_at TEXT,
    resolved_by TEXT,
    resolution TEXT,
    UNIQUE (shift_id, provider, kind, ref)
);
"""

# v5: the caller's own references (integration mode's ``pay``/``withdraw``/``refund
# --reference``): one sale, or one refund, per reference, so a caller that repeats a request
# cannot move the money twice.  And which payment a payout returns money for (Pegas-kassa
# refunds by payout), so it cannot be returned twice.
_V5 = """
ALTER TABLE sales ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX sales_reference ON sales(reference) WHERE reference IS NOT NULL;
ALTER TABLE operations ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX operations_reference ON operations(reference) WHERE reference IS NOT NULL;
ALTER TABLE payments ADD COLUMN refund_of TEXT;
UPDATE payments SET refund_of = json_extract(request_json, '$.options.refund_of')
    WHERE kind = 'withdrawal';
CREATE INDEX payments_refund_of ON payments(refund_of) WHERE refund_of IS NOT NULL;
"""

# v6: the history at a year and more of payments (issue 17): one covering index walks it
# newest first and filters by provider, state and training without reading the rows (it
# replaces the two on created_at); counting by state and provider reads a small index of
# its own; searches by key prefix and amount, and the attention count, have theirs.  The
# time indexes are ascending, walked backwards: new payments append to them, and their
# pages fill (a descending one took every new payment at its front and split its pages
# half full: twice the size).
_V6 = """
DROP INDEX payments_created;
DROP INDEX payments_newest;
CREATE INDEX payments_history
    ON payments(created_at, id, provider, state, amount_minor, training);
DROP INDEX payments_state;
CREATE INDEX payments_state_provider ON payments(state, provider, training);
CREATE INDEX payments_idem_key ON payments(idem_key);
CREATE INDEX payments_amount ON payments(amount_minor);
CREATE INDEX payments_attention ON payments(created_at, id)
    WHERE state = 'UNKNOWN' OR attention_json IS NOT NULL;
"""

# v7: the journal's JSON packed (pos_app/core/packed.py; issue 17): the way to pay (the
# reports' and the export's "method") becomes a column, as SQL cannot read packed JSON.
# Rows written before stay text and are read as they are (tallies.METHOD_SQL reads their
# JSON): no rewrite of a year of rows (15 s at a million) on the upgrade.
_V7 = """
ALTER TABLE payments ADD COLUMN method TEXT NOT NULL DEFAULT '';
"""

# v8: a search by idempotency key goes down the (provider, idem_key) index once per provider
# in the journal (_KNOWN_PROVIDERS): its own index was ~19 B of every payment (issue 17).
_V8 = """
DROP INDEX payments_idem_key;
"""

# v9: the journal's permanent identity (issue 19): the head office keeps each journal's events
# by (journal_uuid, seq).  A copy restored from a backup keeps it, which is how the head office
# knows it (its cursor is then ahead of the file).  A random version-4 UUID, made here.
_V9 = """
CREATE TABLE journal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO journal_meta (key, value) SELECT 'journal_uuid', lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
    || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)
    || '-' || hex(randomblob(6)));
"""

# v10: the sale a changed basket replaces (the same customer, a line added or taken away while
# a link for the basket before could still be paid): a payment of either that turns paid
# while one of the other is paid is paid twice, in whichever order the two became known.
_V10 = """
ALTER TABLE sales ADD COLUMN replaces TEXT;
CREATE INDEX sales_replaces ON sales(replaces) WHERE replaces IS NOT NULL;
"""

# Index i holds the script that takes the schema from version i to i + 1.
MIGRATIONS: Sequence[str] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10)
SCHEMA_VERSION = len(MIGRATIONS)


Progress = Callable[[int, int], None]


def migrate(conn: sqlite3.Connection, progress: Progress | None = None) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`; returns the version found.

    ``progress(done, total)``, in statements, is called around each statement of an
    upgrade of an existing journal (an index over a year of payments takes seconds: a
    register upgraded after a year must not look frozen).  A new journal says nothing.
    """
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if found > SCHEMA_VERSION:
        raise JournalError(msg(C, "The journal was written by a newer version of the app "
                                  "(schema {found}, this version knows {known}). Update the app.",
                               found=found, known=SCHEMA_VERSION))
    steps = [statements(script) for script in MIGRATIONS[found:]]
    total, done = sum(len(step) for step in steps), 0
    report = progress if found and total else None
    for version, step in enumerate(steps, start=found):
        with conn:  # one transaction per step: a crash leaves a consistent older version
            conn.execute("BEGIN IMMEDIATE")
            for statement in step:
                if report:
                    report(done, total)
                conn.execute(statement)
                done += 1
            conn.execute(f"PRAGMA user_version = {version + 1}")
        log.info("journal schema migrated to version %d", version + 1)
    if report:
        report(total, total)
    return found


def quick_check(conn: sqlite3.Connection) -> str | None:
    """None when SQLite finds the file whole, else its first finding."""
    found = str(conn.execute("PRAGMA quick_check(1)").fetchone()[0])
    if found == "ok":
        return None
    lines = [line for line in found.splitlines() if not line.startswith("***")]
    return lines[0] if lines else found


def statements(script: str) -> list[str]:
    """Split a script into statements; trigger bodies contain ';' so sqlite decides."""
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements
