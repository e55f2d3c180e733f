"""The head office's PostgreSQL: migrations, enrolment, and the ingest transaction.

Exactly once, by ``(journal_uuid, seq)``: each batch is taken in one transaction holding the
journal's row (``FOR UPDATE``), so two senders of one journal take turns; events at or below
the cursor are compared by digest and otherwise ignored (a resend after a lost answer, or one
that arrives late, adds nothing); a gap is refused with the cursor to send from; a journal
whose file lacks the event at the cursor it was sent from (a backup restored) or whose events
changed is refused for good and reported.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any

import psycopg
from msgspec import Struct
from psycopg import sql
from psycopg.types.json import Jsonb

from pos_app.headoffice.wire import Answer, Batch

log = logging.getLogger(__name__)

MIGRATION_LOCK = 4_194_019  # pg_advisory_xact_lock key: one migrating server at a time
EARLIEST_PLAUSIBLE = date(2020, 1, 1)  # an event dated before it: the register's clock is wrong
EVENT_DAYS_AHEAD = 7  # daily event partitions made ahead of today (and as many behind)
ROW_MONTHS_AHEAD = 2


class Refused(Exception):
    """The batch is not taken: ``status`` is the HTTP status, ``reason`` says why."""

    def __init__(self, status: int, reason: str, cursor: int | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.cursor = cursor


class Terminal(Struct, frozen=True):
    store_id: str
    terminal_id: str


# -- schema ---------------------------------------------------------------------------------


def migrations() -> list[tuple[int, str]]:
    """The numbered SQL files of ``schema/``, in order: ``(number, sql)``."""
    found = []
    for entry in resources.files("pos_app.headoffice.schema").iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(conn: psycopg.AsyncConnection[Any]) -> int:
    """Apply the migrations not applied yet, each in its own transaction; returns the
    version.  Several servers starting at once take turns (an advisory lock)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                           "version int PRIMARY KEY, applied_at timestamptz NOT NULL "
                           "DEFAULT now())")
        done = {row[0] for row in await (await conn.execute(
            "SELECT version FROM schema_migrations")).fetchall()}
        for number, script in migrations():
            if number not in done:
                await conn.execute(script.encode())  # our own files: no parameters
                await conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)",
                                   (number,))
                log.info("head office schema: migration %03d applied", number)
    await keep_partitions(conn, datetime.now(UTC).date())
    return max(number for number, _ in migrations())


async def keep_partitions(conn: psycopg.AsyncConnection[Any], today: date) -> None:
    """The partitions around ``today`` exist (the service calls this at its start and every
    few hours: an event on a day without its partition would land in the default one and be
    taken for a register's wrong clock).  Servers take turns (the same advisory lock)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        await ensure_partitions(conn, today)


async def ensure_partitions(conn: psycopg.AsyncConnection[Any], today: date) -> None:
    """Daily partitions of the events around ``today``, monthly ones of the rows."""
    for offset in range(-EVENT_DAYS_AHEAD, EVENT_DAYS_AHEAD + 1):
        day = today + timedelta(days=offset)
        await _partition(conn, "events", f"events_{day:%Y%m%d}", day, day + timedelta(days=1))
    month = today.replace(day=1)
    for _ in range(-1, ROW_MONTHS_AHEAD + 1):
        following = (month + timedelta(days=32)).replace(day=1)
        await _partition(conn, "register_rows", f"register_rows_{month:%Y%m}", month, following)
        month = following
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # and the one before
    await _partition(conn, "register_rows", f"register_rows_{month:%Y%m}", month,
                     today.replace(day=1))


async def partitions_for(conn: psycopg.AsyncConnection[Any], batch: Batch,
                         today: date) -> None:
    """The partitions for the days of ``batch``'s events and the months of its rows: a
    register offline for weeks sends old days, and a refund today touches a payment of
    months ago.  Only plausible dates (from EARLIEST_PLAUSIBLE to tomorrow): the others land
    in the default partition, where ``wrong_clock_journals`` finds them (a clock in 2001)."""
    latest = today + timedelta(days=1)
    days = {d for d in (_day(e.at) for e in batch.events)
            if d is not None and EARLIEST_PLAUSIBLE <= d <= latest}
    months = {d.replace(day=1) for d in days} | {
        d.replace(day=1) for d in (_day(r.created_at) for r in batch.rows)
        if d is not None and EARLIEST_PLAUSIBLE <= d <= latest}
    wanted = [("events", f"events_{d:%Y%m%d}", d, d + timedelta(days=1)) for d in days] + [
        ("register_rows", f"register_rows_{m:%Y%m}", m, (m + timedelta(days=32)).replace(day=1))
        for m in months]
    missing = [w for w in wanted if not await _exists(conn, w[1])]
    if not missing:
        return
    async with conn.transaction():  # its own, short: the parent is locked while it is made
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        for parent, name, start, end in missing:
            await _partition(conn, parent, name, start, end)


def _day(at: str) -> date | None:
    try:
        return datetime.fromisoformat(at).astimezone(UTC).date()
    except (ValueError, OverflowError):
        return None


async def _exists(conn: psycopg.AsyncConnection[Any], name: str) -> bool:
    row = await (await conn.execute("SELECT to_regclass(%s)", (name,))).fetchone()
    return bool(row and row[0] is not None)


async def _partition(conn: psycopg.AsyncConnection[Any], parent: str, name: str,
                     start: date, end: date) -> None:
    if await _exists(conn, name):
        return
    await conn.execute(sql.SQL(
        "CREATE TABLE {} PARTITION OF {} FOR VALUES FROM ({}) TO ({})").format(
        sql.Identifier(name), sql.Identifier(parent),
        sql.Literal(f"{start.isoformat()} 00:00:00+00"),
        sql.Literal(f"{end.isoformat()} 00:00:00+00")))


# -- terminals ------------------------------------------------------------------------------


def secret_digest(secret: str) -> str:
    """What is kept of a credential or a session token: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def enrol(conn: psycopg.AsyncConnection[Any], store_id: str, terminal_id: str) -> str:
    """A new credential for the terminal (shown once; only its hash is kept).  Enrolling
    again replaces the old credential, which stops working at once."""
    credential = "pos1." + secrets.token_urlsafe(32)
    await conn.execute(
        "INSERT INTO terminals (store_id, terminal_id, credential_sha256) VALUES (%s, %s, %s) "
        "ON CONFLICT (store_id, terminal_id) DO UPDATE SET credential_sha256 = "
        "excluded.credential_sha256, enrolled_at = now(), revoked_at = NULL",
        (store_id, terminal_id, secret_digest(credential)))
    await conn.commit()
    return credential


async def revoke(conn: psycopg.AsyncConnection[Any], store_id: str, terminal_id: str) -> bool:
    cur = await conn.execute("UPDATE terminals SET revoked_at = now() WHERE store_id = %s AND "
                             "terminal_id = %s AND revoked_at IS NULL", (store_id, terminal_id))
    await conn.commit()
    return cur.rowcount == 1


async def authenticate(conn: psycopg.AsyncConnection[Any], credential: str) -> Terminal:
    """The terminal a credential belongs to.  Raises Refused(401) for an unknown, forged or
    revoked one (the same answer for each: nothing to learn from it)."""
    row = await (await conn.execute(
        "SELECT store_id, terminal_id FROM terminals WHERE credential_sha256 = %s "
        "AND revoked_at IS NULL", (secret_digest(credential),))).fetchone()
    await conn.rollback()
    if row is None:
        raise Refused(401, "unknown or revoked terminal credential")
    return Terminal(store_id=row[0], terminal_id=row[1])


# -- ingest ---------------------------------------------------------------------------------


async def cursor_of(conn: psycopg.AsyncConnection[Any], terminal: Terminal,
                    journal_uuid: str) -> Answer:
    """Where the register sends from (a journal never seen: 0)."""
    row = await (await conn.execute(
        "SELECT store_id, terminal_id, cursor, refused FROM journals WHERE journal_uuid = %s",
        (journal_uuid,))).fetchone()
    await conn.rollback()
    if row is None:
        return Answer(cursor=0)
    _check_owner(terminal, row[0], row[1])
    return Answer(cursor=row[2], refused=row[3])


def _check_owner(terminal: Terminal, store_id: str, terminal_id: str) -> None:
    if (store_id, terminal_id) != (terminal.store_id, terminal.terminal_id):
        raise Refused(403, "this journal belongs to another terminal")


async def ingest(conn: psycopg.AsyncConnection[Any], terminal: Terminal, journal_uuid: str,
                 batch: Batch, *, now: datetime | None = None) -> Answer:
    """Take one batch in one transaction.  Raises Refused(403) for another terminal's
    journal or a batch that names another terminal, Refused(409, cursor=…) for a gap."""
    if (batch.store_id, batch.terminal_id) != (terminal.store_id, terminal.terminal_id):
        raise Refused(403, "the batch names another terminal than its credential")
    received = now or datetime.now(UTC)
    await partitions_for(conn, batch, received.date())
    async with conn.transaction():
        journal = await _journal_for_update(conn, terminal, journal_uuid)
        cursor, refused = journal
        if refused:
            return Answer(cursor=cursor, refused=refused)
        if batch.from_cursor > cursor:
            raise Refused(409, "the batch starts after the cursor", cursor=cursor)
        kept = {e.seq for e in batch.events if e.seq <= cursor}
        if kept and not await _same_as_kept(conn, terminal, journal_uuid, batch, kept):
            return await _refuse(conn, terminal, journal_uuid, cursor, "diverged")
        if batch.from_cursor == cursor > 0 and cursor not in kept:
            # Made from this very cursor, yet without its event: the file does not have it
            # any more (restored from a backup).  A batch from an older cursor that arrives
            # late (a delayed resend) is not this: it is only stale, and its events match.
            return await _refuse(conn, terminal, journal_uuid, cursor, "restored")
        new = [e for e in batch.events if e.seq > cursor]
        if new and [e.seq for e in new] != list(range(cursor + 1, cursor + 1 + len(new))):
            raise Refused(409, "the events do not follow the cursor", cursor=cursor)
        await _insert_events(conn, terminal, journal_uuid, new)
        await _upsert_rows(conn, terminal, journal_uuid, batch)
        cursor += len(new)
        offset = (datetime.fromisoformat(batch.sent_at) - received).total_seconds()
        await conn.execute(
            "UPDATE journals SET cursor = %s, register_last_seq = greatest(register_last_seq, "
            "%s), last_seen = %s, clock_offset_s = %s WHERE store_id = %s AND journal_uuid = %s",
            (cursor, batch.last_seq, received, offset, terminal.store_id, journal_uuid))
    return Answer(cursor=cursor)


async def _journal_for_update(conn: psycopg.AsyncConnection[Any], terminal: Terminal,
                              journal_uuid: str) -> tuple[int, str | None]:
    # A journal never seen is made here; two first batches at once: one makes it, both lock.
    await conn.execute(
        "INSERT INTO journals (store_id, journal_uuid, terminal_id) VALUES (%s, %s, %s) "
        "ON CONFLICT DO NOTHING", (terminal.store_id, journal_uuid, terminal.terminal_id))
    row = await (await conn.execute(
        "SELECT store_id, terminal_id, cursor, refused FROM journals WHERE journal_uuid = %s "
        "FOR UPDATE", (journal_uuid,))).fetchone()
    assert row is not None
    _check_owner(terminal, row[0], row[1])
    return row[2], row[3]


async def _refuse(conn: psycopg.AsyncConnection[Any], terminal: Terminal, journal_uuid: str,
                  cursor: int, reason: str) -> Answer:
    log.error("journal %s of %s/%s refused: %s", journal_uuid, terminal.store_id,
              terminal.terminal_id, reason)
    await conn.execute("UPDATE journals SET refused = %s, refused_at = now() "
                       "WHERE store_id = %s AND journal_uuid = %s",
                       (reason, terminal.store_id, journal_uuid))
    return Answer(cursor=cursor, refused=reason)


async def _same_as_kept(conn: psycopg.AsyncConnection[Any], terminal: Terminal,
                        journal_uuid: str, batch: Batch, seqs: set[int]) -> bool:
    rows = await (await conn.execute(
        "SELECT seq, digest FROM events WHERE store_id = %s AND journal_uuid = %s "
        "AND seq = ANY(%s)", (terminal.store_id, journal_uuid, sorted(seqs)))).fetchall()
    kept = dict(rows)
    return all(kept.get(e.seq) == e.digest() for e in batch.events if e.seq in seqs)


async def _insert_events(conn: psycopg.AsyncConnection[Any], terminal: Terminal,
                         journal_uuid: str, events: Sequence[Any]) -> None:
    if not events:
        return
    async with conn.cursor().copy(
            "COPY events (store_id, journal_uuid, seq, at, kind, payment_id, operation_id, "
            "from_state, to_state, data, digest) FROM STDIN") as copy:
        for e in events:
            await copy.write_row((terminal.store_id, journal_uuid, e.seq, e.at, e.kind,
                                  e.payment_id, e.operation_id, e.from_state, e.to_state,
                                  Jsonb(e.data), e.digest()))


async def _upsert_rows(conn: psycopg.AsyncConnection[Any], terminal: Terminal,
                       journal_uuid: str, batch: Batch) -> None:
    if not batch.rows:
        return
    async with conn.cursor() as cur:
        await cur.executemany(
            "INSERT INTO register_rows (store_id, journal_uuid, tbl, id, created_at, as_of, "
            "data) VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (store_id, journal_uuid, tbl, id, created_at) DO UPDATE "
            "SET as_of = excluded.as_of, data = excluded.data "
            "WHERE register_rows.as_of <= excluded.as_of",
            [(terminal.store_id, journal_uuid, row.table, row.id, row.created_at,
              batch.rows_as_of, Jsonb(row.data)) for row in batch.rows])


async def paid_payments(conn: psycopg.AsyncConnection[Any]) -> int:
    """How many paid payments the registers have sent (the demonstration's progress)."""
    row = await (await conn.execute("SELECT count(*) FROM register_rows WHERE tbl = "
                                    "'payments' AND data->>'state' = 'PAID'")).fetchone()
    await conn.rollback()
    return int(row[0]) if row else 0


# -- releases (down) ------------------------------------------------------------------------

async def publish(conn: psycopg.AsyncConnection[Any], kind: str, content: str, *,
                  store_id: str | None, terminal_id: str | None, by: str) -> int:
    """A new release (checked by the caller as a register checks a file); its version."""
    async with conn.transaction():
        # One publisher at a time per kind: versions count up without a gap.
        await conn.execute("LOCK TABLE releases IN SHARE ROW EXCLUSIVE MODE")
        row = await (await conn.execute(
            "SELECT coalesce(max(version), 0) + 1 FROM releases WHERE kind = %s",
            (kind,))).fetchone()
        version = int(row[0]) if row else 1
        await conn.execute(
            "INSERT INTO releases (kind, version, store_id, terminal_id, content, published_by) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (kind, version, store_id, terminal_id, content, by))
    return version


async def release_for(conn: psycopg.AsyncConnection[Any], terminal: Terminal,
                      kind: str) -> tuple[int, str] | None:
    """The newest release of ``kind`` for the terminal (the chain's, its store's or its own)."""
    row = await (await conn.execute(
        "SELECT version, content FROM releases WHERE kind = %s "
        "AND (store_id IS NULL OR store_id = %s) AND (terminal_id IS NULL OR terminal_id = %s) "
        "ORDER BY version DESC LIMIT 1",
        (kind, terminal.store_id, terminal.terminal_id))).fetchone()
    await conn.rollback()
    return (int(row[0]), str(row[1])) if row else None
