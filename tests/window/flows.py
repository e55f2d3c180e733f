"""What a cashier and a manager do, step by step, with real keys and clicks."""

from __future__ import annotations

from pathlib import Path

from tests.window.app import App, Snapshot

TRAINING_PIN = "1234"
PIECE = "4601234567890"  # Молоко, 89,90 a piece
WEIGHED = "2100000012345"  # Яблоки, 200,00 a kilogram
NEGATIVE = "4600000000001"  # a catalog line with a negative price (refused at load)

CATALOG = (
    "barcode;name;price;vat;measure\n"
    f"{PIECE};Молоко 3,2% 1 л;89,90;vat10;PIECE\n"
    f"{WEIGHED};Яблоки Гала, вес;200,00;vat10;KILOGRAM\n"
)
BROKEN_LINE = f"{NEGATIVE};Скидочная карта;-10,00;none;PIECE\n"  # line 4


def catalog_config(folder: Path, *, broken: bool = False) -> dict[str, dict[str, object]]:
    """A terminal with a product catalog (``broken``: with a line that must be refused)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "catalog.csv"
    path.write_text(CATALOG + (BROKEN_LINE if broken else ""), encoding="utf-8")
    return {"ui": {"catalog_file": str(path)}}


def total(app: App) -> str:
    return app.snapshot().text("saleTotal")


def add_amount(app: App, amount: str) -> Snapshot:
    """Type an amount into the sale's field and press Enter: a free line."""
    lines = len(app.items("basket")) // 4
    app.focus_on("amountField")
    app.type(amount)
    app.key("Return")
    app.wait(lambda s: len(app.items("basket")) // 4 == lines + 1, what=f"a line of {amount}")
    return app.snapshot()


def checkout(app: App, *, cashier: str = "Анна") -> Snapshot:
    """Enter on the empty field pays; the first sale opens the shift."""
    app.focus_on("amountField")
    app.key("Return")
    snap = app.wait(lambda s: s.screen == "chooseScreen" or s.modal == "openShiftDialog",
                    what="the way to pay, or the shift to open")
    if snap.modal == "openShiftDialog":
        app.shot("open-shift")
        app.focus_on("cashierName")
        app.type(cashier)
        app.key("Return")
    return app.on_screen("chooseScreen")


def choose(app: App, provider: str) -> Snapshot:
    """The way to pay by its number key (1 Koshelek, 2 Paymega, 3 Pegas-kassa)."""
    key = {"koshelek": "1", "paymega": "2", "pegas": "3"}[provider]
    app.focus_on("chooseScreen")
    app.key(key)
    return app.on_screen("paymentScreen")


def pay_by_qr(app: App, provider: str) -> Snapshot:
    """A QR payment: the training customer pays; the result says Paid."""
    choose(app, provider)
    app.wait(lambda s: s.find("trainingPays") is not None, what="the QR code")
    app.shot(f"{provider}-qr")
    app.click("trainingPays")
    return paid(app)


def pay_by_koshelek(app: App) -> Snapshot:
    choose(app, "koshelek")
    app.focus_on("barcodeField")
    app.click("trainingCustomer")
    return paid(app)


def paid(app: App) -> Snapshot:
    snap = app.wait(lambda s: s.screen == "resultScreen", what="the result", timeout=30)
    app.shot("result")
    assert snap.find("showReceipt") is not None, snap.text("resultHeadline")
    return snap


def enter_pin(app: App, pin: str = TRAINING_PIN) -> None:
    app.modal("pinDialog")
    app.focus_on("pinField")
    app.type(pin)
    app.key("Return")
    app.wait(lambda s: not s.has_window("pinDialog"), what="the PIN accepted")


def open_settings(app: App) -> None:
    """Settings, as a manager opens them: the top bar's button and the PIN."""
    app.click("settingsButton")
    enter_pin(app)
    app.on_screen("settingsScreen")


def closed_by(app: App, name: str = "Ирина Петрова") -> None:
    """The Z report's dialog: who closes the shift."""
    app.modal("closeShiftDialog")
    app.focus_on("closerName")
    app.type(name)
    app.click("ok", window="closeShiftDialog")


def open_history_row(app: App, row: int = 0) -> Snapshot:
    """History, the newest payment (or ``row``) selected, its details shown."""
    app.click("historyButton")
    app.on_screen("historyScreen")
    app.wait(lambda s: len(app.items("historyTable")) > 0, what="the history's rows")
    app.click_cell("historyTable", row=row, column=1)
    return app.wait(lambda s: s.get("detailsRefund").text != "", what="the details")


def open_attention_row(app: App) -> None:
    """Needs attention, and its first payment selected."""
    app.click("attentionButton")
    app.on_screen("attentionScreen")
    app.wait(lambda s: len(app.items("attentionTable")) > 0, what="a payment to look at")
    app.click_cell("attentionTable", row=0, column=1)


def manager_action(app: App, button: str, dialog: str) -> None:
    """A manager's action on the payment shown (Resolve, Mark as dealt with): its button,
    the PIN, and its dialog open."""
    app.click(button, window="mainWindow")
    enter_pin(app)
    app.modal(dialog)


def resolve_as_declined(app: App, *, reason: str, actor: str) -> None:
    """In the open resolve dialog: "Not paid: declined", why and who, OK, and Yes to the
    question of what that risks."""
    summary = app.snapshot().text("summary")
    assert not summary.endswith(("..", "….")), summary  # a walk: "Waiting for the customer…."
    app.click("outcome")
    app.wait(lambda s: bool(s.raw["popup"]), what="the outcomes")
    declined = next(c for c in app.items("popup") if c["text"] == "Not paid: declined")
    x, y, w, h = declined["rect"]
    app.x.click(x + w // 2, y + h // 2)
    app.click("reason")
    app.type(reason)
    app.click("actor")
    app.type(actor)
    app.shot("resolve")
    app.click("ok", window="resolveDialog")
    app.message(contains="as not paid?")
    app.click("yes", window="confirmBox")


def waiting_by_qr(app: App, provider: str, amount: str) -> Snapshot:
    """A sale of ``amount`` whose QR payment waits for the customer (shown, not paid)."""
    add_amount(app, amount)
    checkout(app)
    choose(app, provider)
    return app.wait(lambda s: s.find("trainingPays") is not None, what="the QR")
