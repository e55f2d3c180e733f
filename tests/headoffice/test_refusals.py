"""Who may talk to the head office, and what it refuses for good (issue 19): unknown, forged
and revoked credentials, another terminal's journal, a journal restored from an old backup or
gone another way; a register whose clock is in 2001 is taken, and flagged."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec
import psycopg
import pytest

from pos_app.core.events import EventKind
from pos_app.core.journal import Journal, shipping
from pos_app.headoffice import database as db
from pos_app.headoffice.shipper import Shipper, Stopped
from pos_app.headoffice.wire import Batch, Event
from pos_app.sandbox.testing import SandboxTransport
from tests.headoffice.helpers import (
    Register,
    central_events,
    drain,
    enrol,
    head_office,
    live_register,
    local_events,
    shipper_for,
)


async def events(register: Register, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        await register.journal.log_event(EventKind.RECEIPT_PRINTED, data={"copy": i})


async def fetch(database: str, query: str, *params: object) -> list[tuple[object, ...]]:
    async with await psycopg.AsyncConnection.connect(database) as conn:
        return list(await (await conn.execute(query, params)).fetchall())


@pytest.mark.parametrize("credential", ["pos1.never-enrolled", "", "pos1." + "A" * 43])
async def test_an_unknown_or_forged_credential_is_refused(
        tmp_path: Path, sandbox: SandboxTransport, database: str, credential: str) -> None:
    register = await live_register(tmp_path / "journal.sqlite", sandbox)
    try:
        await events(register, 3)
        async with head_office(database) as office:
            await enrol(database)  # the terminal exists; this is not its credential
            shipper, _ = shipper_for(register, office, credential)
            with pytest.raises(Stopped, match="HTTP 401"):
                await shipper.ship_once()
        assert await fetch(database, "SELECT count(*) FROM events") == [(0,)]
    finally:
        await register.close()


async def test_a_revoked_terminal_is_refused_from_the_next_batch(
        tmp_path: Path, sandbox: SandboxTransport, database: str) -> None:
    register = await live_register(tmp_path / "journal.sqlite", sandbox)
    try:
        await events(register, 3)
        async with head_office(database) as office:
            shipper, _ = shipper_for(register, office, await enrol(database))
            await drain(shipper)
            async with await psycopg.AsyncConnection.connect(database) as conn:
                assert await db.revoke(conn, "S-1", "T-1")
            await events(register, 2, start=3)
            with pytest.raises(Stopped, match="HTTP 401"):
                await shipper.ship_once()
    finally:
        await register.close()


async def test_another_terminals_journal_is_refused(
        tmp_path: Path, sandbox: SandboxTransport, database: str) -> None:
    register = await live_register(tmp_path / "journal.sqlite", sandbox)
    try:
        await events(register, 3)
        async with head_office(database) as office:
            first, _ = shipper_for(register, office, await enrol(database))
            await drain(first)
            # Terminal T-2, enrolled properly, sends T-1's journal (a copied file).
            other = Register(register.journal, register.service, "S-1", "T-2")
            thief, _ = shipper_for(other, office, await enrol(database, "S-1", "T-2"))
            with pytest.raises(Stopped, match="HTTP 403"):
                await thief.ship_once()
            # And a credential of T-2 with a batch that says T-1.
            liar = Shipper(register.journal, thief.client, store_id="S-1", terminal_id="T-1")
            with pytest.raises(Stopped, match="HTTP 403"):
                await liar.ship_once()
        uuid = await register.journal.read_apart(shipping.journal_uuid)
        assert await fetch(database, "SELECT terminal_id FROM journals WHERE "
                                     "journal_uuid = %s", uuid) == [("T-1",)]
    finally:
        await register.close()


async def restore(register: Register, backup: Path) -> Register:
    """The register's journal file replaced by an older copy, as after a disk failure."""
    path = register.journal.path
    await register.journal.close()

    def put_back() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copy(backup, path)

    await asyncio.to_thread(put_back)
    register.journal = await Journal.open(path)
    return register


async def backup_of(register: Register, to: Path) -> Path:
    await register.journal.read_apart(lambda conn: conn.execute(f"VACUUM INTO '{to}'"))
    return to


@pytest.mark.parametrize(("written_after", "refused"), [(0, "restored"), (80, "diverged")])
async def test_a_journal_restored_from_an_old_backup_is_stopped_and_reported(
        tmp_path: Path, sandbox: SandboxTransport, database: str, written_after: int,
        refused: str) -> None:
    """Restored as it was at event 40 after 70 were received: behind the cursor (nothing
    new) or, once the register wrote on, gone another way — either way never merged."""
    register = await live_register(tmp_path / "journal.sqlite", sandbox)
    try:
        await events(register, 40)
        backup = await backup_of(register, tmp_path / "backup.sqlite")
        await events(register, 30, start=40)
        async with head_office(database) as office:
            shipper, _ = shipper_for(register, office, await enrol(database))
            await drain(shipper)
            received = await central_events(database, await register.journal.read_apart(
                shipping.journal_uuid))
            await restore(register, backup)
            await events(register, written_after, start=1000)
            shipper, _ = shipper_for(register, office, await enrol(database))
            with pytest.raises(Stopped, match=refused):
                await drain(shipper)
            uuid = await register.journal.read_apart(shipping.journal_uuid)
            assert await central_events(database, uuid) == received  # nothing merged
            assert await fetch(database, "SELECT refused FROM register_freshness "
                                         "WHERE journal_uuid = %s", uuid) == [(refused,)]
    finally:
        await register.close()


async def test_a_register_with_its_clock_in_2001_is_taken_and_flagged(
        tmp_path: Path, sandbox: SandboxTransport, database: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    register = await live_register(tmp_path / "journal.sqlite", sandbox)
    try:
        await events(register, 3)
        monkeypatch.setattr("pos_app.core.journal.store.utcnow",
                            lambda: datetime(2001, 3, 4, 12, 0, tzinfo=UTC))
        await events(register, 4, start=3)
        async with head_office(database) as office:
            await drain(shipper_for(register, office, await enrol(database))[0])
        uuid = await register.journal.read_apart(shipping.journal_uuid)
        assert len(await central_events(database, uuid)) == len(
            await local_events(register.journal))
        assert await fetch(database, "SELECT events, earliest::date::text FROM "
                                     "wrong_clock_journals WHERE journal_uuid = %s",
                           uuid) == [(4, "2001-03-04")]
    finally:
        await register.close()


async def test_a_register_offline_for_weeks_is_not_taken_for_a_wrong_clock(
        tmp_path: Path, sandbox: SandboxTransport, database: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Partitions are made a week around today; a register back after 40 days sends days
    older than that: they get partitions of their own, and the register is not flagged."""
    register = await live_register(tmp_path / "journal.sqlite", sandbox)
    weeks_ago = datetime.now(UTC) - timedelta(days=40)
    try:
        monkeypatch.setattr("pos_app.core.journal.store.utcnow", lambda: weeks_ago)
        await events(register, 4)
        monkeypatch.undo()
        await events(register, 2, start=4)
        async with head_office(database) as office:
            await drain(shipper_for(register, office, await enrol(database))[0])
        uuid = await register.journal.read_apart(shipping.journal_uuid)
        assert await fetch(database, "SELECT count(*) FROM wrong_clock_journals") == [(0,)]
        assert await fetch(database, "SELECT tableoid::regclass::text, count(*) FROM events "
                                     "WHERE journal_uuid = %s GROUP BY 1 ORDER BY 1", uuid) == [
            (f"events_{weeks_ago:%Y%m%d}", 4), (f"events_{datetime.now(UTC):%Y%m%d}", 2)]
    finally:
        await register.close()


@pytest.mark.parametrize("bad", [{"at": "2026-13-45T99:00"}, {"sent_at": "not a time"}])
async def test_a_batch_with_a_value_the_database_refuses_is_a_400(
        database: str, bad: dict[str, str]) -> None:
    """Read as JSON, yet with a time PostgreSQL cannot take: 400 (the shipper stops and says
    so), not a 500 it would send again forever; nothing is kept."""

    event: dict[str, Any] = {
        "seq": 1, "at": "2026-11-30T10:00:00+00:00", "kind": "status", "payment_id": None,
        "operation_id": None, "from_state": None, "to_state": None, "data": {}}
    event.update({k: v for k, v in bad.items() if k == "at"})
    batch = Batch(store_id="S-1", terminal_id="T-1", last_seq=1, from_cursor=0,
                  events=[Event(**event)], rows=[], rows_as_of=1,
                  sent_at=bad.get("sent_at", "2026-11-30T10:00:00+00:00"))
    async with head_office(database) as office:
        credential = await enrol(database)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=office.app()),
                                     base_url="http://office") as client:
            answer = await client.post(
                "/v1/journals/7f0c1c5e-2a4b-4c1d-9e8f-0a1b2c3d4e5f/batches",
                content=msgspec.json.encode(batch),
                headers={"authorization": f"Bearer {credential}"})
    assert answer.status_code == 400
    assert "unreadable batch" in answer.json()["error"]
    assert await fetch(database, "SELECT count(*) FROM events") == [(0,)]


async def test_the_coming_days_get_their_partitions(database: str) -> None:
    """Partitions were made for a week around the service's start only: a service running
    longer put every event in the default partition, flagged as a wrong clock."""
    async with head_office(database):
        pass
    later = datetime.now(UTC).date() + timedelta(days=40)
    async with await psycopg.AsyncConnection.connect(database) as conn:
        await db.keep_partitions(conn, later)
        names = {r[0] for r in await (await conn.execute(
            "SELECT relname FROM pg_class WHERE relname LIKE 'events_2%' "
            "OR relname LIKE 'register_rows_2%'")).fetchall()}
    assert f"events_{later:%Y%m%d}" in names
    assert f"events_{later + timedelta(days=7):%Y%m%d}" in names
    assert f"register_rows_{later.replace(day=1):%Y%m}" in names
