"""The sale: the basket, quick amounts, products by barcode, totals, and Pay."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from msgspec.structs import replace

from pos_app.core.catalog import Catalog, Product
from pos_app.core.money import AmountError, Money, parse_amount
from pos_app.core.sale import Measure, Sale, SaleLine, quantity_text
from pos_app.i18n import Message, UserError, msg, tr
from pos_app.ui.qt import (
    QAbstractItemView,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QLineEdit,
    QObject,
    QSizePolicy,
    QStandardItem,
    QStandardItemModel,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from pos_app.ui.support import Screen, ask, big_button, confirm, spawn
from pos_app.ui.widgets import Keypad, WedgeDetector, caption, meaning_changed, take_no_focus

C = "Sale"


class BasketModel(QStandardItemModel):
    """The lines of the sale being built (``lines``), and their cells as the table shows
    them: Qt keeps the texts, so painting the table calls no Python (issue 17: the header's
    ~800 questions to a Python model cost the first paint, and built the ``Qt`` namespace)."""

    COLUMNS = 4

    FREE = "FREE"  # the article of a line made of a typed amount

    def __init__(self, currency: str) -> None:
        super().__init__(0, self.COLUMNS)
        self.currency = currency
        self.lines: list[SaleLine] = []
        self.free_name = ""
        self.retranslate()

    def retranslate(self) -> None:
        """The header, and a typed amount's line still named "Item", in the language now (a
        walk: after a switch to Russian the basket still said "Item")."""
        free_name, self.free_name = self.free_name, tr(C, "Item")
        self.lines = [replace(line, name=self.free_name)
                      if line.article == self.FREE and line.name == free_name else line
                      for line in self.lines]
        self.setHorizontalHeaderLabels([tr(C, "Item"), tr(C, "Quantity"), tr(C, "Price"),
                                        tr(C, "Total")])
        self._refill(0, len(self.lines))

    def add(self, line: SaleLine) -> int:
        self.lines.append(line)  # first: the table's signal reads the lines
        cells = [QStandardItem() for _ in range(self.COLUMNS)]
        for cell in cells[1:]:
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._fill(cells, line)
        self.appendRow(cells)
        return len(self.lines) - 1

    def replace(self, row: int, line: SaleLine) -> None:
        self.lines[row] = line
        self._refill(row, row + 1)

    def remove(self, row: int) -> None:
        del self.lines[row]
        self.removeRow(row)

    def clear(self) -> None:
        """Every line gone; the header stays (unlike Qt's own ``clear``)."""
        self.lines.clear()
        self.removeRows(0, self.rowCount())

    @property
    def total(self) -> Money:
        return Money(sum(line.total_minor for line in self.lines), self.currency)

    def _refill(self, first: int, end: int) -> None:
        """Rows ``first`` to ``end`` - 1 from their lines, said to the table once: each
        cell's own signal ran the screen's refresh and the customer display again, five
        times a line."""
        if first >= end:
            return
        self.blockSignals(True)
        try:
            for row in range(first, end):
                self._fill([self.item(row, column) for column in range(self.COLUMNS)],
                           self.lines[row])
        finally:
            self.blockSignals(False)
        self.dataChanged.emit(self.index(first, 0), self.index(end - 1, self.COLUMNS - 1))

    def _fill(self, cells: list[QStandardItem], line: SaleLine) -> None:
        texts = (line.name, quantity_text(line.quantity, line.measure),
                 line.unit_price.format(symbol=False), line.total.format(symbol=False))
        for cell, text in zip(cells, texts, strict=True):
            cell.setText(text)
        cells[0].setToolTip(line.name)  # cut with "…" when long (a walk)


class SaleScreen(Screen):
    """Builds the sale. Keyboard: digits and Enter add an amount, Enter on an empty field
    pays, Escape clears, Delete removes the selected line, + and − change its quantity."""

    checkout = Signal(object)  # Sale
    cleared = Signal()  # the cashier cleared the basket

    def __init__(self, *, currency: str, catalog: Catalog) -> None:
        super().__init__()
        self.setObjectName("saleScreen")
        self.catalog = catalog
        self._ready = True
        self._status: Message | None = None  # what the message line says the till is doing
        # The basket Pay was pressed for while the till started: paid once it is ready, if
        # the cashier has not changed it since (then they are still selling).
        self._pay_when_ready: tuple[SaleLine, ...] | None = None
        self._said: Message | None = None  # what it says of the cashier's input
        # The most any way to pay here takes (set by the window once its providers are
        # known): an amount typed above it is a mistake, not a line (a walk: a mistyped
        # label barcode became a line of 4 601 234 567 890,00 ₽).
        self.smallest_payment: Money | None = None  # what any way to pay takes (limits)
        self.largest_payment: Money | None = None
        # Set by the window: a sentence naming the sale's payment that may still be paid.
        self.open_payment: Callable[[], Awaitable[str | None]] | None = None
        self.model = BasketModel(currency)
        self.table = QTableView()
        self.table.setObjectName("basket")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setMinimumSectionSize(90)
        # A touched line is selected, but the keyboard stays in the amount field: a scan
        # after a touch went to the table (its type-to-search) and was lost without a word.
        take_no_focus(self.table)
        self._size_columns()
        self.table.doubleClicked.connect(lambda _: self._edit_selected())

        self.add_line = big_button()
        self.edit_line = big_button()
        self.less = big_button("−")
        self.more = big_button("+")
        self.remove_line = big_button(role="danger")
        self.clear_sale = big_button(role="danger", height=44)
        self.clear_sale.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        for button, name in ((self.add_line, "addLine"), (self.edit_line, "editLine"),
                             (self.less, "less"), (self.more, "more"),
                             (self.remove_line, "removeLine"), (self.clear_sale, "clearSale")):
            button.setObjectName(name)
        self.clear_sale.clicked.connect(lambda: self._run(self._ask_clear()))
        self.add_line.clicked.connect(self._add_line_dialog)
        self.edit_line.clicked.connect(self._edit_selected)
        self.less.clicked.connect(lambda: self._change_quantity(-1))
        self.more.clicked.connect(lambda: self._change_quantity(1))
        self.remove_line.clicked.connect(self._remove_selected)

        self.field = QLineEdit()
        self.field.setObjectName("amountField")
        self.field.setMinimumHeight(56)
        self.field.installEventFilter(self)
        self.wedge = WedgeDetector(self.field)
        self.wedge.scanned.connect(self._burst)
        self.wedge.entered.connect(self._entered)
        self.keypad = Keypad()
        self.keypad.pressed.connect(lambda key: Keypad.apply(self.field, key))
        self.add_amount = big_button()
        self.add_amount.setObjectName("addAmount")
        self.add_amount.clicked.connect(self._add_amount)
        self.message = caption(name="saleMessage")
        self.total = caption(points=26, bold=True, name="saleTotal")
        self.pay = big_button(role="primary", height=72)
        self.pay.setObjectName("payButton")
        self.pay.clicked.connect(self._checkout)
        # The amount field keeps the keyboard whatever is pressed by touch: a scanner's
        # burst right after "Add amount" went to that button, not into the sale.
        take_no_focus(self.add_line, self.edit_line, self.less, self.more, self.remove_line,
                      self.clear_sale, self.add_amount, self.pay)

        lines = QHBoxLayout()
        for button in (self.add_line, self.edit_line, self.less, self.more, self.remove_line):
            lines.addWidget(button)
        left = QVBoxLayout()
        self.title = caption(points=18, bold=True)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.clear_sale)
        left.addLayout(heading)
        left.addWidget(self.table, 1)
        left.addLayout(lines)
        right = QVBoxLayout()
        self.field_label = caption()
        right.addWidget(self.field_label)
        right.addWidget(self.field)
        right.addWidget(self.keypad)
        right.addWidget(self.add_amount)
        right.addWidget(self.message)
        right.addStretch(1)
        right.addWidget(self.total)
        right.addWidget(self.pay)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        side = QWidget()
        side.setLayout(right)
        side.setMaximumWidth(420)
        layout.addWidget(side, 2)
        self.model.rowsInserted.connect(self._refresh)
        self.model.rowsRemoved.connect(self._refresh)
        self.model.dataChanged.connect(self._refresh)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr(C, "Sale"))
        self.add_line.setText(tr(C, "Add line…"))
        self.edit_line.setText(tr(C, "Edit"))
        self.remove_line.setText(tr(C, "Remove"))
        self.clear_sale.setText(tr(C, "Clear sale"))
        self.field_label.setText(tr(C, "Amount or barcode"))
        self.field.setPlaceholderText(tr(C, "e.g. 149,90"))
        self.add_amount.setText(tr(C, "Add amount"))
        self.pay.setText(tr(C, "Pay") if self._ready else tr(C, "Starting…"))
        if self._said is not None:  # in the language now chosen (a walk: it stayed English)
            self.message.setText(self._said.render())
        elif self._status is not None:
            self.message.setText(self._status.render())
        self.model.retranslate()
        self._refresh()

    def shown(self) -> None:
        self.field.setFocus()

    # -- the cashier's input --

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.field.clear()
                self.say(None)
                return True
            if key == Qt.Key.Key_Plus:
                self._change_quantity(1)
                return True
            if key == Qt.Key.Key_Minus:
                self._change_quantity(-1)
                return True
            if key == Qt.Key.Key_Delete and not self.field.text():
                self._remove_selected()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.model.lines:
                row = self._selected_row()
                step = -1 if key == Qt.Key.Key_Up else 1
                target = min(max((row if row is not None else len(self.model.lines)) + step, 0),
                             len(self.model.lines) - 1)
                self.table.selectRow(target)
                return True
        return False

    def _add_amount(self) -> None:
        """The button adds what is typed; with nothing typed it says so (Enter on an empty
        field pays, a keyboard's shortcut; a double tap on the button added the line and
        then opened the payment, a walk)."""
        if not self.field.text().strip():
            self._refuse(msg(C, "Type an amount or a barcode first, then press Add amount."))
            return
        self._entered(self.field.text())
        if not self.field.text():  # taken: a second tap of a double tap adds nothing more
            meaning_changed()

    def _entered(self, text: str) -> None:
        text = text.strip()
        if not text:
            self._checkout()
            return
        if self.catalog.find(text) is not None or _is_barcode(text):
            self.scan(text)  # a barcode typed by hand (from a label the scanner cannot read)
            self.field.clear()
            return
        try:
            amount = parse_amount(_decimal_keys(text), self.model.currency)
        except AmountError as exc:
            self._refuse(exc.message)
            return
        looks_like_a_code = text.isdigit() and len(text) >= BARCODE_DIGITS
        if self.largest_payment is not None and amount.minor > self.largest_payment.minor:
            self._refuse(msg(C, "No product has the barcode {code}, and its check digit is "
                                "wrong: check it and scan or type it again.", code=text)
                         if looks_like_a_code else  # a walk: "more than any way to pay" for it
                         msg(C, "{amount} is more than any way to pay here takes (at most "
                                "{most}): a barcode typed with a mistake?",
                             amount=amount.format(), most=self.largest_payment.format()))
            return
        line = SaleLine(name=self.model.free_name, unit_price=amount, article=self.model.FREE)
        if looks_like_a_code:
            self._run(self._add_if_meant(line))  # a barcode's digits, or an amount?
            return
        self._append(line)
        self.field.clear()

    async def _add_if_meant(self, line: SaleLine) -> None:
        """Eight or more digits that are no product and no valid barcode: an amount, once
        the cashier says so (a walk: "46012345", a label's barcode with a wrong digit,
        became a line of 46 012 345,00 ₽ without a word)."""
        if await confirm(self, tr(C, "Add {amount} as an amount? No product has these digits, "
                                     "and as a barcode their check digit is wrong.",
                                  amount=line.unit_price.format())):
            self._append(line)
            self.field.clear()
        else:
            self._refuse(msg(C, "Not added: check the barcode and scan or type it again."))

    def _refuse(self, message: Message) -> None:
        """Say why the input was not taken; it stays, selected, so the next keys replace it
        (typed after it, a product's barcode joined the refused digits)."""
        self.say(message)
        self.field.selectAll()

    def say(self, message: Message | None) -> None:
        """The message line, of the cashier's input (None: nothing to say)."""
        self._said = message
        self.message.setText(message.render() if message is not None else "")

    def _burst(self, code: str) -> None:
        """Keys as fast as a scanner's, then Enter: a barcode, or a quick cashier's amount.
        "150,50" typed at 60 ms a key was "no product with the barcode 150,50": a code with a
        decimal separator that no product has and that reads as an amount is that amount."""
        if ("," in code or "." in code) and self.catalog.find(code) is None:
            try:
                parse_amount(code, self.model.currency)
            except AmountError:
                pass
            else:
                self._entered(code)
                return
        self.scan(code)

    def scan(self, barcode: str) -> None:
        """A product by its barcode; whatever goes wrong is said where the cashier looks."""
        try:
            self._scan(barcode)
        except UserError as exc:
            self.say(exc.message)

    def _scan(self, barcode: str) -> None:
        product = self.catalog.find(barcode)
        if product is None:
            self.say(msg(C, "No product with the barcode {code}.", code=barcode))
            return
        if product.measure is not Measure.PIECE:
            self._run(self._weigh(product))
            return
        line = _line(product, Decimal(1))
        for row, there in enumerate(self.model.lines):
            # The same product again: one more of it, as tills do (not a second line).
            if there == replace(line, quantity=there.quantity):
                self.model.replace(row, replace(there, quantity=there.quantity + 1))
                self.table.selectRow(row)
                self.say(None)
                return
        self._append(line)

    async def _weigh(self, product: Product) -> None:
        from pos_app.ui.dialogs import LineDialog  # not before the window first shows

        dialog = LineDialog(self, currency=self.model.currency, line=_line(product, Decimal(1)))
        dialog.first_field = dialog.quantity  # the weight is what the cashier types now
        if await ask(dialog) and dialog.line is not None:
            self._append(dialog.line)

    def _append(self, line: SaleLine) -> None:
        row = self.model.add(line)
        self.table.selectRow(row)
        self.say(None)

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _change_quantity(self, step: int) -> None:
        row = self._selected_row()
        if row is None:
            return
        line = self.model.lines[row]
        if line.measure is not Measure.PIECE:
            self._edit_selected()
            return
        quantity = line.quantity + step
        if quantity <= 0:
            self._remove_selected()
            return
        self.model.replace(row, replace(line, quantity=quantity))

    def _remove_selected(self) -> None:
        row = self._selected_row()
        if row is not None:
            self.model.remove(row)
            if self.model.lines:
                self.table.selectRow(min(row, len(self.model.lines) - 1))
                meaning_changed()  # Remove and − act on another line now

    def _add_line_dialog(self) -> None:
        self._run(self._line_dialog(None))

    def _edit_selected(self) -> None:
        row = self._selected_row()
        if row is not None:
            self._run(self._line_dialog(row))

    async def _line_dialog(self, row: int | None) -> None:
        from pos_app.ui.dialogs import LineDialog

        line = self.model.lines[row] if row is not None else None
        dialog = LineDialog(self, currency=self.model.currency, line=line)
        if line is not None:  # a line is edited for its quantity (its weight, its count):
            # opened in its name, all of it selected, the "2" typed for a count became the
            # name printed on the receipt (helper-49)
            dialog.first_field = dialog.quantity
        if await ask(dialog) and dialog.line is not None:
            if row is None:
                self._append(dialog.line)
            else:
                self.model.replace(row, dialog.line)
        self.field.setFocus()

    async def _ask_clear(self) -> None:
        if not self.model.lines:
            return
        question = tr(C, "Clear the sale ({amount}) and start a new one?",
                      amount=self.model.total.format())
        if self.open_payment is not None and (warning := await self.open_payment()):
            question = f"{warning}\n\n{question}"  # its payment may still be paid
        if await confirm(self, question):
            self.clear()
            self.cleared.emit()
        self.field.setFocus()

    def _run(self, coroutine: Any) -> None:
        spawn(coroutine, parent=self)

    def set_ready(self, ready: bool) -> None:
        """Whether payments can start: until the journal and the providers are ready the sale
        can be built, and Pay says the till is starting (issue 17)."""
        self._ready = ready
        if ready:
            self.show_status(None)  # "starting" is no longer true
        self.retranslate()
        held, self._pay_when_ready = self._pay_when_ready, None
        if ready and held and held == tuple(self.model.lines):
            self._checkout()

    def show_status(self, status: Message | None) -> None:
        """What the till is doing before it is ready, on the message line, in the language
        chosen (also after a switch, a walk); None takes it away.  What the sale said (a
        barcode not found) is not written over."""
        if self.message.text() in ("", self._status.render() if self._status else ""):
            self._status = status
            self.message.setText(status.render() if status else "")

    def below_every_way(self) -> bool:
        """True, said on the message line, when the basket's total is less than any way to
        pay takes: said here, not by a screen of ways all greyed (a walk: 2,00 ₽ was a dead
        end)."""
        total = self.model.total
        if not self.model.lines or self.smallest_payment is None \
                or total.minor >= self.smallest_payment.minor:
            return False
        self.say(msg(C, "{amount} is less than any way to pay here takes (from {least}).",
                     amount=total.format(), least=self.smallest_payment.format()))
        return True

    def _checkout(self) -> None:
        if not self._ready:  # held, not dropped (a walk: the cashier's Enter was lost)
            self._pay_when_ready = tuple(self.model.lines) or None
            self.show_status(msg(C, "The till is starting; the payment goes on in a moment.")
                             if self._pay_when_ready
                             else msg(C, "The till is starting; Pay works in a moment."))
            return
        if self.below_every_way():
            return
        if self.model.lines:
            self.say(None)  # what it said of the input is behind the cashier now (a walk)
            self.checkout.emit(Sale(lines=tuple(self.model.lines), currency=self.model.currency))

    def _size_columns(self) -> None:
        """The name takes the room left by the numbers (set again: a model reset drops it)."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def clear(self) -> None:
        self.model.clear()
        self.field.clear()
        self.say(None)

    def _refresh(self, *_: Any) -> None:
        has_lines = bool(self.model.lines)
        if self._pay_when_ready is not None and self._pay_when_ready != tuple(self.model.lines):
            # Not paid as it was when Pay was pressed, nor as it is now unasked (a walk: the
            # message still promised the payment, then nothing happened).
            self._pay_when_ready = None
            self.show_status(msg(C, "The sale changed while the till was starting: press "
                                    "Pay again."))
        self._size_columns()
        self.total.setText(tr(C, "Total: {amount}", amount=self.model.total.format()))
        # Also while the till starts: a tap is held as Enter is (a walk: the tap on a greyed
        # "Starting…" was lost, and the cashier waited for nothing).
        self.pay.setEnabled(has_lines)
        for button in (self.edit_line, self.less, self.more, self.remove_line,
                       self.clear_sale):
            button.setEnabled(has_lines)


# Under the Russian layout the keys of the US "," and "." type "б" and "ю": "13б50" is
# 13,50 typed on those keys (a walk: "«13б50» is not an amount").
_RU_DECIMAL_KEYS = str.maketrans("бБюЮ", ",,..")


def _decimal_keys(text: str) -> str:
    """``text`` with a Russian-layout "б"/"ю" between digits read as the decimal separator
    its key carries on the US layout; any other text as it is."""
    if re.fullmatch(r"[\d\s]+[бБюЮ]\d+", text):
        return text.translate(_RU_DECIMAL_KEYS)
    return text


BARCODE_DIGITS = 8  # the shortest barcode (EAN-8)


def _is_barcode(text: str) -> bool:
    """EAN-8, UPC-A, EAN-13 or GTIN-14 with its check digit right.  Digits that cannot be a
    barcode are an amount: "12345678" typed by hand was "no product", and the amount lost."""
    from stdnum import ean

    return len(text) in (8, 12, 13, 14) and bool(ean.is_valid(text))


def _line(product: Product, quantity: Decimal) -> SaleLine:
    return SaleLine(name=product.name, unit_price=product.price, quantity=quantity,
                    measure=product.measure, vat=product.vat, article=product.article)
