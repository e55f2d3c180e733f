"""Shifts, X/Z reports, reconciliation with the sandboxes and the CSV export."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import tzlocal

from pos_app.app import Runtime
from pos_app.core.backoffice import Backoffice
from pos_app.core.export import Period
from pos_app.core.money import Money
from pos_app.core.packed import unpack
from pos_app.core.payments import Payment, utcnow
from pos_app.core.reconcile import DiffKind, ref_text
from pos_app.core.reports import ShiftReport, note_texts, render_report
from pos_app.core.states import PaymentState
from pos_app.i18n import UserError, set_translator
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.translations import read_ts, ts_path
from tests.helpers import customer, http_client, simple_sale, translator, wait_state

S = PaymentState


@pytest.fixture
def office(runtime: Runtime) -> Backoffice:
    return Backoffice(runtime.service)


async def koshelek(runtime: Runtime, sandbox: SandboxTransport, amount: str = "100.00",
                   **behaviour: object) -> Payment:
    barcode = customer(sandbox, delay_ms=0, **behaviour)["barcode"]
    return await runtime.service.pay(simple_sale(amount), "koshelek", {"barcode": barcode})


async def paymega(runtime: Runtime, sandbox: SandboxTransport, amount: str = "200.00") -> Payment:
    payment = await runtime.service.start_payment(simple_sale(amount), "paymega")
    pending = await wait_state(runtime, payment.id, "PENDING")
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{pending.provider_ref}/pay")
    runtime.service.notify(pending.provider_ref or "")
    return await wait_state(runtime, payment.id, "PAID")


async def pegas(runtime: Runtime, sandbox: SandboxTransport, amount: str = "300.00") -> Payment:
    payment = await runtime.service.start_payment(simple_sale(amount), "pegas",
                                                  {"type": "invoice-card"})
    pending = await wait_state(runtime, payment.id, "PENDING")
    txn = next(t for t in sandbox.sandbox.of(PegasSandbox).transactions.values()
               if t.order_id == pending.key)
    sandbox.sandbox.of(PegasSandbox).pay(txn)
    runtime.service.notify(pending.provider_ref or "")
    return await wait_state(runtime, payment.id, "PAID", timeout=15)


async def left_and_paid_late(runtime: Runtime, sandbox: SandboxTransport, amount: str,
                             ) -> Payment:
    """A Paymega link the cashier left (Paymega cannot cancel), then paid by the customer."""
    left = await runtime.service.start_payment(simple_sale(amount), "paymega")
    left = await runtime.service.wait(left.id, until=lambda p: p.provider_ref is not None)
    await runtime.service.cancel(left.id)  # left to expire
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{left.provider_ref}/pay")
    runtime.service.notify(left.provider_ref or "")
    return await wait_state(runtime, left.id, "PAID")


def tally(report: ShiftReport, bucket: str, provider: str | None = None) -> tuple[int, int]:
    lines = [line for line in report.lines if provider in (None, line.provider)]
    return (sum(line.tallies[bucket].count for line in lines),
            sum(line.tallies[bucket].minor for line in lines))


# -- shifts ------------------------------------------------------------------------------

async def test_one_shift_at_a_time_and_payments_join_it(office: Backoffice, runtime: Runtime,
                                                        sandbox: SandboxTransport) -> None:
    with pytest.raises(UserError, match="No shift has been opened"):
        await office.x_report()
    with pytest.raises(UserError, match="cashier's name"):
        await office.open_shift("   ")
    shift = await office.open_shift("  Анна   Петрова ")
    assert (shift.number, shift.cashier, shift.is_open) == (1, "Анна Петрова", True)
    with pytest.raises(UserError, match="Shift 1 is still open"):
        await office.open_shift("Борис")
    payment = await koshelek(runtime, sandbox)
    assert payment.shift_id == shift.id
    sale = await runtime.journal.get_sale(payment.sale_id)
    assert sale is not None
    assert sale.shift_id == shift.id
    await office.close_shift(actor="manager")
    with pytest.raises(UserError, match="No shift is open"):
        await office.close_shift(actor="manager")
    second = await office.open_shift("Борис")
    assert second.number == 2
    rows = await runtime.journal.read(lambda conn: conn.execute(
        "SELECT kind FROM events WHERE kind LIKE 'shift_%' ORDER BY seq").fetchall())
    assert [r[0] for r in rows] == ["shift_opened", "shift_closed", "shift_opened"]


async def test_a_shift_over_24_hours_warns(office: Backoffice) -> None:
    shift = await office.shifts.open("Анна", at=utcnow() - timedelta(hours=25))
    assert shift.runs_long()
    assert not shift.runs_long(now=shift.opened_at + timedelta(hours=23))


# -- reports -----------------------------------------------------------------------------

async def test_reports_count_refunds_in_the_shift_they_were_made(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    await office.open_shift("Анна")
    first = await koshelek(runtime, sandbox, "100.00")
    await runtime.service.refund(first.id, amount=Money(3000))
    await koshelek(runtime, sandbox, "40.00", mode="decline")
    x = await office.x_report()
    assert x.kind == "X"
    assert tally(x, "paid") == (1, 10000)
    assert tally(x, "refunded") == (1, 3000)
    assert tally(x, "declined") == (1, 4000)
    z1 = await office.close_shift(actor="manager")
    assert (z1.kind, z1.closed_at is not None) == ("Z", True)
    assert [t.net_minor for t in z1.totals()] == [7000]

    await office.open_shift("Борис")
    await runtime.service.refund(first.id, amount=Money(2000))  # yesterday's sale, today
    await paymega(runtime, sandbox, "50.00")
    z2 = await office.close_shift(actor="manager")
    assert tally(z2, "paid") == (1, 5000)
    assert tally(z2, "refunded", "koshelek") == (1, 2000)
    assert [t.net_minor for t in z2.totals()] == [3000]
    # The Z report of shift 1 is kept as printed, whatever happened after.
    assert (await office.x_report(1)).to_json() == z1.to_json()
    html = render_report(z2, provider_names={"koshelek": "Koshelek Pay"}, store="Shop",
                         terminal_id="T1")
    assert "Z REPORT" in html
    assert "Koshelek Pay" in html
    assert "30,00" in html
    # Paymega's service in words, not its code (a walk: "Paymega · payment_card_rub_hpp").
    assert "Paymega · bank card" in html
    assert "payment_card_rub_hpp" not in html


async def test_payouts_and_unknown_outcomes_are_reported(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    await office.open_shift("Анна")
    sandbox.sandbox.of(PegasSandbox).withdrawal_delay_s = 0.2
    payout = await runtime.service.withdraw("pegas", Money(10000), method="card",
                                            number="4111111111111111", comment="возврат")
    runtime.service.notify(payout.id)
    await wait_state(runtime, payout.id, "PAID", timeout=20)
    sandbox.sandbox.faults.add(Fault(kind="error_before", count=-1, status=503,  # type: ignore
                                     path="/koshelek/api/v1/merchant/checkout"))
    unknown = await koshelek(runtime, sandbox, "70.00")
    assert unknown.state is S.UNKNOWN
    report = await office.x_report()
    assert tally(report, "unknown") == (1, 7000)
    assert tally(report, "payouts") == (1, 10000)
    assert tally(report, "paid") == (0, 0)
    assert [t.net_minor for t in report.totals()] == [-10000]
    # A walk: the Russian X report said "Pegas-kassa · card", the method's code.
    html = render_report(report, provider_names={"pegas": "Pegas-kassa"}, store="Shop",
                         terminal_id="T1")
    assert "Pegas-kassa · Payout to a bank card" in html
    # Issue 20 #19: the report names what still needs a person, not only its count.
    said = note_texts(report, {"koshelek": "Koshelek Pay"})
    assert [t for t in said if "STILL NEEDS ATTENTION" in t] == [
        "S000002 70,00\xa0₽ Koshelek Pay: STILL NEEDS ATTENTION (outcome unknown) — see "
        "Needs attention"]


def test_every_pegas_kassa_payout_method_is_named_in_words() -> None:
    from pos_app.providers.pegas.provider import PAYOUT_METHODS
    from pos_app.providers.registry import method_label

    assert all(method_label("pegas", method) != method for method in PAYOUT_METHODS)


async def test_a_payout_refused_before_anything_was_created_is_no_decline(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    """Issue 20 #19: refused at its creation (the provider's balance too low), it counted as
    a customer's decline."""
    await office.open_shift("Анна")
    sandbox.sandbox.of(PegasSandbox).balance = Decimal("10")
    payout = await runtime.service.withdraw("pegas", Money(50000), method="phone",
                                            number="+79991234567")
    assert (await runtime.service.wait(payout.id)).state is S.DECLINED
    report = await office.x_report()
    assert tally(report, "refused") == (1, 50000)
    assert tally(report, "declined") == (0, 0)
    old = report.to_json()  # a Z report kept before the bucket existed still reads
    for line in old["lines"]:
        del line["refused"]
    assert tally(ShiftReport.from_json(old), "refused") == (0, 0)


async def test_training_payments_never_count_in_a_live_report(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    shift = await office.shifts.open("Анна")
    payment = await koshelek(runtime, sandbox, "100.00")
    assert payment.training  # this terminal is in training mode
    live = Backoffice(runtime.service)
    live.shifts.training = False
    live_shift = await live.shifts.open("Анна")
    assert live_shift.id != shift.id
    live_report = await live.x_report()
    assert live_report.lines == []
    assert not live_report.training
    assert tally(await office.x_report(shift.number), "paid") == (1, 10000)


# -- reconciliation ----------------------------------------------------------------------

async def test_a_clean_shift_has_no_differences(office: Backoffice, runtime: Runtime,
                                                sandbox: SandboxTransport) -> None:
    shift = await office.open_shift("Анна")
    assert shift.balances == {"pegas": 2534015}
    await koshelek(runtime, sandbox)
    await paymega(runtime, sandbox)
    await pegas(runtime, sandbox)
    assert await office.reconcile() == []


async def test_reconciliation_asks_a_few_at_a_time_per_provider(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    """A shift of 2,000 payments was asked about one payment after another (minutes over a
    slow link): now two reads per provider are in flight at once, never more, each payment
    is asked once, and the progress counts every one."""
    from pos_app.providers.base import PaymentRef, RemotePayment

    await office.open_shift("Анна")
    paid = [await koshelek(runtime, sandbox, f"{10 + n}.00") for n in range(6)]
    paid.append(await paymega(runtime, sandbox))
    in_flight: dict[str, int] = {}
    most: dict[str, int] = {}
    asked: list[str] = []
    for name in ("koshelek", "paymega"):
        provider = runtime.service.providers[name]

        async def status(ref: PaymentRef, name: str = name,
                         answer: Callable[[PaymentRef], Awaitable[RemotePayment]]
                         = provider.status) -> RemotePayment:
            in_flight[name] = in_flight.get(name, 0) + 1
            most[name] = max(most.get(name, 0), in_flight[name])
            asked.append(ref.provider_ref or "")
            try:
                for _ in range(3):  # a slow link: the other reads may start meanwhile
                    await asyncio.sleep(0)
                return await answer(ref)
            finally:
                in_flight[name] -= 1

        provider.status = status  # type: ignore[method-assign]
    counted: list[tuple[int, int]] = []
    assert await office.reconcile(progress=lambda done, total: counted.append((done, total))) \
        == []
    assert most == {"koshelek": 2, "paymega": 1}  # two at once, and never more
    assert sorted(asked) == sorted(p.provider_ref or "" for p in paid)
    assert counted == [(n, 7) for n in range(1, 8)]


async def test_reconciliation_finds_each_kind_of_difference(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    await office.open_shift("Анна")
    # Missing: paid here, the provider has forgotten the transaction.
    forgotten = await koshelek(runtime, sandbox)
    del sandbox.sandbox.of(KoshelekSandbox).transactions[forgotten.provider_ref or ""]
    # Amount: the provider reports another amount received.
    changed = await paymega(runtime, sandbox, "200.00")
    invoice = sandbox.sandbox.of(PaymegaSandbox).invoices[changed.provider_ref or ""]
    invoice.processed_amount = Decimal("150.00")
    # State: a manager settled an unknown payment as declined, but the customer paid.
    faults = sandbox.sandbox.faults
    assert faults is not None
    faults.add(Fault(kind="drop_after", count=-1, method="POST",
                     path="/paymega/api/payment-invoices"))
    faults.add(Fault(kind="error_before", status=503, count=-1, method="GET",
                     path="/paymega/api/payment-invoices"))  # nor can it be looked up
    lost = await runtime.service.start_payment(simple_sale("60.00"), "paymega")
    await wait_state(runtime, lost.id, "UNKNOWN", timeout=15)
    await runtime.service.resolve(lost.id, S.DECLINED, reason="customer left", actor="boss",
                                  seen=S.UNKNOWN)
    faults.clear()
    invoices = sandbox.sandbox.of(PaymegaSandbox)
    lost_invoice = next(i for i in invoices.invoices.values() if i.reference_id == lost.key)
    invoices.pay(lost_invoice)
    # Orphan: an invoice of this till paid at Paymega that the journal never saw; another
    # till's invoice in the same account is not ours to report.
    prefix = lost.key.rsplit("-", 1)[0]
    async with http_client(sandbox) as client:
        for reference in (f"{prefix}-orphan1", f"OTHER-{prefix[-8:]}-x"):
            created = await client.post("/paymega/api/payment-invoices", json={"data": {
                "type": "payment-invoices", "attributes": {
                    "reference_id": reference, "service": "payment_card_rub_hpp",
                    "currency": "RUB", "amount": 80}}},
                auth=(invoices.login, invoices.password))
            assert created.status_code == 201, created.text
            await client.post(f"/_sandbox/paymega/invoices/{created.json()['data']['id']}/pay")
    # Balance: Pegas-kassa's balance moved by more than the journal explains.
    await pegas(runtime, sandbox, "300.00")
    sandbox.sandbox.of(PegasSandbox).balance += Decimal("12.34")

    found = {(d.kind, d.provider): d for d in await office.reconcile()}
    assert set(found) == {(DiffKind.MISSING, "koshelek"), (DiffKind.AMOUNT, "paymega"),
                          (DiffKind.STATE, "paymega"), (DiffKind.ORPHAN, "paymega"),
                          (DiffKind.BALANCE, "pegas")}
    assert found[DiffKind.MISSING, "koshelek"].payment_id == forgotten.id
    assert found[DiffKind.AMOUNT, "paymega"].theirs.endswith("150,00\u00a0₽")
    assert found[DiffKind.STATE, "paymega"].ours.startswith("declined ")
    assert found[DiffKind.STATE, "paymega"].theirs.startswith("paid ")
    assert found[DiffKind.ORPHAN, "paymega"].theirs == "paid 80,00\u00a0₽"
    assert found[DiffKind.ORPHAN, "paymega"].ref == f"{prefix}-orphan1"
    assert found[DiffKind.BALANCE, "pegas"].ours == "291,00\u00a0₽"  # 300 less 3 % commission
    assert found[DiffKind.BALANCE, "pegas"].theirs == "303,34\u00a0₽"
    # Its reference in words wherever a person reads it (a walk: "Ссылка: balance").
    assert ref_text(found[DiffKind.BALANCE, "pegas"].ref) == "the site's balance"
    assert ref_text(orphan_ref := found[DiffKind.ORPHAN, "paymega"].ref) == orphan_ref
    z_notes = note_texts(await office.x_report(), {"pegas": "Pegas-kassa"})
    assert any(t.startswith("Pegas-kassa the site's balance: Balance change differs")
               for t in z_notes), z_notes
    # Kept untranslated: read in the language of whoever looks, not of who reconciled.
    set_translator(translator({"paid": "оплачен"}))
    try:
        shift = await office.current_or_latest()
        again = {(d.kind, d.provider): d for d in await office.reconciler.differences(shift)}
    finally:
        set_translator(None)
    assert again[DiffKind.ORPHAN, "paymega"].theirs == "оплачен 80,00\u00a0₽"

    # Resolving needs a reason; it is audited, and stays resolved when found again.
    orphan = found[DiffKind.ORPHAN, "paymega"]
    with pytest.raises(UserError, match="reason"):
        await office.reconciler.resolve(orphan.id, actor="boss", reason=" ")
    resolved = await office.reconciler.resolve(orphan.id, actor="boss",
                                               reason="paid on the phone, receipt 17")
    assert resolved.resolved
    assert resolved.resolved_by == "boss"
    with pytest.raises(UserError, match="already resolved"):
        await office.reconciler.resolve(orphan.id, actor="boss", reason="again")
    again = {(d.kind, d.provider): d for d in await office.reconcile()}
    assert again[DiffKind.ORPHAN, "paymega"].resolution == "paid on the phone, receipt 17"
    assert sum(not d.resolved for d in again.values()) == 4
    events = await runtime.journal.read(lambda conn: conn.execute(
        "SELECT data_json FROM events WHERE kind = 'difference_resolved'").fetchall())
    assert len(events) == 1
    assert "receipt 17" in unpack(events[0][0])


async def test_a_provider_that_cannot_be_asked_is_reported(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    await office.open_shift("Анна")
    await koshelek(runtime, sandbox)
    sandbox.sandbox.faults.add(Fault(kind="error_before", count=-1, status=500,  # type: ignore
                                     path="/koshelek/api/v1/merchant/transaction/status"))
    [difference] = await office.reconcile()
    assert (difference.kind, difference.provider) == (DiffKind.UNCHECKED, "koshelek")


# -- export ------------------------------------------------------------------------------

def read_csv(path: Path, delimiter: str) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to see UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


async def test_csv_export_opens_back(office: Backoffice, runtime: Runtime,
                                     sandbox: SandboxTransport, tmp_path: Path) -> None:
    shift = await office.open_shift("Анна")
    paid = await koshelek(runtime, sandbox, "1234.50")
    await runtime.service.refund(paid.id, amount=Money(10000))
    await koshelek(runtime, sandbox, "40.00", mode="decline")
    today = date.today()
    output = tmp_path / "payments.csv"
    assert await office.export(output, Period(today, today)) == 2
    rows = read_csv(output, ",")
    by_state = {row["state"]: row for row in rows}
    assert set(by_state) == {"PARTIALLY_REFUNDED", "DECLINED"}
    row = by_state["PARTIALLY_REFUNDED"]
    assert (row["amount"], row["received"], row["refunded"]) == ("1234.50", "1234.50", "100.00")
    assert (row["shift"], row["provider"], row["transaction"]) == (
        str(shift.number), "koshelek", paid.provider_ref)
    assert by_state["DECLINED"]["received"] == ""
    # The way to pay: Koshelek's from its answer (kept as a column: the JSON is packed).
    assert by_state["PARTIALLY_REFUNDED"]["method"] == "SBP"

    semicolons = tmp_path / "excel.csv"
    await office.export(semicolons, Period(today, today), semicolon=True)
    assert read_csv(semicolons, ";")[0]["amount"] in ("1234,50", "40,00")
    assert {r["amount"] for r in read_csv(semicolons, ";")} == {"1234,50", "40,00"}

    yesterday = today - timedelta(days=1)
    assert await office.export(tmp_path / "empty.csv", Period(yesterday, yesterday)) == 0
    assert read_csv(tmp_path / "empty.csv", ",") == []


async def test_csv_export_refuses_bad_periods_and_formulas(
        office: Backoffice, runtime: Runtime, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a date"):
        Period.parse("26.11.2026", "2026-11-30")
    with pytest.raises(UserError, match="ends"):
        Period.parse("2026-11-30", "2026-11-01")
    with pytest.raises(UserError, match="could not be written"):
        await office.export(tmp_path / "no" / "such" / "dir.csv", Period.parse(
            "2026-11-01", "2026-11-30"))
    assert not await asyncio.to_thread(lambda: list(tmp_path.glob("**/*.part")))


async def test_a_payment_settled_by_hand_without_a_transaction_is_not_called_matching(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    """A manager's walk: a Koshelek checkout whose answer was lost (it did reach Koshelek and
    was paid) was resolved "declined" by hand; the reconciliation then said everything
    matched, because without a transaction id it had skipped the payment."""
    await office.open_shift("Анна")
    faults = sandbox.sandbox.faults
    assert faults is not None
    faults.add(Fault(kind="drop_after", count=-1, path="/koshelek/api/v1/merchant/checkout"))
    lost = await koshelek(runtime, sandbox, "89.90")
    assert lost.state is S.UNKNOWN
    assert lost.provider_ref is None
    await runtime.service.resolve(lost.id, S.DECLINED, reason="not in the app", actor="boss",
                                  seen=S.UNKNOWN)
    faults.clear()
    found = await office.reconcile()
    assert [(d.kind, d.payment_id) for d in found] == [(DiffKind.UNCHECKED, lost.id)]
    assert "transaction id" in found[0].theirs
    # The Z keeps what the totals alone hide: the open difference, and the decision by hand.
    z = await office.close_shift(actor="manager")
    text = "\n".join(note_texts(z, {"koshelek": "Koshelek Pay"}))
    assert "Koshelek Pay" in text
    assert "NOT RESOLVED" in text
    assert "not in the app" in text
    assert "89,90" in text
    page = render_report(ShiftReport.from_json(z.to_json()), provider_names={}, store="Shop",
                         terminal_id="POS-1")
    assert "RECONCILIATION AND DECISIONS" in page
    assert "not in the app" in page


async def test_a_z_report_lists_resolved_differences_with_who_and_why(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    await office.open_shift("Анна")
    forgotten = await koshelek(runtime, sandbox)
    del sandbox.sandbox.of(KoshelekSandbox).transactions[forgotten.provider_ref or ""]
    [missing] = await office.reconcile()
    await office.reconciler.resolve(missing.id, actor="Boris", reason="checked in the cabinet")
    z = await office.close_shift(actor="manager")
    [text] = note_texts(z, {})
    assert "resolved by Boris: checked in the cabinet" in text
    assert ShiftReport.from_json(z.to_json()).notes == z.notes  # kept as printed


async def test_a_z_report_says_how_an_alert_was_dealt_with(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    """A walk: a late Paymega payment returned in cash was counted as takings by the Z,
    which said nothing of the cash given back."""
    await office.open_shift("Анна")
    late = await left_and_paid_late(runtime, sandbox, "377.00")
    left = late
    assert late.attention is not None
    await runtime.service.acknowledge(left.id, actor="Boris", note="returned in cash")
    z = await office.close_shift(actor="manager")
    [text] = note_texts(z, {"paymega": "Paymega"})
    assert "377,00" in text
    assert "Boris: returned in cash" in text
    # Read in Russian, the alert is Russian too (it once stayed English inside the
    # Russian sentence: the journal kept its English).
    russian = read_ts(ts_path("ru"))
    set_translator(translator(russian))
    try:
        [text] = note_texts(z, {"paymega": "Paymega"})
    finally:
        set_translator(None)
    assert "предупреждение разобрано (Boris): returned in cash (Поздняя оплата:" in text
    assert "Late payment" not in text


async def test_an_alert_the_app_answered_reads_in_the_readers_language(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    """helper-43: "The sale was completed with it at the till." stayed English in a Russian
    X report (the window's words were kept as the text of the moment)."""
    await office.open_shift("Анна")
    left = await left_and_paid_late(runtime, sandbox, "377.00")
    done = await runtime.service.completed_with(left.id, actor="Анна")
    assert done.attention is None
    report = await office.x_report()
    [text] = note_texts(report, {"paymega": "Paymega"})
    assert "Анна: The sale was completed with it at the till." in text
    set_translator(translator(read_ts(ts_path("ru"))))
    try:
        [text] = note_texts(report, {"paymega": "Paymega"})
    finally:
        set_translator(None)
    assert "(Анна): Продажа завершена этой оплатой на кассе." in text


async def test_money_after_the_z_is_named_and_alerted(
        office: Backoffice, runtime: Runtime, sandbox: SandboxTransport) -> None:
    """A walk: a Z closed the shift while a Pegas-kassa transfer was still waiting; the
    customer then paid, and the money was in no report, with no alert."""
    await office.open_shift("Анна")
    waiting = await runtime.service.start_payment(simple_sale("150.00"), "paymega")
    waiting = await wait_state(runtime, waiting.id, "PENDING")
    assert [p.id for p in await office.unsettled()] == [waiting.id]  # said before the Z
    await office.close_shift(actor="manager")
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{waiting.provider_ref}/pay")
    runtime.service.notify(waiting.provider_ref or "")
    paid = await wait_state(runtime, waiting.id, "PAID")
    assert paid.attention is not None
    assert "counts in no Z report" in paid.attention.english()


@pytest.fixture
def santiago(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Clocks jump at midnight there: 2026-09-06 00:00 → 01:00 (issue 16 #16)."""
    monkeypatch.setenv("TZ", "America/Santiago")
    time.tzset()
    tzlocal.reload_localzone()
    yield
    monkeypatch.undo()
    time.tzset()
    tzlocal.reload_localzone()


async def test_a_day_whose_midnight_is_skipped_keeps_its_own_payments(
        santiago: None, office: Backoffice, runtime: Runtime, sandbox: SandboxTransport,
        tmp_path: Path) -> None:
    late = await koshelek(runtime, sandbox, "10.00")
    early = await koshelek(runtime, sandbox, "20.00")
    # 23:30 on the 5th (UTC−4) and 01:30 on the 6th (UTC−3, the first hour of that day).
    stamps = {late.id: "2026-09-06T03:30:00.000+00:00", early.id: "2026-09-06T04:30:00.000+00:00"}
    await runtime.journal.write(lambda conn: conn.executemany(
        "UPDATE payments SET created_at = ? WHERE id = ?",
        [(stamp, payment_id) for payment_id, stamp in stamps.items()]))

    async def exported(day: date) -> list[tuple[str, str]]:
        output = tmp_path / f"{day}.csv"
        await office.export(output, Period(day, day))
        return [(row["amount"], row["created"]) for row in read_csv(output, ",")]

    assert await exported(date(2026, 9, 5)) == [("10.00", "2026-09-05 23:30:00")]
    assert await exported(date(2026, 9, 6)) == [("20.00", "2026-09-06 01:30:00")]
