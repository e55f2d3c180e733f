"""The manager's actions on a payment, one function each: PIN → dialog → service → message.

As Anki's ``qt/aqt/operations/``: each is the whole of one thing a manager does, callable
from any screen (History, Needs attention).  The screens need not reload afterwards: the
service's updates reach them (``MainWindow._updated``); ``Operations.changed`` shows the
payment as it is when an action was refused without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from msgspec import Struct

from pos_app.core.events import state_word
from pos_app.core.money import Money
from pos_app.core.states import OperationState, PaymentState, can_correct, describe_state
from pos_app.i18n import Message, tr
from pos_app.ui.qt import QWidget
from pos_app.ui.support import ask, confirm, render, show_error, show_info, with_progress

if TYPE_CHECKING:
    from pos_app.core.payments import Payment
    from pos_app.core.payments.service import PaymentService
    from pos_app.core.pin import PinStore

C = "MainWindow"  # the texts kept their context when they moved here


class Operations(Struct, frozen=True):
    """What every action needs: where its dialogs open, the service, the PINs, and how to
    show a payment as it is now."""

    parent: QWidget
    service: PaymentService
    pins: PinStore
    changed: Callable[[Payment], None]
    # The receipt screen: a payment's, or with a refund's id that refund's receipt.
    show_receipt: Callable[[str, str | None], None] = lambda payment_id, refund_id: None

    async def pin(self, purpose: str) -> bool:
        """The manager's PIN, asked with ``purpose`` said; False when not given."""
        from pos_app.ui.dialogs import PinDialog  # the dialogs: when first needed (issue 17)

        return bool(await ask(PinDialog(self.parent, self.pins, purpose=purpose)))


async def refund(ops: Operations, payment_id: str) -> None:
    """Refund a paid payment: PIN, the refund dialog (amount or lines), a confirmation of
    the sum, the provider's answer.  A provider without refunds returns it by a payout."""
    from pos_app.ui.dialogs import RefundDialog

    payment = await ops.service.get(payment_id)
    provider = ops.service.provider(payment.provider)
    if not provider.capabilities.refund:
        await payout_refund(ops, payment)
        return
    if not await ops.pin(tr(C, "A refund needs the manager PIN.")):
        return
    data = await ops.service.receipt_data(payment_id)
    dialog = RefundDialog(ops.parent, sale=data.sale, refundable=payment.refundable,
                          by_items=provider.capabilities.refund_by_items,
                          returned=data.returned())
    planned: list[Money] = []

    async def plan() -> None:  # the service's own checks, with the dialog still open
        planned[:] = [await ops.service.refund_amount(
            payment_id, amount=dialog.money, quantities=dialog.quantities or None)]

    dialog.validate = plan
    if not await ask(dialog) or not planned:
        return
    if not await confirm(ops.parent, tr(
            C, "Return {amount} to the customer through {provider} (sale {sale}, paid {paid})?",
            amount=planned[0].format(), provider=provider.display_name, sale=data.sale.label,
            paid=payment.amount.format())):
        return
    operation = await with_progress(ops.parent, ops.service.refund(
        payment_id, amount=dialog.money, quantities=dialog.quantities or None),
        tr(C, "Waiting for {provider} to confirm the refund…",
           provider=provider.display_name))
    if operation is None or operation.state in (OperationState.SENT,
                                                OperationState.PENDING):
        show_info(ops.parent, tr(C, "The refund is sent; its result will show in the history."))
    elif operation.state is OperationState.DONE:
        # The customer takes a receipt of the refund (none was offered, issue 20 #11).
        if await confirm(ops.parent, tr(C, "Refunded {amount}. Print the receipt with the "
                                           "refund for the customer?", amount=Money(
                operation.amount_minor or 0, payment.amount.currency).format())):
            ops.show_receipt(payment_id, operation.id)
    else:
        show_error(ops.parent, tr(C, "The refund was refused: {reason}",
                                  reason=operation.reason.render() if operation.reason else "—"))


async def payout_refund(ops: Operations, payment: Payment) -> None:
    """Providers without refunds (Pegas-kassa): pay the money out to the customer."""
    from pos_app.ui.dialogs import PayoutDialog

    left = await ops.service.left_to_pay_out(payment.id)
    if not left.minor:  # said before the PIN: nothing a manager could do here (a walk)
        show_error(ops.parent, tr(C, "All of this payment was returned by payouts already; see "
                                     "them in the history."))
        return
    if not await ops.pin(tr(C, "A refund needs the manager PIN.")):
        return
    dialog = PayoutDialog(ops.parent, amount=left)

    async def check() -> None:  # the service's own checks, with the dialog still open
        assert dialog.money is not None
        await ops.service.check_withdrawal(
            payment.provider, dialog.money, method=dialog.chosen_method,
            number=dialog.number.text(), comment=dialog.comment.text(),
            refund_of=payment.id)

    dialog.validate = check
    if not await ask(dialog) or dialog.money is None:
        return
    number = dialog.number.text().strip()
    sale = (await ops.service.receipt_data(payment.id)).sale
    if not await confirm(ops.parent, tr(
            C, "Pay out {amount} to {method} {number} as a return of sale {sale}?",
            amount=dialog.money.format(), method=dialog.method.currentText(), sale=sale.label,
            number=number if len(number) <= 6 else "…" + number[-4:])):
        return
    payout = await ops.service.withdraw(
        payment.provider, dialog.money, method=dialog.chosen_method,
        number=dialog.number.text(), comment=dialog.comment.text(), refund_of=payment.id)
    done = await with_progress(ops.parent, ops.service.wait(payout.id),
                               tr(C, "Waiting for the payout…"))
    if done is not None and done.state.is_paid:
        show_info(ops.parent, tr(C, "Paid out {amount}.", amount=done.amount.format()))
    elif done is not None and done.state.is_final:
        show_error(ops.parent, tr(C, "The payout failed: {reason}",
                                  reason=done.reason.render() if done.reason else "—"))
    else:
        show_info(ops.parent, tr(C, "The payout is sent; its result will show in the history."))


async def resolve(ops: Operations, payment_id: str) -> None:
    """Settle by hand what nothing automatic could: PIN, the decision and its reason, a
    warning when "not paid" could let the customer pay twice.  One recorded as not paid is
    checked with its provider instead (:func:`correct`)."""
    from pos_app.ui.dialogs import ResolveDialog

    if not await ops.pin(tr(C, "Resolving a payment by hand needs the manager PIN.")):
        return
    payment = await ops.service.get(payment_id)  # as it is now, not as a panel showed it
    if can_correct(payment.state, PaymentState.PAID):
        await correct(ops, payment)
        return
    if payment.state.is_final or payment.state is PaymentState.REFUNDING:
        ops.changed(payment)
        show_info(ops.parent, tr(C, "This payment is settled already ({state}); there is "
                                    "nothing to resolve.",
                                 state=describe_state(payment.state).render()))
        return
    state = describe_state(payment.state).render()
    summary = tr(C, "{amount}, {provider}, now: {state}", amount=payment.amount.format(),
                 provider=ops.service.provider(payment.provider).display_name,
                 state=state if state.endswith((".", "…")) else state + ".")
    payout = payment.kind == "withdrawal"
    dialog = ResolveDialog(ops.parent, summary=summary, payout=payout)
    if not await ask(dialog):
        return
    provider = ops.service.provider(payment.provider).display_name
    risk = tr(C, "Record the payout of {amount} by {provider} as not made? If it did go out, "
                 "the same amount can be paid out again: twice. Do this only after checking "
                 "with the provider.", amount=payment.amount.format(), provider=provider) \
        if payout else tr(
            C, "Record {amount} by {provider} as not paid? If the customer did pay, the sale "
               "can be paid again and they pay twice. Do this only after checking with the "
               "provider.", amount=payment.amount.format(), provider=provider)
    if dialog.chosen is PaymentState.PAID:  # the goods go as if paid: asked too (a walk)
        risk = tr(C, "Record {amount} by {provider} as paid? The customer gets the goods for "
                     "it: do this only when the provider shows the money arrived.",
                  amount=payment.amount.format(), provider=provider)
    if not await confirm(ops.parent, risk):
        return
    try:
        await ops.service.resolve(payment_id, dialog.chosen,
                                  reason=dialog.reason.toPlainText().strip(),
                                  actor=dialog.actor.text().strip(),
                                  seen=payment.state)  # what the manager decided on
    finally:  # resolved, or refused because it was settled meanwhile: show it as it is
        ops.changed(await ops.service.get(payment_id))


async def correct(ops: Operations, payment: Payment) -> None:
    """A payment recorded as not paid, checked with its provider: if it says paid, the
    journal takes that (the money can then be refunded)."""
    from pos_app.ui.dialogs import ReasonDialog

    provider = ops.service.provider(payment.provider).display_name
    dialog = ReasonDialog(ops.parent, tr(C, "Check with the provider"), summary=tr(
        C, "{amount} by {provider} is recorded as {state}. {provider} is asked now; if it "
           "says the customer paid, the payment becomes paid here, and can be refunded.",
        amount=payment.amount.format(), provider=provider,
        state=describe_state(payment.state).render()),
        placeholder=tr(C, "Why (e.g. the customer shows the payment in their bank)"))
    dialog.setObjectName("correctDialog")
    if not await ask(dialog):
        return
    corrected = await with_progress(ops.parent, ops.service.take_provider_state(
        payment.id, actor=dialog.actor.text().strip(),
        reason=dialog.reason.toPlainText().strip()),
        tr(C, "Asking {provider}…", provider=provider))
    if corrected is None:
        return
    ops.changed(corrected)
    # Only what this terminal can do (a walk: "refund it" where refunds are off).
    advice = ops.service.return_advice(payment.provider).render()
    show_info(ops.parent, tr(C, "{provider} says the customer paid: the payment is now {state}. "
                                "Give the goods, or {advice}", provider=provider, advice=advice,
                             state=state_word(corrected.state.value)))

async def acknowledge(ops: Operations, payment_id: str) -> None:
    """Clear the alert of a settled payment: PIN, what was done about it."""
    from pos_app.ui.dialogs import ReasonDialog

    if not await ops.pin(tr(C, "Clearing an alert needs the manager PIN.")):
        return
    payment = await ops.service.get(payment_id)
    sale = await ops.service.journal.get_sale(payment.sale_id)
    # Which payment, first: a walk cleared another one's alert (the list moved under the
    # pointer when the alert bar closed).
    which = tr(C, "Sale {sale}: {amount} by {provider}.", sale=sale.label if sale else "",
               amount=payment.amount.format(),
               provider=ops.service.provider(payment.provider).display_name)
    dialog = ReasonDialog(ops.parent, tr(C, "Mark as dealt with"),
                          summary=f"{which}\n\n{render(payment.attention)}",
                          placeholder=tr(C, "What was done (e.g. the money returned in "
                                            "cash, the goods given)"),
                          missing=Message(C, "Say what was done about it (at least {n} "
                                             "characters)."))
    dialog.setObjectName("acknowledgeDialog")
    if not await ask(dialog):
        return
    ops.changed(await ops.service.acknowledge(
        payment_id, actor=dialog.actor.text().strip(),
        note=dialog.reason.toPlainText().strip()))
