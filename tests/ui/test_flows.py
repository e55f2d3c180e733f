"""Every cashier flow, driven through the widgets (clicks and keys), against the sandboxes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar, overload

from msgspec.structs import replace
from pytestqt.qtbot import QtBot

from pos_app.core.money import Money
from pos_app.core.payments.recorder import PaymentUpdate
from pos_app.core.sale import Measure, SaleLine
from pos_app.core.states import PaymentState
from pos_app.i18n import msg
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.alert_bar import AlertBar
from pos_app.ui.main_window import MainWindow
from pos_app.ui.qt import (
    QApplication,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    Qt,
    QWidget,
)
from tests.helpers import customer, deposit_type, wait_until

S = PaymentState
LEFT = Qt.MouseButton.LeftButton


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isVisible(), f"{button.objectName()} is not visible"
    assert button.isEnabled(), f"{button.objectName()} is disabled"
    qtbot.mouseClick(button, LEFT)


D = TypeVar("D", bound=QWidget)


@overload
def dialog(name: str) -> QDialog | None: ...
@overload
def dialog(name: str, kind: type[D]) -> D | None: ...


def dialog(name: str, kind: type[QWidget] = QDialog) -> QWidget | None:
    """The visible top-level window (dialog, message box) named ``name``, if any."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible() and widget.objectName() == name:
            return widget
    return None


def child(parent: QWidget, kind: type[D], name: str) -> D:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} {name!r}"
    return found


async def until(condition: Callable[[], Any], timeout: float = 15.0) -> Any:
    return await wait_until(condition, timeout)


def type_amount(qtbot: QtBot, window: MainWindow, text: str) -> None:
    field = window.sale_screen.field
    for char in text:  # slowly enough to be a person, not a scanner
        window.sale_screen.wedge._last = -1.0
        qtbot.keyClick(field, char)
    qtbot.keyClick(field, Qt.Key.Key_Return)


async def sell(qtbot: QtBot, window: MainWindow, amount: str) -> None:
    type_amount(qtbot, window, amount)
    await until(lambda: window.sale_screen.model.lines)
    qtbot.keyClick(window.sale_screen.field, Qt.Key.Key_Return)  # empty field: pay
    await until(lambda: window.stack.currentWidget() is window.choose)


def current(window: MainWindow) -> QWidget | None:
    return window.stack.currentWidget()


async def test_koshelek_payment_with_a_scanned_code(window: MainWindow, qtbot: QtBot,
                                                    sandbox: SandboxTransport) -> None:
    await sell(qtbot, window, "149,90")
    assert window.choose.amount.text() == "149,90\u00a0₽"
    click(qtbot, window.choose.buttons["koshelek"])
    screen = window.payment_screen
    assert current(window) is screen
    assert screen.code.isVisible()
    customer = sandbox.sandbox.of(KoshelekSandbox).new_session()
    from pos_app.providers.koshelek.sandbox import Behaviour
    sandbox.sandbox.of(KoshelekSandbox).sessions[customer["cardSession"]].behaviour = Behaviour(
        delay_ms=300)
    qtbot.keyClicks(screen.code, customer["barcode"])  # a scanner: a burst, then Enter
    qtbot.keyClick(screen.code, Qt.Key.Key_Return)
    await until(lambda: screen.payment is not None)
    assert screen.countdown.seconds_left() > 20  # the 30 s the customer has to confirm
    await until(lambda: current(window) is window.result)
    assert window.result.headline.text() == "Paid"
    assert window.result.payment is not None
    assert window.result.payment.state is S.PAID
    click(qtbot, window.result.receipt_button)
    await until(lambda: current(window) is window.receipt)
    html = window.receipt.html
    assert "149,90" in html
    assert "TRAINING" in html
    assert "SBP QR id" in html  # the slip fields Koshelek asks to print
    click(qtbot, window.receipt.done_button)  # a paid sale's receipt is its last step
    assert current(window) is window.sale_screen
    assert window.sale_screen.model.lines == []


async def test_a_garbage_barcode_says_what_is_wrong(window: MainWindow, qtbot: QtBot) -> None:
    await sell(qtbot, window, "50")
    click(qtbot, window.choose.buttons["koshelek"])
    screen = window.payment_screen
    qtbot.keyClicks(screen.code, "hello-world-123")
    qtbot.keyClick(screen.code, Qt.Key.Key_Return)
    await until(lambda: screen.error.text())
    assert "not a Koshelek customer code" in screen.error.text()
    assert screen.code.isEnabled()
    assert await window.service.journal.count_payments() == 0


async def test_koshelek_cancel_by_the_cashier(window: MainWindow, qtbot: QtBot,
                                              sandbox: SandboxTransport) -> None:
    from pos_app.providers.koshelek.sandbox import Behaviour
    sandbox.sandbox.of(KoshelekSandbox).behaviour = Behaviour(mode="never")
    await sell(qtbot, window, "75")
    click(qtbot, window.choose.buttons["koshelek"])
    click(qtbot, window.payment_screen.customer)  # training: a customer shows a code
    await until(lambda: window.payment_screen.payment is not None
                and window.payment_screen.payment.state is S.PENDING)
    click(qtbot, window.payment_screen.cancel_button)
    await until(lambda: current(window) is window.result)
    assert window.result.headline.text() == "Cancelled"
    assert window.result.retry_button.isVisible()
    assert window.result.other_button.isVisible()


async def test_cancel_refused_because_the_customer_paid_shows_paid(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    from pos_app.providers.koshelek.sandbox import Behaviour
    sandbox.sandbox.of(KoshelekSandbox).behaviour = Behaviour(mode="never")
    await sell(qtbot, window, "75")
    click(qtbot, window.choose.buttons["koshelek"])
    click(qtbot, window.payment_screen.customer)
    await until(lambda: window.payment_screen.payment is not None
                and window.payment_screen.payment.provider_ref)
    payment = window.payment_screen.payment
    assert payment is not None
    sandbox.sandbox.of(KoshelekSandbox).force(payment.provider_ref or "", "approve")
    click(qtbot, window.payment_screen.cancel_button)
    await until(lambda: current(window) is window.result)
    assert window.result.headline.text() == "Paid"


async def test_paymega_paid_on_the_payer_page(window: MainWindow, qtbot: QtBot,
                                              sandbox: SandboxTransport) -> None:
    await sell(qtbot, window, "1499")
    click(qtbot, window.choose.buttons["paymega"])
    screen = window.payment_screen
    await until(lambda: screen.payment is not None and screen.qr.payload)
    assert screen.qr.isVisible()
    assert screen.link.text() == screen.qr.payload
    assert "/paymega/hpp/?cpi=cpi_" in screen.link.text()
    assert screen.countdown.seconds_left() > 14 * 60
    click(qtbot, screen.copy)
    assert QApplication.clipboard().text() == screen.link.text()
    click(qtbot, screen.customer_pays)  # training: the customer pays on the phone
    await until(lambda: current(window) is window.result)
    assert window.result.headline.text() == "Paid"


async def test_paymega_below_its_services_minimum_is_refused_then_no_longer_offered(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    """Chosen before Paymega's service range was read (a walk: its card service takes from
    10 ₽): refused before anything is made, with the minimum, and greyed from then on."""
    await sell(qtbot, window, "5")
    click(qtbot, window.choose.buttons["paymega"])
    box = await until(lambda: dialog("errorBox", QMessageBox))
    assert "below the minimum of 10,00" in box.text()
    box.accept()
    assert current(window) is window.choose
    assert not window.choose.buttons["paymega"].isEnabled()
    assert window.choose.hints["paymega"].text() == "Not for this amount: from 10,00\u00a0₽."
    assert window.choose.buttons["koshelek"].isEnabled()
    assert sandbox.sandbox.of(PaymegaSandbox).invoices == {}


async def test_the_ways_on_screen_follow_the_limits_learned_at_the_start(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    """Pay pressed while the till starts shows the ways before Paymega's services are read:
    Paymega is greyed once they are."""
    from pos_app.ui.app import _warm_up

    await sell(qtbot, window, "5")
    assert window.choose.buttons["paymega"].isEnabled()  # not known yet
    assert window.runtime is not None
    await _warm_up(window.runtime, window)
    assert not window.choose.buttons["paymega"].isEnabled()
    assert window.choose.hints["paymega"].text() == "Not for this amount: from 10,00\u00a0₽."
    window.choose.set_amount(Money(399))  # the sale screen sends no such sale: all greyed
    assert window.choose.hints["koshelek"].text() == "Not for this amount: from 4,00\u00a0₽."
    assert not any(button.isEnabled() for button in window.choose.buttons.values())


async def test_a_sale_no_way_takes_once_the_limits_are_learned_goes_back_to_the_sale(
        window: MainWindow, qtbot: QtBot) -> None:
    """A walk: 2,00 ₽ paid while the till started reached the ways to pay before Paymega's
    minimum was read, and then met three greyed ways with no word why."""
    from pos_app.ui.app import _warm_up

    await sell(qtbot, window, "2")
    assert window.choose.buttons["paymega"].isEnabled()  # its configured minimum: 1,00 ₽
    assert window.runtime is not None
    await _warm_up(window.runtime, window)
    assert current(window) is window.sale_screen
    assert window.sale_screen.message.text() == (
        "2,00\u00a0₽ is less than any way to pay here takes (from 4,00\u00a0₽).")


async def test_what_the_payment_says_follows_a_language_switch(
        window: MainWindow, qtbot: QtBot) -> None:
    """A walk: "Waiting for the customer…" stayed English after a switch to Russian, and a
    Koshelek payment's countdown stayed Russian after one to English."""
    await sell(qtbot, window, "1499")
    click(qtbot, window.choose.buttons["paymega"])
    screen = window.payment_screen
    await until(lambda: screen.payment is not None and screen.qr.payload)
    assert screen.state.text() == "Waiting for the customer…"
    window.translations.use("ru")
    await until(lambda: screen.state.text() == "Ожидание покупателя…")
    assert screen.countdown.text().startswith("Осталось: ")
    window.translations.use("en")
    await until(lambda: screen.countdown.text().startswith("Time left: "))
    assert screen.state.text() == "Waiting for the customer…"


async def test_a_refused_code_is_said_in_the_language_chosen(window: MainWindow,
                                                             qtbot: QtBot) -> None:
    await sell(qtbot, window, "149,90")
    click(qtbot, window.choose.buttons["koshelek"])
    screen = window.payment_screen
    qtbot.keyClicks(screen.code, "garbage!")
    qtbot.keyClick(screen.code, Qt.Key.Key_Return)
    await until(lambda: "not a Koshelek customer code" in screen.error.text())
    window.translations.use("ru")
    await until(lambda: "not a Koshelek" not in screen.error.text())
    assert screen.error.text()


async def test_paymega_declined(window: MainWindow, qtbot: QtBot) -> None:
    await sell(qtbot, window, "1499")
    click(qtbot, window.choose.buttons["paymega"])
    await until(lambda: window.payment_screen.customer_declines.isVisible())
    click(qtbot, window.payment_screen.customer_declines)
    await until(lambda: current(window) is window.result)
    assert window.result.headline.text() == "Declined"
    assert window.result.reason.text()
    click(qtbot, window.result.other_button)
    assert current(window) is window.choose


async def test_a_late_word_on_the_last_attempt_does_not_hide_the_next(
        window: MainWindow, qtbot: QtBot) -> None:
    await sell(qtbot, window, "1499")
    click(qtbot, window.choose.buttons["paymega"])
    await until(lambda: window.payment_screen.customer_declines.isVisible())
    click(qtbot, window.payment_screen.customer_declines)
    await until(lambda: current(window) is window.result)
    declined = window.result.payment
    assert declined is not None
    click(qtbot, window.result.other_button)
    deposit_type(window).setCurrentIndex(deposit_type(window).findData("wallet"))
    click(qtbot, window.choose.buttons["pegas"])
    # The declined attempt's driver reports once more (it stopped) before Pegas answers.
    window.bridge.updated.emit(PaymentUpdate(payment=declined, stopped=True))
    assert current(window) is window.payment_screen
    await until(lambda: window.payment_screen.payer_text.isVisible())
    assert window.payment_screen.payment is not None
    assert window.payment_screen.payment.provider == "pegas"


async def test_no_second_payment_for_a_sale_whose_outcome_is_unknown(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    from pos_app.sandbox.faults import Fault
    from pos_app.ui.qt import QMessageBox

    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="drop_before",
                                     path="/koshelek/api/v1/merchant/checkout", count=-1))
    await sell(qtbot, window, "250")
    click(qtbot, window.choose.buttons["koshelek"])
    click(qtbot, window.payment_screen.customer)  # training: a customer shows a code
    await until(lambda: current(window) is window.result, timeout=30)
    assert window.result.headline.text() == "Result not known yet"
    assert not window.result.retry_button.isVisible()
    click(qtbot, window.result.new_sale_button)  # "Back to the sale": the basket is kept
    assert current(window) is window.sale_screen
    qtbot.keyClick(window.sale_screen.field, Qt.Key.Key_Return)  # pay the same basket again
    box = await until(lambda: dialog("errorBox", QMessageBox))
    assert "could pay twice" in box.text()
    assert current(window) is window.sale_screen
    assert await window.service.journal.count_payments() == 1
    box.accept()
    # Edited, it is another sale: the cashier's decision, not a repeat; the payment that
    # may still be paid is named first, and a late payment of it will be an alert.
    window.sale_screen.clear()
    window.sale_screen.field.setText("251")
    qtbot.keyClick(window.sale_screen.field, Qt.Key.Key_Return)
    await until(lambda: window.sale_screen.model.lines)
    click(qtbot, window.sale_screen.pay)
    ask = await until(lambda: dialog("confirmBox", QMessageBox))
    assert "not settled yet" in ask.text()
    assert "250,00" in ask.text()
    click(qtbot, ask.button(QMessageBox.StandardButton.Yes))
    await until(lambda: current(window) is window.choose)
    [first] = await window.service.journal.list_payments()
    assert first.abandoned  # followed as left: its late payment raises an alert


async def test_paymega_expiry(window: MainWindow, qtbot: QtBot,
                              sandbox: SandboxTransport) -> None:
    await sell(qtbot, window, "1499")
    click(qtbot, window.choose.buttons["paymega"])
    await until(lambda: window.payment_screen.qr.payload)
    sandbox.sandbox.of(PaymegaSandbox).clock_offset += 31 * 60
    assert window.payment_screen.payment is not None
    window.service.notify(window.payment_screen.payment.id)
    await until(lambda: current(window) is window.result)
    assert window.result.headline.text() == "Expired"


async def test_paymega_cashier_leaves_then_late_payment_alerts(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    await sell(qtbot, window, "1499")
    click(qtbot, window.choose.buttons["paymega"])
    await until(lambda: window.payment_screen.qr.payload)
    payment = window.payment_screen.payment
    assert payment is not None
    assert window.payment_screen.cancel_button.text() == "Stop waiting…"  # no cancel there
    click(qtbot, window.payment_screen.cancel_button)
    sure = await until(lambda: dialog("confirmBox", QMessageBox))
    assert "Paymega cannot cancel a payment: the link stays payable until" in sure.text()
    click(qtbot, sure.button(QMessageBox.StandardButton.Yes))
    await until(lambda: current(window) is window.result)
    assert window.result.headline.text() == "Left to expire"
    assert window.result.other_button.isVisible()  # another way keeps the basket
    assert not window.result.retry_button.isVisible()  # not a second link beside the first
    click(qtbot, window.result.other_button)
    # Nor by another way to Paymega (a walk: a second link, both payable).
    await until(lambda: current(window) is window.choose)
    assert not window.choose.buttons["paymega"].isEnabled()
    assert window.choose.buttons["pegas"].isEnabled()
    assert "link can still be paid: no second one" in window.choose.hints["paymega"].text()
    click(qtbot, window.choose.back_button)
    await until(lambda: current(window) is window.sale_screen)
    # Nor once the basket is changed: the same customer (a walk: a line added, and Paymega
    # made a second link).
    await sell(qtbot, window, "10")
    assert not window.choose.buttons["paymega"].isEnabled()
    click(qtbot, window.choose.back_button)
    await until(lambda: current(window) is window.sale_screen)
    click(qtbot, window.sale_screen.clear_sale)
    sure = await until(lambda: dialog("confirmBox", QMessageBox))
    click(qtbot, sure.button(QMessageBox.StandardButton.Yes))
    await until(lambda: not window.sale_screen.model.lines)
    paymega = sandbox.sandbox.of(PaymegaSandbox)
    with paymega._lock:
        paymega.pay(paymega.invoices[payment.provider_ref or ""])
    window.service.notify(payment.id)
    await until(lambda: window.alerts.isVisible())
    assert "Late payment" in window.alerts.text.text()
    await until(lambda: "(1)" in window.attention_button.text())
    await sell(qtbot, window, "20")  # the next customer: every way again
    assert window.choose.buttons["paymega"].isEnabled()


async def test_pegas_payment(window: MainWindow, qtbot: QtBot) -> None:
    await sell(qtbot, window, "1499")
    deposit_type(window).setCurrentIndex(deposit_type(window).findData("wallet"))
    click(qtbot, window.choose.buttons["pegas"])
    screen = window.payment_screen
    await until(lambda: screen.payer_text.isVisible())
    assert screen.payer_text.text().endswith("1\xa0499,00\xa0₽")
    # The QR carries the number alone, in ASCII (issue 20 #16: "·" and "₽" were misread).
    number = screen.payer_text.text().split(" · ")[0]
    assert screen.qr._payload == number.replace(" ", "")
    assert screen.qr._payload.isascii()
    click(qtbot, screen.customer_pays)
    await until(lambda: current(window) is window.result)
    assert window.result.headline.text() == "Paid"
    click(qtbot, window.result.receipt_button)
    await until(lambda: current(window) is window.receipt)
    assert window.receipt.provider_button.isVisible()
    click(qtbot, window.receipt.provider_button)
    await until(lambda: window.receipt.provider_area.isVisible())
    assert not window.receipt.provider_image.pixmap().isNull()


def pin(qtbot: QtBot, code: str = "1234") -> None:
    box = dialog("pinDialog")
    assert box is not None
    field = box.findChild(QLineEdit, "pinField")
    assert field is not None
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)


async def test_keyboard_only(window: MainWindow, qtbot: QtBot,
                             sandbox: SandboxTransport) -> None:
    """Digits, Enter and Escape carry a whole sale; Escape backs out of every screen."""
    await sell(qtbot, window, "250")  # typed amount, Enter, Enter on the empty field: pay
    qtbot.keyClick(window.choose, Qt.Key.Key_2)  # the second way to pay: Paymega
    await until(lambda: window.payment_screen.qr.payload)
    qtbot.keyClick(window.payment_screen.link, Qt.Key.Key_Escape)  # = Stop waiting…
    sure = await until(lambda: dialog("confirmBox", QMessageBox))
    qtbot.keyClick(sure, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # &Yes
    await until(lambda: current(window) is window.result)
    assert window.result.headline.text() == "Left to expire"
    qtbot.keyClick(window.result, Qt.Key.Key_Escape)
    assert current(window) is window.sale_screen
    await sell(qtbot, window, "75")
    qtbot.keyClick(window.choose, Qt.Key.Key_Escape)
    assert current(window) is window.sale_screen
    qtbot.keyClick(window.sale_screen.field, Qt.Key.Key_Return)  # the basket is kept: pay
    await until(lambda: current(window) is window.choose)
    qtbot.keyClick(window.choose, Qt.Key.Key_1)  # Koshelek Pay: the scan prompt
    assert window.payment_screen.code.isVisible()
    code = customer(sandbox, delay_ms=0)["barcode"]
    qtbot.keyClicks(window.payment_screen.code, code)
    qtbot.keyClick(window.payment_screen.code, Qt.Key.Key_Return)
    await until(lambda: current(window) is window.result)
    assert window.result.headline.text() == "Paid"
    qtbot.keyClick(window.result, Qt.Key.Key_Return)  # Enter: the receipt
    await until(lambda: current(window) is window.receipt)
    qtbot.keyClick(window.receipt, Qt.Key.Key_Escape)  # done: the next sale
    assert current(window) is window.sale_screen
    click(qtbot, window.history_button)
    qtbot.keyClick(window.history.search, Qt.Key.Key_Escape)
    assert current(window) is window.sale_screen


async def test_a_payment_left_by_the_last_session_that_ends_unpaid_is_said(
        window: MainWindow, qtbot: QtBot) -> None:
    """The start follows the payments the last session left (follow_recovery); one the
    customer does not pay is said too, so the cashier takes it again."""
    await sell(qtbot, window, "1499")
    click(qtbot, window.choose.buttons["paymega"])
    await until(lambda: window.payment_screen.customer_declines.isVisible())
    payment = window.payment_screen.payment
    assert payment is not None
    window.follow_recovery([payment])  # as if this window had just started
    # Said at once in the alert bar, which takes no keys (a box took the Enter typed for
    # the next sale, a walk).
    assert window.alerts.isVisible()
    assert window.alerts.text.text() == (
        "Still open from before the app was closed: a payment of 1\u00a0499,00\u00a0₽ by "
        "Paymega. The customer may still pay it: do not take it again until it ends.")
    click(qtbot, window.payment_screen.customer_declines)
    await until(lambda: "was not paid" in window.alerts.text.text())
    assert window.alerts.text.text() == (
        "A payment of 1\u00a0499,00\u00a0₽ by Paymega, begun before the app was closed, was "
        "not paid. Declined. Take it again if the customer still wants to pay.")
    assert dialog("infoBox", QMessageBox) is None
    # Show: the payment in the history; the notice stays (a walk: an empty Needs attention
    # opened, and the notice was gone).
    click(qtbot, window.alerts.open)
    await until(lambda: current(window) is window.history
                and window.history.details.payment is not None)
    assert window.history.details.payment is not None
    assert window.history.details.payment.id == payment.id
    assert window.alerts.isVisible()


async def test_a_payment_left_open_stays_said_while_its_provider_cannot_be_asked(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    """helper-48: a status read answered 503 after the start took "still open" away, and
    nothing told the cashier that the customer could still pay the link."""
    from pos_app.sandbox.faults import Fault

    await sell(qtbot, window, "333")
    click(qtbot, window.choose.buttons["paymega"])
    await until(lambda: window.payment_screen.customer_declines.isVisible())
    payment = window.payment_screen.payment
    assert payment is not None
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="error_before", path="/paymega/api/payment-invoices/",
                                     method="GET", count=-1, status=503))
    failed: list[PaymentUpdate] = []
    window.bridge.updated.connect(
        lambda update: failed.append(update) if update.error is not None else None)
    window.follow_recovery([payment])  # as if this window had just started
    await until(lambda: failed, timeout=30)  # a status read answered 503
    assert failed[-1].payment.state is PaymentState.PENDING
    assert window.alerts.isVisible()
    assert window.alerts.text.text().startswith("Still open from before the app was closed")
    sandbox.sandbox.faults.clear()
    click(qtbot, window.payment_screen.customer_pays)
    await until(lambda: "has been paid" in window.alerts.text.text(), timeout=30)


async def test_the_basket_says_every_unit_in_the_language_chosen(window: MainWindow,
                                                               qtbot: QtBot) -> None:
    """helper-48: 0,75 grams showed as "0,75", read as pieces (only kilograms and metres
    had a unit).  Every unit but the piece is said, in the basket as on the receipt."""
    basket = window.sale_screen.model
    for measure in Measure:
        basket.add(SaleLine(name="Товар с очень длинным названием " + measure.value,
                            unit_price=Money(100), quantity=Decimal("0.75"), measure=measure))

    def quantities() -> list[str]:
        return [basket.item(row, 1).text() for row in range(basket.rowCount())]

    assert quantities() == ["0,75", "0,75 g", "0,75 kg", "0,75 t", "0,75 cm", "0,75 dm",
                            "0,75 m", "0,75 cm²", "0,75 dm²"]
    window.translations.use("ru")
    await until(lambda: quantities()[1] != "0,75 g")  # Qt says the language changed
    assert quantities() == ["0,75", "0,75 г", "0,75 кг", "0,75 т", "0,75 см", "0,75 дм",
                            "0,75 м", "0,75 см²", "0,75 дм²"]
    assert basket.item(1, 0).toolTip() == basket.lines[1].name  # whole, when cut with "…"
    said: list[int] = []  # a changed line is said to the screen once, not once per cell
    basket.dataChanged.connect(lambda first, last: said.append(last.column() - first.column()))
    basket.replace(2, replace(basket.lines[2], quantity=Decimal("1.5")))
    assert said == [3]
    assert basket.item(2, 1).text() == "1,5 кг"


async def test_a_typed_amounts_line_is_named_in_the_language_chosen(window: MainWindow,
                                                                    qtbot: QtBot) -> None:
    """A walk: after a switch to Russian the basket's typed amounts still said "Item"; a
    product's own name stays as it is."""
    type_amount(qtbot, window, "12")
    basket = window.sale_screen.model
    await until(lambda: basket.lines)
    basket.add(SaleLine(name="Item", unit_price=Money(100), article="4600000000017"))
    window.translations.use("ru")
    await until(lambda: basket.item(0, 0).text() != "Item")
    assert [line.name for line in basket.lines] == ["Товар", "Item"]
    assert basket.item(0, 0).text() == "Товар"
    window.translations.use("en")
    await until(lambda: basket.item(0, 0).text() == "Item")
    assert basket.lines[0].name == "Item"  # what the payment sends, too


def test_the_alert_bar_keeps_each_payments_alert(qtbot: QtBot) -> None:
    """A walk: a late payment's alert took the place of another payment's "still open",
    which never came back; news stays until dismissed, an action goes once dealt with."""
    bar = AlertBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.alert("a", msg("Test", "A is still open"))
    bar.alert("b", msg("Test", "B was paid late"))
    bar.alert("c", msg("Test", "C was paid"), news=True)
    assert (bar.text.text(), bar.more.text()) == ("C was paid", "+2 more")
    bar.settled("c")  # news: kept
    assert bar.text.text() == "C was paid"
    click(qtbot, bar.dismiss)
    assert (bar.text.text(), bar.more.text()) == ("B was paid late", "+1 more")
    bar.settled("b")
    assert bar.text.text() == "A is still open"
    assert not bar.more.isVisible()
    bar.settled("a")
    assert not bar.isVisible()
