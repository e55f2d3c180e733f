"""The walk: every button of every screen pressed, every dialog opened, in both languages.

A person's way through the whole app at 1024×768 with real clicks and keys.  It fails on
a crash dialog or a Python name on screen (at every stop), an error in the log (at the
end), a screen without a way back (Escape must leave every screen but the sale), and on a
button that is shown and enabled somewhere but was never pressed: a new button without a
place in this walk fails it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.window import flows
from tests.window.app import App, Snapshot
from tests.window.conftest import MakeApp
from tests.window.printing import PrintQueue

# Buttons the walk leaves alone, and why.
NOT_PRESSED = {
    "mainWindow/exitButton": "kiosk only (test_kiosk_is_left_only_with_the_pin)",
    # Shown only when an answer is slow (a loaded machine); pressed in test_export.py.
    "progressDialog/stopWaiting": "only when slow (test_a_long_export_shows_its_progress…)",
}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_walk_every_screen_and_dialog(make_app: MakeApp, print_queue: PrintQueue,
                                      tmp_path: Path, language: str) -> None:
    # The live addresses (Settings → Test connection) refuse at once: the provider is down.
    down = {name: {"base_url": f"http://127.0.0.1:9/{name}"}
            for name in ("koshelek", "paymega", "pegas")}
    app = make_app(language=language, env=print_queue.env, config={
        **flows.catalog_config(tmp_path / "catalog"),
        "providers": {**down, "paymega": {**down["paymega"], "slow_poll_interval_s": 5.0}}})
    sale_screen(app)
    koshelek_and_receipt(app, tmp_path)
    qr_payments(app)
    unknown_and_late(app)
    history(app)
    attention(app)
    shift(app, tmp_path)
    settings(app)
    ways_back(app)
    missed = {key: text for key, text in app.seen.items()
              if key not in app.pressed and key not in NOT_PRESSED}
    assert not missed, f"buttons never pressed: {missed}"


def stop(app: App, label: str) -> Snapshot:
    """A stop of the walk, looked at (a screenshot)."""
    snap = app.snapshot()
    app.check(snap)
    app.shot(label)
    return snap


def on_keypad(app: App, window: str, value: str, *, keys: str = "7894561230,") -> None:
    """``value`` typed on a dialog's keypad into the field with the focus, as a touch-only
    till types it — after every one of its ``keys`` once, each taken back."""
    for key in [*keys, *["back"] * len(keys), *value]:
        press(app, f"key_{key}", window=window)


def rows(app: App, view: str) -> int:
    return len({cell["row"] for cell in app.items(view)})


def press(app: App, name: str, *, window: str = "mainWindow") -> None:
    app.wait(lambda s: (w := s.find(name, window=window)) is not None and w.enabled,
             what=f"{name} to press")
    app.click(name, window=window)


def dialog(app: App, name: str, *, then: str = "cancel") -> Snapshot:
    """A dialog opened: looked at, then closed by ``then`` (a button's name)."""
    snap = app.modal(name)
    app.shot(name)
    press(app, then, window=name)
    app.wait(lambda s: not s.has_window(name), what=f"{name} closed")
    return snap


def answer(app: App, box: str, button: str) -> str:
    """A message box: its text, answered with ``button`` (ok, yes, no)."""
    snap = app.wait(lambda s: s.has_window(box), what=f"the {box}")
    text = str(snap.window(box)["text"])  # type: ignore[index]
    app.shot(box)
    press(app, button, window=box)
    # Closed — or another question in a box of the same name in its place.
    app.wait(lambda s: not s.has_window(box)
             or s.window(box)["text"] != text,  # type: ignore[index]
             what=f"{box} closed")
    return text


def sale_screen(app: App) -> None:
    stop(app, "sale")
    for key in ("key_1", "key_2", "key_,", "key_5", "key_back", "key_0", "key_2",
                "key_3", "key_4", "key_6", "key_7", "key_8", "key_9"):
        press(app, key)
    app.wait(lambda s: s.text("amountField") == "12,02346789", what="the keypad typed")
    press(app, "key_back")
    app.click("amountField")
    app.key("ctrl+a", "BackSpace")
    for key in ("key_1", "key_5", "key_0"):
        press(app, key)
    press(app, "addAmount")
    app.wait(lambda s: "150,00" in s.text("saleTotal"), what="a line by the keypad")
    app.focus_on("amountField")
    app.scan(flows.PIECE)
    app.wait(lambda s: "239,90" in s.text("saleTotal"), what="a scanned product")
    press(app, "more")
    app.wait(lambda s: "329,80" in s.text("saleTotal"), what="+1")
    press(app, "less")
    app.wait(lambda s: "239,90" in s.text("saleTotal"), what="−1")
    press(app, "editLine")
    dialog(app, "lineDialog")
    press(app, "addLine")
    app.modal("lineDialog")
    app.focus_on("lineName")
    app.type("Bag")
    app.key("Tab")
    on_keypad(app, "lineDialog", "9")  # the price, as a touch-only till types it
    app.choose_in("lineMeasure", index=0, window="lineDialog")
    app.choose_in("lineVat", index=5, window="lineDialog")
    press(app, "ok", window="lineDialog")
    app.wait(lambda s: "248,90" in s.text("saleTotal"), what="a line added by hand")
    press(app, "removeLine")
    app.wait(lambda s: "239,90" in s.text("saleTotal"), what="the line removed")
    press(app, "clearSale")
    answer(app, "confirmBox", "no")  # the basket stays; "yes" clears it (ways_back)
    press(app, "languageButton")
    app.wait(lambda s: s.get("languageButton").text in ("English", "Русский"), what="switched")
    stop(app, "language-switched")
    press(app, "languageButton")
    press(app, "payButton")
    dialog(app, "openShiftDialog")  # no shift yet: the basket stays
    press(app, "payButton")
    app.modal("openShiftDialog")
    app.focus_on("cashierName")
    app.type("Анна")
    press(app, "ok", window="openShiftDialog")
    app.on_screen("chooseScreen")


def koshelek_and_receipt(app: App, tmp_path: Path) -> None:
    stop(app, "choose")
    app.choose_in("depositType", index=1)
    press(app, "chooseBack")
    app.on_screen("saleScreen")
    press(app, "payButton")
    app.on_screen("chooseScreen")
    press(app, "pay_koshelek")
    stop(app, "koshelek-scan")
    press(app, "paymentBack")
    app.on_screen("chooseScreen")
    press(app, "pay_koshelek")
    press(app, "trainingCustomer")
    flows.paid(app)
    press(app, "showReceipt")
    app.on_screen("receiptScreen")
    stop(app, "receipt")
    app.choose_in("paperWidth", index=1)
    press(app, "printReceipt")
    app.wait(lambda s: s.modal == "QPrintDialog", what="the print dialog")
    stop(app, "print-dialog")
    app.key("Escape")
    app.no_modal()
    press(app, "saveReceiptPdf")
    app.wait(lambda s: s.modal == "QFileDialog", what="the file dialog")
    stop(app, "save-dialog")
    app.focus_on("fileNameEdit")
    app.key("ctrl+a")
    app.type(str(tmp_path / "receipt.pdf"), per_key_ms=10)
    app.key("Return")
    app.wait(lambda s: "receipt.pdf" in s.text("receiptStatus"), what="saved")
    assert (tmp_path / "receipt.pdf").stat().st_size > 1000
    press(app, "receiptDone")  # a paid sale's receipt is its last step
    app.on_screen("saleScreen")


def qr_payments(app: App) -> None:
    flows.add_amount(app, "300")
    press(app, "payButton")
    press(app, "pay_paymega")
    app.wait(lambda s: s.find("trainingPays") is not None, what="the QR")
    stop(app, "paymega-qr")
    press(app, "copyLink")
    press(app, "trainingDeclines")
    app.wait(lambda s: s.screen == "resultScreen", what="declined", timeout=30)
    stop(app, "declined")
    press(app, "retry")
    app.wait(lambda s: s.find("trainingPays") is not None, what="the QR again")
    press(app, "cancelPayment")  # Paymega has no cancel: left to expire
    answer(app, "confirmBox", "yes")
    app.wait(lambda s: s.screen == "resultScreen", what="left", timeout=30)
    stop(app, "left-to-expire")
    press(app, "newSale")
    flows.add_amount(app, "400")
    press(app, "payButton")
    press(app, "pay_pegas")
    app.wait(lambda s: s.find("trainingDeclines") is not None, what="the Pegas-kassa QR")
    stop(app, "pegas-qr")
    press(app, "trainingDeclines")
    app.wait(lambda s: s.screen == "resultScreen", what="declined", timeout=30)
    press(app, "otherWay")
    app.on_screen("chooseScreen")
    press(app, "pay_pegas")
    app.wait(lambda s: s.find("trainingPays") is not None, what="the Pegas-kassa QR")
    press(app, "trainingPays")
    flows.paid(app)
    press(app, "showReceipt")
    app.on_screen("receiptScreen")
    press(app, "providerReceipt")
    app.wait(lambda s: s.find("providerImage") is not None, what="Pegas-kassa's receipt",
             timeout=30)
    stop(app, "provider-receipt")
    press(app, "receiptDone")
    app.on_screen("saleScreen")


def unknown_and_late(app: App) -> None:
    """A payment whose outcome is unknown, and the left Paymega link paid late."""
    with app.sandbox() as sandbox:
        sandbox.post("/_sandbox/faults", json={
            "kind": "drop_before", "path": "/koshelek/api/v1/merchant/checkout", "count": -1})
    flows.add_amount(app, "50")
    press(app, "payButton")
    press(app, "pay_koshelek")
    press(app, "trainingCustomer")
    app.wait(lambda s: s.find("checkAgain") is not None, what="outcome unknown", timeout=40)
    stop(app, "unknown")
    press(app, "checkAgain")
    app.wait(lambda s: s.find("checkAgain") is not None, what="still unknown", timeout=40)
    with app.sandbox() as sandbox:
        invoices = sandbox.get("/_sandbox/paymega/invoices").json()
        left = next(i for i in invoices if i["status"] == "process_pending")
        sandbox.post(f"/_sandbox/paymega/invoices/{left['id']}/pay").raise_for_status()
    press(app, "newSale")
    app.wait(lambda s: s.find("alertText") is not None, what="the late payment", timeout=30)
    stop(app, "alert")
    press(app, "alertDismiss")


def history(app: App) -> None:
    press(app, "historyButton")
    app.on_screen("historyScreen")
    app.wait(lambda s: rows(app, "historyTable") == 6, what="the payments")
    stop(app, "history")
    row = next(c["row"] for c in app.items("historyTable")
               if c["column"] == 3 and c["text"] == "239,90")  # the Koshelek sale
    app.click_cell("historyTable", row=row, column=1)
    press(app, "detailsRefund")
    flows.enter_pin(app)
    dialog(app, "refundDialog")
    press(app, "detailsRefund")
    app.modal("pinDialog")
    on_keypad(app, "pinDialog", flows.TRAINING_PIN, keys="78945601230")  # no comma in a PIN
    press(app, "ok", window="pinDialog")
    app.modal("refundDialog")
    milk = next(c["text"] for c in app.items("refundItems") if (c["row"], c["column"]) == (1, 0))
    app.click_cell("refundItems", row=1, column=4)  # the milk
    on_keypad(app, "refundDialog", "1")
    press(app, "ok", window="refundDialog")
    answer(app, "confirmBox", "yes")
    # Refunded: the customer's receipt of it is offered (issue 20 #11).
    assert "89,90" in answer(app, "confirmBox", "yes")
    receipt = app.on_screen("receiptScreen").text("receiptView")
    assert milk in receipt, receipt  # the goods returned, named (not the sale's receipt)
    stop(app, "reprint")
    press(app, "receiptDone")
    app.on_screen("historyScreen")
    app.click("historySearch")
    app.type("239,90")
    app.wait(lambda s: s.text("historyCount").endswith(" 1"), what="found by its amount")
    app.key("ctrl+a", "BackSpace")
    app.choose_in("historyProvider", index=1)
    app.choose_in("historyState", index=1)
    press(app, "historyAllDates")
    stop(app, "history-filtered")
    press(app, "historyAllDates")
    app.choose_in("historyProvider", index=0)
    app.choose_in("historyState", index=0)
    press(app, "historyBack")
    app.on_screen("saleScreen")


def attention(app: App) -> None:
    press(app, "attentionButton")
    app.on_screen("attentionScreen")
    app.wait(lambda s: rows(app, "attentionTable") == 2, what="two to look at")
    stop(app, "attention")
    unknown = next(c["row"] for c in app.items("attentionTable")
                   if c["column"] == 3 and c["text"] == "50,00")
    app.click_cell("attentionTable", row=unknown, column=1)
    press(app, "askAgain")
    press(app, "detailsResolve")
    flows.enter_pin(app)
    dialog(app, "resolveDialog")
    press(app, "detailsResolve")
    flows.enter_pin(app)
    app.modal("resolveDialog")
    app.choose_in("outcome", index=1, window="resolveDialog")
    app.click("reason")
    app.type("Checked in the cabinet: not paid")
    app.click("actor")
    app.type("Manager")
    press(app, "ok", window="resolveDialog")
    answer(app, "confirmBox", "yes")  # "as not paid?": what it risks, asked first
    app.wait(lambda s: rows(app, "attentionTable") == 1, what="one left")
    with app.sandbox() as sandbox:
        sandbox.delete("/_sandbox/faults")
    app.click_cell("attentionTable", row=0, column=1)
    press(app, "detailsReceipt")
    app.on_screen("receiptScreen")
    press(app, "receiptDone")
    app.on_screen("attentionScreen")
    app.click_cell("attentionTable", row=0, column=1)
    press(app, "detailsAcknowledge")
    flows.enter_pin(app)
    dialog(app, "acknowledgeDialog")  # what was done, and who: looked at, not done here
    press(app, "detailsAcknowledge")
    flows.enter_pin(app)
    app.modal("acknowledgeDialog")
    app.click("reason")
    app.type("Refunded in the Paymega cabinet")
    app.click("actor")
    app.type("Manager")
    press(app, "ok", window="acknowledgeDialog")
    app.wait(lambda s: "(0)" in s.text("attentionButton"), what="nothing left")
    press(app, "attentionBack")
    # The sale on screen had the unknown payment, resolved meanwhile: that result first.
    snap = app.on_screen("resultScreen")
    assert "50,00" in snap.text("resultAmount")
    press(app, "newSale")  # back to the sale, its basket kept
    app.on_screen("saleScreen")


def shift(app: App, tmp_path: Path) -> None:
    press(app, "shiftButton")
    app.on_screen("shiftScreen")
    stop(app, "shift")
    press(app, "xReport")
    press(app, "reconcileShift")
    app.wait(lambda s: s.find("differencesLabel") is not None
             and s.text("differencesLabel") != "", what="the reconciliation", timeout=60,
             idle=True)
    stop(app, "reconciled")

    def settled() -> Snapshot:  # the reconciliation and its table as they end up, not midway
        return app.wait(lambda s: True, what="the shift screen settled", idle=True)
    if settled().find("resolveDifference") is not None:  # looked at, then resolved
        app.click_cell("differencesTable", row=0, column=1)
        press(app, "resolveDifference")
        flows.enter_pin(app)
        dialog(app, "differenceDialog")
    while settled().find("resolveDifference") is not None:
        app.click_cell("differencesTable", row=0, column=1)
        press(app, "resolveDifference")
        flows.enter_pin(app)
        app.modal("differenceDialog")
        app.click("reason")
        app.type("Checked in the provider's cabinet")
        app.click("actor")
        app.type("Manager")
        press(app, "ok", window="differenceDialog")
        app.no_modal()
    app.choose_in("reportPaper", index=1)
    press(app, "printReport")
    app.wait(lambda s: s.modal == "QPrintDialog", what="the print dialog")
    app.key("Escape")
    app.no_modal()
    press(app, "saveReportPdf")
    app.wait(lambda s: s.modal == "QFileDialog", what="the file dialog")
    app.key("Escape")
    app.no_modal()
    press(app, "exportCsv")
    dialog(app, "exportDialog")
    press(app, "exportCsv")
    app.modal("exportDialog")
    stop(app, "export")
    press(app, "exportSemicolon", window="exportDialog")
    press(app, "exportBrowse", window="exportDialog")
    app.wait(lambda s: s.modal == "QFileDialog", what="the file dialog")
    app.key("Escape")
    app.modal("exportDialog")
    app.click("exportPath")
    app.key("ctrl+a")
    app.type(str(tmp_path / "payments.csv"), per_key_ms=10)
    press(app, "ok", window="exportDialog")
    answer(app, "infoBox", "ok")
    assert (tmp_path / "payments.csv").exists()
    press(app, "zReport")
    flows.enter_pin(app)
    app.modal("closeShiftDialog")
    press(app, "cancel", window="closeShiftDialog")  # not now: the shift stays open
    app.wait(lambda s: s.get("zReport").enabled, what="the shift still open")
    press(app, "zReport")
    flows.enter_pin(app)
    flows.closed_by(app)
    answer(app, "confirmBox", "no")  # print the Z now? (every difference is resolved)
    app.wait(lambda s: s.get("openShift").enabled, what="the shift closed", timeout=60)
    stop(app, "z-report")
    press(app, "openShift")
    app.modal("openShiftDialog")
    app.type("Борис")
    press(app, "ok", window="openShiftDialog")
    app.wait(lambda s: s.get("zReport").enabled, what="a new shift")
    press(app, "shiftBack")
    app.on_screen("saleScreen")


def settings(app: App) -> None:
    press(app, "settingsButton")
    press(app, "cancel", window="pinDialog")
    press(app, "settingsButton")
    flows.enter_pin(app)
    app.on_screen("settingsScreen")
    for index, _ in enumerate(app.tabs("settingsTabs")):
        app.click_tab("settingsTabs", index)
        stop(app, f"settings-tab-{index}")
        snap = app.snapshot()
        for box in (w for w in snap.buttons() if w.cls == "QCheckBox" and w.enabled):
            press(app, box.name)  # on and off again: nothing changes
            press(app, box.name)
        for provider in ("koshelek", "paymega", "pegas"):
            if snap.find(f"{provider}_test") is not None:
                try_connection(app, provider)
        if snap.find("catalogBrowse") is not None:
            press(app, "catalogBrowse")
            app.wait(lambda s: s.modal == "QFileDialog", what="the file dialog")
            app.key("Escape")
            app.no_modal()
        if snap.find("changePin") is not None:
            press(app, "changePin")
            app.modal("newPinDialog")
            press(app, "ok", window="newPinDialog")  # no PIN typed: refused, stays open
            app.wait(lambda s: s.text("dialogError") != "", what="the PIN refused")
            dialog(app, "newPinDialog")
    press(app, "saveSettings")
    answer(app, "infoBox", "ok")
    press(app, "settingsBack")
    app.on_screen("saleScreen")


def try_connection(app: App, provider: str) -> None:
    """The live address refuses: a sentence, in the UI's language, within seconds."""
    press(app, f"{provider}_test")
    snap = app.wait(lambda s: s.get(f"{provider}_test").enabled
                    and s.text(f"{provider}_test_result").startswith("✗"),
                    what=f"{provider}'s connection tested", timeout=15)
    app.shot(f"{provider}-tested")
    assert "Error" not in snap.text(f"{provider}_test_result")


def ways_back(app: App) -> None:
    """Escape leaves every screen (on a waiting payment it cancels it)."""
    for button, screen in (("historyButton", "historyScreen"),
                           ("attentionButton", "attentionScreen"),
                           ("shiftButton", "shiftScreen")):
        press(app, button)
        app.on_screen(screen)
        app.key("Escape")
        app.on_screen("saleScreen")
    flows.add_amount(app, "20")
    press(app, "payButton")
    app.on_screen("chooseScreen")
    app.key("Escape")
    app.on_screen("saleScreen")
    press(app, "payButton")
    press(app, "pay_koshelek")
    app.key("Escape")
    app.on_screen("chooseScreen")
    press(app, "pay_paymega")
    app.wait(lambda s: s.find("trainingPays") is not None, what="the QR")
    app.key("Escape")  # Stop waiting (Paymega cannot cancel)
    answer(app, "confirmBox", "yes")
    app.wait(lambda s: s.screen == "resultScreen", what="left", timeout=30)
    app.key("Escape")
    app.on_screen("saleScreen")
    with app.sandbox() as sandbox:  # the link left is paid: an alert, Show
        invoices = sandbox.get("/_sandbox/paymega/invoices").json()
        left = next(i for i in invoices if i["status"] == "process_pending")
        sandbox.post(f"/_sandbox/paymega/invoices/{left['id']}/pay").raise_for_status()
    app.wait(lambda s: s.find("alertOpen") is not None, what="the alert", timeout=30)
    press(app, "alertOpen")
    app.on_screen("attentionScreen")
    press(app, "attentionBack")
    flows.add_amount(app, "10")
    press(app, "clearSale")
    answer(app, "confirmBox", "yes")
    app.wait(lambda s: "0,00" in s.text("saleTotal"), what="the sale cleared")
