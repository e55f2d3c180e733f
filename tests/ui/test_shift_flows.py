"""Shifts through the widgets: opening before the first sale, X and Z reports, reconciliation,
resolving a difference, the CSV export."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pypdfium2
from pytestqt.qtbot import QtBot

from pos_app.core.payments import utcnow
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.main_window import MainWindow
from pos_app.ui.qt import QDialogButtonBox, QLineEdit, QMessageBox, QPalette, QPlainTextEdit
from pos_app.ui.shift import (
    CloseShiftDialog,
    DifferenceDialog,
    ExportDialog,
    OpenShiftDialog,
    ShiftScreen,
)
from tests.helpers import customer, http_client, simple_sale
from tests.ui.conftest import MakeWindow
from tests.ui.test_flows import child, click, current, dialog, pin, sell, until

OK = QDialogButtonBox.StandardButton.Ok


async def paid(window: MainWindow, sandbox: SandboxTransport, amount: str = "75") -> str:
    payment = await window.service.pay(simple_sale(amount), "koshelek",
                                       {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    return payment.id


def cell(screen: ShiftScreen, row: int, column: int) -> str:
    item = screen.table.item(row, column)
    assert item is not None
    return item.text()


def koshelek_never_answers(window: MainWindow) -> list[str]:
    """Koshelek's status reads wait for ever from now on; the transactions asked about."""
    import asyncio

    from pos_app.providers.base import PaymentRef, RemotePayment

    asked: list[str] = []

    async def status(ref: PaymentRef) -> RemotePayment:
        asked.append(ref.provider_ref or "")
        await asyncio.Event().wait()  # no answer
        raise AssertionError("never answered")

    window.service.providers["koshelek"].status = status  # type: ignore[method-assign]
    return asked


async def start_the_z(window: MainWindow, qtbot: QtBot) -> ShiftScreen:
    """The shift screen, Z pressed, the PIN and who closes given."""
    screen = window.shift_screen
    await open_shift_screen(window, qtbot)
    click(qtbot, screen.z_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot)
    await closed_by(qtbot, "Irina Petrova")
    return screen


async def open_shift_screen(window: MainWindow, qtbot: QtBot) -> None:
    screen = window.shift_screen
    screen.report = None
    click(qtbot, window.shift_button)
    assert current(window) is screen
    await until(lambda: screen.report is not None)


async def test_the_first_sale_asks_to_open_a_shift(make_window: MakeWindow,
                                                   qtbot: QtBot) -> None:
    window = await make_window(shift=False)
    await until(lambda: window.shift_button.text() == "No shift")
    window.sale_screen.field.setText("120")
    qtbot.keyClick(window.sale_screen.field, "\r")
    await until(lambda: window.sale_screen.model.lines)
    click(qtbot, window.sale_screen.pay)
    box = await until(lambda: dialog("openShiftDialog", OpenShiftDialog))
    box.reject()  # not now: the basket stays
    await until(lambda: dialog("openShiftDialog") is None)
    assert current(window) is window.sale_screen
    assert len(window.sale_screen.model.lines) == 1

    click(qtbot, window.sale_screen.pay)
    box = await until(lambda: dialog("openShiftDialog", OpenShiftDialog))
    click(qtbot, box.buttons.button(OK))
    assert "cashier's name" in box.error.text()  # refused without a name
    qtbot.keyClicks(child(box, QLineEdit, "cashierName"), "Anna Petrova")
    click(qtbot, box.buttons.button(OK))
    await until(lambda: current(window) is window.choose)
    assert window.shift_button.text() == "Shift 1"
    shift = await window.office.shifts.current()
    assert shift is not None
    assert shift.cashier == "Anna Petrova"


async def test_a_shift_over_24_hours_is_flagged_once(make_window: MakeWindow,
                                                     qtbot: QtBot) -> None:
    window = await make_window(shift=False)
    await window.office.shifts.open("Ночная", at=utcnow() - timedelta(hours=26))
    await sell(qtbot, window, "50")
    warning = await until(lambda: dialog("errorBox", QMessageBox))
    assert "open for over 24 hours" in warning.text()
    warning.accept()
    assert window.shift_button.text() == "Shift 1: over 24 h"
    click(qtbot, window.choose.back_button)
    qtbot.keyClick(window.sale_screen.field, "\r")
    await until(lambda: current(window) is window.choose)
    assert dialog("errorBox") is None  # said once, not at every sale
    await open_shift_screen(window, qtbot)
    assert "over 24 hours" in window.shift_screen.warning.text()


async def closed_by(qtbot: QtBot, name: str) -> None:
    """Who closes the shift: asked, and refused without a name (issue 20 #19)."""
    box = await until(lambda: dialog("closeShiftDialog", CloseShiftDialog))
    click(qtbot, box.buttons.button(OK))
    assert "closes the shift" in box.error.text()
    qtbot.keyClicks(child(box, QLineEdit, "closerName"), name)
    click(qtbot, box.buttons.button(OK))


async def test_x_then_z_report_closes_the_shift(window: MainWindow, qtbot: QtBot,
                                                sandbox: SandboxTransport,
                                                tmp_path: Path) -> None:
    await paid(window, sandbox, "75")
    screen = window.shift_screen
    await open_shift_screen(window, qtbot)
    assert "X REPORT" in screen.html
    assert "75,00" in screen.html
    assert screen.open_button.isEnabled() is False
    click(qtbot, screen.z_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot)
    await closed_by(qtbot, "Irina Petrova")
    ask = await until(lambda: dialog("confirmBox", QMessageBox))
    assert "Shift 1 is closed. Print the Z report" in ask.text()
    ask.reject()  # later (printing: tests/window)
    await until(lambda: screen.open_button.isEnabled())
    assert "Z REPORT" in screen.html
    assert "75,00" in screen.html
    assert "Irina Petrova" in screen.html  # who closed it, not "manager"
    assert screen.differences_label.text() == (
        "Reconciliation: everything matches what the providers say.")
    assert window.shift_button.text() == "No shift"
    assert not screen.z_button.isEnabled()
    assert screen.open_button.isEnabled()
    saved = await screen.save_pdf(tmp_path / "z.pdf")
    assert saved is not None
    text = pypdfium2.PdfDocument(saved)[0].get_textpage().get_text_range()
    assert "Z REPORT" in text
    assert "75,00" in text


async def test_stopping_the_reconciliation_stops_the_asking_and_keeps_nothing(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    """A walk: a large shift's reconciliation went on asking the providers, one payment after
    another, long after the cashier pressed "Stop waiting".  Now its progress counts the
    payments asked, and Stop ends the asking; nothing half-done is kept."""
    import asyncio

    from pos_app.providers.base import PaymentRef, RemotePayment
    from pos_app.ui.progress import ProgressDialog

    for amount in ("75", "80", "85", "90"):
        await paid(window, sandbox, amount)
    provider = window.service.providers["koshelek"]
    answer = provider.status
    asked: list[str] = []
    hanging: list[str] = []
    stopped: list[str] = []

    async def status(ref: PaymentRef) -> RemotePayment:
        this = ref.provider_ref or ""
        asked.append(this)
        if len(asked) >= 2:  # the provider takes long over every payment after the first
            try:
                hanging.append(this)
                await asyncio.Event().wait()
            finally:
                stopped.append(this)
        return await answer(ref)

    provider.status = status  # type: ignore[method-assign]
    screen = window.shift_screen
    await open_shift_screen(window, qtbot)
    click(qtbot, screen.reconcile_button)
    await until(lambda: len(hanging) == 2)  # as many as are asked at once
    progress = await until(lambda: dialog("progressDialog", ProgressDialog))
    assert progress.bar.value() == 1
    assert progress.bar.maximum() == 4
    assert progress.stop.text() == "Stop the reconciliation"
    click(qtbot, progress.stop)
    await until(lambda: sorted(stopped) == sorted(hanging))
    await until(lambda: screen.reconcile_button.isEnabled())
    assert len(asked) == 3  # the fourth was never asked
    assert screen.differences_label.text() == (
        "Reconciliation stopped after 1 of 4 payments: not complete.")
    shift = await window.office.shifts.current()
    assert shift is not None
    assert await window.office.reconciler.differences(shift) == []


async def test_a_reconciliation_stopped_at_once_says_nothing_was_compared(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    """helper-44: stopped before the first answer, it said "after 0 of 0" (as if the shift
    had nothing to compare)."""
    from pos_app.ui.progress import ProgressDialog

    await paid(window, sandbox)
    asked = koshelek_never_answers(window)
    screen = window.shift_screen
    await open_shift_screen(window, qtbot)
    click(qtbot, screen.reconcile_button)
    progress = await until(lambda: dialog("progressDialog", ProgressDialog))
    await until(lambda: asked)
    click(qtbot, progress.stop)
    await until(lambda: screen.reconcile_button.isEnabled())
    assert screen.differences_label.text() == (
        "Reconciliation stopped before any payment was compared: not complete.")


async def test_a_z_whose_reconciliation_is_stopped_closes_nothing(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    """Stopping the reconciliation the Z runs first let the Z go on with the last run's
    differences: the shift closed over a reconciliation that had not ended."""
    from pos_app.ui.progress import ProgressDialog

    await paid(window, sandbox)
    koshelek_never_answers(window)
    screen = await start_the_z(window, qtbot)
    progress = await until(lambda: dialog("progressDialog", ProgressDialog))
    click(qtbot, progress.stop)
    await until(lambda: screen.z_button.isEnabled())
    assert (await window.office.shifts.current()) is not None  # still open
    assert "not complete" in screen.differences_label.text()


async def test_a_difference_is_resolved_with_the_pin_and_a_reason(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    payment_id = await paid(window, sandbox)
    payment = await window.service.get(payment_id)
    del sandbox.sandbox.of(KoshelekSandbox).transactions[payment.provider_ref or ""]
    screen = window.shift_screen
    await open_shift_screen(window, qtbot)
    click(qtbot, screen.reconcile_button)
    await until(lambda: screen.table.rowCount() == 1 and screen.reconcile_button.isEnabled())
    assert screen.differences_label.text() == "Reconciliation: 1 difference to resolve."
    assert cell(screen, 0, 1) == "Recorded here, unknown to the provider"
    # Closing now asks whether to close with the difference open; "No" keeps the shift.
    click(qtbot, screen.z_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot)
    await closed_by(qtbot, "Irina Petrova")
    question = await until(lambda: dialog("confirmBox", QMessageBox))
    assert "left 1 difference unresolved" in question.text()
    question.button(QMessageBox.StandardButton.No).click()
    await until(lambda: screen.z_button.isEnabled())
    assert (await window.office.shifts.current()) is not None

    screen.table.selectRow(0)
    click(qtbot, screen.resolve_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot)
    box = await until(lambda: dialog("differenceDialog", DifferenceDialog))
    child(box, QPlainTextEdit, "reason").setPlainText(
        "Checked in the Koshelek cabinet: paid, slip 117")
    qtbot.keyClicks(child(box, QLineEdit, "actor"), "Maria")
    click(qtbot, box.buttons.button(OK))
    await until(lambda: screen.differences and screen.differences[0].resolved)
    # Said first, where a cut column still shows it, and greyed (issue 20 #20, a walk).
    assert cell(screen, 0, 1).startswith(
        "✓ Recorded here, unknown to the provider — resolved (Maria: Checked in the Koshelek")
    provider = screen.table.item(0, 0)
    assert provider is not None
    assert provider.foreground().color() == screen.palette().color(
        QPalette.ColorRole.PlaceholderText)
    assert screen.differences_label.text() == "Reconciliation: every difference is resolved."
    assert not screen.resolve_button.isVisible()
    events = await window.service.journal.events_for(payment_id)
    assert events[-1].kind == "difference_resolved"
    assert events[-1].data["reason"] == "Checked in the Koshelek cabinet: paid, slip 117"


async def test_export_csv_through_the_dialog(window: MainWindow, qtbot: QtBot,
                                             sandbox: SandboxTransport, tmp_path: Path) -> None:
    await paid(window, sandbox, "1234.50")
    await open_shift_screen(window, qtbot)
    click(qtbot, window.shift_screen.export_button)
    box = await until(lambda: dialog("exportDialog", ExportDialog))
    box.since.setDate(box.until.date().addDays(1))
    click(qtbot, box.buttons.button(OK))
    assert "ends" in box.error.text()  # a period that ends before it starts
    box.since.setDate(box.until.date())
    path = child(box, QLineEdit, "exportPath")
    path.setText(str(tmp_path / "day.csv"))
    click(qtbot, box.buttons.button(OK))
    info = await until(lambda: dialog("infoBox", QMessageBox))
    assert "1 payment written" in info.text()
    rows = list(csv.DictReader((tmp_path / "day.csv").read_text(encoding="utf-8-sig")
                               .splitlines(), delimiter=";"))
    assert [(r["amount"], r["state"]) for r in rows] == [("1234,50", "paid")]  # for people


async def test_the_z_report_asks_while_a_payment_needs_attention(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    """A walk: the Z report closed the shift without a word while a late payment's money was
    still to be given back (it was only listed in the report)."""
    left = await window.service.start_payment(simple_sale("150"), "paymega")
    left = await window.service.wait(left.id, timeout=10,
                                     until=lambda p: p.provider_ref is not None)
    await window.service.cancel(left.id)  # the cashier left it; the customer pays later
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{left.provider_ref}/pay")
    window.service.notify(left.provider_ref or "")
    await window.service.wait(left.id, timeout=10, until=lambda p: p.attention is not None
                              and p.state.is_final)
    screen = await start_the_z(window, qtbot)
    question = await until(lambda: dialog("confirmBox", QMessageBox))
    assert question.text().startswith("Payments that still need attention: 1 — money to give")
    question.button(QMessageBox.StandardButton.No).click()
    await until(lambda: screen.z_button.isEnabled())
    assert (await window.office.shifts.current()) is not None  # still open


async def test_the_shift_button_is_red_until_a_shift_is_open(make_window: MakeWindow) -> None:
    """Its colour follows the style sheet's role, polished again when the role changes
    (without Qt's QStyle, issue 17)."""
    danger = "#b00020"  # resources/style.qss: QPushButton[role="danger"]
    window = await make_window(shift=False)
    await until(lambda: window.shift_button.text() == "No shift")
    assert window.shift_button.palette().button().color().name() == danger
    await window.office.shifts.open("Anna Petrova")  # e.g. from the command line
    assert await window.shift_for_sale()  # asked before every sale
    assert window.shift_button.text() == "Shift 1"
    assert window.shift_button.palette().button().color().name() != danger
