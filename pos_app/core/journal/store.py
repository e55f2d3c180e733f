"""The journal's file: one SQLite database, durable before the next network call.

SQLite in WAL mode with ``synchronous=FULL``: a transaction that returned is on
disk.  All SQLite work runs on one dedicated thread, so neither the GUI thread
nor the event loop ever waits on a disk flush.  The schema is versioned with
``PRAGMA user_version`` and migrated forward on open (:mod:`.schema`).  The event log
is append-only: triggers refuse updates and deletes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar, Unpack

from pos_app import crashpoints
from pos_app.core.events import EventKind
from pos_app.core.journal.rows import (
    MIN_ID_PREFIX,
    OPERATION_COLUMNS,
    PAYMENT_COLUMNS,
    PAYMENT_ROW,
    JournalError,
    StaleTransition,
    event_from_row,
    iso,
    new_id,
    operation_from_row,
    payment_from_row,
    payment_method,
    payment_row,
    sale_from_row,
    stored,
    stored_request,
)
from pos_app.core.journal.schema import Progress, migrate, quick_check
from pos_app.core.journal.shifts import open_shift_id
from pos_app.core.journal.where import PaymentFilter, by_key, history_sql, prefix_clause
from pos_app.core.packed import pack, unpack
from pos_app.core.payments.model import (
    Event,
    Operation,
    OperationChanges,
    Payment,
    PaymentChanges,
    utcnow,
)
from pos_app.core.sale import Sale
from pos_app.core.states import (
    OperationState,
    PaymentState,
    can_correct,
    can_move,
)
from pos_app.i18n import msg

log = logging.getLogger(__name__)
T = TypeVar("T")
C = "Journal"
_HISTORY_ROW = payment_row("p")  # history_sql's name for the payments table


def _sale_lines(conn: sqlite3.Connection, sale_id: str) -> list[dict[str, Any]] | None:
    """The sale's lines as journaled (a payment's items are kept once when they are these)."""
    row = conn.execute("SELECT lines_json FROM sales WHERE id = ?", (sale_id,)).fetchone()
    return json.loads(unpack(row[0])) if row else None


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
                found = quick_check(conn)
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
        return await self.read_apart(quick_check)

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
            (iso(utcnow()), kind, payment_id, operation_id, from_state, to_state,
             pack(stored(dict(data or {})))),
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
                "shift_id, training, reference, replaces) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (stored.id, number, iso(utcnow()), stored.currency, stored.total.minor,
                 pack(json.dumps(stored.lines_json(), ensure_ascii=False)), stored.shift_id,
                 int(training), stored.reference or None, stored.replaces or None),
            )
            self.insert_event(conn, EventKind.SALE_CREATED, data={
                "sale_id": stored.id, "number": number, "total_minor": stored.total.minor,
                **({"replaces": stored.replaces} if stored.replaces else {})})
            return stored
        return await self._run(self._tx, do)

    async def get_sale(self, sale_id: str) -> Sale | None:
        def do() -> Sale | None:
            row = self.conn.execute("SELECT * FROM sales WHERE id = ?", (sale_id,)).fetchone()
            return None if row is None else sale_from_row(row)
        return await self._run(do)

    async def sale_by_reference(self, reference: str) -> tuple[Sale, list[Payment]] | None:
        """The sale made for the caller's order reference, with its payment attempts (oldest
        first), or None."""
        def do() -> tuple[Sale, list[Payment]] | None:
            row = self.conn.execute("SELECT * FROM sales WHERE reference = ?",
                                    (reference,)).fetchone()
            if row is None:
                return None
            return sale_from_row(row), self._attempts(row["id"])
        return await self._run(do)

    async def same_basket(self, sale_id: str) -> list[str]:
        """The sales of one customer's basket as it changed: ``sale_id``, the sales it
        replaced and those that replaced it (:attr:`Sale.replaces`), oldest first."""
        def do() -> list[str]:
            return [row[0] for row in self.conn.execute(
                """WITH RECURSIVE
                     before(id) AS (SELECT ? UNION SELECT s.replaces FROM sales s
                                    JOIN before b ON s.id = b.id WHERE s.replaces IS NOT NULL),
                     after(id) AS (SELECT ? UNION SELECT s.id FROM sales s
                                   JOIN after a ON s.replaces = a.id)
                   SELECT id FROM sales WHERE id IN (SELECT id FROM before UNION
                                                     SELECT id FROM after) ORDER BY number""",
                (sale_id, sale_id))]
        return await self._run(do)

    async def attempts_for(self, sale_id: str) -> list[Payment]:
        """The sale's payment attempts, oldest first."""
        return await self._run(self._attempts, sale_id)

    def _attempts(self, sale_id: str) -> list[Payment]:
        rows = self.conn.execute(f"SELECT {PAYMENT_ROW} FROM payments "  # noqa: S608
                                 "WHERE sale_id = ? ORDER BY created_at, id",
                                 (sale_id,)).fetchall()
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
                 pack(json.dumps(stored_request(payment, _sale_lines(conn, payment.sale_id)),
                                 ensure_ascii=False)),
                 iso(payment.expires_at),
                 open_shift_id(conn, payment.training) or payment.shift_id,
                 int(payment.training), iso(payment.created_at), iso(payment.updated_at),
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
            row = self.conn.execute(f"SELECT {PAYMENT_ROW} FROM payments "  # noqa: S608
                                    "WHERE id = ?", (payment_id,)).fetchone()
            return payment_from_row(row) if row else None
        return await self._run(do)

    async def payouts_for(self, payment_id: str) -> list[Payment]:
        """The payouts that return the payment's money (a refund where the provider has none)."""
        def do() -> list[Payment]:
            rows = self.conn.execute(f"SELECT {PAYMENT_ROW} FROM payments "  # noqa: S608
                                     "WHERE refund_of = ? ORDER BY created_at",
                                     (payment_id,)).fetchall()
            return [payment_from_row(r) for r in rows]
        return await self._run(do)

    async def shift_payments(self, shift_id: str, *, training: bool) -> list[Payment]:
        """Every payment of the shift that was sent (no drafts), oldest first."""
        def do() -> list[Payment]:
            rows = self.conn.execute(
                f"SELECT {PAYMENT_ROW} FROM payments "  # noqa: S608
                "WHERE shift_id = ? AND training = ? AND state != ? ORDER BY created_at",
                (shift_id, int(training), str(PaymentState.DRAFT)))
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
                f"SELECT {PAYMENT_ROW} FROM payments WHERE {' OR '.join(clauses)} "  # noqa: S608
                "ORDER BY created_at DESC LIMIT 10", params).fetchall()

        def keyed(column: str, clause: str) -> str:
            return by_key(clause) if column == "idem_key" else clause

        def do() -> list[Payment]:
            rows = matching([keyed(column, f"{column} = ?") for column in columns],
                            [text] * len(columns))
            if not rows and len(text) >= MIN_ID_PREFIX:
                ranges = [prefix_clause(column, text) for column in columns]
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
                f"SELECT {PAYMENT_ROW} FROM payments WHERE state IN ({marks}) "  # noqa: S608
                "ORDER BY created_at",
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
        **changes: Unpack[PaymentChanges],
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
        row = conn.execute(f"SELECT {PAYMENT_ROW} FROM payments WHERE id = ?",  # noqa: S608
                           (payment_id,)).fetchone()
        if row is None:
            raise KeyError(payment_id)
        return payment_from_row(row)

    @staticmethod
    def _write_payment(conn: sqlite3.Connection, payment_id: str,
                       values: Mapping[str, Any]) -> None:
        sets, params = ["updated_at = ?"], [iso(utcnow())]
        for name, value in values.items():
            column, convert = PAYMENT_COLUMNS[name]
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
                            event: EventKind, **payment_changes: Unpack[PaymentChanges],
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
                 iso(operation.created_at), iso(operation.updated_at),
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
                               **changes: Unpack[OperationChanges]) -> Operation:
        def do(conn: sqlite3.Connection) -> Operation:
            current = self._load_operation(conn, operation_id)
            sets, params = ["updated_at = ?"], [iso(utcnow())]
            for name, value in changes.items():
                column, convert = OPERATION_COLUMNS[name]
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
        return operation_from_row(row)

    async def operations_for(self, payment_id: str) -> list[Operation]:
        def do() -> list[Operation]:
            rows = self.conn.execute(
                "SELECT * FROM operations WHERE payment_id = ? ORDER BY created_at",
                (payment_id,)).fetchall()
            return [operation_from_row(r) for r in rows]
        return await self._run(do)

    async def operation_by_reference(self, reference: str) -> Operation | None:
        """The refund made for the caller's reference (``refund --reference``), or None."""
        def do() -> Operation | None:
            row = self.conn.execute("SELECT * FROM operations WHERE reference = ?",
                                    (reference,)).fetchone()
            return None if row is None else operation_from_row(row)
        return await self._run(do)

    async def open_operations(self) -> list[Operation]:
        def do() -> list[Operation]:
            rows = self.conn.execute(
                "SELECT * FROM operations WHERE state IN (?, ?) ORDER BY created_at",
                (str(OperationState.SENT), str(OperationState.PENDING))).fetchall()
            return [operation_from_row(r) for r in rows]
        return await self._run(do)

    # -- provider receipt files --

    async def add_receipt(self, payment_id: str, *, source: str, fmt: str, content: bytes,
                          content_type: str) -> None:
        def do(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO receipts (payment_id, source, format, content, created_at)"
                         " VALUES (?, ?, ?, ?, ?)",
                         (payment_id, source, f"{fmt}|{content_type}", content, iso(utcnow())))
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
            return [event_from_row(r) for r in rows]
        return await self._run(do)

    async def list_payments(self, flt: PaymentFilter | None = None, *, limit: int = 100,
                            before: tuple[str, str] | None = None) -> list[Payment]:
        """Newest first; ``before`` = (created_at, id) of the last row of the previous page."""
        flt = flt or PaymentFilter()
        def do() -> list[Payment]:
            sql, params = history_sql(flt, _HISTORY_ROW, before=before)
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
            sql, params = history_sql(flt, _HISTORY_ROW)
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
            sql, params = history_sql(flt, "COUNT(*)")
            return int(self.conn.execute(sql, params).fetchone()[0])
        return await self._run(do)



def _describe(values: Mapping[str, Any]) -> dict[str, Any]:
    """What an event records about a change (requests and receipts are not repeated there)."""
    return {k: v for k, v in values.items() if k not in ("request", "receipt_fields", "state")}
