"""The customer display (issue 20 #15): on a till with one screen it covered the cashier's
buttons (or hid behind them); it opens only on a second screen, and a one-screen till says
so once, in the alert bar: a box at the start took the keys a cashier was typing (a walk).
What it shows — the sale as it is rung up, not "Welcome!" — is tested offscreen
(tests/ui/test_customer_display.py): this X session has one screen."""

from __future__ import annotations

from tests.window import flows
from tests.window.conftest import MakeApp


def test_a_till_with_one_screen_says_where_the_display_opens(make_app: MakeApp) -> None:
    app = make_app(config={"ui": {"customer_display": True}})
    snap = app.wait(lambda s: "customer display" in (s.find("alertText") or s.get("saleTotal"))
                    .text, what="the notice in the alert bar")
    assert "one screen" in snap.text("alertText")
    assert not snap.modal
    assert snap.find("alertOpen") is None  # about no payment: nothing to show
    assert not snap.has_window("customerDisplay")
    flows.add_amount(app, "10")  # the keys go to the sale
    app.click("alertDismiss")
    app.wait(lambda s: s.find("alertText") is None, what="the notice dismissed")
    app.focus_on("amountField")


def test_the_notice_is_there_from_the_first_paint(make_app: MakeApp) -> None:
    """A walk: said once the till had started, the bar pushed the keypad down under the
    cashier's next tap ("1" became "7")."""
    app = make_app(config={"ui": {"customer_display": True}}, start=False)
    app.start(running=False)
    first = app.snapshot()  # the probe answers before the payments are ready
    assert "one screen" in first.text("alertText")
    ready = app.wait(lambda s: s.running, what="the payments ready")
    assert ready.get("key_1").rect == first.get("key_1").rect
