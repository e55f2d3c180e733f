"""Whole flows in the real window: the customer's phone, cancels, refunds, the kiosk."""

from __future__ import annotations

import subprocess

from tests.window import flows
from tests.window.app import App, Snapshot
from tests.window.browser import Chromium
from tests.window.conftest import MakeApp

PAYING_CARD = "5519283812030000"  # Paymega's test card that pays (spec's examples)


def payer_link(app: App, provider: str) -> str:
    """The link behind the QR code the window shows for a new sale of 250,00."""
    flows.add_amount(app, "250")
    flows.checkout(app)
    flows.choose(app, provider)
    snap = app.wait(lambda s: s.find("payerLink") is not None
                    and s.text("payerLink").startswith("http"), what="the payment link")
    app.shot(f"{provider}-qr")
    return snap.text("payerLink")


def test_the_customer_pays_paymega_on_their_phone(make_app: MakeApp,
                                                  chromium: Chromium) -> None:
    app = make_app(language="ru")
    page = chromium.open(payer_link(app, "paymega"))
    page.wait_for_text("250")
    page.screenshot(app.shots / "phone-paymega.png")
    page.fill("#card_number", PAYING_CARD)
    page.fill("#card_expiry", "1230")
    page.click("#pay")
    page.screenshot(app.shots / "phone-paymega-paid.png")
    snap = app.wait(lambda s: s.screen == "resultScreen", what="the result", timeout=30)
    app.shot("paid")
    assert snap.text("resultHeadline") == "Оплачено"
    page.close()


def test_the_customer_pays_pegas_on_their_phone(make_app: MakeApp, chromium: Chromium) -> None:
    app = make_app()
    page = chromium.open(payer_link(app, "pegas"))
    page.wait_for_text("250")
    page.click("#pay")
    page.screenshot(app.shots / "phone-pegas-paid.png")
    snap = app.wait(lambda s: s.screen == "resultScreen", what="the result", timeout=30)
    app.shot("paid")
    assert snap.text("resultHeadline") == "Paid"
    page.close()


def test_cancel_a_pegas_deposit_and_a_koshelek_payment(make_app: MakeApp) -> None:
    app = make_app()
    flows.add_amount(app, "120")
    flows.checkout(app)
    flows.choose(app, "pegas")
    app.wait(lambda s: s.find("cancelPayment") is not None, what="the QR")
    app.click("cancelPayment")
    snap = app.wait(lambda s: s.screen == "resultScreen", what="cancelled", timeout=30)
    app.shot("pegas-cancelled")
    assert snap.text("resultHeadline") == "Cancelled"
    app.click("otherWay")
    app.on_screen("chooseScreen")
    with app.sandbox() as sandbox:  # a customer who never confirms in their app
        code = sandbox.post("/_sandbox/koshelek/sessions",
                            json={"behaviour": {"mode": "never"}}).json()["barcode"]
    flows.choose(app, "koshelek")
    app.focus_on("barcodeField")
    app.scan(code)
    app.wait(lambda s: s.find("cancelPayment") is not None, what="waiting for the customer")
    app.click("cancelPayment")
    snap = app.wait(lambda s: s.screen == "resultScreen", what="cancelled", timeout=30)
    app.shot("koshelek-cancelled")
    assert snap.text("resultHeadline") == "Cancelled"
    with app.sandbox() as sandbox:
        states = [t["status"] for t in sandbox.get("/_sandbox/koshelek/transactions").json()]
    assert states == ["canceled"], states  # cancelled at Koshelek too, not only here


def test_refund_by_amount(make_app: MakeApp) -> None:
    app = make_app()
    flows.add_amount(app, "200")
    flows.checkout(app)
    flows.pay_by_koshelek(app)
    flows.open_history_row(app)
    app.click("detailsRefund")
    flows.enter_pin(app)
    app.modal("refundDialog")
    app.click("refundAmount")
    app.type("250")  # more than was paid: refused where it is typed
    app.wait(lambda s: "200,00" in s.text("dialogError"), what="too much refused")
    app.key("ctrl+a")
    app.type("50")
    app.wait(lambda s: s.text("dialogError") == "", what="the amount accepted")
    app.click("ok", window="refundDialog")
    assert "Return 50,00" in app.message(contains="Return")
    app.click("yes", window="confirmBox")
    app.message(contains="Refunded 50,00")
    app.shot("refunded")
    # Issue 20 #11: the customer's receipt of the refund is offered, then back to History.
    app.click("yes", window="confirmBox")
    receipt = app.on_screen("receiptScreen").text("receiptView")
    for said in ("REFUND", "Refund by amount", "RETURNED", "50,00 ₽", "Koshelek Pay"):
        assert said in receipt, receipt
    app.click("receiptDone")
    app.on_screen("historyScreen")


def test_kiosk_is_left_only_with_the_pin(make_app: MakeApp) -> None:
    app = make_app(kiosk=True)
    snap = app.snapshot()
    app.shot("kiosk")
    window = snap.window("mainWindow")
    assert window is not None
    assert window["rect"][2:] == [1024, 768]  # the whole screen, no frame
    app.click("exitButton")
    pin = app.modal("pinDialog").window("pinDialog")
    assert pin is not None
    pin_title = app.x.topmost_window_name()
    assert not pin_title.startswith("Cashier"), pin_title  # a dialog over the kiosk's window
    # With its kiosk on every virtual desktop (a walk: it stayed behind on the first).
    app.wait(lambda s: app.x.desktop_of(pin["xid"]) == 0xFFFFFFFF, what="the PIN everywhere")
    app.click("cancel", window="pinDialog")
    app.no_modal()
    app.key("alt+F4")  # the window manager's close: the PIN too
    app.modal("pinDialog")
    app.key("Escape")
    app.no_modal()
    assert app.exited() is None
    app.x.minimize(window["xid"])  # the window manager's Iconify (or "show desktop")
    app.wait(lambda s: s.window("mainWindow") is not None
             and not s.window("mainWindow")["minimized"]  # type: ignore[index]
             and s.window("mainWindow")["full_screen"],  # type: ignore[index]
             what="the kiosk back on the whole screen")
    app.shot("back-after-iconify")
    # The window manager's "show desktop" (openbox: Super+D) hides without minimizing: the
    # screen stayed black, the till behind it (issue 20 #12).
    app.x.key("super+d")

    def back(snap: Snapshot) -> bool:
        window = snap.window("mainWindow")
        return (window is not None and window["full_screen"] and "show desktop" in app.log()
                and not app.x.showing_desktop()
                and app.x.topmost_window_name().startswith(("Cashier", "Кассир")))
    app.wait(back, what="the kiosk back after show desktop")
    app.shot("back-after-show-desktop")
    # Another virtual desktop (openbox: Ctrl+Alt+→), or the till sent to one: it is on every
    # desktop (a walk: it stayed behind on the first).
    every_desktop = 0xFFFFFFFF
    assert app.x.desktop_of(window["xid"]) == every_desktop
    app.x.key("ctrl+alt+Right")
    app.wait(lambda s: app.x.viewable(window["xid"]), what="the kiosk on the next desktop too")
    app.x.key("ctrl+alt+Left")
    subprocess.run(["xdotool", "set_desktop_for_window", str(window["xid"]), "2"],
                   env=app.x.env(), check=True)
    app.wait(lambda s: app.x.desktop_of(window["xid"]) == every_desktop,
             what="the kiosk back on every desktop")
    app.click("exitButton")
    app.modal("pinDialog")
    app.focus_on("pinField")
    app.type(flows.TRAINING_PIN)
    app.key("Return")  # the right PIN: the kiosk closes
    assert app.process is not None
    assert app.process.wait(timeout=20) == 0


def test_the_next_customer_is_not_given_the_last_payers_phone(make_app: MakeApp) -> None:
    """A walk: the QIWI link's phone and type stayed for the next sale, so a rushed cashier
    could send the next customer's link to the last one's phone."""
    app = make_app()
    flows.add_amount(app, "500")
    flows.checkout(app)
    app.choose_in("depositType", "Link: QIWI (needs a phone)")
    app.click("payerPhone")
    app.focus_on("payerPhone")
    app.type("+79991234567")
    app.shot("qiwi-phone")
    app.click("pay_pegas")
    app.wait(lambda s: s.find("trainingPays") is not None, what="the QIWI link")
    app.click("trainingPays")
    flows.paid(app)
    app.click("newSale")
    app.on_screen("saleScreen")
    flows.add_amount(app, "321")
    flows.checkout(app)
    snap = app.wait(lambda s: s.find("depositType") is not None, what="the way to pay")
    app.shot("next-customer")
    assert snap.text("depositType") == "Link: card or wallet"  # the configured type again
    assert snap.find("payerPhone") is None or snap.text("payerPhone") == ""


def test_the_number_keys_choose_after_the_deposit_type_is_chosen(make_app: MakeApp) -> None:
    """A walk: after a type was chosen in the list, 3 searched the list instead of paying."""
    app = make_app()
    flows.add_amount(app, "250")
    flows.checkout(app)
    app.choose_in("depositType", "Transfer to a wallet number")
    app.focus_on("chooseScreen")
    app.key("3")
    snap = app.wait(lambda s: s.screen == "paymentScreen" and s.find("payerText") is not None
                    and s.text("payerText") != "", what="the wallet number to pay to")
    app.shot("wallet-number")
    assert "RUB" in snap.text("payerText") or "₽" in snap.text("payerText")


def test_the_details_follow_a_language_switch(make_app: MakeApp) -> None:
    """Two walks: after the language was switched on the History, the panel of the payment
    looked at stayed in the old language (its summary and its events) until another was
    chosen."""
    app = make_app(language="ru")
    flows.add_amount(app, "150")
    flows.checkout(app)
    flows.pay_by_koshelek(app)
    app.click("newSale")
    flows.open_history_row(app)
    app.wait(lambda s: "Сервис:" in s.text("detailsSummary")
             and any("Платёж создан" in c["text"] for c in app.items("detailsEvents")),
             what="the details in Russian")
    app.click("languageButton")
    app.wait(lambda s: "Provider:" in s.text("detailsSummary")
             and any("Payment created" in c["text"] for c in app.items("detailsEvents")),
             what="the details in English")
    app.shot("details-english")
    assert app.snapshot().text("detailsRefund") == "Refund…"
