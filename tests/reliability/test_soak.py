"""Soak: many training payments in one process, across all providers, with random faults.

Every payment must end final or explicitly UNKNOWN, the journal's sums must match the
providers' ledgers, nothing may be charged twice, and memory must stay flat.  CI runs a
short soak; the full one is ``POS_APP_SOAK_PAYMENTS=1000 uv run pytest -m slow``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
from collections import Counter
from decimal import Decimal

import pytest

from pos_app.app import Runtime
from pos_app.core.journal import PaymentFilter
from pos_app.core.payments import Payment
from pos_app.core.states import PaymentState
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import customer, simple_sale

pytestmark = pytest.mark.slow

PAYMENTS = int(os.environ.get("POS_APP_SOAK_PAYMENTS", "90"))
PARALLEL = 10
PROVIDERS = ("koshelek", "paymega", "pegas")
PATHS = ("/koshelek/api/v1/merchant", "/paymega/api", "/pegas/api/v1")
S = PaymentState


def rss_mb() -> float:
    gc.collect()
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def inject(sandbox: SandboxTransport) -> None:
    assert sandbox.sandbox.faults is not None
    for path in PATHS:
        for kind, probability in (("error_before", 0.04), ("error_after", 0.03),
                                  ("drop_after", 0.03), ("malformed", 0.02),
                                  ("truncated", 0.02), ("latency", 0.05)):
            sandbox.sandbox.faults.add(Fault(kind=kind, path=path, count=-1,
                                             probability=probability, status=503,
                                             delay_ms=150))


async def one(runtime: Runtime, sandbox: SandboxTransport, i: int, rng: random.Random) -> None:
    provider = PROVIDERS[i % 3]
    pays = rng.random() < 0.8
    service, trainer = runtime.service, runtime.trainer
    assert trainer is not None
    options = {}
    if provider == "koshelek":
        options["barcode"] = customer(sandbox, delay_ms=0,
                                      mode="approve" if pays else "decline")["barcode"]
    payment = await service.start_payment(simple_sale(f"{100 + i}.{i % 100:02d}"), provider,
                                          options)
    if provider != "koshelek":
        pending = await service.wait(payment.id, timeout=30,
                                     until=lambda p: p.provider_ref is not None
                                     or p.state.is_final)
        if not pending.state.is_final:
            await trainer.decide(pending, "pay" if pays else "fail")
            service.notify(pending.provider_ref or "")
    await service.wait(payment.id, timeout=60)


def ledger(sandbox: SandboxTransport) -> tuple[Counter[str], Counter[str]]:
    """Per provider: how many payments the provider holds, and the minor units it took."""
    held: Counter[str] = Counter()
    taken: Counter[str] = Counter()
    for txn in sandbox.sandbox.of(KoshelekSandbox).snapshot():
        held["koshelek"] += 1
        if txn["status"] == "accepted":
            taken["koshelek"] += txn["total"]
    for invoice in sandbox.sandbox.of(PaymegaSandbox).snapshot():
        held["paymega"] += 1
        if invoice["status"] == "processed":
            taken["paymega"] += int(Decimal(str(invoice["processed_amount"])) * 100)
    for txn in sandbox.sandbox.of(PegasSandbox).snapshot():
        held["pegas"] += 1
        if txn["status"] == "paid":
            taken["pegas"] += int(Decimal(str(txn["amount"])) * 100)
    return held, taken


async def test_soak(runtime: Runtime, sandbox: SandboxTransport) -> None:
    rng = random.Random(20261126)
    inject(sandbox)
    gate = asyncio.Semaphore(PARALLEL)
    memory: list[float] = []

    async def run(i: int) -> None:
        async with gate:
            await one(runtime, sandbox, i, rng)
            if i in (PAYMENTS // 5, PAYMENTS - 1):
                memory.append(rss_mb())

    await asyncio.gather(*(run(i) for i in range(PAYMENTS)))
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.clear()
    await runtime.service.reconcile(timeout=30)  # what the faults left unknown, asked again

    payments: list[Payment] = await runtime.journal.list_payments(PaymentFilter(), limit=10**6)
    assert len(payments) == PAYMENTS
    states = Counter(p.state for p in payments)
    assert all(p.state.is_final or p.state is S.UNKNOWN for p in payments), states
    logging.getLogger(__name__).warning(  # the numbers the README reports (pytest -s shows)
        "soak: %d payments %s, %d faults injected, RSS %s MB", PAYMENTS,
        {s.value: n for s, n in states.items()}, len(sandbox.sandbox.faults.injected),
        [round(m, 1) for m in memory])
    held, taken = ledger(sandbox)
    ours: Counter[str] = Counter()
    for p in payments:
        if p.state is S.PAID:
            ours[p.provider] += p.received_minor
    assert ours == taken, (states, ours, taken)  # the journal's sums are the providers'
    for provider in PROVIDERS:  # never two payments at a provider for one attempt
        assert held[provider] <= sum(1 for p in payments if p.provider == provider)
    if PAYMENTS >= 500:  # flat memory: only meaningful over a long run
        assert memory[-1] - memory[0] < 20, memory
