"""The customer display (issue 20 #15): on a till with one screen it covered the cashier's
buttons (or hid behind them); it opens only on a second screen, and a one-screen till says
so once.  What it shows — the sale as it is rung up, not "Welcome!" — is tested offscreen
(tests/ui/test_customer_display.py): this X session has one screen."""

from __future__ import annotations

from tests.window import flows
from tests.window.conftest import MakeApp


def test_a_till_with_one_screen_says_where_the_display_opens(make_app: MakeApp) -> None:
    app = make_app(config={"ui": {"customer_display": True}})
    text = app.message(contains="customer display")
    assert "one screen" in text
    app.click("ok", window="infoBox")
    snap = app.no_modal()
    assert not snap.has_window("customerDisplay")
    flows.add_amount(app, "10")  # the till works on
    app.focus_on("amountField")
