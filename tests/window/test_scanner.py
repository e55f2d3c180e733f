"""The scanner (a keyboard wedge) and the cashier's own typing at the till, in a real window
with real key events (issue 20, #6–8): a burst with one stall is one code, nothing of it left
behind; a person typing quickly types an amount, and digits that cannot be a barcode are an
amount; the same product scanned twice is one line of two; a scanner programmed with a
prefix is a scanner however slowly its keys arrive."""

from __future__ import annotations

from pathlib import Path

from tests.window import flows
from tests.window.app import App
from tests.window.conftest import MakeApp

MILK = "89,90"
EMPTY = "e.g. 149,90"  # the amount field's placeholder: nothing typed in it


def lines(app: App) -> list[list[str]]:
    """The basket's rows, each as its cells."""
    cells = [str(item["text"]) for item in app.items("basket")]
    return [cells[i:i + 4] for i in range(0, len(cells), 4)]


def total(app: App) -> str:
    return app.snapshot().text("saleTotal").replace("\xa0", " ")


def test_a_burst_with_one_stall_is_one_code(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(config=flows.catalog_config(tmp_path / "catalog"))
    app.focus_on("amountField")
    app.x.scanner(flows.PIECE, per_key_ms=8, stall=(5, 60))  # "46012" · 60 ms · "34567890"
    snap = app.wait(lambda s: MILK in s.text("saleTotal"), what="the milk scanned")
    assert snap.text("amountField") == EMPTY  # no head left for the next Enter
    assert snap.text("saleMessage") == ""
    assert len(lines(app)) == 1


def test_a_person_typing_quickly_types_an_amount(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(config=flows.catalog_config(tmp_path / "catalog"))
    app.focus_on("amountField")
    app.type("123,45", per_key_ms=60)
    app.key("Return")
    app.wait(lambda s: "123,45" in s.text("saleTotal"), what="the typed amount")
    # Eight digits that are no product and cannot be a barcode (their check digit): an
    # amount, once the cashier says so (a walk: a mistyped label became 46 012 345,00 ₽).
    app.type("46012345", per_key_ms=60)
    app.key("Return")
    assert "46 012 345,00" in app.message(contains="as an amount").replace("\xa0", " ")
    app.click("no", window="confirmBox")
    app.wait(lambda s: "check the barcode" in s.text("saleMessage"), what="not added")
    assert len(lines(app)) == 1
    app.key("ctrl+a", "BackSpace")
    app.type("12345678", per_key_ms=60)
    app.key("Return")
    app.message(contains="as an amount")
    app.click("yes", window="confirmBox")
    app.wait(lambda s: len(lines(app)) == 2, what="the second amount")
    assert "12 345 801,45" in total(app)
    # A label's 13 digits typed with a mistake (its check digit fails): no trillion-rouble
    # line, but a question (a walk).
    app.type("4601234567899", per_key_ms=120)
    app.key("Return")
    said = app.wait(lambda s: "check digit is wrong" in s.text("saleMessage"),
                    what="the slip said").text("saleMessage")
    assert said.startswith("No product has the barcode 4601234567899"), said
    assert len(lines(app)) == 2
    # A product's barcode typed by hand from a label: the product.
    app.type(flows.PIECE, per_key_ms=60)
    app.key("Return")
    app.wait(lambda s: len(lines(app)) == 3, what="the product typed by hand")
    assert "Молоко" in lines(app)[2][0]


def test_the_same_product_scanned_twice_is_one_line_of_two(make_app: MakeApp,
                                                         tmp_path: Path) -> None:
    app = make_app(config=flows.catalog_config(tmp_path / "catalog"))
    app.focus_on("amountField")
    app.scan(flows.PIECE)
    app.wait(lambda s: MILK in s.text("saleTotal"), what="the first milk")
    app.scan(flows.PIECE)
    app.wait(lambda s: "179,80" in s.text("saleTotal"), what="the second milk")
    assert len(lines(app)) == 1
    assert lines(app)[0][1].startswith("2")  # the quantity column


def test_a_scanner_with_a_prefix_is_a_scanner_however_slow(make_app: MakeApp,
                                                          tmp_path: Path) -> None:
    """Over a remote desktop a scanner's keys arrive at a person's pace: its programmed
    prefix tells it apart."""
    app = make_app(config={**flows.catalog_config(tmp_path / "catalog"),
                           "scanner": {"prefix": "$"}})
    app.focus_on("amountField")
    app.type("$" + flows.PIECE, per_key_ms=60)
    app.key("Return")
    snap = app.wait(lambda s: MILK in s.text("saleTotal"), what="the slow scan")
    assert snap.text("amountField") == EMPTY
