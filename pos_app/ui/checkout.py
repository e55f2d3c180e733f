"""The checkout flow: sale → how to pay → payment → result → the next sale.

One :class:`Checkout` per window, made when the payments are ready (``MainWindow.attach``).
It owns the sale being paid, the way chosen and the payment being taken; the window is the
shell around it (top bar, navigation, kiosk, language) and asks it where "back to the sale"
leads.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from msgspec.structs import replace

from pos_app.core.money import Money
from pos_app.core.sale import Sale, SaleLine, lines_left
from pos_app.core.states import settled
from pos_app.i18n import Message, UserError, msg, tr
from pos_app.ui.qt import QApplication, QKeyEvent, QObject
from pos_app.ui.support import confirm, show_error, spawn

if TYPE_CHECKING:
    from pos_app.core.payments import Payment
    from pos_app.core.payments.recorder import PaymentUpdate
    from pos_app.ui.customer import CustomerDisplay
    from pos_app.ui.main_window import MainWindow
    from pos_app.ui.payment import ChooseScreen, PaymentScreen, ResultScreen

log = logging.getLogger(__name__)
C = "MainWindow"  # the texts' translation context: they were the window's


class Checkout(QObject):
    """The sale's way through the screens.  ``sale``: the sale being paid (None between
    sales); ``payment_id``: the attempt the payment screen follows; ``result_waiting``: its
    result came while another screen showed (shown when the cashier comes back)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.service = window.service
        self.sale_screen = window.sale_screen
        self.sale: Sale | None = None
        self.provider_name = ""
        self.options: dict[str, str] = {}
        self.payment_id: str | None = None
        self.result_waiting = False
        # This customer's payments the cashier left that can still be paid: their way to
        # pay is not offered again until the customer is done.
        self._left: dict[str, Payment] = {}
        # This customer's sales left for a changed basket, while a link of theirs may be paid.
        self._earlier: dict[str, Sale] = {}
        # A paid earlier basket's payment → how the basket differs, for its result.
        self._basket_notes: dict[str, list[Message]] = {}
        self._connect()

    @property
    def choose(self) -> ChooseScreen:
        return self.window.choose

    @property
    def payment_screen(self) -> PaymentScreen:
        return self.window.payment_screen

    @property
    def result(self) -> ResultScreen:
        return self.window.result

    @property
    def customer(self) -> CustomerDisplay | None:
        """The customer display, if the till has one now (Settings turn it on or off)."""
        return self.window.customer

    def _connect(self) -> None:
        w = self.window
        w.sale_screen.checkout.connect(self._checkout)
        w.sale_screen.cleared.connect(self._sale_cleared)
        w.sale_screen.open_payment = self._open_payment_warning

    def connect_choose(self, screen: ChooseScreen) -> None:
        """The payment's screens are built at the first payment (see MainWindow.choose)."""
        w = self.window
        screen.chosen.connect(self._chosen)
        screen.back.connect(lambda: w.go(w.sale_screen))

    def connect_payment_screen(self, p: PaymentScreen) -> None:
        w = self.window
        p.scanned.connect(self._scanned)
        p.cancel.connect(lambda pid: spawn(self.service.cancel(pid, wait=False), parent=w))
        p.back.connect(lambda: w.go(w.choose))
        p.training_customer.connect(lambda: spawn(self._training_customer(), parent=w,
                                                  busy=p.customer))
        p.training_decision.connect(lambda pid, outcome: spawn(
            self._training_decide(pid, outcome), parent=w))

    def connect_result(self, r: ResultScreen) -> None:
        w = self.window
        # The receipt of a paid sale is its last step: Done starts the next sale.
        r.receipt.connect(lambda pid: w.open_receipt(pid, back_to=w.sale_screen))
        r.new_sale.connect(self.new_or_back)
        r.next_sale_key.connect(self._next_sale_typed)
        r.retry.connect(lambda: self._chosen(self.provider_name, self.options))
        r.other_way.connect(self._offer_ways)
        r.check_again.connect(lambda pid: spawn(self._check_again(pid), parent=w,
                                                busy=r.check_button))

    def payment_waiting(self) -> bool:
        """The sale's payment is being taken (the payment screen follows it, not settled)."""
        if not self.window.built("payment_screen"):
            return False
        shown = self.payment_screen.payment
        return (self.payment_id is not None and shown is not None
                and shown.id == self.payment_id and not settled(shown))

    def _checkout(self, sale: Sale) -> None:
        spawn(self.begin(sale), parent=self.window)

    async def begin(self, sale: Sale) -> None:
        """Every sale belongs to a shift: without an open one, the cashier opens it first.
        The same basket paid again (after a decline, or "Back to the sale") is the same sale."""
        previous = self.sale
        if previous is not None and previous.id and previous.lines == sale.lines:
            sale = previous  # the same basket again: another attempt for the same sale
            try:  # not while the last attempt may still be paid
                await self.service.check_new_attempt(sale)
            except UserError as exc:
                show_error(self.window, exc.message.render())
                return
        elif previous is not None and (warning := await self._open_payment_warning()):
            # Another basket while the last sale's payment may still be paid.
            if not await confirm(self.window, tr(C, "{warning}\n\nTake a payment for the new "
                                                    "sale anyway?", warning=warning)):
                return
            self.payment_id = None
            await self.service.leave_sale(previous)
        if not await self.window.shift_for_sale():
            return  # the basket stays as it is
        if previous is not None and previous is not sale and previous.id:
            self._earlier[previous.id] = previous  # a link left for it may still be paid
            sale = replace(sale, replaces=previous.id)  # paid both ways: "paid twice"
        self.sale = sale
        self.choose.set_amount(sale.total)
        if self.customer is not None:
            self.customer.total(sale.total)
        self._offer_ways()

    def offer_again(self) -> None:
        """The ways to pay for the sale's total again, if they were shown (a provider's
        limits changed); back to the sale, saying why, when no way takes it any more (a
        walk: 2,00 ₽ paid while the till started met three greyed ways)."""
        if self.sale is None or not self.window.built("choose"):
            return
        self.choose.set_amount(self.sale.total)
        if self.window.stack.currentWidget() is self.choose \
                and self.window.sale_screen.below_every_way():
            self.window.go(self.window.sale_screen)

    def _offer_ways(self) -> None:
        """The ways to pay, but those whose link the cashier left for this customer (this
        sale, or the basket before it was changed) and the customer can still pay (a walk: a
        second link, both payable; then again once a line was added)."""
        self.choose.set_left({payment.provider for payment in self._left.values()})
        self.window.go(self.choose)

    def _chosen(self, name: str, options: dict[str, str]) -> None:
        assert self.sale is not None
        self.provider_name, self.options = name, dict(options)
        # From now on the screen follows the new payment only: a late update of the previous
        # attempt (declined, then polled again) must not pull the cashier to its result.
        self.payment_id = None
        provider = self.service.provider(name)
        self.payment_screen.set_provider(provider)
        self.window.go(self.payment_screen)
        if provider.capabilities.customer_barcode:
            self.payment_screen.ask_for_code(provider.display_name, self.sale.total)
            return
        self.payment_screen.starting(provider.display_name, self.sale.total)
        spawn(self._start(self.options), parent=self.window)

    def _scanned(self, code: str) -> None:
        self.payment_screen.code.setEnabled(False)
        spawn(self._start({**self.options, "barcode": code}), parent=self.window)

    async def _start(self, options: dict[str, str]) -> None:
        assert self.sale is not None
        try:
            payment = await self.service.start_payment(self.sale, self.provider_name, options)
        except UserError as exc:
            self._not_started(exc.message)
            return
        except Exception:
            # Nothing was sent: the payment service sends from its own task, after this.
            log.exception("a payment could not be started")
            self._not_started(msg(C, "The payment could not be started because of an error in "
                                     "the app. Nothing was sent to the provider. Try again, or "
                                     "take another way to pay."))
            return
        self.payment_id = payment.id
        if not self.sale.id:
            self.sale = await self.service.journal.get_sale(payment.sale_id) or self.sale
        self.payment_screen.reset_cancel()
        self.payment_screen.track(payment)

    def _not_started(self, reason: Message) -> None:
        """Back to where the cashier can act, with the reason: a scan can be retried on the
        same screen; a QR payment goes back to the ways to pay."""
        self.payment_screen.show_error(reason)
        if not self.service.provider(self.provider_name).capabilities.customer_barcode:
            self.offer_again()  # the provider may have said its own limits meanwhile
            self.window.go(self.choose)
            show_error(self.window, reason.render())

    def payment_updated(self, update: PaymentUpdate) -> None:
        """Any payment changed: the one being taken moves the payment screen, the customer
        display and, once settled, the result screen."""
        payment = update.payment
        mine = payment.id in self._left or (self.sale is not None
                                            and payment.sale_id == self.sale.id)
        if mine and payment.abandoned and not payment.state.is_final:  # left, payable
            self._left[payment.id] = payment
        else:
            self._left.pop(payment.id, None)
        if payment.id != self.payment_id and payment.state.is_paid and mine \
                and self.sale is not None:
            self._paid_by_another_attempt(payment)
        if payment.id != self.payment_id:
            return
        if payment.state.is_paid:
            self._cancel_left(payment)
            self._finish_sale()  # whichever way the cashier leaves the result, it is over
        if update.error is not None and not payment.state.is_final:
            self.payment_screen.error.setText(update.error.render())
        self.payment_screen.track(payment)
        if self.customer is not None:
            self.customer.payment(payment)
        if settled(payment) and self._is_news(payment):
            self._announce(payment)

    def _paid_by_another_attempt(self, payment: Payment) -> None:
        """The customer paid a link the cashier had left for this sale, or for its basket
        before a change: that sale is paid.  The way to pay under way is cancelled (the
        service watches one that cannot be, and says if it is paid too); the result is the
        paid one's, and what the basket holds beyond that sale stays in it, said to be
        unpaid; its late-payment alert is answered (:meth:`PaymentService.completed_with`).
        Two walks: the basket kept the paid line and the next sale took the customer's money
        for it again; with a line added, the new total's QR stayed payable and the customer
        paid both."""
        if self.payment_id is not None and self.payment_waiting():
            spawn(self.service.cancel(self.payment_id, wait=False), parent=self.window)
        earlier = self._earlier.get(payment.sale_id)
        taken_out = None
        if earlier is not None:  # its result says how the basket differs (_announce)
            basket = self.sale_screen.model.lines
            self._basket_notes[payment.id] = basket_changed(earlier, basket)
            taken_out = _sum(lines_left(earlier.lines, basket), earlier.currency)
        self.sale = earlier or self.sale
        self.payment_id = payment.id
        shift = self.window.open_shift
        spawn(self.service.completed_with(
            payment.id, actor=shift.cashier if shift else tr(C, "the cashier"),
            taken_out=taken_out), parent=self.window)

    def _cancel_left(self, paid: Payment) -> None:
        """The customer paid: the links left for them (this sale's, or its basket's before a
        change) are cancelled where the provider can (a walk: a link left before a line was
        added stayed payable after the new total was paid, and the customer paid it too)."""
        for left in self._left.values():
            if left.id == paid.id:
                continue
            spawn(self.service.cancel(left.id, wait=False), parent=self.window)
            provider = self.service.provider(left.provider)
            if not provider.capabilities.cancel:  # the result says so (helper-44: nothing did)
                until = left.expires_at.astimezone().strftime("%H:%M") if left.expires_at \
                    else "?"
                self._basket_notes.setdefault(paid.id, []).append(msg(
                    C, "The {provider} link for {amount} left for this customer can still be "
                       "paid until {time}: tell them not to pay it (if they do, an alert says "
                       "to give it back).", provider=provider.display_name,
                    amount=left.amount, time=until))

    def _is_news(self, payment: Payment) -> bool:
        """A result the cashier has not seen (not the same state shown again)."""
        seen = self.result.payment
        return seen is None or (seen.id, seen.state, seen.abandoned) != (
            payment.id, payment.state, payment.abandoned)

    def _announce(self, payment: Payment) -> None:
        """The sale's payment ended (or its end changed: an unknown one now paid): the result
        screen says so now, or when the cashier comes back to the sale from another screen.
        A payment paid while the cashier looked at the history once cleared the basket
        without a word, and the customer was nearly asked to pay again."""
        self.result.show_payment(payment, basket=self._basket_notes.pop(payment.id, []))
        showing = self.window.stack.currentWidget()
        if showing in (self.payment_screen, self.sale_screen, self.choose):
            self.window.go(self.result)
        elif showing is not self.result:
            self.result_waiting = True

    def new_or_back(self) -> None:
        payment = self.result.payment
        if payment is not None and (payment.state.is_paid or payment.abandoned):
            self._finish_sale()
            self.payment_id = None
            if self.customer is not None:
                self.customer.idle()
        self.window.go(self.sale_screen)

    def _next_sale_typed(self, key: QKeyEvent) -> None:
        self.new_or_back()
        QApplication.sendEvent(self.sale_screen.field, key)

    def _sale_cleared(self) -> None:
        if self.sale is not None:  # its payment, if not settled, is followed as left
            spawn(self.service.leave_sale(self.sale), parent=self.window)
        # What the cashier types next is a new sale; the old payment's news are alerts now.
        self.sale, self.payment_id = None, None
        self._left.clear()  # a new customer
        self._earlier.clear()
        self.choose.new_customer()
        if self.customer is not None:
            self.customer.idle()

    async def _open_payment_warning(self) -> str | None:
        """Said before the sale is left while its payment may still be paid."""
        if self.sale is None:
            return None
        waiting = await self.service.unsettled_attempts(self.sale)
        return self.service.unsettled_warning(waiting[-1], self.sale).render() \
            if waiting else None

    def unpaid(self) -> Money:
        """What the basket holds that no payment has paid: a paid sale's lines stay in it
        until the next sale starts."""
        lines = list(self.sale_screen.model.lines)
        shown = self.result.payment if self.window.built("result") else None
        if self.sale is not None and shown is not None and shown.sale_id == self.sale.id \
                and shown.state.is_paid:
            lines = lines_left(lines, self.sale.lines)
        return _sum(lines, self.sale_screen.model.currency)

    def _finish_sale(self) -> None:
        """The sale is paid (or left to the customer): its lines go and the next payment is
        for a new sale.  What was added after its payment started is no part of it: it stays,
        said to be unpaid.  (Once it vanished with the paid sale; once the whole basket stayed
        and the next customer was asked for the paid lines again.)"""
        if self.sale is not None:
            left = lines_left(self.sale_screen.model.lines, self.sale.lines)
            self.sale_screen.clear()
            for line in left:
                self.sale_screen.model.add(line)
            if left:
                self.sale_screen.say(msg(
                    C, "Still in the basket, not paid: {amount} added after the payment of "
                       "sale {sale} started.", sale=self.sale.label,
                    amount=self.sale_screen.model.total.format()))
        self.sale = None
        self._left.clear()  # the customer is done
        self._earlier.clear()
        self.choose.new_customer()

    async def _check_again(self, payment_id: str) -> None:
        asked = self.service.provider((await self.service.get(payment_id)).provider)
        self.result.advice.setText(tr(C, "Asking {provider} again…",
                                      provider=asked.display_name))  # seen while it asks
        [payment] = await self.service.reconcile([payment_id], timeout=20)
        self.result.show_payment(payment)

    async def _training_customer(self) -> None:
        assert self.window.runtime.trainer is not None
        code = await self.window.runtime.trainer.customer_code(self.provider_name)
        self.payment_screen.code.setText(code)
        self._scanned(code)

    async def _training_decide(self, payment_id: str, outcome: str) -> None:
        assert self.window.runtime.trainer is not None
        await self.window.runtime.trainer.decide(await self.service.get(payment_id), outcome)
        self.service.notify(payment_id)


def basket_changed(paid: Sale, basket: Sequence[SaleLine]) -> list[Message]:
    """What the result of a payment for ``paid`` (the basket before it changed) must say
    about the basket now: what was added is still to pay, what was taken out is paid for
    (helper-43: "Paid 100,00, give the goods" for a basket of 60,00; "Paid 200,00" for one of
    250,00, the 50,00 said only once the cashier had left the result).  []: the same."""
    added, taken_out = lines_left(basket, paid.lines), lines_left(paid.lines, basket)
    said = []
    if added:
        said.append(msg(C, "Not paid yet: {amount} added to the basket after this link was "
                           "made. Those goods stay in the basket, to be paid next.",
                        amount=_sum(added, paid.currency)))
    if taken_out:
        said.append(msg(C, "The customer paid {amount} for goods taken out of the basket "
                           "after this link was made: give them those goods too, or give back "
                           "{amount} (Needs attention records which).",
                        amount=_sum(taken_out, paid.currency)))
    return said


def _sum(lines: Sequence[SaleLine], currency: str) -> Money:
    return Money(sum(line.total_minor for line in lines), currency)
