"""Dialogs: the manager PIN, a reason to record, a sale line, a refund, a payout."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pos_app.core.money import AmountError, Money, format_quantity, parse_amount, parse_decimal
from pos_app.core.pin import TRAINING_PIN, PinError, PinStore
from pos_app.core.sale import Measure, Sale, SaleLine, VatRate
from pos_app.core.states import PaymentState
from pos_app.i18n import Message, UserError, tr
from pos_app.ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QLocale,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

C = "Dialogs"


class FormDialog(QDialog):
    """A dialog with a form, an error line and OK/Cancel; ``accept`` checks first."""

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr(C, "OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr(C, "Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def check(self) -> None:
        """Raise UserError when the input cannot be accepted."""

    def accept(self) -> None:
        try:
            self.check()
        except UserError as exc:
            self.error.setText(exc.message.render())
            return
        super().accept()


class PinDialog(FormDialog):
    """Asks for the manager PIN; accepted only with the right one."""

    def __init__(self, parent: QWidget | None, pins: PinStore, *, purpose: str) -> None:
        super().__init__(parent, tr(C, "Manager PIN"))
        self._pins = pins
        self.setObjectName("pinDialog")
        hint = QLabel(purpose)
        hint.setWordWrap(True)
        self.form.addRow(hint)
        if pins.uses_training_pin:
            training = QLabel(tr(C, "Training mode: the PIN is {pin}.", pin=TRAINING_PIN))
            training.setObjectName("trainingPinHint")
            self.form.addRow(training)
        self.pin = QLineEdit()
        self.pin.setObjectName("pinField")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.form.addRow(tr(C, "PIN"), self.pin)

    def check(self) -> None:
        try:
            self._pins.verify(self.pin.text())
        except PinError:
            self.pin.clear()
            raise


class NewPinDialog(FormDialog):
    def __init__(self, parent: QWidget | None, pins: PinStore) -> None:
        super().__init__(parent, tr(C, "New manager PIN"))
        self._pins = pins
        self.first, self.second = QLineEdit(), QLineEdit()
        for field, name in ((self.first, "newPin"), (self.second, "newPinAgain")):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setObjectName(name)
        self.form.addRow(tr(C, "New PIN"), self.first)
        self.form.addRow(tr(C, "Again"), self.second)

    def check(self) -> None:
        if self.first.text() != self.second.text():
            raise UserError(Message(C, "The two PINs differ."))
        self._pins.set(self.first.text())


class ReasonDialog(FormDialog):
    """A manager decides something that is audited: what it is about, why, and who."""

    def __init__(self, parent: QWidget | None, title: str, *, summary: str,
                 placeholder: str) -> None:
        super().__init__(parent, title)
        text = QLabel(summary)
        text.setWordWrap(True)
        self.form.addRow(text)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(placeholder)
        self.actor = QLineEdit()
        self.actor.setObjectName("actor")
        self.form.addRow(tr(C, "Reason"), self.reason)
        self.form.addRow(tr(C, "Manager"), self.actor)

    def check(self) -> None:
        if len(self.reason.toPlainText().strip()) < 5 or not self.actor.text().strip():
            raise UserError(Message(C, "Write the reason and the manager's name."))


class ResolveDialog(ReasonDialog):
    """A person settles a payment: the outcome, why, and who (all audited)."""

    OUTCOMES = (PaymentState.PAID, PaymentState.DECLINED, PaymentState.CANCELLED,
                PaymentState.EXPIRED)

    def __init__(self, parent: QWidget | None, *, summary: str) -> None:
        super().__init__(parent, tr(C, "Resolve a payment"), summary=summary,
                         placeholder=tr(C, "What was checked, where (e.g. the provider's "
                                           "cabinet), and what it showed"))
        self.setObjectName("resolveDialog")
        self.outcome = QComboBox()
        self.outcome.setObjectName("outcome")
        labels = {PaymentState.PAID: tr(C, "The customer paid"),
                  PaymentState.DECLINED: tr(C, "Not paid: declined"),
                  PaymentState.CANCELLED: tr(C, "Not paid: cancelled"),
                  PaymentState.EXPIRED: tr(C, "Not paid: expired")}
        for state in self.OUTCOMES:
            self.outcome.addItem(labels[state], state)
        self.form.insertRow(1, tr(C, "Outcome"), self.outcome)  # after the summary

    @property
    def chosen(self) -> PaymentState:
        state: PaymentState = self.outcome.currentData()
        return state


class LineDialog(FormDialog):
    """Add or edit a sale line."""

    def __init__(self, parent: QWidget | None, *, currency: str,
                 line: SaleLine | None = None) -> None:
        super().__init__(parent, tr(C, "Sale line"))
        self.setObjectName("lineDialog")
        self._currency = currency
        self.name = QLineEdit(line.name if line else "")
        self.name.setObjectName("lineName")
        self.price = QLineEdit(line.unit_price.format(symbol=False) if line else "")
        self.price.setObjectName("linePrice")
        self.quantity = QLineEdit(format_quantity(line.quantity) if line else "1")
        self.quantity.setObjectName("lineQuantity")
        self.measure = QComboBox()
        for measure, label in ((Measure.PIECE, tr(C, "pieces")),
                               (Measure.KILOGRAM, tr(C, "kilograms")),
                               (Measure.METER, tr(C, "metres"))):
            self.measure.addItem(label, measure)
        self.vat = QComboBox()
        for vat, label in ((VatRate.NONE, tr(C, "no VAT")), (VatRate.VAT0, "0 %"),
                           (VatRate.VAT10, "10 %"), (VatRate.VAT20, "20 %"),
                           (VatRate.VAT110, "10/110"), (VatRate.VAT120, "20/120")):
            self.vat.addItem(label, vat)
        if line:
            self.measure.setCurrentIndex(max(self.measure.findData(line.measure), 0))
            self.vat.setCurrentIndex(max(self.vat.findData(line.vat), 0))
        self.form.addRow(tr(C, "Name"), self.name)
        self.form.addRow(tr(C, "Price"), self.price)
        self.form.addRow(tr(C, "Quantity"), self.quantity)
        self.form.addRow(tr(C, "Unit"), self.measure)
        self.form.addRow(tr(C, "VAT"), self.vat)
        self._article = line.article if line else ""
        self.line: SaleLine | None = None

    def check(self) -> None:
        price = parse_amount(self.price.text(), self._currency)
        quantity = parse_decimal(self.quantity.text())
        self.line = SaleLine(name=self.name.text().strip(), unit_price=price, quantity=quantity,
                             measure=self.measure.currentData(), vat=self.vat.currentData(),
                             article=self._article)


class RefundDialog(FormDialog):
    """What to refund: quantities of sale lines (where the provider itemises) or an amount."""

    def __init__(self, parent: QWidget | None, *, sale: Sale, refundable: Money,
                 by_items: bool, returned: Mapping[int, Decimal] | None = None) -> None:
        super().__init__(parent, tr(C, "Refund"))
        self.setObjectName("refundDialog")
        self._sale = sale
        self._refundable = refundable
        self.form.addRow(QLabel(tr(C, "Can still be refunded: {amount}",
                                   amount=refundable.format())))
        self.items: QTableWidget | None = None
        self.spins: list[QDoubleSpinBox] = []
        if by_items:
            self.items = QTableWidget(len(sale.lines), 4)
            self.items.setObjectName("refundItems")
            self.items.setHorizontalHeaderLabels([tr(C, "Item"), tr(C, "Sold"),
                                                  tr(C, "Returned"), tr(C, "Return")])
            for row, line in enumerate(sale.lines):
                back = (returned or {}).get(row, Decimal(0))
                self.items.setItem(row, 0, QTableWidgetItem(line.name))
                self.items.setItem(row, 1, QTableWidgetItem(format_quantity(line.quantity)))
                self.items.setItem(row, 2, QTableWidgetItem(format_quantity(back)))
                spin = QDoubleSpinBox()
                # "0,5", as on the keypad and in every amount, whatever the language.
                spin.setLocale(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
                spin.setDecimals(0 if line.measure is Measure.PIECE else 3)
                # What is left of the line (display only; the value is Decimal'd).
                spin.setRange(0, float(line.quantity - back))
                spin.setEnabled(back < line.quantity)
                self.items.setCellWidget(row, 3, spin)
                self.spins.append(spin)
            self.items.resizeColumnsToContents()
            # Wide enough to show every column: the quantities to return are the last one.
            self.items.setMinimumWidth(self.items.verticalHeader().width()
                                       + self.items.horizontalHeader().length()
                                       + 2 * self.items.frameWidth() + 2)
            self.form.addRow(self.items)
            self.form.addRow(QLabel(tr(C, "or an amount:")))
        self.amount = QLineEdit()
        self.amount.setObjectName("refundAmount")
        self.amount.setPlaceholderText(refundable.format(symbol=False))
        self.form.addRow(tr(C, "Amount"), self.amount)
        self.quantities: dict[int, Decimal] = {}
        self.money: Money | None = None

    def check(self) -> None:
        # The spin box holds a double; its shortest repr, cut to the box's decimals, is the
        # exact quantity the cashier sees.
        self.quantities = {
            row: Decimal(str(spin.value())).quantize(Decimal(1).scaleb(-spin.decimals()))
            .normalize() for row, spin in enumerate(self.spins) if spin.value() > 0}
        self.money = None
        if self.quantities:
            return
        text = self.amount.text().strip()
        self.money = parse_amount(text, self._refundable.currency) if text else self._refundable
        if self.money.minor > self._refundable.minor:
            raise AmountError(Message(C, "That is more than can be refunded."))


class PayoutDialog(FormDialog):
    """A payout to the customer (Pegas-kassa withdrawal), e.g. to return a payment."""

    def __init__(self, parent: QWidget | None, *, amount: Money) -> None:
        super().__init__(parent, tr(C, "Payout to the customer"))
        self.setObjectName("payoutDialog")
        self.amount = QLineEdit(amount.format(symbol=False))
        self.amount.setObjectName("payoutAmount")
        self.method = QComboBox()
        self.method.setObjectName("payoutMethod")
        for method, label in (("card", tr(C, "bank card")), ("phone", tr(C, "phone number")),
                              ("wallet", tr(C, "QIWI wallet")), ("yandex", tr(C, "YooMoney")),
                              ("nickname", tr(C, "nickname"))):
            self.method.addItem(label, method)
        self.number = QLineEdit()
        self.number.setObjectName("payoutNumber")
        self.comment = QLineEdit(tr(C, "Refund"))
        self.comment.setObjectName("payoutComment")
        self.form.addRow(tr(C, "Amount"), self.amount)
        self.form.addRow(tr(C, "Method"), self.method)
        self.form.addRow(tr(C, "Number"), self.number)
        self.form.addRow(tr(C, "Comment"), self.comment)
        self.money: Money | None = None

    def check(self) -> None:
        self.money = parse_amount(self.amount.text(), "RUB")
        if not self.number.text().strip():
            raise UserError(Message(C, "Enter where the money goes."))
