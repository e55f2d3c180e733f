"""History of payments (paged, searchable) and the payments that need a person."""

from __future__ import annotations

import asyncio
import html
from datetime import date, datetime
from typing import Any

from msgspec import Struct

from pos_app.core.events import describe_event, state_word
from pos_app.core.journal import Journal, PaymentFilter
from pos_app.core.money import Money
from pos_app.core.payments import Event, Payment, local_day_start
from pos_app.core.payments.messages import alert_subject
from pos_app.core.payments.service import PaymentService
from pos_app.core.states import PaymentState, can_correct, describe_state
from pos_app.i18n import Message, tr
from pos_app.ui.date_field import DateField
from pos_app.ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QCheckBox,
    QComboBox,
    QDate,
    QEvent,
    QFont,
    QFontMetrics,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPushButton,
    QScrollArea,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from pos_app.ui.support import Screen, big_button, render, spawn
from pos_app.ui.widgets import caption, choice_box

C = "History"
_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

STATE_GROUPS: dict[str, tuple[PaymentState, ...]] = {
    "all": (),
    "paid": (PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED),
    "refunded": (PaymentState.REFUNDED, PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDING),
    "not_paid": (PaymentState.DECLINED, PaymentState.CANCELLED, PaymentState.EXPIRED),
    "open": (PaymentState.CREATING, PaymentState.PENDING, PaymentState.CANCELLING,
             PaymentState.UNKNOWN),
}


def _state_group_label(key: str) -> str:
    return {"all": tr(C, "Any state"), "paid": tr(C, "Paid"), "refunded": tr(C, "Refunded"),
            "not_paid": tr(C, "Not paid"), "open": tr(C, "In progress or unknown")}[key]


class HistoryModel(QAbstractTableModel):
    """All payments matching a filter; pages are read on demand, so 100k rows scroll freely."""

    PAGE = 200
    KEPT_PAGES = 30  # scrolling through 100k rows keeps only the pages near the view
    loaded = Signal()

    def __init__(self, journal: Journal, provider_names: dict[str, str]) -> None:
        super().__init__()
        self._journal = journal
        self._names = provider_names
        self.filter = PaymentFilter()
        self.total = 0
        self._pages: dict[int, list[Payment]] = {}
        self._loading: set[int] = set()
        self._generation = 0

    async def reload(self, flt: PaymentFilter) -> None:
        self._generation += 1
        generation = self._generation
        total = await self._journal.count_payments(flt)
        first = await self._journal.page_payments(flt, offset=0, limit=self.PAGE)
        if generation != self._generation:
            return  # a newer search started meanwhile
        self.beginResetModel()
        self.filter, self.total = flt, total
        self._pages = {0: first}
        self._loading.clear()
        self.endResetModel()
        self.loaded.emit()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's idiom
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (tr(C, "Time"), tr(C, "Sale"), tr(C, "Provider"), tr(C, "Amount"),
                tr(C, "State"), tr(C, "Transaction"))[section]

    def payment_at(self, row: int) -> Payment | None:
        page = self._pages.get(row // self.PAGE)
        if page is None:
            self._load(row // self.PAGE)
            return None
        offset = row % self.PAGE
        return page[offset] if offset < len(page) else None

    def row_of(self, payment_id: str) -> int | None:
        """The row of a payment among the pages read so far."""
        for page, rows in self._pages.items():
            for offset, payment in enumerate(rows):
                if payment.id == payment_id:
                    return page * self.PAGE + offset
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Qt asks eight roles of each cell it draws or measures: the others leave at once.
        if role == _ALIGNMENT:
            return _RIGHT if index.column() == 3 else None
        # The tooltip shows what a narrow column cuts off (a long state, a transaction id).
        if (role != _DISPLAY and role != _TOOLTIP) or not index.isValid():
            return None
        payment = self.payment_at(index.row())
        if payment is None:
            return "…"
        column = index.column()
        if column == 0:  # to the minute, so that every column fits 1024 px; seconds in the tip
            return payment.created_at.astimezone().strftime(
                "%d.%m.%y %H:%M" if role == _DISPLAY else "%d.%m.%Y %H:%M:%S")
        if column == 1:
            return payment.request.order_id.split("-")[0]
        if column == 2:
            return self._names.get(payment.provider, payment.provider) + (
                " ⇄" if payment.kind == "withdrawal" else "")
        if column == 3:
            return payment.amount.format(symbol=False)
        if column == 4:  # a word or two in the column, the whole sentences in the tooltip
            if role == _TOOLTIP:
                return "\n\n".join([describe_state(payment.state).render()]
                                     + ([payment.attention.render()] if payment.attention else []))
            return _state_cell(payment)
        return payment.provider_ref or ""

    def _load(self, page: int) -> None:
        if page in self._loading:
            return
        self._loading.add(page)
        spawn(self._read(page, self._generation))

    async def _read(self, page: int, generation: int) -> None:
        rows = await self._journal.page_payments(self.filter, offset=page * self.PAGE,
                                                 limit=self.PAGE, total=self.total)
        if generation != self._generation:
            return
        self._pages[page] = rows
        self._loading.discard(page)
        while len(self._pages) > self.KEPT_PAGES:  # forget the page farthest from this one
            del self._pages[max(self._pages, key=lambda kept: abs(kept - page))]
        first = page * self.PAGE
        last = min(first + self.PAGE, self.total) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, 5))

    def refresh_payment(self, payment: Payment) -> None:
        for number, page in self._pages.items():
            for offset, old in enumerate(page):
                if old.id == payment.id:
                    page[offset] = payment
                    row = number * self.PAGE + offset
                    self.dataChanged.emit(self.index(row, 0), self.index(row, 5))
                    return


def _state_cell(payment: Payment) -> str:
    """The state in a word or two; with an alert, what the alert is about when it says so
    first ("Paid twice: …" reads "Paid twice ⚠"; helper-42: every flagged row read "Paid ⚠",
    and why was only in the details)."""
    if payment.attention is None:
        return state_word(payment.state.value).capitalize()
    return (alert_subject(payment.attention)
            or state_word(payment.state.value).capitalize()) + " ⚠"


SIDE_WIDTH = 300  # the details panel; the table takes the rest (every column at 1024 px)


class PaymentsTable(QTableView):
    """Home and End go to the first and the last payment, as Ctrl+Home and Ctrl+End do: a
    row is chosen whole, and Qt's Home and End moved along it, doing nothing (a walk)."""

    _ROW_ENDS = (QAbstractItemView.CursorAction.MoveHome,
                 QAbstractItemView.CursorAction.MoveEnd)

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        if action in self._ROW_ENDS:
            modifiers |= Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(action, modifiers)


def payments_table(model: HistoryModel, name: str) -> QTableView:
    """Rows of payments, chosen one at a time; columns as wide as their contents."""
    table = PaymentsTable()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(44)  # a finger's row (issue 20 #13)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    ColumnFit(table, model)
    return table


TITLE_PADDING = 10  # px: the style's padding and the section's lines
SHORTENED = (5, 4, 2)  # transaction, state, provider: cut first (their tooltips say all)


class ColumnFit(QObject):
    """Every column of a payment list as wide as its contents, all of them in view: when
    the table is too narrow (1024 px) the transaction, the state and the provider give
    way, never below their titles; room left over goes to the transaction (issue 20 #14:
    "Транзакция" and the state were cut, behind a scroll bar).

    The contents are the rows in view (issue 17).  Qt's default measured up to 1000 rows
    at every change of a payment, reading their pages from the journal in the GUI thread
    (bench_loop_lag: 12 ms a change, 124 ms at worst), and every row of a list not in view
    (a language switch with 300,000 payments behind a hidden History froze the window for
    a minute, a walk).  While the list scrolls or its rows change, widths only grow (they
    jumped back and forth at each step, a walk); they are measured afresh when the list is
    read again, shown, resized or retranslated."""

    def __init__(self, table: QTableView, model: HistoryModel) -> None:
        super().__init__(table)
        self._table = table
        self._widest: list[int] = []  # each column's contents since the last fresh measure
        table.horizontalHeader().setResizeContentsPrecision(0)  # the rows in view
        self._soon = QTimer(self)  # once per turn of the loop, however many changes came
        self._soon.setObjectName("fitColumns")
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.fit)
        for signal in (model.modelReset, model.headerDataChanged):
            signal.connect(self._afresh)
        for signal in (model.dataChanged, model.rowsInserted):
            signal.connect(self._soon.start)
        # At once: the rows scrolled into view are painted with their widths, not before.
        table.verticalScrollBar().valueChanged.connect(self.fit)
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.Resize):
            self._widest = []
            self.fit()
        return False

    def _afresh(self) -> None:
        self._widest = []
        self._soon.start()

    def fit(self) -> None:
        table = self._table
        if not table.isVisible():  # Qt would measure every row: fitted when shown
            return
        header = table.horizontalHeader()
        columns = range(header.count())
        bold = QFont(header.font())
        bold.setBold(True)  # the style draws titles bold; Qt's size hint measures them regular
        metrics = QFontMetrics(bold)
        model = table.model()
        titles = [max(header.sectionSizeHint(c), metrics.horizontalAdvance(
            str(model.headerData(c, Qt.Orientation.Horizontal) or "")) + TITLE_PADDING)
            for c in columns]
        seen = self._widest or [0] * len(titles)
        self._widest = [max(seen[c], table.sizeHintForColumn(c)) for c in columns]
        widths = [max(titles[c], self._widest[c]) for c in columns]
        excess = sum(widths) - table.viewport().width()
        for column in SHORTENED:
            cut = max(min(excess, widths[column] - titles[column]), 0)
            widths[column] -= cut
            excess -= cut
        widths[SHORTENED[0]] -= min(excess, 0)  # what is left over
        for column, width in zip(columns, widths, strict=True):
            header.resizeSection(column, width)


def keep_selection(table: QTableView, model: HistoryModel, details: PaymentDetails) -> None:
    """After the rows were read again: select the payment shown in ``details`` if it is still
    listed, else show none."""
    shown = details.payment
    row = model.row_of(shown.id) if shown is not None else None
    if row is None:
        details.show_payment(None)
    else:
        table.selectRow(row)


def show_rows_when_read(table: QTableView, model: HistoryModel,
                        details: PaymentDetails) -> None:
    """A row selected before its page was read (Ctrl+End over a year of payments) is shown
    in ``details`` once it arrives; it said "choose a payment" with the row highlighted."""
    def arrived(top: QModelIndex, bottom: QModelIndex) -> None:
        current = table.currentIndex()
        if current.isValid() and top.row() <= current.row() <= bottom.row() \
                and details.payment is None:
            details.show_payment(model.payment_at(current.row()))
    model.dataChanged.connect(arrived)


def _breakable(identifier: str) -> str:
    """An id as rich text that may wrap after its dashes (a UUID is wider than the panel)."""
    return html.escape(identifier).replace("-", "-\u200b").replace("_", "_\u200b")


class PaymentDetails(QWidget):
    """One payment: what it is, what happened to it (the audit trail), and the actions."""

    receipt = Signal(str)
    refund = Signal(str)
    resolve = Signal(str)
    acknowledge = Signal(str)
    shown = Signal(object)  # the payment now shown, or None

    def __init__(self, service: PaymentService) -> None:
        super().__init__()
        self.setObjectName("paymentDetails")
        self._service = service
        self.payment: Payment | None = None
        self._shown = 0  # which show_payment the event log being read belongs to
        self._read: _Read | None = None
        self.summary = caption(points=12, name="detailsSummary")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.events = QListWidget()
        self.events.setObjectName("detailsEvents")
        self.events.setWordWrap(True)
        self.events.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.receipt_button = big_button(height=48)
        self.receipt_button.setObjectName("detailsReceipt")
        self.refund_button = big_button(height=48)
        self.refund_button.setObjectName("detailsRefund")
        self.resolve_button = big_button(height=48)
        self.resolve_button.setObjectName("detailsResolve")
        self.acknowledge_button = big_button(height=48)
        self.acknowledge_button.setObjectName("detailsAcknowledge")
        for button, signal in ((self.receipt_button, self.receipt),
                               (self.refund_button, self.refund),
                               (self.resolve_button, self.resolve),
                               (self.acknowledge_button, self.acknowledge)):
            button.clicked.connect(lambda _=False, s=signal: s.emit(self.payment.id)
                                   if self.payment else None)
        layout = QVBoxLayout(self)
        # Scrolled when long (a late payment's advice, a reference): cut off at 1024×768
        # before, ending mid-sentence.
        summary_area = QScrollArea()
        summary_area.setObjectName("detailsSummaryArea")
        summary_area.setWidget(self.summary)
        summary_area.setWidgetResizable(True)
        summary_area.setFrameShape(QFrame.Shape.NoFrame)
        summary_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(summary_area, 3)
        self.events_title = caption(points=12, bold=True)
        layout.addWidget(self.events_title)
        layout.addWidget(self.events, 2)
        for button in (self.receipt_button, self.refund_button, self.resolve_button,
                       self.acknowledge_button):
            layout.addWidget(button)
        self.retranslate()
        self.show_payment(None)

    def retranslate(self) -> None:
        """Every text in the language chosen now, the payment's too (a walk: the panel
        stayed in the old language until another payment was chosen)."""
        self.events_title.setText(tr(C, "What happened"))
        self.receipt_button.setText(tr(C, "Receipt / reprint"))
        self.refund_button.setText(tr(C, "Refund…"))
        self.acknowledge_button.setText(tr(C, "Mark as dealt with"))
        self._render()

    def _correctable(self) -> bool:
        """Recorded as not paid: the provider may say otherwise (a wrong decision by hand)."""
        payment = self.payment
        return payment is not None and payment.kind == "payment" and can_correct(
            payment.state, PaymentState.PAID)

    def _resolve_text(self) -> str:
        return tr(C, "Check with the provider…") if self._correctable() else tr(C, "Resolve…")

    def show_payment(self, payment: Payment | None) -> None:
        """Show ``payment`` (None: nothing chosen); its audit trail is read from the journal
        and added when read."""
        self.payment = payment
        self._read = None
        self._shown += 1
        for button in (self.receipt_button, self.refund_button, self.resolve_button,
                       self.acknowledge_button):
            button.setVisible(payment is not None)
        self._render()
        self.shown.emit(payment)
        if payment is not None:
            spawn(self._events(payment, self._shown))

    def _render(self) -> None:
        """The payment in the language chosen now, with what was read of it (no I/O: a
        language switch redraws the panel from here)."""
        payment = self.payment
        self.events.clear()
        if payment is None:
            self.summary.setText(tr(C, "Choose a payment to see its details."))
            return
        self.summary.setText("<br>".join([*self._summary_lines(payment),
                                          *self._read_lines()]))
        self.receipt_button.setEnabled(payment.state.is_final or payment.state.is_paid)
        self.refund_button.setEnabled(_refundable_sale(payment) and self._returnable())
        self.resolve_button.setText(self._resolve_text())
        # A refund under way is asked about automatically; the payment is settled.
        resolvable = not payment.state.is_final and payment.state is not PaymentState.REFUNDING
        self.resolve_button.setEnabled(resolvable or self._correctable())
        # Only a settled payment's alert is cleared; one not settled is resolved instead.
        self.acknowledge_button.setVisible(payment.attention is not None
                                           and payment.state.is_final)
        for event in self._read.events if self._read else ():
            moved = ""
            if event.to_state:
                moved = f": {state_word(event.to_state)}" if not event.from_state else (
                    f": {state_word(event.from_state)} → {state_word(event.to_state)}")
            # Who decided and why, as they wrote it (helper-42: "Alert cleared", and no more).
            actor, why = event.data.get("actor"), event.data.get("note") or event.data.get(
                "reason")
            if isinstance(why, dict):  # the app's own words (completed_with), translated
                why = Message.from_json(why).render()
            decided = f" — {actor}: {why}" if actor and why else ""
            cleared = event.data.get("attention")
            if isinstance(cleared, dict) and (subject := alert_subject(
                    Message.from_json(cleared))):  # which alert (helper-43)
                moved = f" ({subject})"
            self.events.addItem(f"{event.at.astimezone():%d.%m %H:%M:%S}  "
                                f"{describe_event(event.kind)}{moved}{decided}")

    def _returnable(self) -> bool:
        provider = self._service.providers.get(self.payment.provider) if self.payment else None
        return provider is not None and (provider.capabilities.refund
                                         or provider.capabilities.withdrawal)

    def _summary_lines(self, payment: Payment) -> list[str]:
        provider = self._service.providers.get(payment.provider)
        lines = [
            f"<b>{payment.amount.format()}</b> — {describe_state(payment.state).render()}",
            tr(C, "Provider: {name}", name=provider.display_name if provider
               else payment.provider),
            tr(C, "Payment id: {id}", id=_breakable(payment.id)),
            tr(C, "Key: {key}", key=_breakable(payment.key)),
        ]
        if payment.provider_ref:
            lines.append(tr(C, "Transaction: {ref}", ref=_breakable(payment.provider_ref)))
        if payment.refunded_minor:
            refunded = Money(payment.refunded_minor, payment.amount.currency)
            lines.append(tr(C, "Refunded: {amount}", amount=refunded.format()))
        if payment.reason:
            lines.append(html.escape(render(payment.reason)))
        if payment.attention:
            lines.append("<span style='color:#b00020'>⚠ "
                         f"{html.escape(render(payment.attention))}</span>")
        if _refundable_sale(payment) and provider is not None and not self._returnable():
            # Say why Refund is off.
            lines.append(html.escape(tr(C, "Refunds through {provider} are not available on "
                                           "this terminal: return the money as the store's "
                                           "rules say (e.g. in cash).",
                                        provider=provider.display_name)))
        return lines

    def _read_lines(self) -> list[str]:
        """What the journal said besides the payment's row: payouts, the order reference."""
        read = self._read
        if read is None:
            return []
        lines = []
        if read.paid_out.minor:  # returned by payouts (Pegas-kassa has no refunds)
            lines.append(tr(C, "Returned by payout: {amount}", amount=read.paid_out.format()))
        if read.reference:  # the integrator's order (`pay --reference`)
            lines.append(tr(C, "Order reference: {reference}",
                            reference=_breakable(read.reference)))
        return lines

    async def _events(self, payment: Payment, shown: int) -> None:
        journal = self._service.journal
        events = await journal.events_for(payment.id)
        sale = await journal.get_sale(payment.sale_id)
        paid_out = await self._service.paid_out_for(payment)
        if shown != self._shown:
            return  # shown again meanwhile (a newer update): that read fills the list
        self._read = _Read(events, sale.reference if sale else "", paid_out)
        self._render()


def _refundable_sale(payment: Payment) -> bool:
    """A sale's payment that still holds money to return (a payout is not refunded)."""
    return (payment.state in (PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED)
            and payment.kind == "payment")


class _Read(Struct, frozen=True):
    """What the details panel read from the journal about the payment it shows."""

    events: list[Event]
    reference: str
    paid_out: Money


class PaymentList(Screen):
    """A list of payments beside one payment's details and its actions: the base of the
    History and Needs-attention screens.  ``name`` makes the object names (``<name>Screen``,
    ``<name>Table``, ``<name>Back``); ``refunds``: the details offer Refund."""

    receipt = Signal(str)
    refund = Signal(str)
    resolve = Signal(str)
    acknowledge = Signal(str)
    done = Signal()

    def __init__(self, service: PaymentService, *, name: str, refunds: bool) -> None:
        super().__init__()
        self.setObjectName(f"{name}Screen")
        self._service = service
        self._refunds = refunds
        self._wanted = ""  # a payment to select once the list is read (select)
        self.names = {provider: p.display_name for provider, p in service.providers.items()}
        self.model = HistoryModel(service.journal, self.names)
        self.table = payments_table(self.model, f"{name}Table")
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.details = PaymentDetails(service)
        self.details.shown.connect(self.chosen)
        show_rows_when_read(self.table, self.model, self.details)
        for signal, target in ((self.details.receipt, self.receipt),
                               (self.details.refund, self.refund),
                               (self.details.resolve, self.resolve),
                               (self.details.acknowledge, self.acknowledge)):
            signal.connect(target.emit)
        self.back = big_button()
        self.back.setObjectName(f"{name}Back")
        self.back.clicked.connect(self.done.emit)
        self.model.loaded.connect(self._loaded)

    def _lay_out(self, left: QVBoxLayout, side_buttons: tuple[QWidget, ...] = ()) -> None:
        """The list (``left``) and, in a side panel of fixed width, the details, these
        buttons and Back."""
        right = QVBoxLayout()
        right.addWidget(self.details, 1)
        for button in (*side_buttons, self.back):
            right.addWidget(button)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        side = QWidget()
        side.setLayout(right)
        side.setFixedWidth(SIDE_WIDTH)
        layout.addWidget(side)

    def escape_button(self) -> QPushButton:
        return self.back

    def retranslate(self) -> None:
        """The list's headers, Back, and the details panel's buttons."""
        self.back.setText(tr(C, "Back"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 5)
        self.details.retranslate()

    def _show(self, payment: Payment | None) -> None:
        self.details.show_payment(payment)
        if not self._refunds:
            self.details.refund_button.hide()

    def chosen(self, payment: Payment | None) -> None:
        """The payment the panel shows now (None: none): for a screen's own buttons."""

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show(self.model.payment_at(current.row()) if current.isValid() else None)

    def reload(self) -> asyncio.Task[None] | None:
        """Read the list again, each list with its own filter."""
        raise NotImplementedError

    def select(self, payment_id: str) -> None:
        """Show this payment's details as soon as the list has it (an alert's Show)."""
        self._wanted = payment_id
        if self.isVisible():
            self.reload()

    def _loaded(self) -> None:
        """The payment wanted (an alert's), else the one looked at while it is listed."""
        wanted, self._wanted = self._wanted, ""
        row = self.model.row_of(wanted) if wanted else None
        if row is not None:
            self.table.selectRow(row)
            return
        keep_selection(self.table, self.model, self.details)

    def opened_afresh(self) -> None:
        """Opened again: the newest payments in view and none chosen, unless an alert's Show
        asked for one (helper-43: the details of a payment looked at on an earlier visit,
        with no row chosen and the newest out of view)."""
        if not self._wanted:
            self.table.clearSelection()
            self.details.show_payment(None)
        self.table.scrollToTop()

    def payment_changed(self, payment: Payment) -> None:
        """The payment shown follows the journal."""
        if self.details.payment is not None and self.details.payment.id == payment.id:
            self._show(payment)


class HistoryScreen(PaymentList):
    """Every payment, newest first: searched, filtered by provider, state and dates."""

    def __init__(self, service: PaymentService) -> None:
        super().__init__(service, name="history", refunds=True)
        self.search = QLineEdit()
        self.search.setObjectName("historySearch")
        self.search.setMinimumHeight(44)
        self.provider = choice_box()
        self.provider.setObjectName("historyProvider")
        self.provider.addItem("", "")
        for name, display in self.names.items():
            self.provider.addItem(display, name)
        self.state = choice_box()
        self.state.setObjectName("historyState")
        for key in STATE_GROUPS:
            self.state.addItem(key, key)
        self.all_dates = QCheckBox()
        self.all_dates.setObjectName("historyAllDates")
        self.all_dates.setChecked(True)
        self.since = DateField(QDate.currentDate().addDays(-7))
        self.since.setObjectName("historySince")
        self.until = DateField(QDate.currentDate())
        self.until.setObjectName("historyUntil")
        for edit in (self.since, self.until):
            edit.setEnabled(False)
        self.all_dates.toggled.connect(self._dates_toggled)
        self.count = caption(points=12, name="historyCount")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.reload)
        for signal in (self.search.textChanged, self.provider.currentIndexChanged,
                       self.state.currentIndexChanged, self.all_dates.toggled,
                       self.since.dateChanged, self.until.dateChanged):
            signal.connect(lambda *_: self._debounce.start())

        filters = QHBoxLayout()
        for combo in (self.provider, self.state):
            # Narrow windows (a 1024 px kiosk) may shorten the choices; the list shows them.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        search = QHBoxLayout()
        search.addWidget(self.search, 1)
        search.addWidget(self.provider)
        search.addWidget(self.state)
        for widget in (self.all_dates, self.since, self.until):
            filters.addWidget(widget)
        filters.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(search)
        left.addLayout(filters)
        left.addWidget(self.table, 1)
        left.addWidget(self.count)
        self._lay_out(left)
        self.retranslate()

    def retranslate(self) -> None:
        # Short enough for the field at 1024 px (issue 20 #14); the tooltip says the rest.
        self.search.setPlaceholderText(tr(C, "Amount, sale, id…"))
        self.search.setToolTip(tr(C, "Find a payment by its amount (1499 or 1499,50), its sale "
                                     "(S000012), its payment id or the provider's "
                                     "transaction: the start of an id is enough."))
        self.provider.setItemText(0, tr(C, "Any provider"))
        for i, key in enumerate(STATE_GROUPS):
            self.state.setItemText(i, _state_group_label(key))
        self.all_dates.setText(tr(C, "All dates"))
        super().retranslate()
        self._loaded()

    def _dates_toggled(self, all_dates: bool) -> None:
        self.since.setEnabled(not all_dates)
        self.until.setEnabled(not all_dates)

    def current_filter(self) -> PaymentFilter:
        since = until = None
        if not self.all_dates.isChecked():
            since = _midnight(self.since.date())
            until = _midnight(self.until.date().addDays(1))  # a day is not always 24 h
        return PaymentFilter(providers=(self.provider.currentData(),)
                             if self.provider.currentData() else (),
                             states=STATE_GROUPS[self.state.currentData()],
                             text=self.search.text().strip(), since=since, until=until,
                             currency=self._service.currency)

    def reload(self) -> asyncio.Task[None] | None:
        return spawn(self.model.reload(self.current_filter()), parent=self)

    def shown(self) -> None:
        self.opened_afresh()
        self.reload()
        self.search.setFocus()

    def _loaded(self) -> None:
        if not self.all_dates.isChecked() and self.until.date() < self.since.date():
            self.count.setText(tr(C, "The period ends before it starts: nothing is found."))
        else:
            self.count.setText(tr(C, "Payments found: {n}", n=self.model.total))
        # After a refund or a new search the payment being looked at stays in view, if it
        # is still among the results.
        super()._loaded()

    def show_only(self, payment_id: str) -> None:
        """This payment alone, its details shown (an alert's Show about a payment that needs
        no one)."""
        self.provider.setCurrentIndex(0)
        self.state.setCurrentIndex(0)
        self.all_dates.setChecked(True)
        self.search.setText(payment_id)
        self.select(payment_id)

    def payment_changed(self, payment: Payment) -> None:
        """The list follows the journal: a row changes in place; a payment newer than its
        first row (a payout just made) brings a new search while the list is in view."""
        newest = self.model.payment_at(0) if self.model.total else None
        if self.model.row_of(payment.id) is not None:
            self.model.refresh_payment(payment)
        elif self.isVisible() and (newest is None or payment.created_at > newest.created_at):
            self._debounce.start()  # it belongs at the top of the list
        super().payment_changed(payment)


def _midnight(day: QDate) -> datetime:
    return local_day_start(date(day.year(), day.month(), day.day()))


class AttentionScreen(PaymentList):
    """Payments a person must settle: outcome unknown, or flagged (late, underpaid, orphan)."""

    def __init__(self, service: PaymentService) -> None:
        super().__init__(service, name="attention", refunds=False)
        self.title = caption(points=18, bold=True)
        self.explanation = caption(points=12)
        self.ask_again = big_button(height=48)
        self.ask_again.setObjectName("askAgain")
        self.ask_again.clicked.connect(self._ask_again)
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.explanation)
        left.addWidget(self.table, 1)
        self._lay_out(left, (self.ask_again,))
        self.chosen(None)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr(C, "Needs attention"))
        self.explanation.setText(tr(C, "Payments whose outcome is not known, or that a person "
                                       "must look at. Each one is asked about again "
                                       "automatically; resolving one by hand needs the manager "
                                       "PIN and a reason, and is recorded."))
        self.ask_again.setText(tr(C, "Ask the provider again"))
        super().retranslate()

    def shown(self) -> None:
        self.opened_afresh()
        self.reload()

    def reload(self) -> asyncio.Task[None] | None:
        return spawn(self.model.reload(PaymentFilter(needs_attention=True)), parent=self)

    def chosen(self, payment: Payment | None) -> None:
        # A walk: enabled with nothing chosen, it did nothing.
        self.ask_again.setEnabled(payment is not None)

    def _ask_again(self) -> None:
        payment = self.details.payment
        if payment is not None:
            spawn(self._reconcile(payment.id), parent=self, busy=self.ask_again)

    async def _reconcile(self, payment_id: str) -> None:
        [payment] = await self._service.reconcile([payment_id], timeout=20)
        self.payment_changed(payment)

    def payment_changed(self, payment: Payment) -> None:
        """Follow the journal: the panel shows the payment as it is now, and the list drops
        what no longer needs a person (or gains what newly does)."""
        super().payment_changed(payment)
        needs = payment.state is PaymentState.UNKNOWN or payment.attention is not None
        if needs or self.model.row_of(payment.id) is not None:
            self.reload()
