"""The journal: every sale, payment, operation and event, durable before the next network call.

SQLite in WAL mode with ``synchronous=FULL``: a transaction that returned is on
disk.  All SQLite work runs on one dedicated thread, so neither the GUI thread
nor the event loop ever waits on a disk flush.  The schema is versioned with
``PRAGMA user_version`` and migrated forward on open.  The event log is
append-only: triggers refuse updates and deletes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from pos_app import crashpoints
from pos_app.core.events import EventKind
from pos_app.core.money import AmountError, Money, parse_decimal, round_minor, to_minor
from pos_app.core.packed import pack, unpack
from pos_app.core.payments import Event, Operation, Payment, utcnow
from pos_app.core.sale import Sale
from pos_app.core.states import (
    OperationKind,
    OperationState,
    PaymentState,
    can_correct,
    can_move,
)
from pos_app.i18n import Message, UserError, msg
from pos_app.providers.base import PaymentRequest
from pos_app.redact import redact

log = logging.getLogger(__name__)
T = TypeVar("T")
C = "Journal"


class JournalError(UserError):
    """The journal cannot be read or written; nothing may proceed that needs it."""


class StaleTransition(Exception):
    """A state change that the machine does not allow from the payment's current state."""

    def __init__(self, current: Payment, wanted: PaymentState) -> None:
        super().__init__(f"{current.id}: {current.state} -> {wanted} not allowed")
        self.current = current
        self.wanted = wanted


def new_id() -> str:
    return secrets.token_hex(6)


# The shortest start of an id that finds a payment: shorter ones name too many to be meant.
MIN_ID_PREFIX = 4


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
# Rows written before stay text and are read as they are (reports.METHOD_SQL reads their
# JSON): no rewrite of a year of rows (15 s at a million) on the upgrade.
_V7 = """
ALTER TABLE payments ADD COLUMN method TEXT NOT NULL DEFAULT '';
"""

# v8: a search by idempotency key goes down the (provider, idem_key) index once per provider
# in the journal (_KNOWN_PROVIDERS): its own index was ~19 B of every payment (issue 17).
_V8 = """
DROP INDEX payments_idem_key;
"""

# Index i holds the script that takes the schema from version i to i + 1.
MIGRATIONS: Sequence[str] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8)
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
    steps = [_statements(script) for script in MIGRATIONS[found:]]
    total, done = sum(len(step) for step in steps), 0
    report = progress if found and total else None
    for version, statements in enumerate(steps, start=found):
        with conn:  # one transaction per step: a crash leaves a consistent older version
            conn.execute("BEGIN IMMEDIATE")
            for statement in statements:
                if report:
                    report(done, total)
                conn.execute(statement)
                done += 1
            conn.execute(f"PRAGMA user_version = {version + 1}")
        log.info("journal schema migrated to version %d", version + 1)
    if report:
        report(total, total)
    return found


def payment_method(payment: Payment) -> str:
    """The way the payment was taken, as reports and the export name it: the deposit type,
    the service, the payout method, else the kind the provider reported (Koshelek's SBP…)."""
    options, receipt = payment.request.options, payment.receipt_fields
    return str(options.get("type") or options.get("service") or options.get("method")
               or receipt.get("paymentType") or "")


def _quick_check(conn: sqlite3.Connection) -> str | None:
    """None when SQLite finds the file whole, else its first finding."""
    found = str(conn.execute("PRAGMA quick_check(1)").fetchone()[0])
    if found == "ok":
        return None
    lines = [line for line in found.splitlines() if not line.startswith("***")]
    return lines[0] if lines else found


def _statements(script: str) -> list[str]:
    """Split a script into statements; trigger bodies contain ';' so sqlite decides."""
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


# -- row mapping -------------------------------------------------------------------------

def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _msg_json(value: Message | None) -> str | None:
    return _stored(value.to_json()) if value else None


def _stored(value: object) -> str:
    """JSON as the journal keeps it: a provider's words may echo a secret back (issue 16 #8),
    so every text in it is redacted (texts only: a number is never a secret's place)."""
    def clean(item: Any) -> Any:
        if isinstance(item, str):
            return redact(item)
        if isinstance(item, dict):
            return {key: clean(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [clean(inner) for inner in item]
        return item
    plain = json.loads(json.dumps(value, ensure_ascii=False, default=_json_default))
    return json.dumps(clean(plain), ensure_ascii=False)


def _msg(value: str | None) -> Message | None:
    return Message.from_json(json.loads(value)) if value else None


_Columns = dict[str, tuple[str, Callable[[Any], Any]]]

_PAYMENT_COLUMNS: _Columns = {
    # Payment field -> (column, to-db)
    "state": ("state", str),
    "refunded_minor": ("refunded_minor", int),
    "paid_minor": ("paid_minor", lambda v: v),
    "provider_ref": ("provider_ref", lambda v: v),
    "payer_url": ("payer_url", lambda v: v),
    "payer_text": ("payer_text", lambda v: v),
    "expires_at": ("expires_at", _iso),
    "raw_status": ("raw_status", str),
    "reason_code": ("reason_code", lambda v: v),
    "reason": ("reason_json", _msg_json),
    "receipt_fields": ("receipt_json", lambda v: pack(_stored(dict(v)))),
    "cancel_requested": ("cancel_requested", int),
    "abandoned": ("abandoned", int),
    "attention": ("attention_json", _msg_json),
    "remote_version": ("remote_version", lambda v: v),
    "request": ("request_json", lambda v: pack(json.dumps(v.to_json(), ensure_ascii=False))),
}

_OPERATION_COLUMNS: _Columns = {
    "state": ("state", str),
    "op_ref": ("op_ref", lambda v: v),
    "reason_code": ("reason_code", lambda v: v),
    "reason": ("reason_json", _msg_json),
    "receipt_fields": ("receipt_json", lambda v: pack(_stored(dict(v)))),
}


def _sale_from_row(row: sqlite3.Row) -> Sale:
    return Sale.from_lines_json(json.loads(unpack(row["lines_json"])), currency=row["currency"],
                                id=row["id"], number=row["number"], shift_id=row["shift_id"],
                                reference=row["reference"] or "")


def payment_from_row(row: sqlite3.Row) -> Payment:
    """A payment as the journal holds it; JournalError naming the row when it cannot be read
    (a damaged byte in a state once made history and export end in an internal error)."""
    try:
        return _payment(row)
    except (ValueError, TypeError, KeyError, AssertionError, AmountError) as exc:
        raise unreadable_row("payments", row["id"], exc) from None


def unreadable_row(table: str, row_id: str, exc: Exception) -> JournalError:
    log.error("journal row %s/%s cannot be read: %r", table, row_id, exc)
    return JournalError(msg(C, "The journal's {table} row {id} is damaged and cannot be read "
                               "({error}). Nothing was changed; contact support.",
                            table=table, id=row_id, error=str(exc)[:80]))


def stored_request(payment: Payment) -> dict[str, Any]:
    """The payment's request as journaled: what the row's own columns already hold (its
    idempotency key, amount and currency) and the line totals that follow from a line's price,
    quantity and discount are left out; :func:`_request_from_row` puts them back exactly, so
    nothing the audit needs is lost (issue 17: ~40 B of every payment).  A value that does not
    follow (a refund's share of a weighed line) is kept as it is."""
    data = payment.request.to_json()
    for name, column in (("key", payment.key), ("amount_minor", payment.amount.minor),
                         ("currency", payment.amount.currency)):
        if data.get(name) == column:
            del data[name]
    for item in data.get("items", ()):
        if item == _with_totals({k: v for k, v in item.items() if k not in _LINE_TOTALS}):
            for name in _LINE_TOTALS:
                del item[name]
    return data


_LINE_TOTALS = ("subtotal_minor", "total_minor")


def _with_totals(item: dict[str, Any]) -> dict[str, Any]:
    """A journaled line item with its totals (they follow from it, as a sale line's do)."""
    if "subtotal_minor" not in item:
        subtotal = round_minor(Decimal(str(item["price_minor"])) * Decimal(str(item["quantity"])))
        item["subtotal_minor"] = subtotal
        item["total_minor"] = subtotal - int(item["discount_minor"])
    return item


def _request_from_row(row: sqlite3.Row) -> dict[str, Any]:
    """The request as it was sent (see :func:`stored_request`)."""
    data: dict[str, Any] = json.loads(unpack(row["request_json"]))
    data.setdefault("key", row["idem_key"])
    data.setdefault("amount_minor", row["amount_minor"])
    data.setdefault("currency", row["currency"])
    data["items"] = [_with_totals(item) for item in data.get("items", ())]
    return data


def _payment(row: sqlite3.Row) -> Payment:
    currency = row["currency"]
    created, updated = _dt(row["created_at"]), _dt(row["updated_at"])
    assert created is not None
    assert updated is not None
    return Payment(
        id=row["id"],
        sale_id=row["sale_id"],
        provider=row["provider"],
        kind=row["kind"],
        state=PaymentState(row["state"]),
        amount=Money(row["amount_minor"], currency),
        refunded_minor=row["refunded_minor"],
        paid_minor=row["paid_minor"],
        key=row["idem_key"],
        request=PaymentRequest.from_json(_request_from_row(row)),
        provider_ref=row["provider_ref"],
        payer_url=row["payer_url"],
        payer_text=row["payer_text"],
        expires_at=_dt(row["expires_at"]),
        raw_status=row["raw_status"],
        reason_code=row["reason_code"],
        reason=_msg(row["reason_json"]),
        receipt_fields=json.loads(unpack(row["receipt_json"])),
        cancel_requested=bool(row["cancel_requested"]),
        abandoned=bool(row["abandoned"]),
        attention=_msg(row["attention_json"]),
        remote_version=row["remote_version"],
        shift_id=row["shift_id"],
        training=bool(row["training"]),
        created_at=created,
        updated_at=updated,
    )


def _operation(row: sqlite3.Row) -> Operation:
    try:
        return _read_operation(row)
    except (ValueError, TypeError, KeyError, AssertionError) as exc:
        raise unreadable_row("operations", row["id"], exc) from None


def _read_operation(row: sqlite3.Row) -> Operation:
    created, updated = _dt(row["created_at"]), _dt(row["updated_at"])
    assert created is not None
    assert updated is not None
    return Operation(
        id=row["id"],
        payment_id=row["payment_id"],
        kind=OperationKind(row["kind"]),
        state=OperationState(row["state"]),
        key=row["idem_key"],
        request=json.loads(unpack(row["request_json"])),
        amount_minor=row["amount_minor"],
        op_ref=row["op_ref"],
        prev_state=PaymentState(row["prev_state"]) if row["prev_state"] else None,
        reason_code=row["reason_code"],
        reason=_msg(row["reason_json"]),
        receipt_fields=json.loads(unpack(row["receipt_json"])),
        created_at=created,
        updated_at=updated,
        reference=row["reference"] or "",
    )


def _event(row: sqlite3.Row) -> Event:
    at = _dt(row["at"])
    assert at
    return Event(seq=row["seq"], at=at, kind=row["kind"], payment_id=row["payment_id"],
                 operation_id=row["operation_id"], from_state=row["from_state"],
                 to_state=row["to_state"], data=json.loads(unpack(row["data_json"])))


def _json_default(value: object) -> object:
    if isinstance(value, Message):
        return value.to_json()
    if isinstance(value, (datetime,)):
        return _iso(value)
    if isinstance(value, Enum):
        return value.value
    return str(value)


@dataclass(frozen=True)
class PaymentFilter:
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


# -- the journal -------------------------------------------------------------------------

class Journal:
    """Async facade over one SQLite file; all SQL runs on the journal thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")
        self._conn: sqlite3.Connection | None = None
        self._events_in_tx: list[str] = []  # what the current write transaction logged

    @classmethod
    async def open(cls, path: Path, *, progress: Progress | None = None,
                   check: bool = True) -> Journal:
        """Open (or make) the journal at ``path``, upgrading its schema; ``progress`` is
        called from the journal's thread during an upgrade (see :func:`migrate`).
        ``check=False`` leaves SQLite's integrity check, which reads the whole file (1.6 s
        at a million payments), to :meth:`check` once the window is up."""
        journal = cls(path)
        try:
            await journal._run(journal._open, progress, check)
        except BaseException:
            journal._executor.shutdown(wait=False)
            raise
        return journal

    async def close(self) -> None:
        if self._conn is not None:
            await self._run(self._close)
        self._executor.shutdown(wait=True)

    # -- thread plumbing --

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(self._guard, fn, *args))

    def _guard(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(*args)
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc

    def _translate(self, exc: sqlite3.DatabaseError) -> JournalError:
        text = str(exc).lower()
        if "disk is full" in text or "database or disk is full" in text:
            message = msg(C, "The disk is full: the journal cannot be written, so no payment can "
                             "start. Free disk space; everything recorded so far is kept.")
        elif "not a database" in text or "malformed" in text or "corrupt" in text:
            message = msg(C, "The journal file {path} is damaged ({error}). It was not changed. "
                             "Contact support before deleting anything.",
                          path=str(self.path), error=str(exc))
        elif "readonly" in text or "unable to open" in text or "locked" in text:
            message = msg(C, "The journal file {path} cannot be written ({error}).",
                          path=str(self.path), error=str(exc))
        else:
            message = msg(C, "Journal error: {error}", error=str(exc))
        log.error("journal error on %s: %s", self.path, exc)
        return JournalError(message)

    def _open(self, progress: Progress | None = None, check: bool = True) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                self._create()
            empty = self.path.stat().st_size == 0
        except OSError as exc:  # a read-only mount, a folder under a file
            log.error("journal error on %s: %s", self.path, exc)
            raise JournalError(msg(C, "The journal file {path} cannot be written ({error}).",
                                   path=str(self.path), error=exc.strerror or str(exc))
                               ) from exc
        if empty:
            # SQLite would take it as a new, empty journal: the history gone without a word.
            # A journal is never empty (_create makes it whole, then moves it in place).
            raise JournalError(msg(C, "The journal file {path} is empty (0 bytes): the "
                                      "payments it held are not there. It was not changed; "
                                      "contact support before using this till.",
                                   path=str(self.path)))
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                               timeout=10.0)
        try:
            conn.row_factory = sqlite3.Row
            # Fails with "file is not a database" right here on a damaged file.
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            if check:
                found = _quick_check(conn)
                if found is not None:
                    raise sqlite3.DatabaseError(f"integrity check failed: {found}")
            migrate(conn, progress)
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _create(self) -> None:
        """A new journal, made whole under another name and then moved in place: a start
        killed half-way leaves no empty journal behind, and two starting at once do not both
        create its tables ("table sales already exists")."""
        fresh = self.path.with_name(f"{self.path.name}.{os.getpid()}.new")
        conn = sqlite3.connect(fresh, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
            migrate(conn)
        finally:
            conn.close()
        try:
            os.link(fresh, self.path)  # fails if another process put its journal there first
        except FileExistsError:
            pass
        except OSError:  # no hard links on this file system: a rename never overwrites here
            with contextlib.suppress(FileExistsError):
                if not self.path.exists():
                    fresh.rename(self.path)
        finally:
            fresh.unlink(missing_ok=True)

    def _close(self) -> None:
        assert self._conn is not None
        self._conn.close()
        self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        assert self._conn is not None, "journal is closed"
        return self._conn

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(connection)`` on the journal thread (for modules that own their SQL)."""
        return await self._run(lambda: fn(self.conn))

    async def check(self) -> str | None:
        """SQLite's quick check, on a connection of its own: None when the file is whole,
        else the first problem it found."""
        return await self.read_apart(_quick_check)

    async def read_apart(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run a long read (an export of months) on a read-only connection of its own, off
        the journal thread: payments keep being written meanwhile, which a read on the
        journal thread would hold up for seconds.  WAL gives it a consistent snapshot."""
        def do() -> T:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                   timeout=10.0)
            try:
                conn.row_factory = sqlite3.Row
                return self._guard(fn, conn)
            finally:
                conn.close()
        return await asyncio.to_thread(do)

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(connection)`` in one write transaction on the journal thread."""
        return await self._run(self._tx, fn)

    def _tx(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        self._events_in_tx = []
        try:
            result = fn(conn)
            conn.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk): a second
            # ROLLBACK would raise and hide the real reason.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        crashpoints.journaled(self._events_in_tx)  # the reliability tests' step boundaries
        return result

    def insert_event(self, conn: sqlite3.Connection, kind: EventKind, *,
                     payment_id: str | None = None, operation_id: str | None = None,
                     from_state: str | None = None, to_state: str | None = None,
                     data: Mapping[str, Any] | None = None) -> None:
        conn.execute(
            "INSERT INTO events (at, kind, payment_id, operation_id, from_state, to_state, "
            "data_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_iso(utcnow()), kind, payment_id, operation_id, from_state, to_state,
             pack(_stored(dict(data or {})))),
        )
        self._events_in_tx.append(kind)

    # -- sales --

    async def add_sale(self, sale: Sale, *, training: bool = False) -> Sale:
        def do(conn: sqlite3.Connection) -> Sale:
            number = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM sales").fetchone()[0]
            shift_id = sale.shift_id or open_shift_id(conn, training)
            stored = sale.with_identity(id=new_id(), number=number, shift_id=shift_id)
            conn.execute(
                "INSERT INTO sales (id, number, created_at, currency, total_minor, lines_json, "
                "shift_id, training, reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (stored.id, number, _iso(utcnow()), stored.currency, stored.total.minor,
                 pack(json.dumps(stored.lines_json(), ensure_ascii=False)), stored.shift_id,
                 int(training), stored.reference or None),
            )
            self.insert_event(conn, EventKind.SALE_CREATED, data={"sale_id": stored.id,
                                                           "number": number,
                                                           "total_minor": stored.total.minor})
            return stored
        return await self._run(self._tx, do)

    async def get_sale(self, sale_id: str) -> Sale | None:
        def do() -> Sale | None:
            row = self.conn.execute("SELECT * FROM sales WHERE id = ?", (sale_id,)).fetchone()
            return None if row is None else _sale_from_row(row)
        return await self._run(do)

    async def sale_by_reference(self, reference: str) -> tuple[Sale, list[Payment]] | None:
        """The sale made for the caller's order reference, with its payment attempts (oldest
        first), or None."""
        def do() -> tuple[Sale, list[Payment]] | None:
            row = self.conn.execute("SELECT * FROM sales WHERE reference = ?",
                                    (reference,)).fetchone()
            if row is None:
                return None
            return _sale_from_row(row), self._attempts(row["id"])
        return await self._run(do)

    async def attempts_for(self, sale_id: str) -> list[Payment]:
        """The sale's payment attempts, oldest first."""
        return await self._run(self._attempts, sale_id)

    def _attempts(self, sale_id: str) -> list[Payment]:
        rows = self.conn.execute("SELECT * FROM payments WHERE sale_id = ? "
                                 "ORDER BY created_at, id", (sale_id,)).fetchall()
        return [payment_from_row(r) for r in rows]

    # -- payments --

    async def add_payment(self, payment: Payment) -> Payment:
        def do(conn: sqlite3.Connection) -> Payment:
            conn.execute(
                "INSERT INTO payments (id, sale_id, provider, kind, state, amount_minor, currency,"
                " idem_key, request_json, expires_at, shift_id, training, created_at, updated_at,"
                " refund_of, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (payment.id, payment.sale_id, payment.provider, payment.kind, str(payment.state),
                 payment.amount.minor, payment.amount.currency, payment.key,
                 pack(json.dumps(stored_request(payment), ensure_ascii=False)),
                 _iso(payment.expires_at),
                 open_shift_id(conn, payment.training) or payment.shift_id,
                 int(payment.training), _iso(payment.created_at), _iso(payment.updated_at),
                 payment.request.options.get("refund_of"), payment_method(payment)),
            )
            self.insert_event(conn, EventKind.PAYMENT_CREATED, payment_id=payment.id,
                               to_state=str(payment.state),
                               data={"provider": payment.provider, "key": payment.key,
                                     "amount_minor": payment.amount.minor})
            return self._load_payment(conn, payment.id)
        return await self._run(self._tx, do)

    async def get_payment(self, payment_id: str) -> Payment | None:
        def do() -> Payment | None:
            row = self.conn.execute("SELECT * FROM payments WHERE id = ?",
                                    (payment_id,)).fetchone()
            return payment_from_row(row) if row else None
        return await self._run(do)

    async def payouts_for(self, payment_id: str) -> list[Payment]:
        """The payouts that return the payment's money (a refund where the provider has none)."""
        def do() -> list[Payment]:
            rows = self.conn.execute("SELECT * FROM payments WHERE refund_of = ? "
                                     "ORDER BY created_at", (payment_id,)).fetchall()
            return [payment_from_row(r) for r in rows]
        return await self._run(do)

    async def find_payments(self, id_or_prefix: str) -> list[Payment]:
        """Payments (newest first, at most 10) whose id, idempotency key or provider
        reference is the text; failing that, those where one of them starts with it (at least
        :data:`MIN_ID_PREFIX` characters).  Characters match as themselves: no wildcards; an
        empty text matches none."""
        text = id_or_prefix.strip()
        if not text:
            return []
        columns = ("id", "idem_key", "provider_ref")

        def matching(clauses: list[str], params: list[str]) -> list[sqlite3.Row]:
            return self.conn.execute(
                f"SELECT * FROM payments WHERE {' OR '.join(clauses)} "  # noqa: S608
                "ORDER BY created_at DESC LIMIT 10", params).fetchall()

        def keyed(column: str, clause: str) -> str:
            return _by_key(clause) if column == "idem_key" else clause

        def do() -> list[Payment]:
            rows = matching([keyed(column, f"{column} = ?") for column in columns],
                            [text] * len(columns))
            if not rows and len(text) >= MIN_ID_PREFIX:
                ranges = [_prefix(column, text) for column in columns]
                rows = matching([keyed(column, clause) for column, (clause, _) in
                                 zip(columns, ranges, strict=True)],
                                [value for _, values in ranges for value in values])
            return [payment_from_row(r) for r in rows]
        return await self._run(do)

    async def payments_in(self, states: Iterable[PaymentState]) -> list[Payment]:
        wanted = [str(s) for s in states]
        def do() -> list[Payment]:
            marks = ",".join("?" * len(wanted))
            rows = self.conn.execute(
                f"SELECT * FROM payments WHERE state IN ({marks}) ORDER BY created_at",  # noqa: S608
                wanted).fetchall()
            return [payment_from_row(r) for r in rows]
        return await self._run(do)

    async def update_payment(
        self,
        payment_id: str,
        *,
        to: PaymentState | None = None,
        event: EventKind,
        data: Mapping[str, Any] | None = None,
        correction: bool = False,
        **changes: Any,
    ) -> Payment:
        """Change a payment and log the event in one transaction.

        Raises :class:`StaleTransition` (and writes nothing) when the state machine
        does not allow ``to`` from the current state (``correction``: nor corrects it to, see
        :data:`pos_app.core.states.CORRECTIONS`).
        """
        def do(conn: sqlite3.Connection) -> Payment:
            current = self._load_payment(conn, payment_id)
            if to is not None and to != current.state and not can_move(current.state, to) \
                    and not (correction and can_correct(current.state, to)):
                raise StaleTransition(current, to)
            values = dict(changes)
            if to is not None:
                values["state"] = to
            self._write_payment(conn, payment_id, values)
            if "receipt_fields" in values or "request" in values:  # what the method reads
                conn.execute("UPDATE payments SET method = ? WHERE id = ?",
                             (payment_method(self._load_payment(conn, payment_id)), payment_id))
            self.insert_event(
                conn, event, payment_id=payment_id, from_state=str(current.state),
                to_state=str(to) if to is not None else None,
                data={**_describe(values), **(data or {})},
            )
            return self._load_payment(conn, payment_id)
        return await self._run(self._tx, do)

    def _load_payment(self, conn: sqlite3.Connection, payment_id: str) -> Payment:
        row = conn.execute("SELECT * FROM payments WHERE id = ?", (payment_id,)).fetchone()
        if row is None:
            raise KeyError(payment_id)
        return payment_from_row(row)

    @staticmethod
    def _write_payment(conn: sqlite3.Connection, payment_id: str,
                       values: Mapping[str, Any]) -> None:
        sets, params = ["updated_at = ?"], [_iso(utcnow())]
        for name, value in values.items():
            column, convert = _PAYMENT_COLUMNS[name]
            sets.append(f"{column} = ?")
            params.append(convert(value) if value is not None else None)
        params.append(payment_id)
        conn.execute(f"UPDATE payments SET {', '.join(sets)} WHERE id = ?", params)  # noqa: S608

    async def discard_draft(self, payment_id: str) -> bool:
        """Remove a payment that was never sent (DRAFT); the event log keeps a trace."""
        def do(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute("DELETE FROM payments WHERE id = ? AND state = ?",
                                  (payment_id, str(PaymentState.DRAFT)))
            if cursor.rowcount:
                self.insert_event(conn, EventKind.DRAFT_DISCARDED, payment_id=payment_id,
                                   from_state=str(PaymentState.DRAFT))
            return bool(cursor.rowcount)
        return await self._run(self._tx, do)

    # -- operations --

    async def add_operation(self, operation: Operation, *, payment_to: PaymentState | None,
                            event: EventKind, **payment_changes: Any,
                            ) -> tuple[Operation, Payment]:
        """Record an operation and move its payment in the same transaction (write-ahead)."""
        def do(conn: sqlite3.Connection) -> tuple[Operation, Payment]:
            current = self._load_payment(conn, operation.payment_id)
            if (payment_to is not None and payment_to != current.state
                    and not can_move(current.state, payment_to)):
                raise StaleTransition(current, payment_to)
            conn.execute(
                "INSERT INTO operations (id, payment_id, kind, state, idem_key, request_json, "
                "amount_minor, prev_state, shift_id, created_at, updated_at, reference) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (operation.id, operation.payment_id, str(operation.kind), str(operation.state),
                 operation.key, pack(json.dumps(dict(operation.request), ensure_ascii=False)),
                 operation.amount_minor,
                 str(operation.prev_state) if operation.prev_state else None,
                 open_shift_id(conn, current.training) or current.shift_id,
                 _iso(operation.created_at), _iso(operation.updated_at),
                 operation.reference or None),
            )
            values = dict(payment_changes)
            if payment_to is not None:
                values["state"] = payment_to
            if values:
                self._write_payment(conn, operation.payment_id, values)
            self.insert_event(conn, event, payment_id=operation.payment_id,
                               operation_id=operation.id, from_state=str(current.state),
                               to_state=str(payment_to) if payment_to else None,
                               data={"kind": str(operation.kind), "key": operation.key,
                                     "amount_minor": operation.amount_minor})
            return self._load_operation(conn, operation.id), self._load_payment(
                conn, operation.payment_id)
        return await self._run(self._tx, do)

    async def update_operation(self, operation_id: str, *, event: EventKind,
                               data: Mapping[str, Any] | None = None,
                               **changes: Any) -> Operation:
        def do(conn: sqlite3.Connection) -> Operation:
            current = self._load_operation(conn, operation_id)
            sets, params = ["updated_at = ?"], [_iso(utcnow())]
            for name, value in changes.items():
                column, convert = _OPERATION_COLUMNS[name]
                sets.append(f"{column} = ?")
                params.append(convert(value) if value is not None else None)
            params.append(operation_id)
            conn.execute(f"UPDATE operations SET {', '.join(sets)} WHERE id = ?",  # noqa: S608
                         params)
            self.insert_event(conn, event, payment_id=current.payment_id,
                               operation_id=operation_id, from_state=str(current.state),
                               to_state=str(changes["state"]) if "state" in changes else None,
                               data={**_describe(changes), **(data or {})})
            return self._load_operation(conn, operation_id)
        return await self._run(self._tx, do)

    def _load_operation(self, conn: sqlite3.Connection, operation_id: str) -> Operation:
        row = conn.execute("SELECT * FROM operations WHERE id = ?", (operation_id,)).fetchone()
        if row is None:
            raise KeyError(operation_id)
        return _operation(row)

    async def operations_for(self, payment_id: str) -> list[Operation]:
        def do() -> list[Operation]:
            rows = self.conn.execute(
                "SELECT * FROM operations WHERE payment_id = ? ORDER BY created_at",
                (payment_id,)).fetchall()
            return [_operation(r) for r in rows]
        return await self._run(do)

    async def operation_by_reference(self, reference: str) -> Operation | None:
        """The refund made for the caller's reference (``refund --reference``), or None."""
        def do() -> Operation | None:
            row = self.conn.execute("SELECT * FROM operations WHERE reference = ?",
                                    (reference,)).fetchone()
            return None if row is None else _operation(row)
        return await self._run(do)

    async def open_operations(self) -> list[Operation]:
        def do() -> list[Operation]:
            rows = self.conn.execute(
                "SELECT * FROM operations WHERE state IN (?, ?) ORDER BY created_at",
                (str(OperationState.SENT), str(OperationState.PENDING))).fetchall()
            return [_operation(r) for r in rows]
        return await self._run(do)

    # -- provider receipt files --

    async def add_receipt(self, payment_id: str, *, source: str, fmt: str, content: bytes,
                          content_type: str) -> None:
        def do(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO receipts (payment_id, source, format, content, created_at)"
                         " VALUES (?, ?, ?, ?, ?)",
                         (payment_id, source, f"{fmt}|{content_type}", content, _iso(utcnow())))
            self.insert_event(conn, EventKind.RECEIPT_STORED, payment_id=payment_id,
                               data={"format": fmt, "bytes": len(content)})
        await self._run(self._tx, do)

    async def receipt(self, payment_id: str, fmt: str) -> tuple[bytes, str] | None:
        def do() -> tuple[bytes, str] | None:
            row = self.conn.execute(
                "SELECT format, content FROM receipts WHERE payment_id = ? AND format LIKE ? "
                "ORDER BY id DESC LIMIT 1", (payment_id, f"{fmt}|%")).fetchone()
            return (bytes(row["content"]), row["format"].split("|", 1)[1]) if row else None
        return await self._run(do)

    # -- events and history --

    async def log_event(self, kind: EventKind, *, payment_id: str | None = None,
                        data: Mapping[str, Any] | None = None) -> None:
        await self._run(self._tx, lambda conn: self.insert_event(
            conn, kind, payment_id=payment_id, data=data))

    async def events_for(self, payment_id: str) -> list[Event]:
        def do() -> list[Event]:
            rows = self.conn.execute("SELECT * FROM events WHERE payment_id = ? ORDER BY seq",
                                     (payment_id,)).fetchall()
            return [_event(r) for r in rows]
        return await self._run(do)

    async def list_payments(self, flt: PaymentFilter | None = None, *, limit: int = 100,
                            before: tuple[str, str] | None = None) -> list[Payment]:
        """Newest first; ``before`` = (created_at, id) of the last row of the previous page."""
        flt = flt or PaymentFilter()
        def do() -> list[Payment]:
            sql, params = _history_sql(flt, "p.*", before=before)
            sql += " ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
            rows = self.conn.execute(sql, [*params, limit]).fetchall()
            return [payment_from_row(r) for r in rows]
        return await self._run(do)

    async def page_payments(self, flt: PaymentFilter | None, *, offset: int, limit: int,
                            total: int | None = None) -> list[Payment]:
        """Rows ``offset`` … ``offset + limit`` of the newest-first history (for a view that
        jumps anywhere, e.g. to the end).  Given the ``total`` the filter matches, a row past
        the middle is counted from the oldest end: an OFFSET is a walk of that many rows."""
        flt = flt or PaymentFilter()
        def do() -> list[Payment]:
            sql, params = _history_sql(flt, "p.*")
            if total is None or offset <= total // 2:
                sql += " ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?"
                rows = self.conn.execute(sql, [*params, limit, offset]).fetchall()
            else:
                end = min(offset + limit, total)
                sql += " ORDER BY p.created_at, p.id LIMIT ? OFFSET ?"
                rows = self.conn.execute(sql, [*params, max(end - offset, 0),
                                               total - end]).fetchall()[::-1]
            return [payment_from_row(r) for r in rows]
        return await self._run(do)

    async def count_payments(self, flt: PaymentFilter | None = None) -> int:
        flt = flt or PaymentFilter()
        def do() -> int:
            sql, params = _history_sql(flt, "COUNT(*)")
            return int(self.conn.execute(sql, params).fetchone()[0])
        return await self._run(do)


def open_shift_id(conn: sqlite3.Connection, training: bool) -> str | None:
    """The shift open now (at most one per mode): new sales, payments and refunds join it."""
    row = conn.execute("SELECT id FROM shifts WHERE closed_at IS NULL AND training = ?",
                       (int(training),)).fetchone()
    return row[0] if row else None


def _history_sql(flt: PaymentFilter, columns: str, *,
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


def _by_key(clause: str, *, table: str = "") -> str:
    """``clause`` on the idempotency key, answered by the (provider, idem_key) index."""
    return f"({table}provider IN {_KNOWN_PROVIDERS} AND {clause})"


def _prefix(column: str, text: str) -> tuple[str, list[str]]:
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
        params.append(_iso(flt.since))
    if flt.until:
        where.append(f"{created} < ?")
        params.append(_iso(flt.until))
    if flt.training is not None:
        where.append(f"{plus}p.training = ?")
        params.append(int(flt.training))
    if flt.needs_attention:  # the very expression of the payments_attention index
        where.append("(p.state = 'UNKNOWN' OR p.attention_json IS NOT NULL)")
    text = flt.text.strip()
    if text:
        clauses = []
        for column in ("p.id", "p.provider_ref", "p.idem_key"):
            clause, values = _prefix(column, text)
            clauses.append(_by_key(clause, table="p.") if column == "p.idem_key" else clause)
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


def _describe(values: Mapping[str, Any]) -> dict[str, Any]:
    """What an event records about a change (requests and receipts are not repeated there)."""
    return {k: v for k, v in values.items() if k not in ("request", "receipt_fields", "state")}
