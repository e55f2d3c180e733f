"""A failed status read decides nothing: the payment or refund is followed to its real end.

The classes each answer maps to are in tests/providers/test_fault_matrix.py; here, the end
states the service reaches when reads fail while the customer pays or a refund goes through.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from pos_app.app import Runtime
from pos_app.core.money import Money
from pos_app.core.payments.recorder import PaymentUpdate
from pos_app.core.states import OperationState, PaymentState
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from tests.core.test_service_paymega import paymega_terminal, pm, press, start
from tests.helpers import customer, simple_sale, wait_state, wait_until

S = PaymentState
INVOICES = "/paymega/api/payment-invoices/"
REFUNDS = "/paymega/api/refunds/"
STATUS = "/koshelek/api/v1/merchant/transaction/status"


@pytest.fixture
async def terminal(sandbox: SandboxTransport, isolated_dirs: Path) -> AsyncIterator[Runtime]:
    runtime = await paymega_terminal(sandbox, isolated_dirs)
    yield runtime
    await runtime.aclose()


def faults(sandbox: SandboxTransport, path: str, *answers: dict[str, Any]) -> None:
    """The next requests to ``path`` (status reads) get ``answers``, one each, in order."""
    assert sandbox.sandbox.faults is not None
    for answer in answers:
        sandbox.sandbox.faults.add(Fault(path=path, count=1, **answer))


def answered(sandbox: SandboxTransport, path: str) -> int:
    assert sandbox.sandbox.faults is not None
    return sum(1 for f in sandbox.sandbox.faults.injected if f["path"].startswith(path))


def watch(runtime: Runtime) -> list[PaymentUpdate]:
    seen: list[PaymentUpdate] = []
    runtime.service.subscribe(seen.append)
    return seen


async def test_rate_limits_and_a_400_on_status_reads_do_not_stop_a_payment(
        terminal: Runtime, sandbox: SandboxTransport) -> None:
    """Issue 16 #4: one 429 on a status read stopped following the invoice."""
    seen = watch(terminal)
    pending = await start(terminal)
    faults(sandbox, INVOICES, {"kind": "status", "status": 429, "retry_after": "1"},
           {"kind": "status", "status": 400}, {"kind": "status", "status": 429},
           {"kind": "status", "status": 404})
    await press(sandbox, pending.payer_url, "pay", "5519283812030000", "1230")
    paid = await wait_state(terminal, pending.id, "PAID", timeout=30)
    assert answered(sandbox, INVOICES) == 4  # every fault met, and still followed
    assert paid.attention is None
    assert not any(u.stopped and u.payment.id == pending.id for u in seen[:-1])


async def test_a_refund_whose_status_reads_fail_is_not_called_refused(
        terminal: Runtime, sandbox: SandboxTransport) -> None:
    """Issue 16 #4: a 429/400 on a refund's status read recorded a pending refund as refused,
    inviting a second refund."""
    pending = await start(terminal)
    await press(sandbox, pending.payer_url, "pay", "5519283812030000", "1230")
    await wait_state(terminal, pending.id, "PAID", timeout=15)
    pm(sandbox).refund_delay_s = 60
    await terminal.service.refund(pending.id, amount=Money(50000))
    await wait_op(terminal, pending.id, OperationState.PENDING)
    faults(sandbox, REFUNDS, {"kind": "status", "status": 429}, {"kind": "status", "status": 400},
           {"kind": "status", "status": 404}, {"kind": "status", "status": 503})
    await wait_until(lambda: answered(sandbox, REFUNDS) == 4, timeout=30)
    assert (await op(terminal, pending.id)).state is OperationState.PENDING  # still open
    pm(sandbox).clock_offset += 61  # the provider finishes it
    refunded = await wait_state(terminal, pending.id, "PARTIALLY_REFUNDED", timeout=30)
    assert refunded.refunded_minor == 50000
    assert (await op(terminal, pending.id)).state is OperationState.DONE


async def test_one_not_found_on_a_status_read_is_asked_again(
        terminal: Runtime, sandbox: SandboxTransport) -> None:
    """A single 404 ("not known there") hands nothing to a person; three in a row do."""
    barcode = customer(sandbox, delay_ms=1500)["barcode"]
    faults(sandbox, STATUS, {"kind": "status", "status": 404})
    payment = await terminal.service.start_payment(simple_sale("150"), "koshelek",
                                                   {"barcode": barcode})
    paid = await wait_state(terminal, payment.id, "PAID", timeout=20)
    assert answered(sandbox, STATUS) == 1
    assert paid.attention is None


async def test_not_known_on_three_reads_in_a_row_goes_to_a_person(
        terminal: Runtime, sandbox: SandboxTransport) -> None:
    barcode = customer(sandbox, delay_ms=60_000)["barcode"]
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(path=STATUS, kind="status", status=404, count=-1))
    payment = await terminal.service.start_payment(simple_sale("150"), "koshelek",
                                                   {"barcode": barcode})
    flagged = await terminal.service.wait(payment.id, timeout=20,
                                          until=lambda p: p.attention is not None)
    assert flagged.state is S.PENDING  # not decided: a person checks it
    assert answered(sandbox, STATUS) == 3


async def test_a_503_before_a_refund_arrives_is_resent_once(
        terminal: Runtime, sandbox: SandboxTransport) -> None:
    pending = await start(terminal)
    await press(sandbox, pending.payer_url, "pay", "5519283812030000", "1230")
    await wait_state(terminal, pending.id, "PAID", timeout=15)
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(path=f"{INVOICES}{pending.provider_ref}/refund",
                                     kind="error_before", status=503))
    await terminal.service.refund(pending.id, amount=Money(50000))
    refunded = await wait_state(terminal, pending.id, "PARTIALLY_REFUNDED", timeout=15)
    assert refunded.refunded_minor == 50000
    assert (await op(terminal, pending.id)).state is OperationState.DONE
    assert len(pm(sandbox).refunds) == 1  # one refund, although it was sent twice


async def op(runtime: Runtime, payment_id: str) -> Any:
    [operation] = [o for o in await runtime.journal.operations_for(payment_id)
                   if o.kind.value == "refund"]
    return operation


async def wait_op(runtime: Runtime, payment_id: str, state: OperationState,
                  timeout: float = 20.0) -> None:
    """Until the payment's refund is in ``state`` (re-read from the journal)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (await op(runtime, payment_id)).state is not state:
        assert loop.time() < deadline, f"the refund did not become {state}"
        await asyncio.sleep(0.02)
