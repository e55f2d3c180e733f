"""The customer display: a second window with the sale as it is rung up, the amount and the
QR code to scan."""

from __future__ import annotations

from collections.abc import Sequence

from pos_app.core.money import Money
from pos_app.core.payments import Payment
from pos_app.core.sale import SaleLine, quantity_text
from pos_app.core.states import PaymentState
from pos_app.i18n import tr
from pos_app.ui.payment import payer_number
from pos_app.ui.qt import QGuiApplication, Qt, QVBoxLayout, QWidget
from pos_app.ui.widgets import QrWidget, caption

C = "CustomerDisplay"
SHOWN_LINES = 5  # the newest lines; the total counts them all


class CustomerDisplay(QWidget):
    """Faces the customer; on a second screen when there is one."""

    def __init__(self, *, training: bool) -> None:
        # Never the keyboard's: the cashier's scans and amounts went to it once it showed.
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("customerDisplay")
        self.training = caption(points=16, bold=True, name="customerTraining")
        self.training.setVisible(training)
        self.lines = caption(points=18, name="customerLines")
        self.amount = caption(points=48, bold=True, name="customerAmount")
        self.status = caption(points=22, name="customerStatus")
        self.qr = QrWidget(minimum=320)
        self.qr.setObjectName("customerQr")
        for label in (self.training, self.amount, self.status):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.training)
        layout.addWidget(self.lines)
        layout.addWidget(self.amount)
        layout.addWidget(self.qr, 1)
        layout.addWidget(self.status)
        self.retranslate()
        self.idle()

    def retranslate(self) -> None:
        self.setWindowTitle(tr(C, "Customer display"))
        self.training.setText(tr(C, "TRAINING — NOT A REAL PAYMENT"))

    def place(self) -> bool:
        """Full screen on the second screen; False (not shown) when there is none: on the
        till's own screen it covered the cashier's buttons, or hid behind them (a walk)."""
        screens = QGuiApplication.screens()
        if len(screens) < 2:
            return False
        self.setGeometry(screens[1].geometry())
        # Not showFullScreen(): it asks to activate a window that takes no focus.
        self.setWindowState(Qt.WindowState.WindowFullScreen)
        self.show()
        return True

    def idle(self) -> None:
        self.lines.clear()
        self.amount.clear()
        self.qr.set_payload("")
        self.qr.hide()
        self.status.setText(tr(C, "Welcome!"))

    def basket(self, lines: Sequence[SaleLine], total: Money) -> None:
        """The sale as the cashier rings it up (it said "Welcome!" the whole time)."""
        if not lines:
            self.idle()
            return
        shown = [f"{line.name}  {quantity_text(line.quantity, line.measure)} × "
                 f"{line.unit_price.format(symbol=False)} = {line.total.format()}"
                 for line in lines[-SHOWN_LINES:]]
        if len(lines) > SHOWN_LINES:
            shown.insert(0, "…")
        self.lines.setText("\n".join(shown))
        self.total(total)

    def total(self, amount: Money) -> None:
        self.amount.setText(amount.format())
        self.qr.hide()
        self.status.setText(tr(C, "To pay"))

    def payment(self, payment: Payment) -> None:
        self.amount.setText(payment.amount.format())
        payload = payment.payer_url or payer_number(payment.payer_text)
        self.qr.set_payload(payload)
        waiting = payment.state is PaymentState.PENDING and not payment.abandoned
        self.qr.setVisible(bool(payload) and waiting)
        if payment.state.is_paid:
            self.status.setText(tr(C, "Thank you! Paid."))
        elif payment.state.is_final:
            self.status.setText(tr(C, "The payment did not go through."))
        elif payload:
            self.status.setText(tr(C, "Scan the code with your phone to pay"))
        else:
            self.status.setText(tr(C, "Confirm the payment in your app"))
