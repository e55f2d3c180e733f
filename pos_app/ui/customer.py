"""The customer display: a second window with the amount and the QR code to scan."""

from __future__ import annotations

from pos_app.core.money import Money
from pos_app.core.payments import Payment
from pos_app.core.states import PaymentState
from pos_app.i18n import tr
from pos_app.ui.qt import QGuiApplication, Qt, QVBoxLayout, QWidget
from pos_app.ui.widgets import QrWidget, caption

C = "CustomerDisplay"


class CustomerDisplay(QWidget):
    """Faces the customer; on a second screen when there is one."""

    def __init__(self, *, training: bool) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("customerDisplay")
        self.training = caption(points=16, bold=True, name="customerTraining")
        self.training.setVisible(training)
        self.amount = caption(points=48, bold=True, name="customerAmount")
        self.status = caption(points=22, name="customerStatus")
        self.qr = QrWidget(minimum=320)
        self.qr.setObjectName("customerQr")
        for label in (self.training, self.amount, self.status):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.training)
        layout.addWidget(self.amount)
        layout.addWidget(self.qr, 1)
        layout.addWidget(self.status)
        self.retranslate()
        self.idle()

    def retranslate(self) -> None:
        self.setWindowTitle(tr(C, "Customer display"))
        self.training.setText(tr(C, "TRAINING — NOT A REAL PAYMENT"))

    def place(self) -> None:
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            self.setGeometry(screens[1].geometry())
            self.showFullScreen()
        else:
            self.resize(480, 640)
            self.show()

    def idle(self) -> None:
        self.amount.clear()
        self.qr.set_payload("")
        self.qr.hide()
        self.status.setText(tr(C, "Welcome!"))

    def total(self, amount: Money) -> None:
        self.amount.setText(amount.format())
        self.qr.hide()
        self.status.setText(tr(C, "To pay"))

    def payment(self, payment: Payment) -> None:
        self.amount.setText(payment.amount.format())
        payload = payment.payer_url or payment.payer_text or ""
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
