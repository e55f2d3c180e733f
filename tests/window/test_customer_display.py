"""The customer display on the till's own screen (issue 20 #15): in front of the cashier's
window, not behind it, and showing the sale as it is rung up, not "Welcome!"."""

from __future__ import annotations

from pathlib import Path

from tests.window import flows
from tests.window.conftest import MakeApp


def test_the_customer_sees_the_sale_as_it_is_rung_up(make_app: MakeApp, tmp_path: Path) -> None:
    config = flows.catalog_config(tmp_path / "catalog")
    config["ui"]["customer_display"] = True
    app = make_app(config=config)
    app.wait(lambda s: s.has_window("customerDisplay"), what="the customer display")
    app.focus_on("amountField")
    app.scan(flows.PIECE)
    snap = app.wait(lambda s: "89,90" in s.text("customerAmount"), what="the total shown")
    assert "Молоко 3,2% 1 л" in snap.text("customerLines")
    assert snap.text("customerStatus") == "To pay"
    flows.add_amount(app, "10")
    snap = app.wait(lambda s: "99,90" in s.text("customerAmount"), what="the new total")
    assert "10,00" in snap.text("customerLines")
    app.shot("customer-display")
    window = snap.window("customerDisplay")
    assert window is not None
    # In front of the cashier's window on a single screen (xdotool: the stacking order).
    assert app.x.topmost_window_name() == "Customer display"
