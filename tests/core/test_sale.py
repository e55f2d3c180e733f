from __future__ import annotations

from decimal import Decimal

import pytest

from pos_app.core.money import AmountError, Money
from pos_app.core.sale import MAX_QUANTITY, Measure, Sale, SaleLine, VatRate, lines_left
from tests.helpers import grocery_sale


def test_totals_of_the_spec_basket() -> None:
    sale = grocery_sale()
    # 2 x 89.90 - 10.00, 1.125 kg x 200.00, 9.00 -> spec §4.1: 403.80 to pay, 413.80 before discount
    assert sale.total == Money(40380)
    assert sale.subtotal == Money(41380)
    assert sale.discount == Money(1000)


def test_weighed_line_rounds_half_up() -> None:
    line = SaleLine(name="Сыр", unit_price=Money(99999), quantity=Decimal("0.333"),
                    measure=Measure.KILOGRAM)
    assert line.subtotal_minor == 33300  # 332.99667 roubles -> 333.00


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"name": " "}, "needs a name"),
    ({"quantity": Decimal(0)}, "quantity"),
    ({"unit_price": Money(-1)}, "cannot be negative"),
    ({"discount_minor": 10_000}, "discount"),
])
def test_bad_lines(kwargs: dict[str, object], says: str) -> None:
    base: dict[str, object] = {"name": "Хлеб", "unit_price": Money(5000)}
    with pytest.raises(AmountError, match=says):
        SaleLine(**{**base, **kwargs})  # type: ignore[arg-type]


def test_sale_needs_lines_in_one_currency() -> None:
    with pytest.raises(AmountError, match="no lines"):
        Sale(lines=())
    with pytest.raises(AmountError, match="RUB"):
        Sale(lines=(SaleLine(name="x", unit_price=Money(1, "USD")),))


def test_lines_round_trip_through_json() -> None:
    sale = grocery_sale()
    again = Sale.from_lines_json(sale.lines_json())
    assert again.lines == sale.lines


@pytest.mark.parametrize(("field", "value"), [("measure", "KILOGRAM"), ("vat", "vat10"),
                                          ("quantity", 1.5), ("unit_price", 100)])
def test_a_line_refuses_untyped_values_where_it_is_made(field: str, value: object) -> None:
    """A combo box's plain str for a Measure once made every such sale unpayable at the
    provider; now the line itself refuses it, at once."""
    good = {"name": "Яблоки", "unit_price": Money(20000), "quantity": Decimal("0.75"),
            "measure": Measure.KILOGRAM, "vat": VatRate.VAT10}
    with pytest.raises(TypeError):
        SaleLine(**{**good, field: value})  # type: ignore[arg-type]
    SaleLine(**good)  # type: ignore[arg-type]


def test_a_quantity_no_till_sells_in_one_line_is_refused() -> None:
    """A walk: the next product's barcode scanned into the weight field made a line of
    4 600 123 456 789 kg (the scanner's Enter confirmed it)."""
    with pytest.raises(AmountError, match="cannot be more than 99999"):
        SaleLine(name="Яблоки", unit_price=Money(18950), quantity=Decimal("4600123456789"),
                 measure=Measure.KILOGRAM)
    assert SaleLine(name="Яблоки", unit_price=Money(18950), quantity=MAX_QUANTITY,
                    measure=Measure.KILOGRAM).quantity == MAX_QUANTITY


def test_the_lines_left_after_a_paid_sale_are_what_was_added_since() -> None:
    milk = SaleLine(name="Молоко", unit_price=Money(8990))
    apples = SaleLine(name="Яблоки", unit_price=Money(20000), quantity=Decimal("0.75"),
                      measure=Measure.KILOGRAM)
    paid = [milk, apples]
    assert lines_left(paid, paid) == []
    counted_up = [SaleLine(name="Молоко", unit_price=Money(8990), quantity=Decimal(3)), apples]
    assert lines_left(counted_up, paid) == [
        SaleLine(name="Молоко", unit_price=Money(8990), quantity=Decimal(2))]
    bread = SaleLine(name="Хлеб", unit_price=Money(4500))
    assert lines_left([*paid, bread], paid) == [bread]
    assert lines_left([bread], paid) == [bread]  # a basket made anew keeps its lines
