"""Choosing how to pay, the payment in progress, and its result."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pos_app.core.clock import utcnow
from pos_app.core.money import Money
from pos_app.core.states import PaymentState, describe_state
from pos_app.i18n import Message, msg, tr
from pos_app.ui.qt import (
    QGridLayout,
    QGuiApplication,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QPushButton,
    QRect,
    QResizeEvent,
    Qt,
    QVBoxLayout,
    Signal,
)
from pos_app.ui.support import Screen, big_button, confirm, render, restyle, spawn
from pos_app.ui.widgets import (
    Countdown,
    ProviderInputs,
    QrWidget,
    WedgeDetector,
    caption,
    scanned_as_latin,
)

if TYPE_CHECKING:  # not before the window first shows (issue 17)
    from pos_app.core.payments import Payment
    from pos_app.providers.base import Provider

C = "Payment"

def options_widget(provider: Provider) -> ProviderInputs:
    """Make the provider's inputs from the "module:Class" path it names."""
    assert provider.options_widget
    module, _, name = provider.options_widget.partition(":")
    widget = getattr(importlib.import_module(module), name)(provider)
    assert isinstance(widget, ProviderInputs), provider.options_widget
    return widget


class ChooseScreen(Screen):
    """The enabled ways to pay, as large buttons."""

    chosen = Signal(str, object)  # provider id, options
    back = Signal()

    def __init__(self, providers: dict[str, Provider], *, currency: str) -> None:
        super().__init__()
        self.setObjectName("chooseScreen")
        self._providers = providers
        self._currency = currency  # the terminal's: the ways' limits are in it
        self.amount = caption(points=30, bold=True, name="chooseAmount")
        self.title = caption(points=18)
        grid = self._grid = QGridLayout()
        grid.setColumnStretch(1, 1)  # the hints take what is left: a width a text cannot move
        self.buttons: dict[str, QPushButton] = {}
        self.hints: dict[str, QLabel] = {}
        # Each provider's own inputs (Pegas-kassa: the deposit type), made from its module.
        self.inputs: dict[str, ProviderInputs] = {}
        for row, (name, provider) in enumerate(providers.items()):
            # Numbered: the keys 1, 2, 3… choose too.
            button = big_button(f"{row + 1} · {provider.display_name}", role="primary",
                                height=80)
            button.setObjectName(f"pay_{name}")
            button.clicked.connect(lambda _=False, n=name: self._choose(n))
            self.buttons[name] = button
            self.hints[name] = caption(points=12, name=f"hint_{name}")
            grid.addWidget(button, row, 0)
            grid.addWidget(self.hints[name], row, 1)
            if provider.options_widget:
                inputs = options_widget(provider)
                self.inputs[name] = inputs
                grid.addWidget(inputs, row, 2)
        self._left: set[str] = set()  # providers whose link for this sale can still be paid
        self._amount: Money | None = None  # the sale's total, against each way's limits
        self.back_button = big_button()
        self.back_button.setObjectName("chooseBack")
        self.back_button.clicked.connect(self.back.emit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.amount)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(self.back_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr(C, "How does the customer pay?"))
        self.back_button.setText(tr(C, "Back to the sale"))
        for name, label in self.hints.items():
            # As short as the ways' own hints: a longer one moved the buttons below it, and
            # a finger tapping from habit hit another way (helper-43).
            label.setText(self._left_hint() if name in self._left
                          else self._refusal(name) or self._providers[name].payment_hint.render())
        for inputs in self.inputs.values():
            inputs.retranslate()
        self._even_rows()

    @staticmethod
    def _left_hint() -> str:
        return tr(C, "This customer's link can still be paid: no second one.")

    def _even_rows(self) -> None:
        """Every way's row as tall as the tallest of all the hints any row may show, in the
        width the hints have: the buttons stay where they are whatever a hint says
        (helper-43: Pegas-kassa's moved down when Paymega's hint changed, and a finger
        tapping from habit hit another way)."""
        texts = [self._left_hint(), *(p.payment_hint.render() for p in self._providers.values()),
                 *(text for name in self._providers for text in self._limit_hints(name))]
        tallest = max((button.sizeHint().height() for button in self.buttons.values()),
                      default=0)
        for label in self.hints.values():
            if label.width() > 0:
                area = QRect(0, 0, label.width(), 0)
                tallest = max(tallest, *(label.fontMetrics().boundingRect(
                    area, Qt.TextFlag.TextWordWrap, text).height() for text in texts))
        for row in range(len(self.buttons)):
            self._grid.setRowMinimumHeight(row, tallest)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._even_rows()

    def set_left(self, names: set[str]) -> None:
        """These ways are not offered: the sale's link made with them, which the cashier
        left, can still be paid (a walk: a second Paymega link beside the first, both
        payable)."""
        self._left = set(names)
        self._offer()

    def set_amount(self, amount: Money) -> None:
        """The sale's total: a way that cannot take it is not offered, and its hint says its
        limit (a walk: 2,00 ₽ offered Koshelek Pay, whose minimum was said only after the
        customer's code was scanned)."""
        self._amount = amount
        self.amount.setText(amount.format())
        self._offer()

    def _offer(self) -> None:
        for name, button in self.buttons.items():
            button.setEnabled(name not in self._left and self._refusal(name) is None)
            if name in self.inputs:
                self.inputs[name].setEnabled(button.isEnabled())
        self.retranslate()

    def _limit_hints(self, name: str) -> tuple[str, str]:
        """What the way says below its minimum and above its maximum."""
        limits = self._providers[name].limits
        return (tr(C, "Not for this amount: from {limit}.",
                   limit=Money(limits.min_minor, self._currency)),
                tr(C, "Not for this amount: up to {limit}.",
                   limit=Money(limits.max_minor, self._currency)))

    def _refusal(self, name: str) -> str | None:
        """Why the way cannot take the sale's total (source: the provider's limits, as the
        payment service checks them), or None."""
        if self._amount is None:
            return None
        limits = self._providers[name].limits
        below, above = self._limit_hints(name)
        if self._amount.minor < limits.min_minor:
            return below
        if self._amount.minor > limits.max_minor:
            return above
        return None

    def new_customer(self) -> None:
        """A sale is over: each provider's inputs as for the next customer."""
        for inputs in self.inputs.values():
            inputs.reset()

    def escape_button(self) -> QPushButton:
        return self.back_button

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """1, 2, 3… choose the first, second, third way to pay (as numbered on the buttons)."""
        names = list(self.buttons)
        digit = event.key() - Qt.Key.Key_1
        if 0 <= digit < len(names) and self.buttons[names[digit]].isEnabled():
            self.buttons[names[digit]].click()
            return
        super().keyPressEvent(event)

    def _choose(self, name: str) -> None:
        inputs = self.inputs.get(name)
        self.chosen.emit(name, inputs.options() if inputs else {})


class PaymentScreen(Screen):
    """A payment in progress: the Koshelek scan prompt and wait, or the QR, or a number."""

    scanned = Signal(str)  # a Koshelek barcode
    cancel = Signal(str)  # payment id
    back = Signal()
    training_customer = Signal()  # training: a Koshelek customer shows a code
    training_decision = Signal(str, str)  # training: payment id, "pay" or "fail"

    def __init__(self, *, training: bool) -> None:
        super().__init__()
        self.setObjectName("paymentScreen")
        self.training = training
        self.payment: Payment | None = None
        self.provider_name = caption(points=16, bold=True, name="paymentProvider")
        self.amount = caption(points=36, bold=True, name="paymentAmount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.instructions = caption(points=16, name="paymentInstructions")
        self.state = caption(points=18, bold=True, name="paymentState")
        self.error = caption(points=13, name="paymentError", error=True)
        self.countdown = Countdown()
        self.countdown.setObjectName("countdown")
        self.qr = QrWidget(minimum=300)
        self.qr.setObjectName("qr")
        self.link = QLineEdit()
        self.link.setObjectName("payerLink")
        self.link.setReadOnly(True)
        self.copy = big_button(height=44)
        self.copy.setObjectName("copyLink")
        self.copy.clicked.connect(self._copy_link)
        self.payer_text = caption(points=28, bold=True, name="payerText")
        self.payer_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code = QLineEdit()
        self.code.setObjectName("barcodeField")
        self.code.setMinimumHeight(56)
        self.wedge = WedgeDetector(self.code)
        self.wedge.scanned.connect(self.scanned.emit)
        # Typed by hand, too: the customer's code is Latin whatever the layout.
        self.wedge.entered.connect(
            lambda text: self.scanned.emit(scanned_as_latin(text)) if text.strip() else None)
        self.customer = big_button(height=48)
        self.customer.setObjectName("trainingCustomer")
        self.customer.clicked.connect(self.training_customer.emit)
        self.customer_pays = big_button(height=48)
        self.customer_pays.setObjectName("trainingPays")
        self.customer_declines = big_button(height=48)
        self.customer_declines.setObjectName("trainingDeclines")
        self.customer_pays.clicked.connect(lambda: self._decide("pay"))
        self.customer_declines.clicked.connect(lambda: self._decide("fail"))
        self.cancel_button = big_button(role="danger", height=64)
        self.cancel_button.setObjectName("cancelPayment")
        self.cancel_button.clicked.connect(self._cancel)
        self.back_button = big_button(height=56)
        self.back_button.setObjectName("paymentBack")
        self.back_button.clicked.connect(self.back.emit)

        left = QVBoxLayout()
        left.addWidget(self.provider_name)
        left.addWidget(self.amount)
        left.addWidget(self.instructions)
        left.addWidget(self.code)
        left.addWidget(self.payer_text)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link, 1)
        link_row.addWidget(self.copy)
        left.addLayout(link_row)
        left.addWidget(self.state)
        left.addWidget(self.countdown)
        left.addWidget(self.error)
        left.addStretch(1)
        training_row = QHBoxLayout()
        for button in (self.customer, self.customer_pays, self.customer_declines):
            training_row.addWidget(button)
        left.addLayout(training_row)
        left.addWidget(self.cancel_button)
        left.addWidget(self.back_button)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.qr, 1)
        self._mode = "scan"
        self._laid_out: tuple[str, bool] | None = None  # what _layout_mode last showed
        self._provider_name = ""
        self._cancel_after: float | None = None
        self._can_cancel = True
        self._confirmed_in_app = True
        self._state: Message | None = None  # what the payment says, kept to be retranslated
        self._error: Message | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.copy.setText(tr(C, "Copy link"))
        self.customer.setText(tr(C, "Training: customer shows a code"))
        self.customer_pays.setText(tr(C, "Training: customer pays"))
        self.customer_declines.setText(tr(C, "Training: customer refuses"))
        self._cancel_text()
        self.back_button.setText(tr(C, "Back"))
        self.code.setPlaceholderText(tr(C, "Scan the code or type it and press Enter"))
        # What the payment says, in the language now chosen (a walk: "Waiting for the
        # customer…" and a refused code stayed in the old one).
        self.state.setText(self._state.render() if self._state else "")
        self.error.setText(self._error.render() if self._error else "")
        self._laid_out = None  # the instructions are text too
        self._layout_mode()

    def shown(self) -> None:
        if self._mode == "scan":
            self.code.setFocus()

    def escape_button(self) -> QPushButton:
        return self.cancel_button if self.cancel_button.isVisible() else self.back_button

    # -- phases --

    def set_provider(self, provider: Provider) -> None:
        """Whose payment this screen shows next: its name, and whether it can be cancelled
        (Paymega cannot: the cashier can only stop waiting, and the button says so)."""
        self._provider_name = provider.display_name
        self._cancel_after = provider.poll_policy.cancel_after
        self._can_cancel = provider.capabilities.cancel
        # Confirmed in the customer's app (Koshelek), or paid by a link still being made.
        self._confirmed_in_app = provider.capabilities.customer_barcode
        self._cancel_text()

    def _cancel_text(self) -> None:
        self.cancel_button.setText(tr(C, "Cancel payment") if self._can_cancel
                                   else tr(C, "Stop waiting…"))

    def ask_for_code(self, provider_name: str, amount: Money) -> None:
        """Koshelek: wait for the customer's code before any payment exists."""
        self.payment = None
        self._mode = "scan"
        self.provider_name.setText(provider_name)
        self.amount.setText(amount.format())
        self.code.clear()
        self.code.setEnabled(True)
        self._say(state=None, error=None)
        self.countdown.start(None)
        self._layout_mode()
        self.code.setFocus()

    def starting(self, provider_name: str, amount: Money) -> None:
        """A QR payment is being created."""
        self.payment = None
        self._mode = "starting"
        self.provider_name.setText(provider_name)
        self.amount.setText(amount.format())
        self.countdown.start(None)
        self._say(state=msg(C, "Creating the payment…"), error=None)
        self._layout_mode()

    def _say(self, *, state: Message | None, error: Message | None) -> None:
        self._state, self._error = state, error
        self.state.setText(state.render() if state else "")
        self.error.setText(error.render() if error else "")

    def show_error(self, error: Message) -> None:
        self._say(state=self._state, error=error)
        self.code.setEnabled(True)
        self.code.clear()
        self.code.setFocus()

    def track(self, payment: Payment) -> None:
        """Follow a payment: show how the customer pays, its state and its countdown."""
        first = self.payment is None or self.payment.id != payment.id
        self.payment = payment
        if payment.payer_url:
            self._mode = "qr"
        elif payment.payer_text:
            self._mode = "text"
        elif self._mode in ("scan", "starting") and self._confirmed_in_app:
            self._mode = "wait"  # a QR provider's link is not there yet: still "starting"
        if first or self.countdown.seconds_left() == 0:
            self.countdown.start(self._deadline(payment))
        self.qr.set_payload(payment.payer_url or payer_number(payment.payer_text))
        self.link.setText(payment.payer_url or "")
        self.link.setCursorPosition(0)  # the address starts on screen, not its tail
        self.payer_text.setText(payment.payer_text or "")
        self._say(state=describe_state(payment.state), error=payment.attention)
        self._layout_mode()

    def _deadline(self, payment: Payment) -> datetime | None:
        if payment.expires_at is not None:
            return payment.expires_at
        if self._cancel_after is not None:
            # Koshelek: the customer has 30 s to confirm before the payment is cancelled
            # (../shared/specs/koshelek-pay.md §4.4).
            return utcnow() + timedelta(seconds=self._cancel_after)
        return None

    def _layout_mode(self) -> None:
        mode = self._mode
        waiting = self.payment is not None and not self.payment.state.is_final
        if (mode, waiting) == self._laid_out:
            return  # showing and hiding widgets re-runs layouts: only when something changed
        self._laid_out = (mode, waiting)
        self.code.setVisible(mode == "scan")
        self.qr.setVisible(mode in ("qr", "text"))
        self.link.setVisible(mode == "qr")
        self.copy.setVisible(mode == "qr")
        self.payer_text.setVisible(mode == "text")
        self.customer.setVisible(self.training and mode == "scan")
        shows_qr = mode in ("qr", "text") and waiting
        self.customer_pays.setVisible(self.training and shows_qr)
        self.customer_declines.setVisible(self.training and shows_qr)
        self.cancel_button.setVisible(waiting)
        self.back_button.setVisible(mode == "scan")
        instructions = {
            "scan": tr(C, "Ask the customer to open the Koshelek app and show the payment "
                          "code, then scan it."),
            "starting": "",
            "wait": tr(C, "The customer confirms the payment in the Koshelek app."),
            "qr": tr(C, "Ask the customer to scan the QR code and pay on their phone."),
            "text": tr(C, "Ask the customer to transfer exactly this amount to:"),
        }[mode]
        self.instructions.setText(instructions)

    def _copy_link(self) -> None:
        QGuiApplication.clipboard().setText(self.link.text())

    def _cancel(self) -> None:
        if self.payment is None:
            return
        if self._can_cancel:
            self._cancelling(self.payment)
        else:
            spawn(self._stop_waiting(self.payment), parent=self)

    async def _stop_waiting(self, payment: Payment) -> None:
        """A provider without cancel: the link stays payable; the cashier must know that."""
        until = (f"{payment.expires_at.astimezone():%H:%M}" if payment.expires_at else "—")
        if await confirm(self, tr(
                C, "{provider} cannot cancel a payment: the link stays payable until {time}. "
                   "If the customer pays it later, you will see an alert, and that money must "
                   "be returned. Stop waiting for this payment?",
                provider=self._provider_name, time=until)):
            self._cancelling(payment)

    def _cancelling(self, payment: Payment) -> None:
        self.cancel_button.setEnabled(False)
        self._say(state=msg(C, "Cancelling…"), error=self._error)
        self.cancel.emit(payment.id)

    def _decide(self, outcome: str) -> None:
        if self.payment is not None:
            self.training_decision.emit(self.payment.id, outcome)

    def reset_cancel(self) -> None:
        self.cancel_button.setEnabled(True)


class ResultScreen(Screen):
    """How the payment ended, in plain words, and what the cashier can do next."""

    receipt = Signal(str)  # payment id
    new_sale = Signal()
    retry = Signal()
    other_way = Signal()
    check_again = Signal(str)
    next_sale_key = Signal(object)  # QKeyEvent: the next sale's first key (a scan, an amount)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("resultScreen")
        self.payment: Payment | None = None
        self._basket: list[Message] = []  # see show_payment
        self.headline = caption(points=34, bold=True, name="resultHeadline")
        self.headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.amount = caption(points=24, name="resultAmount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason = caption(points=16, name="resultReason")
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.advice = caption(points=14, name="resultAdvice")
        self.advice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.receipt_button = big_button(role="primary", height=64)
        self.receipt_button.setObjectName("showReceipt")
        self.new_sale_button = big_button(height=64)
        self.new_sale_button.setObjectName("newSale")
        self.retry_button = big_button(height=64)
        self.retry_button.setObjectName("retry")
        self.other_button = big_button(height=64)
        self.other_button.setObjectName("otherWay")
        self.check_button = big_button(height=64)
        self.check_button.setObjectName("checkAgain")
        self.receipt_button.clicked.connect(self._receipt)
        self.new_sale_button.clicked.connect(self.new_sale.emit)
        self.retry_button.clicked.connect(self.retry.emit)
        self.other_button.clicked.connect(self.other_way.emit)
        self.check_button.clicked.connect(
            lambda: self.check_again.emit(self.payment.id) if self.payment else None)
        buttons = QHBoxLayout()
        for button in (self.receipt_button, self.retry_button, self.other_button,
                       self.check_button, self.new_sale_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for label in (self.headline, self.amount, self.reason, self.advice):
            layout.addWidget(label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.retranslate()

    def escape_button(self) -> QPushButton:
        return self.new_sale_button

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter takes the first offered next step: the receipt, or trying again.  On a
        payment that ended, a scan or a typed digit goes on at the sale screen: the next sale
        (paid), or this sale's basket (not paid).  A scan here was lost; an amount typed on a
        decline was lost and its Enter paid the old basket again."""
        typed = bool(event.text()) and event.text().isprintable()
        if typed and (self._sale_over() or self._ended_unpaid()):
            key = QKeyEvent(event.type(), event.key(), event.modifiers(), event.text())
            key.setTimestamp(event.timestamp())  # the scanner detector times the keys
            self.next_sale_key.emit(key)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            for button in (self.receipt_button, self.retry_button, self.check_button):
                if button.isVisible() and button.isEnabled():
                    button.click()
                    return
        super().keyPressEvent(event)

    def _ended_unpaid(self) -> bool:
        return self.payment is not None and self.payment.state.is_final \
            and not self.payment.state.is_paid

    def _sale_over(self) -> bool:
        payment = self.payment
        return payment is not None and (
            payment.state.is_paid or payment.state is PaymentState.REFUNDED
            or (payment.state is PaymentState.PENDING and payment.abandoned))

    def retranslate(self) -> None:
        self.receipt_button.setText(tr(C, "Receipt"))
        self.new_sale_button.setText(tr(C, "New sale"))
        self.retry_button.setText(tr(C, "Try again"))
        self.other_button.setText(tr(C, "Another way to pay"))
        self.check_button.setText(tr(C, "Check again"))
        if self.payment is not None:
            self.show_payment(self.payment)

    def show_payment(self, payment: Payment, *, basket: Sequence[Message] = ()) -> None:
        """``basket``: how the basket differs from the sale this payment paid (a link left
        before the basket changed), said with the advice until another payment is shown."""
        if basket or (self.payment is not None and self.payment.id != payment.id):
            self._basket = list(basket)
        self.payment = payment
        state = payment.state
        paid = state.is_paid or state in (PaymentState.REFUNDED,)
        left = state is PaymentState.PENDING and payment.abandoned
        if paid:
            headline, outcome = tr(C, "Paid"), "paid"
            advice = tr(C, "Give the customer the goods and the receipt.")
            advice = "\n".join([*(render(each) for each in self._basket), advice])
        else:
            headline, outcome, advice = self._not_paid(state, left)
        self.headline.setText(headline)
        restyle(self.headline, "outcome", outcome)  # its colour: resources/style.qss
        self.amount.setText(payment.amount.format())
        self.reason.setText(render(payment.reason) if not paid else "")
        self.advice.setText(advice)
        self.receipt_button.setVisible(paid)
        # Left to expire: another way keeps the basket; the same way again would make a
        # second link while the first can still be paid.
        self.retry_button.setVisible(not paid and state.is_final)
        self.other_button.setVisible(not paid and (state.is_final or left))
        self.check_button.setVisible(state is PaymentState.UNKNOWN)
        self.new_sale_button.setText(tr(C, "New sale") if paid or left else
                                     tr(C, "Back to the sale"))

    def _not_paid(self, state: PaymentState, left: bool) -> tuple[str, str, str]:
        """(headline, outcome — the style sheet's colour —, advice)."""
        if left:
            return (tr(C, "Left to expire"), "waiting",
                    tr(C, "The customer may still pay the link; if they do, you will see an "
                          "alert."))
        if state is PaymentState.UNKNOWN:
            return (tr(C, "Result not known yet"), "waiting",
                    tr(C, "The payment is kept and checked again automatically. Do not take "
                          "another payment for this sale until it is settled."))
        titles = {PaymentState.DECLINED: tr(C, "Declined"),
                  PaymentState.CANCELLED: tr(C, "Cancelled"),
                  PaymentState.EXPIRED: tr(C, "Expired")}
        return (titles.get(state, describe_state(state).render()), "failed",
                tr(C, "Try again, or take another way to pay."))

    def _receipt(self) -> None:
        if self.payment is not None:
            self.receipt.emit(self.payment.id)


def payer_number(payer_text: str | None) -> str:
    """The number a customer pays to (``4276 0000 0620 0350 · 403,80 ₽``: the card's digits),
    for the QR code: plain ASCII, which every reader decodes alike (the whole text, with
    "·" and "₽" and no ECI marker, was read wrong)."""
    return (payer_text or "").split(" · ")[0].replace(" ", "")
