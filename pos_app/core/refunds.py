"""Which goods and how much money a refund returns.

Lines are identified by their index in the sale.  A line's money is returned in
proportion to the quantity; the last units returned take the remainder so that
the refunds of a line add up exactly to what was paid for it.  Goods not sold by
the piece (weighed etc.) can only be returned as a whole position (Koshelek
spec §4.7).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from msgspec import Struct

from pos_app.core.money import AmountError, Money, format_quantity, round_minor
from pos_app.core.sale import Measure, Sale, SaleLine
from pos_app.i18n import msg
from pos_app.providers.base import LineItem

C = "Refund"


def line_item(line: SaleLine) -> LineItem:
    return LineItem(
        name=line.name,
        article=line.article,
        price_minor=Decimal(line.unit_price.minor),
        quantity=line.quantity,
        measure=line.measure.value,
        total_minor=line.total_minor,
        subtotal_minor=line.subtotal_minor,
        discount_minor=line.discount_minor,
        vat=line.vat.value,
    )


def sale_items(sale: Sale) -> tuple[LineItem, ...]:
    return tuple(line_item(line) for line in sale.lines)


class ReturnedLine(Struct, frozen=True):
    index: int
    quantity: Decimal
    amount_minor: int

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "quantity": str(self.quantity),
                "amount_minor": self.amount_minor}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReturnedLine:
        return cls(int(data["index"]), Decimal(str(data["quantity"])), int(data["amount_minor"]))


class RefundPlan(Struct, frozen=True):
    amount: Money
    lines: tuple[ReturnedLine, ...]
    items: tuple[LineItem, ...]


def already_returned(previous: Iterable[Sequence[ReturnedLine]]) -> dict[int, tuple[Decimal, int]]:
    """Quantity and money already returned per line index."""
    done: dict[int, tuple[Decimal, int]] = {}
    for lines in previous:
        for r in lines:
            qty, money = done.get(r.index, (Decimal(0), 0))
            done[r.index] = (qty + r.quantity, money + r.amount_minor)
    return done


def check_quantity(line: SaleLine, quantity: Decimal, *, returned: Decimal) -> None:
    """Raise AmountError unless ``quantity`` of ``line`` can be returned now, ``returned``
    of it having been returned before: more than zero, no more than is left, whole pieces,
    and goods not sold by the piece only as a whole (Koshelek spec §4.7)."""
    left = line.quantity - returned
    if quantity <= 0:
        raise AmountError(msg(C, "The quantity to return must be greater than zero."))
    if quantity > left:
        raise AmountError(msg(C, "Only {left} of “{name}” can still be returned.",
                              left=format_quantity(left), name=line.name))
    if line.measure is Measure.PIECE and quantity != quantity.to_integral_value():
        raise AmountError(msg(C, "“{name}” is sold by the piece: return whole pieces.",
                              name=line.name))
    if line.measure is not Measure.PIECE and quantity != line.quantity:
        raise AmountError(msg(C, "“{name}” is not sold by the piece, so it can only be "
                                 "returned as a whole.", name=line.name))


def plan_by_items(sale: Sale, wanted: Mapping[int, Decimal],
                  previous: Iterable[Sequence[ReturnedLine]]) -> RefundPlan:
    """Return the given quantities of the given lines."""
    if not wanted:
        raise AmountError(msg(C, "Choose at least one item to return."))
    done = already_returned(previous)
    returned: list[ReturnedLine] = []
    items: list[LineItem] = []
    for index, quantity in sorted(wanted.items()):
        if not 0 <= index < len(sale.lines):
            raise AmountError(msg(C, "The sale has no line {n}.", n=index + 1))
        line = sale.lines[index]
        done_qty, done_money = done.get(index, (Decimal(0), 0))
        left = line.quantity - done_qty
        check_quantity(line, quantity, returned=done_qty)
        if quantity == left:
            amount = line.total_minor - done_money
        else:
            amount = round_minor(Decimal(line.total_minor) * quantity / line.quantity)
        returned.append(ReturnedLine(index, quantity, amount))
        items.append(_returned_item(line, quantity, amount))
    total = sum(r.amount_minor for r in returned)
    return RefundPlan(Money(total, sale.currency), tuple(returned), tuple(items))


def plan_by_amount(sale: Sale, amount: Money, refundable: Money,
                   previous: Iterable[Sequence[ReturnedLine]]) -> RefundPlan:
    """Return an amount. All that is left returns every remaining item; less than that
    returns one line "refund by amount" (ASSUMPTION: providers that itemise refunds
    accept it; documented in the README)."""
    if amount.minor <= 0:
        raise AmountError(msg(C, "The amount to refund must be greater than zero."))
    if amount.minor > refundable.minor:
        raise AmountError(msg(C, "Only {left} can still be refunded.", left=refundable))
    history = [list(lines) for lines in previous]
    if amount.minor == refundable.minor:
        done = already_returned(history)
        wanted = {i: line.quantity - done.get(i, (Decimal(0), 0))[0]
                  for i, line in enumerate(sale.lines)}
        wanted = {i: q for i, q in wanted.items() if q > 0}
        if wanted:
            plan = plan_by_items(sale, wanted, history)
            if plan.amount == amount:
                return plan
    first = sale.lines[0]
    item = LineItem(name="Возврат по сумме", article="REFUND", price_minor=Decimal(amount.minor),
                    quantity=Decimal(1), measure=Measure.PIECE.value, total_minor=amount.minor,
                    subtotal_minor=amount.minor, discount_minor=0, vat=first.vat.value)
    return RefundPlan(amount, (), (item,))


def _returned_item(line: SaleLine, quantity: Decimal, amount: int) -> LineItem:
    subtotal = round_minor(Decimal(line.unit_price.minor) * quantity)
    return LineItem(
        name=line.name,
        article=line.article,
        price_minor=Decimal(line.unit_price.minor),
        quantity=quantity,
        measure=line.measure.value,
        total_minor=amount,
        subtotal_minor=max(subtotal, amount),
        discount_minor=max(subtotal - amount, 0),
        vat=line.vat.value,
    )
