"""Our receipt, rendered once as HTML for the screen, the printer and PDF.

It carries the store, terminal, sale lines and totals, the payment and its
provider's identifiers (the slip fields Koshelek asks to print, spec §5.6), the
refunds, and the TRAINING and DUPLICATE marks.  Labels are translated when it is
rendered.  The HTML keeps to what QTextDocument understands.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from pos_app.core.config import TerminalConfig
from pos_app.core.money import Money, format_quantity, parse_provider_amount
from pos_app.core.payments import Operation, Payment
from pos_app.core.sale import Measure, Sale
from pos_app.core.states import OperationKind, OperationState, PaymentState
from pos_app.i18n import Message

C = "Receipt"

# Labels of the provider fields worth printing, in print order.
FIELD_LABELS: dict[str, Message] = {
    "orderId": Message(C, "Order"),
    "paymentTransactionId": Message(C, "Transaction"),
    "paymentType": Message(C, "Payment type"),
    "qrcId": Message(C, "SBP QR id"),
    "kzo": Message(C, "KZO"),
    "operationId": Message(C, "Operation"),
    "merchantId": Message(C, "Merchant"),
    "operationDateTime": Message(C, "Operation time"),
    "invoiceId": Message(C, "Invoice"),
    "referenceId": Message(C, "Reference"),
    "card": Message(C, "Card"),
    "rrn": Message(C, "RRN"),
    "approvalCode": Message(C, "Approval code"),
    "commission": Message(C, "Commission"),
}
STATE_LABELS: dict[PaymentState, Message] = {
    PaymentState.PAID: Message(C, "PAID"),
    PaymentState.PARTIALLY_REFUNDED: Message(C, "PAID, PARTLY REFUNDED"),
    PaymentState.REFUNDED: Message(C, "REFUNDED"),
    PaymentState.REFUNDING: Message(C, "PAID, REFUND IN PROGRESS"),
    PaymentState.DECLINED: Message(C, "NOT PAID: DECLINED"),
    PaymentState.CANCELLED: Message(C, "NOT PAID: CANCELLED"),
    PaymentState.EXPIRED: Message(C, "NOT PAID: EXPIRED"),
}
_MEASURE_UNITS = {Measure.KILOGRAM: Message(C, "kg"), Measure.GRAM: Message(C, "g"),
                  Measure.METER: Message(C, "m")}


def _e(text: object) -> str:
    return html.escape(str(text))


def html_row(label: str, value: str, *, strong: bool = False) -> str:
    tag = "b" if strong else "span"
    return (f'<tr><td>{_e(label)}</td><td align="right"><{tag}>{_e(value)}</{tag}></td>'
            "</tr>")


def render_receipt(*, payment: Payment, sale: Sale, operations: Sequence[Operation],
                   terminal: TerminalConfig, provider_name: str, duplicate: bool = False,
                   printed_at: datetime | None = None) -> str:
    parts = ['<html><body style="font-family: sans-serif; font-size: 10pt;">']
    marks = []
    if payment.training:
        marks.append(Message(C, "TRAINING — NOT A REAL PAYMENT").render())
    if duplicate:
        marks.append(Message(C, "DUPLICATE").render())
    for mark in marks:
        parts.append(f'<p align="center"><b>*** {_e(mark)} ***</b></p>')
    parts.append(_header(terminal, sale, payment))
    parts.append(_lines(sale, payment))
    parts.append(_payment(payment, provider_name))
    parts.append(_refunds(payment, operations))
    if duplicate:
        when = (printed_at or datetime.now().astimezone()).strftime("%d.%m.%Y %H:%M")
        again = Message(C, "Printed again on {when}").with_params(when=when)
        parts.append(f'<p align="center">{_e(again.render())}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def _header(terminal: TerminalConfig, sale: Sale, payment: Payment) -> str:
    title = terminal.store_name or Message(C, "Store").render()
    out = [f'<p align="center"><b>{_e(title)}</b>']
    if terminal.store_address:
        out.append(f"<br>{_e(terminal.store_address)}")
    out.append("</p><table width=\"100%\">")
    when = payment.created_at.astimezone().strftime("%d.%m.%Y %H:%M")
    kind = Message(C, "Payout") if payment.kind == "withdrawal" else Message(C, "Sale")
    out.append(html_row(f"{kind.render()} {sale.label}", when))
    out.append(html_row(Message(C, "Terminal").render(), terminal.terminal_id))
    if terminal.store_id:
        out.append(html_row(Message(C, "Store id").render(), terminal.store_id))
    out.append("</table>")
    return "".join(out)


def _field_text(key: str, value: str, currency: str) -> str:
    """A provider's field as printed; amounts (Pegas' commission) as money."""
    if key == "commission":
        try:
            return parse_provider_amount(value, currency).format()
        except ValueError:
            pass  # printed as the provider sent it
    return str(value)


def _lines(sale: Sale, payment: Payment) -> str:
    out = ["<hr><table width=\"100%\">"]
    for line in sale.lines:
        unit = _MEASURE_UNITS.get(line.measure)
        quantity = format_quantity(line.quantity) + (f" {unit.render()}" if unit else "")
        out.append(f'<tr><td colspan="2">{_e(line.name)}</td></tr>')
        out.append(html_row(f"  {quantity} × {line.unit_price.format(symbol=False)}",
                        line.total.format(symbol=False)))
        if line.discount_minor:
            out.append(html_row("  " + Message(C, "Discount").render(),
                            "−" + Money(line.discount_minor, sale.currency).format(symbol=False)))
    out.append("</table><hr><table width=\"100%\">")
    if sale.discount.minor:
        out.append(html_row(Message(C, "Subtotal").render(), sale.subtotal.format()))
        out.append(html_row(Message(C, "Discount").render(), "−" + sale.discount.format()))
    label = Message(C, "PAYOUT") if payment.kind == "withdrawal" else Message(C, "TOTAL")
    out.append(html_row(label.render(), sale.total.format(), strong=True))
    out.append("</table>")
    return "".join(out)


def _payment(payment: Payment, provider_name: str) -> str:
    out = ["<hr><table width=\"100%\">"]
    out.append(html_row(Message(C, "Paid with").render(), provider_name))
    state = STATE_LABELS.get(payment.state)
    out.append(html_row(Message(C, "Status").render(),
                    state.render() if state else payment.state.value, strong=True))
    if payment.paid_minor is not None and payment.paid_minor != payment.amount.minor:
        out.append(html_row(Message(C, "Received").render(),
                        Money(payment.paid_minor, payment.amount.currency).format()))
    if payment.provider_ref and "paymentTransactionId" not in payment.receipt_fields:
        out.append(html_row(Message(C, "Transaction").render(), payment.provider_ref))
    for key, label in FIELD_LABELS.items():
        value = payment.receipt_fields.get(key)
        if value:
            out.append(html_row(label.render(), _field_text(key, value, payment.amount.currency)))
    if payment.request.options.get("number_masked"):
        out.append(html_row(Message(C, "To").render(), payment.request.options["number_masked"]))
    confirmation = payment.receipt_fields.get("confirmation")
    if confirmation == "manual":
        out.append(html_row(Message(C, "Confirmed").render(),
                        Message(C, "manually by the manager").render(), strong=True))
    elif confirmation == "receipt":
        out.append(html_row(Message(C, "Confirmed").render(),
                        Message(C, "by the provider's receipt").render()))
    out.append("</table>")
    return "".join(out)


def _refunds(payment: Payment, operations: Sequence[Operation]) -> str:
    done = [op for op in operations
            if op.kind is OperationKind.REFUND and op.state is OperationState.DONE]
    if not done:
        return ""
    out = ["<hr><table width=\"100%\">"]
    for op in done:
        amount = Money(op.amount_minor or 0, payment.amount.currency)
        out.append(html_row(Message(C, "Refund {time}").with_params(
            time=op.updated_at.astimezone().strftime("%d.%m.%Y %H:%M")).render(),
            "−" + amount.format()))
        reference = op.receipt_fields.get("refundTransactionId") or op.op_ref
        if reference:
            out.append(html_row("  " + Message(C, "Refund transaction").render(), reference))
    out.append("</table>")
    return "".join(out)
