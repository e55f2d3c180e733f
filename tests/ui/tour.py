"""A tour of every screen and dialog, in a realistic state, reached through the real flows.

Used by ``test_layout.py`` (no text is cut off, in either language) and to take screenshots
for a review::

    uv run python -m tests.ui.tour /tmp/shots --language ru --size 1280x800
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TypeVar

from pos_app.core.money import Money
from pos_app.core.payments.messages import LATE_PAYMENT
from pos_app.core.payments.rules import return_advice
from pos_app.core.reconcile import KIND_LABELS, DiffKind
from pos_app.core.states import PaymentState, describe_state
from pos_app.i18n import tr
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.customer import CustomerDisplay
from pos_app.ui.dialogs import PayoutDialog, PinDialog, RefundDialog, ResolveDialog
from pos_app.ui.main_window import MainWindow
from pos_app.ui.qt import (
    QApplication,
    QDialog,
    QEvent,
    QFileDialog,
    QPrintDialog,
    QPushButton,
    QWidget,
)
from pos_app.ui.settings import FirstRunScreen
from pos_app.ui.shift import DifferenceDialog, ExportDialog, OpenShiftDialog
from tests.helpers import customer, deposit_type, grocery_sale, simple_sale, wait_until

Stop = tuple[str, QWidget]

W = TypeVar("W", bound=QWidget)


async def tour(window: MainWindow, sandbox: SandboxTransport) -> AsyncIterator[Stop]:
    """Yields (name, widget) with the widget showing the named state."""
    async for stop in _cashier(window, sandbox):
        yield stop
    async for stop in _manager(window, sandbox):
        yield stop
    async for stop in _shift(window, sandbox):
        yield stop
    async for stop in _dialogs(window):
        yield stop


async def shown(kind: type[W]) -> W:
    """The top-level window of ``kind`` once it is shown (a dialog the app opened)."""
    def find() -> W | None:
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, kind) and w.isVisible()), None)
    found: W = await wait_until(find)
    return found


async def _cashier(window: MainWindow, sandbox: SandboxTransport) -> AsyncIterator[Stop]:
    await wait_until(lambda: window._shift_known)  # the shift button shows the open shift
    screen = window.sale_screen
    for line in grocery_sale().lines:
        screen.model.add(line)
    screen.field.setText("12")
    yield "sale", window
    screen.pay.click()
    await wait_until(lambda: window.stack.currentWidget() is window.choose)
    yield "choose", window
    kinds = deposit_type(window)
    configured = kinds.currentIndex()
    kinds.setCurrentIndex(kinds.findData("invoice-qw"))  # its phone field shows
    yield "choose-qiwi-phone", window
    kinds.setCurrentIndex(configured)
    window.choose.buttons["koshelek"].click()
    yield "koshelek-scan", window
    window.payment_screen.scanned.emit("hello-world-123")  # as if a scanner read it
    await wait_until(lambda: window.payment_screen.error.text())
    yield "koshelek-bad-code", window
    window.payment_screen.back_button.click()
    window.choose.buttons["paymega"].click()
    await wait_until(lambda: window.payment_screen.qr.payload)
    yield "paymega-qr", window
    window.payment_screen.customer_declines.click()
    await wait_until(lambda: window.stack.currentWidget() is window.result)
    yield "result-declined", window
    window.result.other_button.click()
    deposit_type(window).setCurrentIndex(deposit_type(window).findData("wallet-card"))
    window.choose.buttons["pegas"].click()
    await wait_until(lambda: window.payment_screen.payer_text.isVisible())
    yield "pegas-transfer", window
    window.payment_screen.customer_pays.click()
    await wait_until(lambda: window.stack.currentWidget() is window.result)
    yield "result-paid", window
    window.result.receipt_button.click()
    await wait_until(lambda: window.stack.currentWidget() is window.receipt
                     and window.receipt.html)
    yield "receipt", window
    # Qt's own dialogs, opened as the cashier opens them: they speak the language too.
    for name, button, kind in (("receipt-print", window.receipt.print_button, QPrintDialog),
                               ("receipt-save", window.receipt.pdf_button, QFileDialog)):
        button.click()
        dialog: QDialog = await shown(kind)
        yield name, dialog
        more = [b for b in dialog.findChildren(QPushButton) if ">>" in b.text()]
        if more:  # the print dialog's options too: their words, within the window
            more[0].click()
            yield f"{name}-options", dialog
        dialog.reject()
        await wait_until(button.isEnabled)
    window.receipt.done_button.click()
    window.result.new_sale_button.click()
    paymega = window.service.provider("paymega")
    window.alerts.alert("demo", LATE_PAYMENT.with_params(
        amount=Money(149900), advice=return_advice(paymega.capabilities, paymega.display_name)))
    yield "alert", window
    window.alerts.clear()


async def _manager(window: MainWindow, sandbox: SandboxTransport) -> AsyncIterator[Stop]:
    await window.service.pay(simple_sale("250"), "koshelek",
                             {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    window.history_button.click()
    await wait_until(lambda: window.history.model.total >= 3)
    window.history.table.selectRow(0)
    await wait_until(lambda: window.history.details.events.count() > 0)
    yield "history", window
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="drop_before", count=-1,
                                     path="/koshelek/api/v1/merchant/checkout"))
    unknown = await window.service.pay(simple_sale("50"), "koshelek",
                                       {"barcode": customer(sandbox)["barcode"]})
    assert unknown.state is PaymentState.UNKNOWN
    sandbox.sandbox.faults.clear()
    window.attention_button.click()
    await wait_until(lambda: window.attention.model.total >= 1)
    window.attention.table.selectRow(0)
    await wait_until(lambda: window.attention.details.events.count() > 0)
    yield "attention", window
    window.settings.load()
    window.go(window.settings)
    tabs = window.settings.form.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        yield f"settings-{index + 1}", window


async def _shift(window: MainWindow, sandbox: SandboxTransport) -> AsyncIterator[Stop]:
    screen = window.shift_screen
    screen.report = None
    window.shift_button.click()
    await wait_until(lambda: screen.report is not None and screen.report.lines)
    yield "shift-x-report", window
    paid = await window.service.pay(simple_sale("75"), "koshelek",
                                    {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    koshelek = sandbox.sandbox.of(KoshelekSandbox)
    del koshelek.transactions[paid.provider_ref or ""]  # the provider forgot it
    screen.reconcile_button.click()
    await wait_until(lambda: screen.differences and screen.reconcile_button.isEnabled())
    screen.table.selectRow(0)
    yield "shift-reconciled", window
    await window.office.close_shift(actor="manager")
    await screen.refresh()
    yield "shift-z-report", window


async def _dialogs(window: MainWindow) -> AsyncIterator[Stop]:
    sale = grocery_sale()
    widgets: list[tuple[str, QWidget]] = [
        ("dialog-pin", PinDialog(window, window.pins, purpose=tr(
            "MainWindow", "A refund needs the manager PIN."))),
        ("dialog-refund", RefundDialog(window, sale=sale, refundable=sale.total,
                                       by_items=True)),
        ("dialog-payout", PayoutDialog(window, amount=Money(149900))),
        # As the app words them (tests/ui/test_russian_words.py reads every word).
        ("dialog-resolve", ResolveDialog(window, summary=tr(
            "MainWindow", "{amount}, {provider}, now: {state}", amount="150,00 ₽",
            provider="Koshelek Pay", state=describe_state(PaymentState.UNKNOWN).render()))),
        ("dialog-open-shift", OpenShiftDialog(window, reason=tr(
            "MainWindow", "Open a shift before the first sale."))),
        ("dialog-difference", DifferenceDialog(window, summary=tr(
            "ShiftScreen", "{what}: {ref}. Here: {ours}. At the provider: {theirs}.",
            what=KIND_LABELS[DiffKind.MISSING].render(), ref="7f3e…", ours="75,00 ₽",
            theirs="—"))),
        ("dialog-export", ExportDialog(window, folder=Path.home())),
    ]
    display = CustomerDisplay(training=True)
    display.resize(800, 600)
    display.total(sale.total)
    widgets.append(("customer-display", display))
    first_run = FirstRunScreen(config_path=window.runtime.config_path, secrets=window.secrets,
                               pins=window.pins, problem="")
    first_run.resize(window.size())
    widgets.append(("first-run", first_run))
    for name, widget in widgets:
        widget.show()
        yield name, widget
        widget.close()
        widget.deleteLater()


# -- screenshots ---------------------------------------------------------------------------

async def _screenshots(folder: Path, language: str, width: int, height: int) -> None:
    import keyring

    from pos_app.core.backoffice import Backoffice
    from pos_app.core.secrets import SecretStore
    from pos_app.ui.translations import Translations
    from tests.helpers import MemoryKeyring, training_runtime

    keyring.set_keyring(MemoryKeyring())
    sandbox = SandboxTransport()
    runtime = await training_runtime(sandbox)
    await Backoffice(runtime.service).shifts.open("Анна Петрова")
    translations = Translations(folder / ".qm")
    translations.use(language)
    window = MainWindow.ready(runtime, secrets=SecretStore(), translations=translations,
                              kiosk=False)
    window.start()
    window.resize(width, height)  # after start(): it restores the last session's geometry
    await runtime.service.start()
    try:
        async for name, widget in tour(window, sandbox):
            for _ in range(3):  # let changed texts resize their widgets first, as a paint would
                QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            widget.grab().save(str(folder / f"{language}-{name}.png"))
    finally:
        window.close_now()
        await runtime.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--language", default="en", choices=("en", "ru"))
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Throwaway journal and configuration: never the real terminal's.
    scratch = args.folder / ".data"
    scratch.mkdir(parents=True, exist_ok=True)
    os.environ["POS_APP_DATA_DIR"] = str(scratch)
    os.environ["POS_APP_CONFIG"] = str(scratch / "terminal.toml")

    from pos_app.ui.app import apply_style
    from pos_app.ui.loop import event_loop
    from pos_app.ui.qt import QApplication, QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(scratch))
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_style(app)
    loop = event_loop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(_screenshots(args.folder, args.language, width, height))
    return 0


if __name__ == "__main__":
    sys.exit(main())
