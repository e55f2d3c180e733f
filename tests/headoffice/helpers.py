"""A live register (its own journal, the in-process sandboxes as its providers), the head
office in process over real PostgreSQL, and a fault layer between them."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from msgspec.structs import replace

from pos_app.app import build_providers, training_config
from pos_app.core.config import TerminalConfig
from pos_app.core.journal import Journal, shipping
from pos_app.core.payments.service import PaymentService
from pos_app.headoffice import database
from pos_app.headoffice.server import HeadOffice
from pos_app.headoffice.shipper import Retry, Shipper
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.providers.paymega.settings import PaymegaSettings
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import SANDBOX_URL, simple_sale


@dataclass
class Register:
    journal: Journal
    service: PaymentService
    store_id: str
    terminal_id: str
    paymega: PaymegaSandbox | None = None  # its customers pay there
    control: httpx.AsyncClient | None = None  # the sandboxes' control routes

    async def pay(self, amount: str = "150.00") -> None:
        """A Paymega payment its customer pays."""
        assert self.paymega is not None
        payment = await self.service.start_payment(simple_sale(amount), "paymega", {})
        pending = await self.service.wait(payment.id, until=lambda p: p.provider_ref is not None)
        self.paymega.pay(self.paymega.invoices[pending.provider_ref or ""])
        self.service.notify(pending.provider_ref or "")
        await self.service.wait(payment.id, timeout=10)

    async def close(self) -> None:
        await self.service.close()
        for provider in self.service.providers.values():
            await provider.aclose()
        await self.journal.close()
        if self.control is not None:
            await self.control.aclose()


async def live_register(path: Path, transport: SandboxTransport, *, store_id: str = "S-1",
                        terminal_id: str = "T-1") -> Register:
    """A register in live mode (its rows are not training rows) whose providers are the
    in-process sandboxes."""
    credentials = transport.sandbox.credentials()
    config = training_config(TerminalConfig(terminal_id=terminal_id), credentials)
    config = config.with_provider(replace(config.settings(PaymegaSettings), refunds=True))
    control = httpx.AsyncClient(base_url=SANDBOX_URL, transport=transport)
    providers = build_providers(config, live=False, control=control,
                                transport=lambda name: transport,
                                secret=lambda p, n: credentials.get(p, {}).get(n))
    journal = await Journal.open(path)
    service = PaymentService(journal=journal, providers=providers, training=False,
                             currency="RUB")
    await service.start()
    return Register(journal, service, store_id, terminal_id,
                    paymega=transport.sandbox.of(PaymegaSandbox), control=control)


@dataclass
class Faults(httpx.AsyncBaseTransport):
    """Between the register and the head office: each request meets the next fault of
    ``plan`` (None: none), then ``random`` ones at ``rate``."""

    inner: httpx.AsyncBaseTransport | None = None  # the head office (shipper_for sets it)
    plan: list[str | None] = field(default_factory=list)
    rate: float = 0.0
    seed: int = 7
    down: bool = False  # the link is down: nothing gets through
    seen: list[str] = field(default_factory=list)
    held: list[httpx.Request] = field(default_factory=list)  # delayed, arriving later

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert self.inner is not None
        if self.down:
            raise httpx.ConnectError("no route to the head office", request=request)
        fault = self.plan.pop(0) if self.plan else (
            self._random.choice(["drop", "commit_then_drop", "duplicate", "delay", "500"])
            if self._random.random() < self.rate else None)
        self.seen.append(fault or "ok")
        if fault == "before_sending":  # the register's process dies here
            raise asyncio.CancelledError
        if fault == "drop":  # the request never arrives
            raise httpx.ConnectError("dropped", request=request)
        if fault == "500":
            return httpx.Response(500, json={"error": "proxy error"}, request=request)
        if fault == "delay":  # stuck on the way: the register gives up, it arrives later
            await request.aread()
            self.held.append(request)
            raise httpx.ReadTimeout("no answer in time", request=request)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        while self.held:  # what was delayed arrives now, after a newer request
            late = await self.inner.handle_async_request(self.held.pop(0))
            await late.aread()
        if fault == "commit_then_drop":  # taken there; the answer is lost on the way
            raise httpx.ReadError("answer lost", request=request)
        if fault == "after_commit":  # taken there; the register dies before the answer
            raise asyncio.CancelledError
        if fault == "duplicate":  # the network delivers it twice; the second answer arrives
            response = await self.inner.handle_async_request(request)
            await response.aread()
        return response


@asynccontextmanager
async def head_office(database_url: str) -> AsyncIterator[HeadOffice]:
    office = HeadOffice(database_url, pool_size=4)
    await office.start()
    try:
        yield office
    finally:
        await office.close()


async def enrol(database_url: str, store_id: str = "S-1", terminal_id: str = "T-1") -> str:
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        return await database.enrol(conn, store_id, terminal_id)


async def drain(shipper: Shipper, *, most: int = 500) -> None:
    """Ship until nothing is left, trying again at once after a failure (no waiting)."""
    for _ in range(most):
        try:
            if not await shipper.ship_once() and shipper.backlog == 0:
                return
        except Retry:  # what the shipper waits for and tries again after
            continue
    raise AssertionError("the backlog never drained")


def shipper_for(register: Register, office: HeadOffice, credential: str,
                faults: Faults | None = None, **kw: Any) -> tuple[Shipper, Faults]:
    transport = faults or Faults()
    transport.inner = httpx.ASGITransport(app=office.app())
    client = httpx.AsyncClient(base_url="http://office", transport=transport,
                               headers={"authorization": f"Bearer {credential}"})
    return Shipper(register.journal, client, store_id=register.store_id,
                   terminal_id=register.terminal_id, **kw), transport


async def local_events(journal: Journal) -> dict[int, str]:
    from pos_app.headoffice.wire import Event

    events = await journal.read_apart(lambda conn: shipping.events_after(conn, 0, 10**9))
    return {e["seq"]: Event(**e).digest() for e in events}


async def central_events(database_url: str, journal_uuid: str) -> list[tuple[int, str]]:
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        rows = await (await conn.execute(
            "SELECT seq, digest FROM events WHERE journal_uuid = %s ORDER BY seq",
            (journal_uuid,))).fetchall()
    return [(r[0], r[1]) for r in rows]
