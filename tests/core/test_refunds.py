from __future__ import annotations

from decimal import Decimal

import pytest

from pos_app.core.money import AmountError, Money
from pos_app.core.refunds import ReturnedLine, plan_by_amount, plan_by_items
from tests.helpers import grocery_sale


def test_one_of_two_discounted_units() -> None:
    plan = plan_by_items(grocery_sale(), {0: Decimal(1)}, [])
    # Milk: 2 x 89.90 with 10.00 off the line -> one bottle returns 84.90 (spec §4.7 example).
    assert plan.amount == Money(8490)
    [item] = plan.items
    assert (item.quantity, item.total_minor, item.discount_minor) == (Decimal(1), 8490, 500)


def test_the_last_unit_takes_the_remainder() -> None:
    sale = grocery_sale()
    first = plan_by_items(sale, {0: Decimal(1)}, [])
    second = plan_by_items(sale, {0: Decimal(1)}, [first.lines])
    assert first.amount.minor + second.amount.minor == sale.lines[0].total_minor
    with pytest.raises(AmountError, match="Only 0 of"):
        plan_by_items(sale, {0: Decimal(1)}, [first.lines, second.lines])


def test_weighed_goods_return_only_whole() -> None:
    with pytest.raises(AmountError, match="only be returned as a whole"):
        plan_by_items(grocery_sale(), {1: Decimal("0.5")}, [])
    plan = plan_by_items(grocery_sale(), {1: Decimal("1.125")}, [])
    assert plan.amount == Money(22500)


@pytest.mark.parametrize(("wanted", "says"), [
    ({}, "at least one"), ({7: Decimal(1)}, "no line 8"), ({0: Decimal(0)}, "greater than zero"),
    ({2: Decimal(2)}, "Only 1 of"),
])
def test_bad_item_refunds(wanted: dict[int, Decimal], says: str) -> None:
    with pytest.raises(AmountError, match=says):
        plan_by_items(grocery_sale(), wanted, [])


def test_all_that_is_left_returns_every_remaining_item() -> None:
    sale = grocery_sale()
    done = [ReturnedLine(0, Decimal(1), 8490)]
    plan = plan_by_amount(sale, Money(40380 - 8490), Money(40380 - 8490), [done])
    assert [(r.index, r.quantity) for r in plan.lines] == [(0, 1), (1, Decimal("1.125")), (2, 1)]
    assert plan.amount == Money(31890)


def test_partial_amount_is_one_refund_line() -> None:
    plan = plan_by_amount(grocery_sale(), Money(1000), Money(40380), [])
    [item] = plan.items
    assert (item.article, item.total_minor, plan.lines) == ("REFUND", 1000, ())


def test_amount_over_what_is_left() -> None:
    with pytest.raises(AmountError, match="can still be refunded"):
        plan_by_amount(grocery_sale(), Money(50000), Money(40380), [])
