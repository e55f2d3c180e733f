"""The payment service with Pegas-kassa through the in-process sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from pos_app.app import Runtime
from pos_app.core.money import Money, parse_amount
from pos_app.core.payments import Payment
from pos_app.core.states import PaymentState
from pos_app.i18n import UserError
from pos_app.providers.errors import Rejected
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import http_client, simple_sale, training_runtime, wait_state

S = PaymentState
API = "/pegas/api/v1"


def g(sandbox: SandboxTransport) -> PegasSandbox:
    return sandbox.sandbox.of(PegasSandbox)


async def make_terminal(sandbox: SandboxTransport, config_dir: Path, **extra: str) -> Runtime:
    lines = ["[providers.pegas]", "poll_interval_s = 1.0"]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    path = config_dir / "config" / "terminal.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runtime = await training_runtime(sandbox)
    await runtime.service.start()
    return runtime


@pytest.fixture
async def terminal(sandbox: SandboxTransport, isolated_dirs: Path) -> AsyncIterator[Runtime]:
    runtime = await make_terminal(sandbox, isolated_dirs)
    yield runtime
    await runtime.aclose()


async def start(runtime: Runtime, amount: str = "1499.00", **options: str) -> Payment:
    payment = await runtime.service.start_payment(simple_sale(amount), "pegas", options)
    return await wait_state(runtime, payment.id, "PENDING")


async def pay_on_page(sandbox: SandboxTransport, url: str | None) -> None:
    assert url is not None
    async with http_client(sandbox) as client:
        await client.post(url.split("?")[0], data={"action": "pay"})


@pytest.mark.parametrize("kind", ["invoice-select", "invoice-card", "yandex"])
async def test_link_types_paid_on_the_page(terminal: Runtime, sandbox: SandboxTransport,
                                           kind: str) -> None:
    pending = await start(terminal, type=kind)
    assert pending.payer_url is not None
    assert pending.expires_at is not None
    await pay_on_page(sandbox, pending.payer_url)
    paid = await wait_state(terminal, pending.id, "PAID")
    assert paid.paid_minor == 149900
    assert paid.receipt_fields["commission"] == "44.97"


async def test_wallet_type_shows_the_number_and_amount(terminal: Runtime,
                                                       sandbox: SandboxTransport) -> None:
    pending = await start(terminal, type="wallet")
    assert pending.payer_url is None
    assert pending.payer_text is not None
    assert pending.payer_text.endswith("1\xa0499,00\xa0₽")


async def test_cancel_before_payment(terminal: Runtime, sandbox: SandboxTransport) -> None:
    pending = await start(terminal)
    cancelled = await terminal.service.cancel(pending.id)
    assert cancelled.state is S.CANCELLED
    [txn] = g(sandbox).transactions.values()
    assert txn.status == "canceled"


async def test_cancel_after_payment_keeps_the_money(terminal: Runtime,
                                                    sandbox: SandboxTransport) -> None:
    pending = await start(terminal)
    with g(sandbox)._lock:
        g(sandbox).pay(g(sandbox).transactions[int(pending.provider_ref or 0)])
    result = await terminal.service.cancel(pending.id)  # the race: paid a moment before
    assert result.state is S.PAID


async def test_receipts_are_kept_in_the_journal(terminal: Runtime,
                                                sandbox: SandboxTransport) -> None:
    g(sandbox).receipt_delay_s = 0.5  # not ready right after payment: fetched on a retry
    pending = await start(terminal)
    await pay_on_page(sandbox, pending.payer_url)
    await wait_state(terminal, pending.id, "PAID")
    for fmt in ("pdf", "jpeg"):
        await stored(terminal, pending.id, fmt)
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="drop_before", path=API, count=-1))
    for fmt, magic in (("pdf", b"%PDF"), ("jpeg", b"\xff\xd8")):
        content, _ = await terminal.service.receipt_file(pending.id, fmt)  # no network needed
        assert content.startswith(magic)


async def stored(runtime: Runtime, payment_id: str, fmt: str, timeout: float = 15.0) -> None:
    """Wait until the journal holds the provider's receipt file."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while await runtime.journal.receipt(payment_id, fmt) is None:
        assert loop.time() < deadline, f"no {fmt} receipt stored"
        await asyncio.sleep(0.05)


async def test_no_status_channel_learns_from_the_receipt(sandbox: SandboxTransport,
                                                         isolated_dirs: Path) -> None:
    g(sandbox).assumed_endpoints = False
    runtime = await make_terminal(sandbox, isolated_dirs)
    pending = await start(runtime)
    await pay_on_page(sandbox, pending.payer_url)
    paid = await wait_state(runtime, pending.id, "PAID")
    assert paid.receipt_fields["confirmation"] == "receipt"
    await runtime.aclose()


async def test_manual_confirmation_is_flagged_and_audited(sandbox: SandboxTransport,
                                                          isolated_dirs: Path) -> None:
    g(sandbox).assumed_endpoints = False
    runtime = await make_terminal(sandbox, isolated_dirs, status_channel='"off"')
    pending = await start(runtime)
    with pytest.raises(UserError, match="needs a reason"):
        await runtime.service.resolve(pending.id, S.PAID, reason=" ", actor="Иванова")
    resolved = await runtime.service.resolve(pending.id, S.PAID,
                                             reason="Paid in the cabinet at 12:03",
                                             actor="Иванова (manager)")
    assert (resolved.state, resolved.reason_code) == (S.PAID, "MANUAL")
    assert resolved.receipt_fields["confirmation"] == "manual"
    [event] = [e for e in await runtime.journal.events_for(pending.id)
               if e.kind == "resolved_manually"]
    assert event.data["actor"] == "Иванова (manager)"
    assert event.data["reason"] == "Paid in the cabinet at 12:03"
    assert (event.from_state, event.to_state) == ("PENDING", "PAID")
    with pytest.raises(UserError, match="cannot be resolved"):
        await runtime.service.resolve(pending.id, S.DECLINED, reason="x", actor="y")
    await runtime.aclose()


async def test_an_orphan_is_handed_to_a_person(sandbox: SandboxTransport,
                                               isolated_dirs: Path) -> None:
    runtime = await make_terminal(sandbox, isolated_dirs, status_channel='"off"')
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="drop_after", path=API + "/deposit"))
    payment = await runtime.service.start_payment(simple_sale("1499.00"), "pegas", {})
    stuck = await runtime.service.wait(payment.id, timeout=15,
                                       until=lambda p: p.attention is not None)
    assert stuck.state is S.UNKNOWN
    assert stuck.attention is not None
    assert "Check it in the Pegas-kassa cabinet" in stuck.attention.english()
    assert not runtime.service.following(payment.id)
    await runtime.aclose()


async def test_a_recovered_deposit_without_its_link_is_cancelled(
        sandbox: SandboxTransport, isolated_dirs: Path) -> None:
    runtime = await make_terminal(sandbox, isolated_dirs)
    assert sandbox.sandbox.faults is not None
    # Created, but the answer (with the link) is lost; the lookup finds it, without a link.
    sandbox.sandbox.faults.add(Fault(kind="drop_after", path=API + "/deposit", count=1))
    payment = await runtime.service.start_payment(simple_sale("1499.00"), "pegas", {})
    cancelled = await wait_state(runtime, payment.id, "CANCELLED", timeout=15)
    assert cancelled.reason is not None
    assert "link was lost" in cancelled.reason.english()
    [txn] = g(sandbox).transactions.values()
    assert txn.status == "canceled"  # nobody can pay a link nobody was shown
    await runtime.aclose()


async def test_withdrawal_never_journals_the_card_number(terminal: Runtime,
                                                         sandbox: SandboxTransport) -> None:
    g(sandbox).withdrawal_delay_s = 0.2
    payout = await terminal.service.withdraw("pegas", Money(50000), method="card",
                                             number="4111 1111 1111 1111",
                                             comment="Возврат по чеку 12")
    done = await wait_state(terminal, payout.id, "PAID", timeout=15)
    assert (done.kind, done.request.options["number_masked"]) == ("withdrawal", "4111…1111")
    wal = Path(str(terminal.journal.path) + "-wal")
    raw = await asyncio.to_thread(lambda: terminal.journal.path.read_bytes() + wal.read_bytes())
    assert b"4111111111111111" not in raw
    assert "4111111111111111" not in str(await terminal.journal.events_for(payout.id))


async def test_withdrawal_refused_for_lack_of_funds(terminal: Runtime,
                                                   sandbox: SandboxTransport) -> None:
    g(sandbox).balance = Decimal("10")
    payout = await terminal.service.withdraw("pegas", Money(50000), method="phone",
                                             number="+79991234567")
    declined = await terminal.service.wait(payout.id)
    assert declined.state is S.DECLINED
    assert declined.reason is not None
    assert "Insufficient funds" in declined.reason.english()


async def test_withdrawal_input_is_checked_before_anything_is_journaled(
        terminal: Runtime) -> None:
    with pytest.raises(Rejected, match="3 to 100"):
        await terminal.service.withdraw("pegas", Money(50000), method="card",
                                        number="4111111111111111", comment="no")
    assert await terminal.journal.count_payments() == 0


async def test_balance(terminal: Runtime) -> None:
    assert await terminal.service.balance("pegas") == Money(2534015)
    with pytest.raises(UserError, match="does not report a balance"):
        await terminal.service.balance("paymega")


async def test_a_payment_is_never_returned_twice_by_payouts(terminal: Runtime,
                                                            sandbox: SandboxTransport) -> None:
    """Pegas-kassa has no refunds: the manager pays the money out, once at most."""
    g(sandbox).withdrawal_delay_s = 0.1
    pending = await start(terminal, "500.00", type="invoice-card")
    await pay_on_page(sandbox, pending.payer_url)
    paid = await wait_state(terminal, pending.id, "PAID")
    service = terminal.service

    async def payout(amount: str) -> Payment:
        made = await service.withdraw("pegas", parse_amount(amount), method="card",
                                      number="4111 1111 1111 1111", refund_of=paid.id)
        return await service.wait(made.id)

    assert (await payout("300")).state is S.PAID
    assert await service.left_to_pay_out(paid.id) == parse_amount("200")
    with pytest.raises(UserError, match=r"At most 200,00.*300,00.*already"):
        await payout("300")
    g(sandbox).balance = Decimal("10")
    assert (await payout("200")).state is S.DECLINED  # a failed payout returned nothing
    g(sandbox).balance = Decimal("10000")
    assert (await payout("200")).state is S.PAID
    assert await service.paid_out_for(paid) == parse_amount("500")
    payouts = await terminal.journal.payouts_for(paid.id)
    assert [p.request.options["refund_of"] for p in payouts] == [paid.id] * 3
    with pytest.raises(UserError, match="At most 0,00"):
        await payout("1")
    assert await terminal.journal.count_payments() == 4  # the refused ones never started
