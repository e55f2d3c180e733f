"""``pos-app office --demo``: the head office as it would run, on this machine, for a look.

A throwaway PostgreSQL cluster from the installed server binaries (:mod:`.cluster`), the head
office's service on loopback, the training sandboxes, and a few simulated registers (live
journals of their own in a temporary folder, their providers the sandboxes, their customers
paying on their own) that ship as they take payments.  Its page opens in the browser.
Everything is removed at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import tempfile
import webbrowser
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import uvicorn

from pos_app.app import build_providers, training_config
from pos_app.backoff import Backoff
from pos_app.core.backoffice import Backoffice
from pos_app.core.config import TerminalConfig
from pos_app.core.journal import Journal
from pos_app.core.money import Money
from pos_app.core.payments.service import PaymentService
from pos_app.core.sale import Sale
from pos_app.headoffice import database
from pos_app.headoffice.cluster import cluster, free_port
from pos_app.headoffice.server import HeadOffice
from pos_app.headoffice.shipper import Shipper
from pos_app.sandbox.server import SandboxServer

log = logging.getLogger(__name__)

STORES = (("Магазин на Лесной", ("1", "2")), ("Магазин у вокзала", ("1",)),
          ("Магазин в центре", ("1", "2")))
PAYER = {"mode": "pay", "delay_ms": 1500}  # a QR provider's training customer pays on their own


async def run(*, say: Callable[[str], None], port: int = 0, payments: int | None = None,
              open_page: bool = True) -> int:
    """Until Ctrl+C, or until the head office has ``payments`` payments from the registers.
    Raises RuntimeError (naming the package) when PostgreSQL's server is not installed."""
    port = port or free_port()
    with cluster() as pg, SandboxServer() as sandboxes:
        office = HeadOffice(pg.url(), pool_size=5)
        server = uvicorn.Server(uvicorn.Config(office.app(), host="127.0.0.1", port=port,
                                               log_level="warning", log_config=None))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            if serving.done():
                return 1
            await asyncio.sleep(0.05)
        url = f"http://127.0.0.1:{port}/"
        say(f"Head office: {url} (Ctrl+C ends the demonstration)")
        if open_page:
            webbrowser.open(url)
        with tempfile.TemporaryDirectory(prefix="pos-office-demo-") as folder:
            async with _registers(Path(folder), pg.url(), url, sandboxes) as registers:
                try:
                    await _until(pg.url(), payments, registers)
                finally:
                    server.should_exit = True
                    await serving
    return 0


async def _until(url: str, payments: int | None, registers: list[asyncio.Task[None]]) -> None:
    import psycopg

    while True:
        await asyncio.sleep(1)
        for task in registers:
            if task.done() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        if payments is None:
            continue
        async with await psycopg.AsyncConnection.connect(url) as conn:
            if await database.paid_payments(conn) >= payments:
                return


@contextlib.asynccontextmanager
async def _registers(folder: Path, database_url: str, office_url: str,
                     sandboxes: SandboxServer) -> AsyncIterator[list[asyncio.Task[None]]]:
    import psycopg

    tasks = []
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        await database.migrate(conn)
        for store, terminals in STORES:
            for terminal in terminals:
                credential = await database.enrol(conn, store, f"Касса {terminal}")
                tasks.append(asyncio.create_task(_register(
                    folder / f"{store}-{terminal}.sqlite", store, f"Касса {terminal}",
                    credential, office_url, sandboxes)))
    try:
        yield tasks
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _register(path: Path, store: str, terminal: str, credential: str, office_url: str,
                    sandboxes: SandboxServer) -> None:
    """One simulated register: a live journal, the sandboxes as providers, a payment every
    few seconds, shipping in the background."""
    credentials = sandboxes.sandbox.credentials()
    config = training_config(TerminalConfig(terminal_id=terminal), credentials)
    control = httpx.AsyncClient(base_url=sandboxes.base_url)
    providers = build_providers(config, live=False, control=control,
                                transport=lambda name: None,
                                secret=lambda p, n: credentials.get(p, {}).get(n))
    journal = await Journal.open(path)
    service = PaymentService(journal=journal, providers=providers, training=False,
                             currency=config.currency)
    await service.start()
    qr = [name for name, p in providers.items() if p.capabilities.register_shows_qr]
    for name in qr:
        (await control.post(f"/_sandbox/{name}/behaviour", json=PAYER)).raise_for_status()
    client = httpx.AsyncClient(base_url=office_url,
                               headers={"authorization": f"Bearer {credential}"})
    shipper = Shipper(journal, client, store_id=store, terminal_id=terminal, idle_s=1.0,
                      backoff=Backoff(first_s=0.5, cap_s=5.0))
    shipper.start()
    try:
        await Backoffice(service).open_shift("Демо")
        chance = random.Random(path.name)  # noqa: S311 (a demonstration, not security)
        while True:
            amount = Money(chance.randrange(1_000, 500_000))
            chosen = chance.choice(qr)
            payment = await service.start_payment(Sale.single_amount(amount), chosen, {})
            with contextlib.suppress(TimeoutError):
                await service.wait(payment.id, timeout=30)
            await asyncio.sleep(chance.uniform(1, 4))
    finally:
        await shipper.stop(flush_s=0)
        await service.close()
        for provider in service.providers.values():
            await provider.aclose()
        await journal.close()
        await control.aclose()
