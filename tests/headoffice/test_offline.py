"""A store's registers work while the head office is unreachable, and converge when it is back
(issue 19): two registers pay, refund, reconcile and close their Z reports with the link
down; back up, each backlog reaches 0 and the store's day at the head office equals the sum
of its registers' Z reports — computed from the rows and as printed."""

from __future__ import annotations

import contextlib
from pathlib import Path

import psycopg

from pos_app.core.backoffice import Backoffice
from pos_app.core.journal import shipping
from pos_app.core.money import Money
from pos_app.headoffice.shipper import Retry, Shipper
from pos_app.sandbox.testing import SandboxTransport
from tests.headoffice.helpers import (
    Faults,
    Register,
    central_events,
    enrol,
    head_office,
    live_register,
    local_events,
    shipper_for,
)


async def a_day_at_the_till(register: Register, amounts: tuple[str, ...]) -> int:
    """Open a shift, take the payments, refund half of the first, reconcile, close the Z;
    returns the Z report's net takings (minor units)."""
    office = Backoffice(register.service)
    await office.open_shift("Anna")
    for amount in amounts:
        await register.pay(amount)
    [first, *_] = await register.journal.list_payments(limit=100)
    await register.service.refund(first.id, amount=Money(first.amount.minor // 2))
    await register.service.wait(first.id, until=lambda p: p.refunded_minor > 0)
    await office.reconcile()
    report = await office.close_shift(actor="Anna")
    [total] = report.totals()
    return total.net_minor


async def test_the_link_down_all_day_and_back(tmp_path: Path, sandbox: SandboxTransport,
                                              database: str) -> None:
    one = await live_register(tmp_path / "one.sqlite", sandbox, terminal_id="T-1")
    two = await live_register(tmp_path / "two.sqlite", sandbox, terminal_id="T-2")
    try:
        async with head_office(database) as office:
            shippers: list[Shipper] = []
            links: list[Faults] = []
            for register in (one, two):
                link = Faults(down=True)
                shipper, _ = shipper_for(register, office,
                                         await enrol(database, "S-1", register.terminal_id),
                                         link, batch_events=80)
                shippers.append(shipper)
                links.append(link)
            z_reports = [await a_day_at_the_till(one, ("150.00", "99.90")),
                         await a_day_at_the_till(two, ("1200.00", "45.50", "10.00"))]
            for shipper in shippers:  # while down, nothing gets through
                with contextlib.suppress(Retry):
                    await shipper.ship_once()
                assert shipper.cursor is None
            for shipper, link in zip(shippers, links, strict=True):  # the link is back
                link.down = False
                while await shipper.ship_once():
                    pass
                assert shipper.backlog == 0
            for register in (one, two):
                uuid = await register.journal.read_apart(shipping.journal_uuid)
                assert dict(await central_events(database, uuid)) == await local_events(
                    register.journal)
        async with await psycopg.AsyncConnection.connect(database) as conn:
            computed = await (await conn.execute(
                "SELECT currency, sum(net_minor) FROM store_day_takings WHERE store_id = 'S-1' "
                "GROUP BY currency")).fetchall()
            printed = await (await conn.execute(
                "SELECT currency, sum(net_minor), sum(z_reports) FROM store_day_z_reports "
                "WHERE store_id = 'S-1' GROUP BY currency")).fetchall()
        assert computed == [("RUB", sum(z_reports))]
        assert printed == [("RUB", sum(z_reports), 2)]
    finally:
        await one.close()
        await two.close()
