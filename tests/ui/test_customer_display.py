"""What the customer sees while the cashier rings the sale up (issue 20 #15: it said
"Welcome!" the whole time), then pays."""

from __future__ import annotations

from decimal import Decimal

from pos_app.core.money import Money
from pos_app.core.sale import SaleLine
from pos_app.ui.customer import SHOWN_LINES, CustomerDisplay


def test_the_sale_as_it_is_rung_up(qapp: object) -> None:
    display = CustomerDisplay(training=False)
    milk = SaleLine(name="Молоко 3,2% 1 л", unit_price=Money(8990), quantity=Decimal(2))
    display.basket([milk], milk.total)
    assert display.lines.text() == "Молоко 3,2% 1 л  2 × 89,90 = 179,80\xa0₽"
    assert display.amount.text() == "179,80\xa0₽"
    assert display.status.text() == "To pay"
    many = [SaleLine(name=f"Товар {i}", unit_price=Money(100)) for i in range(8)]
    display.basket(many, Money(800))
    shown = display.lines.text().splitlines()
    assert shown[0] == "…"  # the newest lines; the total counts them all
    assert len(shown) == SHOWN_LINES + 1
    assert shown[-1].startswith("Товар 7")
    display.basket([], Money(0))
    assert display.status.text() == "Welcome!"
    assert display.lines.text() == ""
    display.deleteLater()
