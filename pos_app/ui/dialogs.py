"""Dialogs: the manager PIN, a reason to record, a sale line, a refund, a payout."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any

from pos_app.core.money import AmountError, Money, format_quantity, parse_amount, parse_decimal
from pos_app.core.pin import TRAINING_PIN, PinError, PinStore
from pos_app.core.refunds import check_quantity
from pos_app.core.sale import Measure, Sale, SaleLine, VatRate, quantity_text
from pos_app.core.states import PaymentState
from pos_app.i18n import Message, UserError, tr
from pos_app.ui.qt import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from pos_app.ui.support import spawn
from pos_app.ui.widgets import Keypad, WedgeDetector, choice_box, chosen

C = "Dialogs"


class FormDialog(QDialog):
    """A dialog with a form, an error line and OK/Cancel; ``accept`` checks first.

    It opens with the focus in its first field (or ``first_field``), the text there
    selected, so what the cashier types lands where it should and Enter submits it.
    ``validate``, if set, is the service's own check (async), run after :meth:`check`:
    the dialog stays open with the reason when either refuses, so nothing typed is lost.
    """

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        layout = self._layout = QVBoxLayout(self)
        self.form = QFormLayout()
        # The form, and beside it (not under it: a walk's refund dialog grew past 768 px) the
        # keypad of a form that has one.
        self._body = QHBoxLayout()
        self._body.addLayout(self.form, 1)
        layout.addLayout(self._body)
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setProperty("role", "error")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr(C, "OK"))
        self.ok_button.setObjectName("ok")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr(C, "Cancel"))
        cancel.setObjectName("cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.first_field: QWidget | None = None
        self.validate: Callable[[], Awaitable[None]] | None = None

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._guard_against_scans()
        field = self.first_field or self._first_input()
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(field, QLineEdit):
                field.selectAll()

    def _guard_against_scans(self) -> None:
        """A barcode scanned while a form is open is not typed into it: the next product
        scanned during the weight dialog became a weight of 4 600 123 456 789 kg, and the
        scanner's Enter confirmed it.  The scan is taken back and the form says why."""
        for field in self.findChildren(QLineEdit):
            if field.property("scanGuarded") or field.echoMode() != QLineEdit.EchoMode.Normal:
                continue
            field.setProperty("scanGuarded", True)
            WedgeDetector(field, pass_enter=True).scanned.connect(self._scanned)

    def _scanned(self, code: str) -> None:
        self.refuse(tr(C, "A barcode ({code}) was scanned into this form; it was not taken. "
                          "Finish this form (OK or Cancel), then scan again.", code=code))

    def _first_input(self) -> QWidget | None:
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLineEdit | QPlainTextEdit | QComboBox | QAbstractSpinBox) \
                    and widget.isEnabled():
                return widget
        return None

    def check(self) -> None:
        """Raise UserError when the input cannot be accepted."""

    def accept(self) -> None:
        try:
            self.check()
        except UserError as exc:
            self.refuse(exc.message.render())
            return
        if self.validate is None:
            super().accept()
            return
        self.buttons.setEnabled(False)
        spawn(self._validated(self.validate()), parent=self)

    async def _validated(self, validation: Awaitable[None]) -> None:
        try:
            await validation
        except UserError as exc:
            self.refuse(exc.message.render())
            return
        finally:
            self.buttons.setEnabled(True)
        super().accept()

    def add_keypad(self) -> Keypad:
        """Digits on screen for the form's number fields, typed where the focus is: a
        touch-only till has no keyboard (a walk could not weigh a product or say what to
        return).  Its keys take no focus, so the field being typed in keeps it."""
        keypad = Keypad()
        keypad.pressed.connect(self._key_pressed)
        self._body.addWidget(keypad, 0, Qt.AlignmentFlag.AlignTop)
        return keypad

    def _key_pressed(self, key: str) -> None:
        field = self.focusWidget()
        if isinstance(field, QLineEdit) and field.isEnabled():
            Keypad.apply(field, key)

    def refuse(self, text: str) -> None:
        """Say why OK did nothing; the dialog stays open as the person left it, taller if the
        sentence needs more lines (a two-line error clipped the PIN dialog's own text)."""
        self.error.setText(text)
        layout = self._layout
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalSizeHint().height()
        room = self.screen().availableGeometry().height() if self.screen() else needed
        if needed > self.height():
            self.resize(self.width(), min(needed, room))
        # The keys typed next go to the form, not to OK (a walk's name was lost).
        if isinstance(self.focusWidget(), QAbstractButton | None):
            field = self.first_field or self._first_input()
            if field is not None:
                field.setFocus(Qt.FocusReason.OtherFocusReason)


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
        # A touch-only till has no keyboard: its digits on screen (a walk could not refund,
        # close a shift or leave the kiosk without one).
        self.add_keypad().buttons[","].hide()  # a PIN is digits

    def check(self) -> None:
        try:
            self._pins.verify(self.pin.text())
        except PinError:
            self.pin.clear()
            self.pin.setFocus()
            raise


class NewPinDialog(FormDialog):
    def __init__(self, parent: QWidget | None, pins: PinStore) -> None:
        super().__init__(parent, tr(C, "New manager PIN"))
        self.setObjectName("newPinDialog")
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
                 placeholder: str, missing: Message | None = None) -> None:
        """``missing``: what an empty or too short reason is told, in the field's own words
        ("{n}": the least characters), by default what was checked and what it showed."""
        super().__init__(parent, title)
        self._missing = missing or Message(C, "Say what was checked and what it showed (at "
                                              "least {n} characters).")
        text = QLabel(summary)
        text.setObjectName("summary")
        text.setWordWrap(True)
        self.form.addRow(text)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(placeholder)
        self.reason.setTabChangesFocus(True)  # Tab goes on to the name, as in any form
        self.actor = QLineEdit()
        self.actor.setObjectName("actor")
        self.form.addRow(tr(C, "Reason"), self.reason)
        self.form.addRow(tr(C, "Manager"), self.actor)

    MIN_REASON = 5  # characters: enough to say what was checked

    def check(self) -> None:
        if len(self.reason.toPlainText().strip()) < self.MIN_REASON:
            raise UserError(self._missing.with_params(n=self.MIN_REASON))
        if not self.actor.text().strip():
            raise UserError(Message(C, "Write the manager's name."))


class ResolveDialog(ReasonDialog):
    """A person settles a payment: the outcome, why, and who (all audited).  No outcome is
    preselected: "the customer paid" is the riskiest answer and must be a decision."""

    OUTCOMES = (PaymentState.PAID, PaymentState.DECLINED, PaymentState.CANCELLED,
                PaymentState.EXPIRED)

    def __init__(self, parent: QWidget | None, *, summary: str, payout: bool = False) -> None:
        super().__init__(parent, tr(C, "Resolve a payout") if payout
                         else tr(C, "Resolve a payment"), summary=summary,
                         placeholder=tr(C, "What was checked, where (e.g. the provider's "
                                           "cabinet), and what it showed"))
        self.setObjectName("resolveDialog")
        self.outcome = choice_box()
        self.outcome.setObjectName("outcome")
        # A payout's money goes the other way: "paid" is "it went out to the customer".
        labels = {PaymentState.PAID: tr(C, "Paid out to the customer"),
                  PaymentState.DECLINED: tr(C, "Not paid out: declined"),
                  PaymentState.CANCELLED: tr(C, "Not paid out: cancelled"),
                  PaymentState.EXPIRED: tr(C, "Not paid out: expired")} if payout else {
                  PaymentState.PAID: tr(C, "The customer paid"),
                  PaymentState.DECLINED: tr(C, "Not paid: declined"),
                  PaymentState.CANCELLED: tr(C, "Not paid: cancelled"),
                  PaymentState.EXPIRED: tr(C, "Not paid: expired")}
        for state in self.OUTCOMES:
            self.outcome.addItem(labels[state], state.value)
        self.outcome.setPlaceholderText(tr(C, "Choose what happened…"))
        self.outcome.setCurrentIndex(-1)
        self.form.insertRow(1, tr(C, "Outcome"), self.outcome)  # after the summary

    def check(self) -> None:
        if self.outcome.currentIndex() < 0:
            raise UserError(Message(C, "Choose what happened to the payment."))
        super().check()

    @property
    def chosen(self) -> PaymentState:
        return chosen(self.outcome, PaymentState)


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
        self.measure = choice_box()
        self.measure.setObjectName("lineMeasure")
        for measure in Measure:  # every unit a catalog may use: an edit keeps the line's
            self.measure.addItem(measure_label(measure), measure.value)
        self.vat = choice_box()
        self.vat.setObjectName("lineVat")
        for vat, label in ((VatRate.NONE, tr(C, "no VAT")), (VatRate.VAT0, "0 %"),
                           (VatRate.VAT10, "10 %"), (VatRate.VAT20, "20 %"),
                           (VatRate.VAT110, "10/110"), (VatRate.VAT120, "20/120")):
            self.vat.addItem(label, vat.value)
        if line:
            self.measure.setCurrentIndex(max(self.measure.findData(line.measure.value), 0))
            self.vat.setCurrentIndex(max(self.vat.findData(line.vat.value), 0))
        self.form.addRow(tr(C, "Name"), self.name)
        self.form.addRow(tr(C, "Price"), self.price)
        self.form.addRow(tr(C, "Quantity"), self.quantity)
        self.form.addRow(tr(C, "Unit"), self.measure)
        self.form.addRow(tr(C, "VAT"), self.vat)
        self.add_keypad()  # the price, the quantity, a weight
        self._article = line.article if line else ""
        self.line: SaleLine | None = None

    def check(self) -> None:
        price = parse_amount(self.price.text(), self._currency)
        quantity = parse_decimal(self.quantity.text())
        self.line = SaleLine(name=self.name.text().strip(), unit_price=price, quantity=quantity,
                             measure=chosen(self.measure, Measure),
                             vat=chosen(self.vat, VatRate), article=self._article)


class RefundDialog(FormDialog):
    """What to refund: quantities of sale lines (where the provider itemises) or an amount.

    A quantity that cannot be returned is refused where it is typed (the rules of
    :func:`pos_app.core.refunds.check_quantity`); OK with nothing chosen is refused too.
    """

    COLUMNS = 5  # item, price, sold, returned, to return
    NAME_WIDTH = 280  # px: wider names wrap
    FIELD_WIDTH = 120  # px: the quantity to return

    def __init__(self, parent: QWidget | None, *, sale: Sale, refundable: Money,
                 by_items: bool, returned: Mapping[int, Decimal] | None = None) -> None:
        super().__init__(parent, tr(C, "Refund"))
        self.setObjectName("refundDialog")
        self._sale = sale
        self._refundable = refundable
        self._returned = dict(returned or {})
        self.form.addRow(QLabel(tr(C, "Can still be refunded: {amount}",
                                   amount=refundable.format())))
        self.items: QTableWidget | None = None
        self.fields: list[QLineEdit] = []
        if by_items:
            self.items = self._items_table(sale)
            self.form.addRow(self.items)
            self.form.addRow(QLabel(tr(C, "or an amount:")))
        self.amount = QLineEdit()
        self.amount.setObjectName("refundAmount")
        # Not what can still be refunded, said above: grey, it read as filled in (walks: a
        # manager feared the whole payment would go back with items chosen).
        self.amount.setPlaceholderText(Money(0, refundable.currency).format(symbol=False))
        self.amount.textChanged.connect(lambda _: self._show_problem())
        self.form.addRow(tr(C, "Amount"), self.amount)
        keypad = self.add_keypad()  # the quantities to return, or the amount
        if self.items is not None:  # the table whole beside it (a form row does not say so)
            self.setMinimumWidth(self.items.minimumWidth() + keypad.sizeHint().width()
                                 + 4 * self._layout.spacing() + 24)
        self.quantities: dict[int, Decimal] = {}
        self.money: Money | None = None
        self.first_field = self.fields[0] if self.fields else self.amount

    def _items_table(self, sale: Sale) -> QTableWidget:
        table = QTableWidget(len(sale.lines), self.COLUMNS)
        table.setObjectName("refundItems")
        table.setHorizontalHeaderLabels([tr(C, "Item"), tr(C, "Price"), tr(C, "Sold"),
                                         tr(C, "Returned"), tr(C, "Return")])
        table.verticalHeader().hide()
        for row, line in enumerate(sale.lines):
            back = self._returned.get(row, Decimal(0))
            for column, text in enumerate((line.name, line.unit_price.format(symbol=False),
                                           quantity_text(line.quantity, line.measure),
                                           quantity_text(back, line.measure))):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                table.setItem(row, column, item)
            field = QLineEdit()
            field.setObjectName(f"returnQuantity{row}")
            # "0,5" with a decimal comma, as on the keypad and in every amount.
            field.setPlaceholderText("0")
            field.setEnabled(back < line.quantity)
            field.textChanged.connect(lambda _: self._show_problem())
            table.setCellWidget(row, self.COLUMNS - 1, field)
            self.fields.append(field)
        table.setTabKeyNavigation(False)  # Tab goes from field to field, not cell to cell
        for widget in (table, table.horizontalHeader(), *self.fields):
            widget.ensurePolished()  # measured in the style sheet's fonts, as it will show
        table.resizeColumnsToContents()
        table.setColumnWidth(self.COLUMNS - 1, self.FIELD_WIDTH)
        # A long name wraps onto more lines rather than widen the dialog past the screen,
        # where it was cut ("Шоколад молочны…", a walk).
        table.setColumnWidth(0, min(table.columnWidth(0), self.NAME_WIDTH))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the name takes the rest
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        row_height = self.fields[0].sizeHint().height() + 4 if self.fields else 40
        table.resizeRowsToContents()
        for row in range(table.rowCount()):  # a finger's height at least
            table.setRowHeight(row, max(table.rowHeight(row), row_height))
        # Every column in view, and up to six lines without scrolling.
        table.setMinimumWidth(header.length() + 2 * table.frameWidth() + 2)
        table.setMinimumHeight(header.sizeHint().height() + 2 * table.frameWidth() + 2
                               + sum(table.rowHeight(row) for row in range(min(len(sale.lines),
                                                                                6))))
        return table

    def _quantity(self, row: int) -> Decimal | None:
        """The quantity typed for ``row`` (None if none); AmountError if it cannot be."""
        text = self.fields[row].text().strip()
        if not text or self._is_zero(text):
            return None
        quantity = parse_decimal(text)
        check_quantity(self._sale.lines[row], quantity,
                       returned=self._returned.get(row, Decimal(0)))
        return quantity

    @staticmethod
    def _is_zero(text: str) -> bool:
        try:
            return parse_decimal(text) == 0
        except AmountError:
            return False

    def _show_problem(self) -> None:
        """Refuse a bad quantity or amount as soon as it is typed, not at OK."""
        try:
            self._read()
        except UserError as exc:
            self.refuse(exc.message.render())
        else:
            self.refuse("")

    def _read(self) -> tuple[dict[int, Decimal], Money | None]:
        quantities = {}
        for row in range(len(self.fields)):
            quantity = self._quantity(row)
            if quantity is not None:
                quantities[row] = quantity
        text = self.amount.text().strip()
        money = parse_amount(text, self._refundable.currency) if text else None
        if money is not None and money.minor > self._refundable.minor:
            raise AmountError(Message(C, "That is more than can be refunded ({amount}).",
                                      {"amount": self._refundable.format()}))
        return quantities, money

    def check(self) -> None:
        self.quantities, self.money = self._read()
        if self.quantities and self.money is not None:
            raise UserError(Message(C, "Return either lines or an amount, not both."))
        if not self.quantities and self.money is None:
            raise UserError(Message(C, "Choose what to refund: how many of a line, or an "
                                       "amount."))


class PayoutDialog(FormDialog):
    """A payout to the customer (Pegas-kassa withdrawal), e.g. to return a payment.

    The caller sets ``validate`` to the service's own check of the payout, so a wrong
    number or too large an amount is refused here, with every field kept.
    """

    def __init__(self, parent: QWidget | None, *, amount: Money) -> None:
        super().__init__(parent, tr(C, "Payout to the customer"))
        self.setObjectName("payoutDialog")
        self._currency = amount.currency
        self.amount = QLineEdit(amount.format(symbol=False))
        self.amount.setObjectName("payoutAmount")
        self.method = choice_box()
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
        self.first_field = self.number  # the amount is filled in: all that is left

    @property
    def chosen_method(self) -> str:
        return chosen(self.method, str)

    def check(self) -> None:
        self.money = parse_amount(self.amount.text(), self._currency)
        if not self.number.text().strip():
            raise UserError(Message(C, "Enter where the money goes."))


def measure_label(measure: Measure) -> str:
    """A unit as a cashier names it."""
    return {
        Measure.PIECE: tr(C, "pieces"), Measure.GRAM: tr(C, "grams"),
        Measure.KILOGRAM: tr(C, "kilograms"), Measure.TON: tr(C, "tonnes"),
        Measure.CENTIMETER: tr(C, "centimetres"), Measure.DECIMETER: tr(C, "decimetres"),
        Measure.METER: tr(C, "metres"), Measure.SQUARE_CENTIMETER: tr(C, "square centimetres"),
        Measure.SQUARE_DECIMETER: tr(C, "square decimetres"),
    }[measure]
