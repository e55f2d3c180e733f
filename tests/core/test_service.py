"""The payment service drives Koshelek payments through the in-process sandbox."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pos_app.app import Runtime
from pos_app.backoff import Backoff
from pos_app.core.events import EventKind
from pos_app.core.journal import new_id
from pos_app.core.money import AmountError, Money
from pos_app.core.payments import Payment, utcnow
from pos_app.core.payments.clock import SystemClock
from pos_app.core.payments.messages import (
    AUTO_CANCEL,
    LATE_PAYMENT,
    RETURN_BY_PAYOUT,
    RETURN_BY_REFUND,
    RETURN_ELSEWHERE,
)
from pos_app.core.payments.recorder import PaymentUpdate, Recorder
from pos_app.core.payments.service import RECONCILE_BACKOFF
from pos_app.core.refunds import sale_items
from pos_app.core.states import OperationState, PaymentState
from pos_app.i18n import UserError
from pos_app.providers.base import PaymentRequest, RemotePayment, RemoteState
from pos_app.providers.errors import Rejected
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import (
    FakeClock,
    customer,
    grocery_sale,
    simple_sale,
    training_runtime,
    wait_state,
)

S = PaymentState
CHECKOUT = "/koshelek/api/v1/merchant/checkout"
CANCEL = "/koshelek/api/v1/merchant/transaction/cancel"
REFUND = "/koshelek/api/v1/merchant/transaction/refund"


def k(sandbox: SandboxTransport) -> KoshelekSandbox:
    return sandbox.sandbox.of(KoshelekSandbox)


def fault(sandbox: SandboxTransport, **kw: Any) -> None:
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(**kw))


def requests_to(sandbox: SandboxTransport, path: str) -> list[tuple[float, dict[str, Any]]]:
    return [(t, body) for t, p, body in k(sandbox).requests if p.endswith(path)]


async def pay(runtime: Runtime, sandbox: SandboxTransport, sale: Any = None,
              **behaviour: Any) -> Payment:
    barcode = customer(sandbox, **behaviour)["barcode"]
    return await runtime.service.pay(sale or grocery_sale(), "koshelek", {"barcode": barcode})


async def kinds(runtime: Runtime, payment_id: str) -> list[str]:
    return [e.kind for e in await runtime.journal.events_for(payment_id)]


async def test_paid(runtime: Runtime, sandbox: SandboxTransport) -> None:
    seen: list[PaymentState] = []
    runtime.service.subscribe(lambda u: seen.append(u.payment.state))
    payment = await pay(runtime, sandbox, delay_ms=100)
    assert payment.state is S.PAID
    assert payment.provider_ref in k(sandbox).transactions
    assert payment.receipt_fields["paymentTransactionId"] == payment.provider_ref
    assert {"qrcId", "kzo", "orderId"} <= set(payment.receipt_fields)
    assert seen[:3] == [S.CREATING, S.PENDING, S.PAID]
    assert await kinds(runtime, payment.id) == [
        "payment_created", "create_sent", "create_answered", "status"]
    assert len(k(sandbox).transactions) == 1


async def test_journal_is_written_before_the_request(runtime: Runtime,
                                                     sandbox: SandboxTransport) -> None:
    seen_in_journal: list[str] = []
    original = k(sandbox).checkout

    def spy(body: dict[str, Any]) -> Any:
        conn = sqlite3.connect(runtime.journal.path)  # another reader, as after a crash
        [(state, key)] = conn.execute("SELECT state, idem_key FROM payments").fetchall()
        conn.close()
        seen_in_journal.append(state)
        assert key == body["requestId"]
        return original(body)

    k(sandbox).checkout = spy  # type: ignore[method-assign]
    await pay(runtime, sandbox, delay_ms=0)
    assert seen_in_journal == ["CREATING"]


async def test_polling_follows_the_spec(runtime: Runtime, sandbox: SandboxTransport) -> None:
    await pay(runtime, sandbox, delay_ms=1300)
    [(checkout_at, _)] = requests_to(sandbox, "/checkout")
    polls = requests_to(sandbox, "/transaction/status")
    times = [t for t, _ in polls]
    assert 0.25 <= times[0] - checkout_at <= 0.6  # first poll 250-500 ms after checkout
    assert all(b - a >= 0.25 for a, b in itertools.pairwise(times))
    assert len({body["requestId"] for _, body in polls}) == len(polls)  # new id per poll


@pytest.mark.parametrize(("mode", "state", "reason"), [
    ("decline", S.DECLINED, "bank declined"),
    ("cancel", S.CANCELLED, "customer cancelled"),
])
async def test_customer_says_no(runtime: Runtime, sandbox: SandboxTransport, mode: str,
                                state: PaymentState, reason: str) -> None:
    payment = await pay(runtime, sandbox, mode=mode, delay_ms=50)
    assert payment.state is state
    assert payment.reason is not None
    assert reason in payment.reason.english()


async def test_refused_before_creation(runtime: Runtime, sandbox: SandboxTransport) -> None:
    person = k(sandbox).new_session(registered=False)
    payment = await runtime.service.pay(simple_sale(), "koshelek", {"barcode": person["barcode"]})
    assert (payment.state, payment.reason_code) == (S.DECLINED, "UNKNOWN_SESSION_ID")
    assert k(sandbox).transactions == {}


async def test_nothing_is_journaled_for_bad_input(runtime: Runtime,
                                                  sandbox: SandboxTransport) -> None:
    with pytest.raises(Rejected, match="not a Koshelek customer code"):
        await runtime.service.start_payment(simple_sale(), "koshelek", {"barcode": "garbage!"})
    with pytest.raises(AmountError, match="below the minimum of 4,00"):
        await runtime.service.start_payment(simple_sale("3.99"), "koshelek", {"barcode": "x"})
    with pytest.raises(UserError, match="not enabled"):
        await runtime.service.start_payment(simple_sale(), "cash", {})
    # Paymega's card service takes from 10 ₽ (spec §5.1): learned before anything is made,
    # also by a payment that comes before the window's warm-up (the command line's).
    with pytest.raises(AmountError, match="below the minimum of 10,00"):
        await runtime.service.start_payment(simple_sale("5.00"), "paymega", {})
    assert await runtime.journal.count_payments() == 0


async def test_cancel_by_the_cashier(runtime: Runtime, sandbox: SandboxTransport) -> None:
    barcode = customer(sandbox, mode="never")["barcode"]
    started = await runtime.service.start_payment(simple_sale(), "koshelek", {"barcode": barcode})
    await wait_state(runtime, started.id, "PENDING")
    payment = await runtime.service.cancel(started.id)
    assert payment.state is S.CANCELLED
    assert payment.reason is not None
    assert payment.reason.english() == "Cancelled by the cashier."
    [txn] = k(sandbox).transactions.values()
    assert txn.status == "canceled"
    [operation] = await runtime.journal.operations_for(started.id)
    assert (operation.kind.value, operation.state) == ("cancel", OperationState.DONE)


async def test_customer_wins_the_race(runtime: Runtime, sandbox: SandboxTransport) -> None:
    barcode = customer(sandbox, mode="never")["barcode"]
    started = await runtime.service.start_payment(simple_sale(), "koshelek", {"barcode": barcode})
    pending = await wait_state(runtime, started.id, "PENDING")
    assert pending.provider_ref
    k(sandbox).force(pending.provider_ref, "approve")  # the customer confirms first
    payment = await runtime.service.cancel(started.id)
    assert payment.state is S.PAID
    [operation] = await runtime.journal.operations_for(started.id)
    assert operation.state is OperationState.REJECTED


async def test_cancel_before_anything_was_sent(runtime: Runtime,
                                               sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="latency", path=CHECKOUT, delay_ms=0)
    payment = await runtime.service.start_payment(
        simple_sale(), "koshelek", {"barcode": customer(sandbox)["barcode"]})
    # The cashier presses Cancel before the driver got to send.
    await runtime.journal.update_payment(payment.id, event=EventKind.CANCEL_REQUESTED,
                                         cancel_requested=True)
    result = await runtime.service.wait(payment.id)
    assert result.state in (S.CANCELLED,)
    assert requests_to(sandbox, "/checkout") == []


async def test_no_final_status_cancels_automatically(sandbox: SandboxTransport,
                                                     isolated_dirs: Path) -> None:
    config = isolated_dirs / "config" / "terminal.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[providers.koshelek]\nstatus_wait_s = 1\n", encoding="utf-8")
    runtime = await training_runtime(sandbox)
    payment = await pay(runtime, sandbox, mode="never")
    assert payment.state is S.CANCELLED
    assert payment.reason == AUTO_CANCEL.with_params(seconds=1)
    [(checkout_at, _)] = requests_to(sandbox, "/checkout")
    [(cancel_at, _)] = requests_to(sandbox, "/transaction/cancel")
    assert 1.0 <= cancel_at - checkout_at < 1.6
    await runtime.aclose()


async def test_the_drivers_wait_on_the_clock_they_are_given(sandbox: SandboxTransport) -> None:
    """Koshelek's 30 s without a final status (spec §4.4), in no real time: every wait of the
    driver is the clock's, so a fake clock runs it through at once and exactly."""
    clock = FakeClock()
    runtime = await training_runtime(sandbox, clock=clock)
    payment = await pay(runtime, sandbox, mode="never")
    assert payment.state is S.CANCELLED
    assert payment.reason == AUTO_CANCEL.with_params(seconds=30)
    assert clock.monotonic() == pytest.approx(30.0)  # the cancel is due at 30 s, not later
    policy = runtime.service.provider("koshelek").poll_policy
    assert clock.waits[0] == pytest.approx(policy.first_delay)
    assert all(wait <= policy.interval + 1e-9 for wait in clock.waits)
    await runtime.aclose()


async def test_full_and_partial_refunds(runtime: Runtime, sandbox: SandboxTransport) -> None:
    payment = await pay(runtime, sandbox, delay_ms=0)
    one_milk = await runtime.service.refund(payment.id, quantities={0: Decimal(1)})
    assert (one_milk.state, one_milk.amount_minor) == (OperationState.DONE, 8490)
    assert one_milk.receipt_fields["refundTransactionId"]
    after = await runtime.service.get(payment.id)
    assert (after.state, after.refunded_minor) == (S.PARTIALLY_REFUNDED, 8490)
    by_amount = await runtime.service.refund(payment.id, amount=Money(1000))
    assert by_amount.state is OperationState.DONE
    rest = await runtime.service.refund(payment.id)
    assert rest.amount_minor == 40380 - 8490 - 1000
    final = await runtime.service.get(payment.id)
    assert (final.state, final.refunded_minor) == (S.REFUNDED, 40380)
    [txn] = k(sandbox).transactions.values()
    assert (txn.status, txn.refunded) == ("refunded", 40380)
    with pytest.raises(UserError, match="Only a paid payment can be refunded"):
        await runtime.service.refund(payment.id)


async def test_refused_refund_goes_back(runtime: Runtime, sandbox: SandboxTransport) -> None:
    payment = await pay(runtime, sandbox, delay_ms=0)
    fault(sandbox, kind="status", path=REFUND, status=200, body={
        "requestId": "r", "refTransactionId": str(uuid.uuid4()), "refStatus": "rejected",
        "transactionId": payment.provider_ref, "status": "accepted",
        "errorCode": "EXTERNAL_PROVIDER_ERROR"})
    operation = await runtime.service.refund(payment.id)
    assert operation.state is OperationState.REJECTED
    assert operation.reason is not None
    assert "bank or payment provider reported an error" in operation.reason.english()
    # A walk: a refused refund advised "take another payment method".
    assert "payment method" not in operation.reason.english()
    assert (await runtime.service.get(payment.id)).state is S.PAID
    again = await runtime.service.refund(payment.id)  # and it can be tried again
    assert again.state is OperationState.DONE


async def test_refund_answer_lost_is_resent_with_the_same_id(runtime: Runtime,
                                                             sandbox: SandboxTransport) -> None:
    payment = await pay(runtime, sandbox, delay_ms=0)
    fault(sandbox, kind="drop_after", path=REFUND, count=4)  # client resends 3 times, all lost
    operation = await runtime.service.refund(payment.id, amount=Money(1000))
    assert operation.state is OperationState.SENT  # outcome unknown for now
    final = await wait_state(runtime, payment.id, "PARTIALLY_REFUNDED")
    assert final.refunded_minor == 1000
    refunds = requests_to(sandbox, "/transaction/refund")
    assert len({body["requestId"] for _, body in refunds}) == 1
    [txn] = k(sandbox).transactions.values()
    assert txn.refunded == 1000  # refunded once, not five times


async def test_refund_that_takes_time(runtime: Runtime, sandbox: SandboxTransport) -> None:
    k(sandbox).refund_delay_ms = 300
    payment = await pay(runtime, sandbox, delay_ms=0)
    operation = await runtime.service.refund(payment.id)
    assert operation.state is OperationState.PENDING
    assert (await runtime.service.get(payment.id)).state is S.REFUNDING
    assert (await wait_state(runtime, payment.id, "REFUNDED")).refunded_minor == 40380


async def test_no_answer_becomes_unknown_then_reconciles(runtime: Runtime,
                                                         sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="drop_before", path=CHECKOUT, count=4)
    barcode = customer(sandbox, delay_ms=0)["barcode"]
    payment = await runtime.service.pay(simple_sale(), "koshelek", {"barcode": barcode})
    assert payment.state is S.UNKNOWN
    assert payment.reason is not None
    assert "being checked" in payment.reason.english()
    paid = await wait_state(runtime, payment.id, "PAID")  # the driver keeps trying
    assert len({b["requestId"] for _, b in requests_to(sandbox, "/checkout")}) == 1
    assert len(k(sandbox).transactions) == 1
    assert paid.provider_ref in k(sandbox).transactions


async def test_no_second_attempt_while_the_first_may_still_be_paid(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="drop_before", path=CHECKOUT, count=-1)
    first = await pay(runtime, sandbox, sale=simple_sale(), delay_ms=0)
    assert first.state is S.UNKNOWN
    sale = await runtime.journal.get_sale(first.sale_id)
    assert sale is not None
    barcode = customer(sandbox, delay_ms=0)["barcode"]
    with pytest.raises(UserError, match=r"not settled yet \(outcome unknown\)"):
        await runtime.service.start_payment(sale, "koshelek", {"barcode": barcode})
    assert len(await runtime.journal.attempts_for(sale.id)) == 1  # nothing journaled
    await runtime.service.resolve(first.id, S.DECLINED, reason="never arrived", actor="Ivanova")
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.clear()
    second = await runtime.service.pay(sale, "koshelek", {"barcode": barcode})
    assert second.state is S.PAID  # a settled, unpaid attempt does not block
    with pytest.raises(UserError, match="is paid already"):
        await runtime.service.start_payment(sale, "koshelek", {"barcode": barcode})


async def test_an_attempt_left_to_expire_does_not_block_another_way(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    left = await runtime.service.start_payment(simple_sale(), "paymega", {})
    await runtime.service.wait(left.id, until=lambda p: p.state is S.PENDING)
    await runtime.service.cancel(left.id)  # Paymega cannot cancel: left to expire
    assert (await runtime.service.get(left.id)).abandoned
    sale = await runtime.journal.get_sale(left.sale_id)
    assert sale is not None
    paid = await pay(runtime, sandbox, sale=sale, delay_ms=0)
    assert (paid.state, paid.sale_id) == (S.PAID, left.sale_id)


async def test_lost_answer_after_commit_is_one_payment(runtime: Runtime,
                                                       sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="drop_after", path=CHECKOUT, count=4)
    payment = await pay(runtime, sandbox, sale=simple_sale(), delay_ms=0)
    assert payment.state is S.UNKNOWN
    paid = await wait_state(runtime, payment.id, "PAID")
    assert list(k(sandbox).transactions) == [paid.provider_ref]


async def _journal_attempt(runtime: Runtime, sandbox: SandboxTransport, state: PaymentState,
                           *, age_s: float = 2, **behaviour: Any,
                           ) -> tuple[Payment, PaymentRequest]:
    """A payment as a crashed process left it: journaled, maybe sent, never answered."""
    provider = runtime.service.provider("koshelek")
    sale = await runtime.journal.add_sale(simple_sale())
    options = await provider.prepare({"barcode": customer(sandbox, **behaviour)["barcode"]})
    request = PaymentRequest(key=str(uuid.uuid4()), order_id=sale.order_id,
                             amount_minor=sale.total.minor, currency="RUB", description="",
                             items=sale_items(sale), options=options)
    now = utcnow() - timedelta(seconds=age_s)
    payment = Payment(id=new_id(), sale_id=sale.id, provider="koshelek", state=S.DRAFT,
                      amount=sale.total, key=request.key, request=request, created_at=now,
                      updated_at=now)
    await runtime.journal.add_payment(payment)
    if state is not S.DRAFT:
        await runtime.journal.update_payment(payment.id, to=S.CREATING, event=EventKind.CREATE_SENT)
    return payment, request


@pytest.fixture
async def crashed(sandbox: SandboxTransport) -> AsyncIterator[Runtime]:
    """A terminal opened but not started, standing in for the process that crashed."""
    runtime = await training_runtime(sandbox)
    yield runtime
    await runtime.aclose()


async def test_recovery_when_the_request_never_left(crashed: Runtime,
                                                    sandbox: SandboxTransport) -> None:
    payment, _ = await _journal_attempt(crashed, sandbox, S.CREATING, delay_ms=0)
    await crashed.service.start()
    recovered = await wait_state(crashed, payment.id, "PAID")
    assert len(k(sandbox).transactions) == 1
    assert recovered.provider_ref in k(sandbox).transactions


async def test_recovery_when_the_request_arrived(crashed: Runtime,
                                                 sandbox: SandboxTransport) -> None:
    payment, request = await _journal_attempt(crashed, sandbox, S.CREATING, delay_ms=0)
    first = await crashed.service.provider("koshelek").create(request)  # arrived, answer lost
    await crashed.service.start()
    recovered = await wait_state(crashed, payment.id, "PAID")
    assert recovered.provider_ref == first.provider_ref
    assert len(k(sandbox).transactions) == 1  # no duplicate


async def test_recovery_discards_drafts(crashed: Runtime, sandbox: SandboxTransport) -> None:
    payment, _ = await _journal_attempt(crashed, sandbox, S.DRAFT)
    assert [p.id for p in await crashed.service.start()] == []
    assert await crashed.journal.get_payment(payment.id) is None
    assert requests_to(sandbox, "/checkout") == []


async def test_recovered_pending_payment_is_cancelled_after_the_wait(
        crashed: Runtime, sandbox: SandboxTransport) -> None:
    payment, request = await _journal_attempt(crashed, sandbox, S.CREATING, mode="never",
                                              age_s=60)  # the crash was a minute ago
    remote = await crashed.service.provider("koshelek").create(request)
    await crashed.journal.update_payment(payment.id, to=S.PENDING, event=EventKind.CREATE_ANSWERED,
                                         provider_ref=remote.provider_ref)
    await crashed.service.start()
    cancelled = await wait_state(crashed, payment.id, "CANCELLED")
    assert cancelled.reason is not None
    assert "No final answer" in cancelled.reason.english()


async def test_final_states_never_move_back(runtime: Runtime, sandbox: SandboxTransport) -> None:
    payment = await pay(runtime, sandbox, delay_ms=0)
    service = runtime.service
    recorder = Recorder(runtime.journal, service.providers, backoff=RECONCILE_BACKOFF)
    same = await recorder.apply(payment, RemotePayment(state=RemoteState.PENDING,
                                                       raw_status="pending"), EventKind.STATUS)
    assert same.state is S.PAID
    declined = await pay(runtime, sandbox, mode="decline", delay_ms=0)
    alerts: list[PaymentUpdate] = []
    recorder.subscribe(lambda u: alerts.append(u) if u.alert else None)
    await recorder.apply(declined, RemotePayment(state=RemoteState.PAID, raw_status="accepted"),
                         EventKind.STATUS)
    after = await service.get(declined.id)
    assert after.state is S.DECLINED
    assert after.attention is not None
    assert "reports this payment as paid" in after.attention.english()
    assert alerts
    ignored = [e for e in await runtime.journal.events_for(declined.id)
               if e.kind == "update_ignored"]
    assert ignored[0].data["remote_status"] == "accepted"


async def test_late_payment_after_the_cashier_left_alerts(runtime: Runtime,
                                                          sandbox: SandboxTransport) -> None:
    barcode = customer(sandbox, mode="never")["barcode"]
    payment = await runtime.service.start_payment(simple_sale(), "koshelek", {"barcode": barcode})
    await wait_state(runtime, payment.id, "PENDING")
    left = await runtime.journal.update_payment(payment.id, event=EventKind.ABANDONED,
                                                abandoned=True)
    recorder = Recorder(runtime.journal, runtime.service.providers, backoff=RECONCILE_BACKOFF)
    alerts: list[PaymentUpdate] = []
    recorder.subscribe(lambda u: alerts.append(u) if u.alert else None)
    paid = await recorder.apply(left, RemotePayment(state=RemoteState.PAID,
                                                    raw_status="accepted"), EventKind.STATUS)
    assert paid.state is S.PAID
    assert alerts[0].alert == LATE_PAYMENT.with_params(amount=payment.amount,
                                                       advice=RETURN_BY_REFUND)


def test_an_alert_advises_only_what_the_terminal_can_do(runtime: Runtime) -> None:
    """A late-payment alert once said "refund it" where Refund was off (Paymega without the
    refund endpoint): the advice follows what each provider allows here."""
    service = runtime.service
    assert service.return_advice("koshelek") == RETURN_BY_REFUND
    assert service.return_advice("pegas") == RETURN_BY_PAYOUT  # no refunds: a payout
    assert service.return_advice("paymega") == RETURN_ELSEWHERE.with_params(
        provider="Paymega")  # refunds off in training, as by default
    assert "History" not in service.return_advice("paymega").english()


async def test_cancel_and_refund_are_journaled_before_they_are_sent(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    seen: list[tuple[str, str, str]] = []

    def spy(name: str) -> None:
        original = getattr(k(sandbox), name)

        def wrapped(body: dict[str, Any]) -> Any:
            conn = sqlite3.connect(runtime.journal.path)
            [(state,)] = conn.execute("SELECT state FROM payments").fetchall()
            [(kind, op_state, key)] = conn.execute(
                "SELECT kind, state, idem_key FROM operations ORDER BY created_at DESC LIMIT 1"
            ).fetchall()
            conn.close()
            assert key == body["requestId"]
            seen.append((state, kind, op_state))
            return original(body)

        setattr(k(sandbox), name, wrapped)

    spy("cancel")
    spy("refund")
    barcode = customer(sandbox, mode="never")["barcode"]
    started = await runtime.service.start_payment(simple_sale(), "koshelek", {"barcode": barcode})
    pending = await wait_state(runtime, started.id, "PENDING")
    assert pending.provider_ref
    k(sandbox).force(pending.provider_ref, "approve")
    await runtime.service.cancel(started.id)  # refused: paid
    await runtime.service.refund(started.id)
    assert seen == [("CANCELLING", "cancel", "SENT"), ("REFUNDING", "refund", "SENT")]


async def test_a_transaction_the_provider_does_not_know_needs_a_person(
        crashed: Runtime, sandbox: SandboxTransport) -> None:
    payment, _ = await _journal_attempt(crashed, sandbox, S.CREATING)
    await crashed.journal.update_payment(payment.id, to=S.PENDING, event=EventKind.CREATE_ANSWERED,
                                         provider_ref=str(uuid.uuid4()))
    await crashed.service.start()
    stuck = await crashed.service.wait(payment.id, timeout=10,
                                       until=lambda p: p.attention is not None)
    assert stuck.state is S.PENDING
    assert stuck.attention is not None
    # The payment named, and what a person does (walks: the provider's sentence alone).
    said = stuck.attention.english()
    assert said.startswith("Not known there: Koshelek Pay does not know the payment of ")
    assert payment.amount.format() in said
    assert "Resolve…" in said
    assert not crashed.service.following(payment.id)  # no endless retries


async def test_in_processing_on_checkout_is_asked_again_not_declined(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    fault(sandbox, kind="status", path=CHECKOUT, status=422,
          body={"code": "TRANSACTION_IN_PROCESSING", "details": "в обработке"})
    payment = await pay(runtime, sandbox, sale=simple_sale(), delay_ms=0)
    assert (payment.state, payment.reason_code) == (S.UNKNOWN, "TRANSACTION_IN_PROCESSING")
    assert (await wait_state(runtime, payment.id, "PAID")).provider_ref


async def test_a_journal_that_cannot_be_written_stops_before_sending(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    barcode = customer(sandbox)["barcode"]
    errors: list[PaymentUpdate] = []
    runtime.service.subscribe(lambda u: errors.append(u) if u.stopped else None)
    payment = await runtime.service.start_payment(simple_sale(), "koshelek", {"barcode": barcode})
    # The disk fills up between the DRAFT and the CREATING write.
    await runtime.journal.read(lambda conn: conn.execute("PRAGMA query_only = ON"))
    result = await runtime.service.wait(payment.id, timeout=10)
    await runtime.journal.read(lambda conn: conn.execute("PRAGMA query_only = OFF"))
    assert result.state is S.DRAFT
    assert requests_to(sandbox, "/checkout") == []
    assert errors[-1].error is not None
    assert "cannot be written" in errors[-1].error.english()


async def test_a_wait_that_is_already_due_starts_no_task() -> None:
    """A task cancelled before it ran warns "coroutine … was never awaited" when the loop ends
    (seen in CI); a zero wait must not create one."""
    loop = asyncio.get_running_loop()
    created: list[object] = []
    default = loop.get_task_factory()

    def counting(loop: asyncio.AbstractEventLoop, coro: Any, **kw: Any) -> asyncio.Task[Any]:
        created.append(coro)
        return asyncio.Task(coro, loop=loop, **kw)

    clock, wake = SystemClock(), asyncio.Event()
    loop.set_task_factory(counting)
    try:
        await clock.wait(wake, 0)
        await clock.wait(wake, -1.5)  # overdue
        assert created == []
        await clock.wait(wake, 0.01)  # a real wait waits on the wake event
        assert len(created) == 1
    finally:
        loop.set_task_factory(default)


async def test_a_decision_on_a_payment_that_changed_meanwhile_is_refused(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    """A manager's walk: the resolve dialog said "outcome unknown", an automatic resend got
    through while it was open (the customer was now paying), and "not paid" was accepted."""
    fault(sandbox, kind="drop_before", path=CHECKOUT, count=-1)
    unknown = await pay(runtime, sandbox, sale=simple_sale(), mode="never", delay_ms=0)
    assert unknown.state is S.UNKNOWN
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.clear()
    await runtime.service.reconcile([unknown.id], timeout=0.1)  # the resend gets through
    await runtime.service.wait(unknown.id, until=lambda p: p.state is S.PENDING, timeout=10)
    with pytest.raises(UserError, match="changed while you decided: it is now in progress"):
        await runtime.service.resolve(unknown.id, S.DECLINED, reason="checked", actor="boss",
                                      seen=S.UNKNOWN)
    with pytest.raises(UserError, match="still in progress at Koshelek Pay: the customer may "
                                        "still pay"):
        await runtime.service.resolve(unknown.id, S.DECLINED, reason="checked", actor="boss")
    assert [p.id for p in await runtime.service.followed()] == [unknown.id]  # still followed


async def test_no_resend_reaches_the_provider_after_a_decision(
        sandbox: SandboxTransport) -> None:
    runtime = await training_runtime(sandbox, reconcile_backoff=Backoff(first_s=0.05, cap_s=0.05))
    await runtime.service.start()
    try:
        fault(sandbox, kind="drop_before", path=CHECKOUT, count=-1)
        unknown = await pay(runtime, sandbox, sale=simple_sale(), delay_ms=0)
        assert unknown.state is S.UNKNOWN  # and its driver resends every 50 ms
        resolved = await runtime.service.resolve(unknown.id, S.DECLINED, seen=S.UNKNOWN,
                                                 reason="not in the cabinet", actor="boss")
        assert resolved.state is S.DECLINED
        assert await runtime.service.followed() == []  # stopped before the decision
        assert sandbox.sandbox.faults is not None
        sandbox.sandbox.faults.clear()
        await runtime.service.reconcile()  # nothing unsettled: nothing is sent again
        assert sandbox.sandbox.of(KoshelekSandbox).transactions == {}
    finally:
        await runtime.aclose()


async def test_a_sale_left_while_its_payment_is_unknown_alerts_when_it_turns_out_paid(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    """A walk: after an unknown outcome the cashier cleared the basket and took the money
    again another way; the first payment then turned paid, and nobody was told."""
    fault(sandbox, kind="drop_after", path=CHECKOUT, count=-1)
    first = await pay(runtime, sandbox, sale=simple_sale("88"), delay_ms=0)
    assert first.state is S.UNKNOWN
    sale = await runtime.journal.get_sale(first.sale_id)
    assert sale is not None
    [waiting] = await runtime.service.unsettled_attempts(sale)
    warning = runtime.service.unsettled_warning(waiting, sale).english()
    assert "88,00" in warning
    assert sale.label in warning
    assert "twice" in warning
    [left] = await runtime.service.leave_sale(sale)
    assert left.abandoned
    assert left.state is S.UNKNOWN
    assert await runtime.service.unsettled_attempts(sale) == []
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.clear()
    paid = await runtime.service.wait(first.id, timeout=15,
                                      until=lambda p: p.state is S.PAID)
    assert paid.attention is not None
    assert "refund" in paid.attention.english().lower()
    assert "left_by_cashier" in await kinds(runtime, first.id)


async def test_a_wrong_not_paid_decision_is_corrected_from_the_provider(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    """A walk: a manager recorded 'declined' for a payment the provider had taken; nothing
    could undo it, so it could not be refunded and the reports left it out."""
    fault(sandbox, kind="drop_after", method="POST", count=-1,
          path="/paymega/api/payment-invoices")
    fault(sandbox, kind="error_before", status=503, method="GET", count=-1,
          path="/paymega/api/payment-invoices")  # nor can it be looked up
    first = await runtime.service.start_payment(simple_sale("45"), "paymega")
    await wait_state(runtime, first.id, "UNKNOWN", timeout=15)
    await runtime.service.resolve(first.id, S.DECLINED, reason="customer says no",
                                  actor="Ivanova")
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.clear()
    invoices = sandbox.sandbox.of(PaymegaSandbox)
    with invoices._lock:
        [invoice] = invoices.invoices.values()
        invoices.pay(invoice)
    with pytest.raises(UserError, match="reason and who"):
        await runtime.service.take_provider_state(first.id, actor="", reason="")
    corrected = await runtime.service.take_provider_state(
        first.id, actor="Petrov", reason="the customer shows the debit")
    assert corrected.state is S.PAID
    assert corrected.reason_code == "CORRECTED"
    assert corrected.provider_ref == invoice.id
    assert "corrected_from_provider" in await kinds(runtime, first.id)
    assert corrected.refundable.minor == 4500  # the money can go back now


async def test_a_koshelek_payment_without_its_transaction_id_is_never_asked_by_resending(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    """Koshelek finds a payment only by resending its checkout: a correction (or a recheck)
    must not send a checkout for a payment recorded as not paid."""
    fault(sandbox, kind="drop_before", path=CHECKOUT, count=-1)
    first = await pay(runtime, sandbox, sale=simple_sale("45"), delay_ms=0)
    assert first.state is S.UNKNOWN
    await runtime.service.resolve(first.id, S.DECLINED, reason="never arrived", actor="Ivanova")
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.clear()
    with pytest.raises(UserError, match="without its transaction id"):
        await runtime.service.take_provider_state(first.id, actor="Petrov", reason="checking")
    assert await runtime.service.recheck_unpaid([await runtime.service.get(first.id)]) == []
    assert k(sandbox).transactions == {}  # nothing was sent


async def test_a_correction_needs_the_provider_to_say_paid(runtime: Runtime,
                                                           sandbox: SandboxTransport) -> None:
    declined = await pay(runtime, sandbox, sale=simple_sale("45"), delay_ms=0,
                         mode="decline")
    assert declined.state is S.DECLINED
    with pytest.raises(UserError, match="nothing to correct"):
        await runtime.service.take_provider_state(declined.id, actor="Petrov",
                                                  reason="checking twice")
    assert (await runtime.service.get(declined.id)).state is S.DECLINED
    paid = await pay(runtime, sandbox, sale=simple_sale("45"), delay_ms=0)
    with pytest.raises(UserError, match="recorded as not paid"):
        await runtime.service.take_provider_state(paid.id, actor="Petrov", reason="checking")


async def test_a_refund_under_way_is_never_dropped_by_a_decision_on_its_payment(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    """A walk: a refund whose answers were lost; the manager resolved its payment as "the
    customer paid", the refund Koshelek had made was forgotten, and it was refunded again."""
    paid = await pay(runtime, sandbox, sale=simple_sale("310.14"), delay_ms=0)
    fault(sandbox, kind="drop_after", path=REFUND, count=-1)
    await runtime.service.refund(paid.id, amount=Money(5000))
    refunding = await wait_state(runtime, paid.id, "REFUNDING")
    with pytest.raises(UserError, match="refund of this payment is under way"):
        await runtime.service.resolve(refunding.id, S.PAID, reason="looks paid", actor="Boris")
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.clear()
    done = await wait_state(runtime, paid.id, "PARTIALLY_REFUNDED", timeout=30)
    assert done.refunded_minor == 5000  # the refund Koshelek made, recorded once


async def test_an_error_of_no_known_class_on_create_is_an_unknown_outcome(
        runtime: Runtime, sandbox: SandboxTransport, monkeypatch: pytest.MonkeyPatch) -> None:
    """A create that fails with a ProviderError of no known class (a new adapter's bug) may
    have reached the provider: UNKNOWN, followed and asked again with the same key — never
    the driver's crash, nor a decline."""
    from pos_app.i18n import Message
    from pos_app.providers.errors import ProviderError

    provider = runtime.service.provider("koshelek")
    create = provider.create
    calls: list[str] = []

    async def odd_then_real(request: PaymentRequest) -> RemotePayment:
        calls.append(request.key)
        if len(calls) == 1:
            raise ProviderError(Message("Test", "something new"), code="ODD")
        return await create(request)

    monkeypatch.setattr(provider, "create", odd_then_real)
    barcode = customer(sandbox, delay_ms=0)["barcode"]
    started = await runtime.service.start_payment(simple_sale(), "koshelek", {"barcode": barcode})
    unknown = await wait_state(runtime, started.id, "UNKNOWN")
    assert unknown.reason_code == "ODD"
    assert runtime.service.following(started.id)
    paid = await wait_state(runtime, started.id, "PAID")
    assert paid.provider_ref in k(sandbox).transactions
    assert set(calls) == {started.key}  # asked again with the same key
