"""Every register's journal reaches PostgreSQL exactly once (issue 19): for each journal the
central events are the local ones — the same numbers, the same content, no duplicates — and
the central rows are the local rows, whatever happens on the way."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import psycopg
import pytest

from pos_app.core.events import EventKind
from pos_app.core.journal import shipping
from pos_app.headoffice.cluster import Cluster
from pos_app.headoffice.shipper import Retry
from pos_app.sandbox.testing import SandboxTransport
from tests.headoffice.helpers import (
    Faults,
    Register,
    central_events,
    drain,
    enrol,
    head_office,
    live_register,
    local_events,
    shipper_for,
)


async def register_with_history(tmp_path: Path, sandbox: SandboxTransport) -> Register:
    register = await live_register(tmp_path / "journal.sqlite", sandbox)
    for amount in ("150.00", "99.90", "1200.00"):
        await register.pay(amount)
    for i in range(700):  # volume: several batches
        await register.journal.log_event(EventKind.RECEIPT_PRINTED, data={"copy": i})
    return register


async def assert_same(register: Register, database_url: str) -> None:
    uuid = await register.journal.read_apart(shipping.journal_uuid)
    local = await local_events(register.journal)
    central = await central_events(database_url, uuid)
    assert [seq for seq, _ in central] == sorted(local)  # each once, none missing
    assert dict(central) == local  # the same content
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        rows = await (await conn.execute(
            "SELECT data FROM register_rows WHERE journal_uuid = %s AND tbl = 'payments' "
            "ORDER BY data->>'id'", (uuid,))).fetchall()
    payments = await register.journal.list_payments(limit=1000)
    assert [(r[0]["id"], r[0]["state"], r[0]["amount_minor"]) for r in rows] == sorted(
        (p.id, p.state.value, p.amount.minor) for p in payments)


async def test_a_clean_link_ships_everything_once(tmp_path: Path, sandbox: SandboxTransport,
                                                  database: str) -> None:
    register = await register_with_history(tmp_path, sandbox)
    try:
        async with head_office(database) as office:
            shipper, _ = shipper_for(register, office, await enrol(database))
            await drain(shipper)
            await assert_same(register, database)
            assert shipper.backlog == 0
    finally:
        await register.close()


@pytest.mark.parametrize("fault", ["drop", "commit_then_drop", "duplicate", "delay", "500"])
async def test_each_fault_on_the_way_changes_nothing(tmp_path: Path, sandbox: SandboxTransport,
                                                     database: str, fault: str) -> None:
    register = await register_with_history(tmp_path, sandbox)
    try:
        async with head_office(database) as office:
            faults = Faults(plan=[None, fault, fault, None, fault])
            shipper, _ = shipper_for(register, office, await enrol(database), faults,
                                     batch_events=200)
            await drain(shipper)
            assert fault in faults.seen
            await assert_same(register, database)
    finally:
        await register.close()


async def test_random_faults_while_the_register_keeps_paying(
        tmp_path: Path, sandbox: SandboxTransport, database: str) -> None:
    register = await register_with_history(tmp_path, sandbox)
    try:
        async with head_office(database) as office:
            faults = Faults(rate=0.5, seed=11)
            shipper, _ = shipper_for(register, office, await enrol(database), faults,
                                     batch_events=100)
            for amount in ("10.00", "20.00", "30.00"):
                await drain(shipper)
                await register.pay(amount)
            await drain(shipper)
            assert {"drop", "commit_then_drop", "duplicate", "500"} <= set(faults.seen)
            await assert_same(register, database)
    finally:
        await register.close()


async def test_two_senders_of_one_journal(tmp_path: Path, sandbox: SandboxTransport,
                                          database: str) -> None:
    """Two shippers of one journal at once (a second copy of the app, a restart that did not
    stop the first): the head office takes each batch in turn, each event once."""
    register = await register_with_history(tmp_path, sandbox)
    try:
        async with head_office(database) as office:
            credential = await enrol(database)
            one, _ = shipper_for(register, office, credential, batch_events=60)
            two, _ = shipper_for(register, office, credential, batch_events=45)
            await asyncio.gather(drain(one), drain(two))
            await assert_same(register, database)
    finally:
        await register.close()


async def test_postgresql_stopped_abruptly_mid_stream(
        tmp_path: Path, sandbox: SandboxTransport, database: str, pg_cluster: Cluster) -> None:
    """The database dies (no checkpoint) between batches and comes back: the batches in
    between are refused with 503 and sent again; nothing is lost or doubled."""
    register = await register_with_history(tmp_path, sandbox)
    try:
        async with head_office(database) as office:
            shipper, _ = shipper_for(register, office, await enrol(database), batch_events=100)
            for _ in range(3):
                await shipper.ship_once()
            await asyncio.to_thread(pg_cluster.stop, immediate=True)
            try:
                for _ in range(2):
                    with pytest.raises(Retry, match="HTTP 503"):
                        await shipper.ship_once()
            finally:
                await asyncio.to_thread(pg_cluster.start)
            await drain(shipper)
            await assert_same(register, database)
    finally:
        await register.close()


@pytest.mark.parametrize("killed", ["before_sending", "after_commit"])
async def test_the_shipper_killed_at_every_step(tmp_path: Path, sandbox: SandboxTransport,
                                                database: str, killed: str) -> None:
    """The register's process dies at each step of each batch (before the request leaves, or
    after the head office committed it and before the answer came): the next start ships on
    with a new shipper, which knows nothing but what the head office says."""
    register = await register_with_history(tmp_path, sandbox)
    try:
        async with head_office(database) as office:
            credential = await enrol(database)
            for _ in range(50):
                faults = Faults(plan=[None, killed])
                shipper, _ = shipper_for(register, office, credential, faults,
                                         batch_events=150)
                with contextlib.suppress(asyncio.CancelledError):
                    await shipper.ship_once()
                if shipper.cursor is not None and await shipper.ship_once() is False:
                    break
            await assert_same(register, database)
    finally:
        await register.close()


async def test_a_batch_that_arrives_late_is_only_stale(tmp_path: Path, sandbox: SandboxTransport,
                                                       database: str) -> None:
    """A batch stuck on the way arrives after the register, having written more meanwhile,
    shipped everything again: it is older than the cursor, not a restored journal — taken
    as a resend, and the journal goes on (it was once refused as restored for good)."""
    register = await register_with_history(tmp_path, sandbox)
    try:
        async with head_office(database) as office:
            faults = Faults(plan=[None, "delay"])
            shipper, _ = shipper_for(register, office, await enrol(database), faults,
                                     batch_events=5000)
            with pytest.raises(Retry, match="no answer"):
                await shipper.ship_once()
            await register.pay("77.00")  # written while that batch is stuck
            await drain(shipper)
            assert faults.held == []  # it did arrive, after the newer one
            await register.pay("12.00")
            await drain(shipper)
            await assert_same(register, database)
    finally:
        await register.close()
