"""Our receipt, rendered once as HTML for the screen, the printer and PDF.

It carries the store, terminal, sale lines and totals with the VAT they include, the
payment and its provider's identifiers (the slip fields Koshelek asks to print, spec §5.6;
not the provider's commission: that is the store's cost, not the customer's business), the
refunds, and the TRAINING and DUPLICATE marks.  Labels are translated when it is rendered;
times are local.  On a 58 mm roll (about 17 characters a line) a label and its value that
do not fit one line take two, and ids break only after a dash or every eight characters,
never inside a word.  The HTML keeps to what QTextDocument understands.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from pos_app.core.config import TerminalConfig
from pos_app.core.money import Money
from pos_app.core.payments import Operation, Payment
from pos_app.core.refunds import ReturnedLine
from pos_app.core.sale import Sale, VatRate, quantity_text
from pos_app.core.states import OperationKind, OperationState, PaymentState
from pos_app.i18n import Message
from pos_app.providers.registry import method_label

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
# The VAT a line's price includes (rate, its label); NONE: no VAT is due.
VAT: dict[VatRate, tuple[Decimal, Message]] = {
    VatRate.VAT20: (Decimal(20), Message(C, "incl. VAT 20%")),
    VatRate.VAT10: (Decimal(10), Message(C, "incl. VAT 10%")),
    VatRate.VAT0: (Decimal(0), Message(C, "incl. VAT 0%")),
    VatRate.VAT120: (Decimal(20), Message(C, "incl. VAT 20/120")),
    VatRate.VAT110: (Decimal(10), Message(C, "incl. VAT 10/110")),
}
# Characters a label and its value share on one line of a roll, at the receipt's size
# (measured in a PDF printed through Qt): a row that needs more takes two.
LINE_CHARS = {58: 16, 80: 22}
BOLD_WIDER = 1.3  # a bold capital's width against a regular letter's
WIDE = 1.2  # a regular capital's or digit's
ZERO_WIDTH_SPACE = "\u200b"  # where a line may break, unseen


def _e(text: object) -> str:
    return html.escape(str(text))


def html_row(label: str, value: str, *, strong: bool = False, chars: int = 0) -> str:
    """A label and its value on one line; on a roll of ``chars`` a line, on two when they
    do not fit (side by side, "ОПЛАЧЕНО" broke as "ОПЛАЧЕ/НО"), the value breakable only
    between its parts.  ``chars`` 0: no roll (the screen)."""
    tag = "b" if strong else "span"
    if not chars:
        return f'<tr><td>{_e(label)}</td><td align="right"><{tag}>{_e(value)}</{tag}></td></tr>'
    shown = f"<{tag}>{_breakable(value)}</{tag}>"
    # Bold capitals are wider: "Статус ОПЛАЧЕНО" (15 characters) broke as "ОПЛАЧЕ/НО".
    if len(label) + 1 + _width(value, strong) > chars:
        return (f'<tr><td colspan="2">{_e(label)}</td></tr>'
                f'<tr><td colspan="2" align="right">{shown}</td></tr>')
    return f'<tr><td>{_e(label)}</td><td align="right">{shown}</td></tr>'


def _width(value: str, strong: bool) -> float:
    """``value``'s width in average letters: a value of capitals and digits (an id, a state)
    is wider ("Мерчант MA0000012345" ran its last digit onto a line of its own, a walk),
    bold wider still."""
    if strong:
        return len(value) * BOLD_WIDER
    return len(value) * (1 if any(c.islower() for c in value) else WIDE)


def line_chars(width_mm: int) -> int:
    """What a line of a ``width_mm`` roll holds (an unknown width: the narrower roll's)."""
    return LINE_CHARS.get(width_mm, min(LINE_CHARS.values()))


def _breakable(value: str) -> str:
    """``value`` escaped, breakable after a dash or an underscore, and every eight
    characters inside a long run of letters and digits (an id's) — never inside a word."""
    parts = []
    for part in re.split(r"([-_])", value):
        if len(part) > 12 and part.isalnum() and not part.isalpha():
            part = ZERO_WIDTH_SPACE.join(part[i:i + 8] for i in range(0, len(part), 8))
        parts.append(_e(part) + (ZERO_WIDTH_SPACE if part in ("-", "_") else ""))
    return "".join(parts)


def render_receipt(*, payment: Payment, sale: Sale, operations: Sequence[Operation],
                   terminal: TerminalConfig, provider_name: str, duplicate: bool = False,
                   printed_at: datetime | None = None, width_mm: int = 80) -> str:
    """The receipt as HTML for a ``width_mm`` roll (58 or 80)."""
    chars = line_chars(width_mm)
    parts = [_start(payment.training, duplicate), _header(terminal, sale, payment, chars)]
    parts.append(_lines(sale, payment, chars))
    parts.append(_payment(payment, provider_name, chars))
    parts.append(_refunds(payment, operations, chars))
    parts.append(_end(duplicate, printed_at))
    return "\n".join(parts)


def render_refund_receipt(*, payment: Payment, sale: Sale, refund: Operation,
                          terminal: TerminalConfig, provider_name: str,
                          duplicate: bool = False, printed_at: datetime | None = None,
                          width_mm: int = 80) -> str:
    """The customer's receipt of one done refund as HTML for a ``width_mm`` roll: headed
    REFUND, the goods returned with their quantities and money (or the amount, for a refund
    by amount), the total returned and the VAT it includes, the payment it returns and the
    provider's references (issue 20 #11: the sale's receipt with a refund line named nothing
    that was returned)."""
    chars = line_chars(width_mm)
    row = functools.partial(html_row, chars=chars)
    currency = payment.amount.currency
    returned = [ReturnedLine.from_json(line) for line in refund.request.get("lines", ())]
    amount = Money(refund.amount_minor or sum(r.amount_minor for r in returned), currency)
    parts = [_start(payment.training, duplicate), _store(terminal),
             f'<p align="center"><b>{_e(Message(C, "REFUND").render())}</b></p>',
             '<table width="100%">',
             row(Message(C, "Of sale {sale}").with_params(sale=sale.label).render(),
                 refund.updated_at.astimezone().strftime("%d.%m.%Y %H:%M")),
             _terminal_rows(terminal, chars), "</table><hr><table width=\"100%\">"]
    for line in returned:
        sold = sale.lines[line.index]
        parts.append(f'<tr><td colspan="2">{_e(sold.name)}</td></tr>')
        parts.append(row(f"  {quantity_text(line.quantity, sold.measure)} × "
                         f"{sold.unit_price.format(symbol=False)}",
                         Money(line.amount_minor, currency).format(symbol=False)))
    if not returned:
        parts.append(row(Message(C, "Refund by amount").render(), amount.format(symbol=False)))
    parts.append("</table><hr><table width=\"100%\">")
    parts.append(row(Message(C, "RETURNED").render(), amount.format(), strong=True))
    by_rate = [(sale.lines[r.index].vat, r.amount_minor) for r in returned] or [
        (sale.lines[0].vat, amount.minor)]  # by amount: the rate the provider is told
    for text, tax in _vat_rows(by_rate, currency):
        parts.append(row(text, tax.format()))
    parts.append("</table><hr><table width=\"100%\">")
    parts.append(row(Message(C, "Returned through").render(), provider_name))
    if payment.provider_ref:
        parts.append(row(Message(C, "Payment transaction").render(), payment.provider_ref))
    reference = refund.receipt_fields.get("refundTransactionId") or refund.op_ref
    if reference:
        parts.append(row(Message(C, "Refund transaction").render(), reference))
    parts.append("</table>")
    parts.append(_end(duplicate, printed_at))
    return "\n".join(parts)


def _start(training: bool, duplicate: bool) -> str:
    """The body's start and the TRAINING and DUPLICATE marks."""
    parts = ['<html><body style="font-family: sans-serif; font-size: 10pt;">']
    marks = []
    if training:
        marks.append(Message(C, "TRAINING — NOT A REAL PAYMENT").render())
    if duplicate:
        marks.append(Message(C, "DUPLICATE").render())
    parts += [f'<p align="center"><b>*** {_e(mark)} ***</b></p>' for mark in marks]
    return "".join(parts)


def _end(duplicate: bool, printed_at: datetime | None) -> str:
    if not duplicate:
        return "</body></html>"
    when = (printed_at or datetime.now().astimezone()).strftime("%d.%m.%Y %H:%M")
    again = Message(C, "Printed again on {when}").with_params(when=when)
    return f'<p align="center">{_e(again.render())}</p></body></html>'


def _header(terminal: TerminalConfig, sale: Sale, payment: Payment, chars: int) -> str:
    when = payment.created_at.astimezone().strftime("%d.%m.%Y %H:%M")
    kind = Message(C, "Payout") if payment.kind == "withdrawal" else Message(C, "Sale")
    return "".join([_store(terminal), '<table width="100%">',
                    html_row(f"{kind.render()} {sale.label}", when, chars=chars),
                    _terminal_rows(terminal, chars), "</table>"])


def _store(terminal: TerminalConfig) -> str:
    title = terminal.store_name or Message(C, "Store").render()
    address = f"<br>{_e(terminal.store_address)}" if terminal.store_address else ""
    return f'<p align="center"><b>{_e(title)}</b>{address}</p>'


def _terminal_rows(terminal: TerminalConfig, chars: int) -> str:
    rows = [html_row(Message(C, "Terminal").render(), terminal.terminal_id, chars=chars)]
    if terminal.store_id:
        rows.append(html_row(Message(C, "Store id").render(), terminal.store_id, chars=chars))
    return "".join(rows)


def _field_text(key: str, value: str, provider: str) -> str:
    """A provider's field as printed; its time (UTC ISO 8601) as the local time, its way to
    pay in words ("СБП", not "SBP")."""
    if key == "paymentType":
        return method_label(provider, value)
    if key == "operationDateTime":
        try:
            return datetime.fromisoformat(value).astimezone().strftime("%d.%m.%Y %H:%M:%S")
        except ValueError:
            pass  # printed as the provider sent it
    return str(value)


def _lines(sale: Sale, payment: Payment, chars: int) -> str:
    out = ["<hr><table width=\"100%\">"]
    for line in sale.lines:
        out.append(f'<tr><td colspan="2">{_e(line.name)}</td></tr>')
        out.append(html_row(f"  {quantity_text(line.quantity, line.measure)} × "
                            f"{line.unit_price.format(symbol=False)}",
                            line.total.format(symbol=False), chars=chars))
        if line.discount_minor:
            out.append(html_row("  " + Message(C, "Discount").render(), "−" + Money(
                line.discount_minor, sale.currency).format(symbol=False), chars=chars))
    out.append("</table><hr><table width=\"100%\">")
    if sale.discount.minor:
        out.append(html_row(Message(C, "Subtotal").render(), sale.subtotal.format()))
        out.append(html_row(Message(C, "Discount").render(), "−" + sale.discount.format()))
    label = Message(C, "PAYOUT") if payment.kind == "withdrawal" else Message(C, "TOTAL")
    out.append(html_row(label.render(), sale.total.format(), strong=True, chars=chars))
    for text, amount in vat_lines(sale):
        out.append(html_row(text, amount.format(), chars=chars))
    out.append("</table>")
    return "".join(out)


def vat_lines(sale: Sale) -> list[tuple[str, Money]]:
    """The VAT the sale's total includes, per rate, as (label, amount): the rate's lines'
    totals (after their discounts) × rate / (100 + rate), rounded half up to the kopeck;
    "without VAT" with the total of lines that have none (catalog ``vat``)."""
    return _vat_rows([(line.vat, line.total_minor) for line in sale.lines], sale.currency)


def _vat_rows(amounts: Sequence[tuple[VatRate, int]], currency: str) -> list[tuple[str, Money]]:
    """(label, VAT) per rate of ``amounts``: (rate, money in minor units that includes it)."""
    by_rate: dict[VatRate, int] = {}
    for rate, minor in amounts:
        by_rate[rate] = by_rate.get(rate, 0) + minor
    found = []
    for rate, base in by_rate.items():
        if rate is VatRate.NONE:
            found.append((Message(C, "Without VAT").render(), Money(base, currency)))
            continue
        percent, label = VAT[rate]
        tax = (Decimal(base) * percent / (100 + percent)).to_integral_value(ROUND_HALF_UP)
        found.append((label.render(), Money(int(tax), currency)))
    return found


def _payment(payment: Payment, provider_name: str, chars: int) -> str:
    out = ["<hr><table width=\"100%\">"]
    row = functools.partial(html_row, chars=chars)
    out.append(row(Message(C, "Paid with").render(), provider_name))
    state = STATE_LABELS.get(payment.state)
    out.append(row(Message(C, "Status").render(),
                   state.render() if state else payment.state.value, strong=True))
    if payment.paid_minor is not None and payment.paid_minor != payment.amount.minor:
        out.append(row(Message(C, "Received").render(),
                       Money(payment.paid_minor, payment.amount.currency).format()))
    printed = set()
    if payment.provider_ref and "paymentTransactionId" not in payment.receipt_fields:
        out.append(row(Message(C, "Transaction").render(), payment.provider_ref))
        printed.add(payment.provider_ref)
    for key, label in FIELD_LABELS.items():
        value = payment.receipt_fields.get(key)
        if value and value not in printed:  # one id once (Paymega's invoice is its transaction)
            out.append(row(label.render(), _field_text(key, value, payment.provider)))
            printed.add(value)
    if payment.request.options.get("number_masked"):
        out.append(row(Message(C, "To").render(), payment.request.options["number_masked"]))
    confirmation = payment.receipt_fields.get("confirmation")
    if confirmation == "manual":
        out.append(row(Message(C, "Confirmed").render(),
                       Message(C, "manually by the manager").render(), strong=True))
    elif confirmation == "receipt":
        out.append(row(Message(C, "Confirmed").render(),
                       Message(C, "by the provider's receipt").render()))
    out.append("</table>")
    return "".join(out)


def _refunds(payment: Payment, operations: Sequence[Operation], chars: int) -> str:
    done = [op for op in operations
            if op.kind is OperationKind.REFUND and op.state is OperationState.DONE]
    if not done:
        return ""
    out = ["<hr><table width=\"100%\">"]
    for op in done:
        amount = Money(op.amount_minor or 0, payment.amount.currency)
        out.append(html_row(Message(C, "Refund {time}").with_params(
            time=op.updated_at.astimezone().strftime("%d.%m.%Y %H:%M")).render(),
            "−" + amount.format(), chars=chars))
        reference = op.receipt_fields.get("refundTransactionId") or op.op_ref
        if reference:
            out.append(html_row("  " + Message(C, "Refund transaction").render(), reference,
                                chars=chars))
    out.append("</table>")
    return "".join(out)
