"""Manager flows through the widgets: history, refunds, reprints, settings, kiosk, language."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest
from msgspec.structs import replace
from pytestqt.qtbot import QtBot

from pos_app.core.config import load_config
from pos_app.core.money import Money
from pos_app.core.pin import PinError, PinStore
from pos_app.core.sale import Sale
from pos_app.core.secrets import SecretStore
from pos_app.core.states import PaymentState
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.dialogs import PayoutDialog, PinDialog, RefundDialog, ResolveDialog
from pos_app.ui.main_window import MainWindow
from pos_app.ui.qt import QComboBox, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, Qt
from pos_app.ui.receipts import rasterise_pdf
from tests.helpers import (
    MemoryKeyring,
    customer,
    grocery_sale,
    reaches,
    simple_sale,
    wait_state,
)
from tests.ui.conftest import MakeWindow
from tests.ui.test_flows import child, click, current, dialog, pin, sell, until

S = PaymentState


async def paid(window: MainWindow, sandbox: SandboxTransport, sale: Sale | None = None) -> str:
    """A Koshelek payment made through the service (the GUI flow has its own tests)."""
    payment = await window.service.pay(sale or grocery_sale(), "koshelek",
                                       {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    assert payment.state is S.PAID
    return payment.id


async def open_in_history(window: MainWindow, qtbot: QtBot, payment_id: str) -> None:
    click(qtbot, window.history_button)
    assert current(window) is window.history
    await until(lambda: window.history.model.total >= 1)
    for row in range(window.history.model.total):
        found = window.history.model.payment_at(row)
        if found is not None and found.id == payment_id:
            window.history.table.selectRow(row)
            break
    await until(lambda: window.history.details.payment is not None
                and window.history.details.payment.id == payment_id)


async def test_history_finds_and_shows_an_integrators_order_reference(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    ordered = replace(simple_sale("250"), reference="ORDER-<17>")  # made by `pay --reference`
    payment_id = await paid(window, sandbox, ordered)
    await paid(window, sandbox)  # another payment, without a reference
    await open_in_history(window, qtbot, payment_id)
    details = window.history.details
    await until(lambda: "ORDER-" in details.summary.text())
    assert "Order reference: ORDER-\u200b&lt;17&gt;" in details.summary.text()  # escaped
    window.history.search.setText("ORDER-<17>")
    model = window.history.model
    await until(lambda: model.total == 1 and model.payment_at(0) is not None)
    found = model.payment_at(0)
    assert found is not None
    assert found.id == payment_id


async def test_refund_items_from_history(window: MainWindow, qtbot: QtBot,
                                         sandbox: SandboxTransport) -> None:
    payment_id = await paid(window, sandbox)
    await open_in_history(window, qtbot, payment_id)
    click(qtbot, window.history.details.refund_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot)
    refund = await until(lambda: dialog("refundDialog", RefundDialog))
    qtbot.keyClicks(refund.fields[0], "1")  # return one bottle of milk
    click(qtbot, refund.buttons.button(refund.buttons.StandardButton.Ok))
    sure = await until(lambda: dialog("confirmBox", QMessageBox))
    assert "Return 84,90" in sure.text()  # the sum, before the money moves
    click(qtbot, sure.button(QMessageBox.StandardButton.Yes))
    after = await reaches(window.runtime, payment_id, "PARTIALLY_REFUNDED")
    assert after.refunded_minor == 8490
    [txn] = sandbox.sandbox.of(KoshelekSandbox).transactions.values()
    assert txn.refunded == 8490
    # The details stay on the refunded payment, and its story reads in words.
    details = window.history.details
    await until(lambda: details.payment is not None and details.payment.id == payment_id
                and details.payment.refunded_minor == 8490 and details.events.count() >= 7)
    lines = [details.events.item(i).text() for i in range(details.events.count())]
    assert any("Payment created" in line for line in lines), lines
    assert any("Refund done" in line for line in lines), lines
    assert any("paid → being refunded" in line for line in lines), lines
    assert not any("_" in line for line in lines), lines  # no raw kind like refund_done
    # The table says it in a word; its tooltip in the cashier's sentence.
    model = window.history.model
    row = model.row_of(payment_id)
    assert row is not None
    assert model.data(model.index(row, 4)) == "Partly refunded"
    assert model.data(model.index(row, 4), Qt.ItemDataRole.ToolTipRole) == "Partly refunded."
    # Updates arriving faster than the journal answers fill the log once, not once each.
    journaled = len(await window.service.journal.events_for(payment_id))
    for _ in range(3):
        details.show_payment(details.payment)
    await until(lambda: details.events.count() == journaled)
    await window.service.journal.events_for(payment_id)  # every earlier read has answered
    assert details.events.count() == journaled
    # Refunding again offers what is left of each line, and says what went back already.
    click(qtbot, details.refund_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot)
    again = await until(lambda: dialog("refundDialog", RefundDialog))
    assert again.items is not None
    # With the unit: "0,75" was read as pieces (issue 20 #11).
    assert [again.items.item(row, 2).text() for row in range(3)] == ["2", "1,125 kg", "1"]
    assert [again.items.item(row, 3).text() for row in range(3)] == ["1", "0 kg", "0"]
    assert [field.isEnabled() for field in again.fields] == [True, True, True]
    again.reject()


async def test_wrong_pin_refuses_and_counts(window: MainWindow, qtbot: QtBot,
                                            sandbox: SandboxTransport) -> None:
    payment_id = await paid(window, sandbox, simple_sale("50"))
    await open_in_history(window, qtbot, payment_id)
    click(qtbot, window.history.details.refund_button)
    box = await until(lambda: dialog("pinDialog", PinDialog))
    assert "1234" in child(box, QLabel, "trainingPinHint").text()
    pin(qtbot, "9999")
    assert dialog("pinDialog") is not None  # still asking
    assert "4 tries left" in box.error.text()
    box.reject()
    assert dialog("refundDialog") is None
    assert (await window.service.get(payment_id)).state is S.PAID


async def test_reprint_is_marked_duplicate(window: MainWindow, qtbot: QtBot,
                                           sandbox: SandboxTransport, tmp_path: Path) -> None:
    payment_id = await paid(window, sandbox)
    await open_in_history(window, qtbot, payment_id)
    click(qtbot, window.history.details.receipt_button)
    await until(lambda: current(window) is window.receipt)
    assert "DUPLICATE" not in window.receipt.html
    first = await window.receipt._save_pdf_async(tmp_path / "first.pdf")
    assert first is not None
    text = pypdfium2.PdfDocument(first)[0].get_textpage().get_text_range()
    assert "403,80" in text
    assert "TRAINING" in text
    # A PDF is no print (issue 20 #11): the paper copy after it is no DUPLICATE…
    assert "DUPLICATE" not in window.receipt.html
    await window.receipt._printed("printer")  # …the one after a paper copy is
    assert "DUPLICATE" in window.receipt.html
    wide = window.receipt.view.lineWrapColumnOrWidth()
    window.receipt.paper.setCurrentIndex(window.receipt.paper.findData(58))
    # On screen as wide as on the roll: it breaks its lines as the paper will (a walk).
    dpi = window.receipt.view.logicalDpiX()
    assert (wide, window.receipt.view.lineWrapColumnOrWidth()) == (
        round(76 * dpi / 25.4), round(54 * dpi / 25.4))
    second = await window.receipt._save_pdf_async(tmp_path / "second.pdf")
    assert second is not None
    page = pypdfium2.PdfDocument(second)[0]
    assert "DUPLICATE" in page.get_textpage().get_text_range()
    assert abs(page.get_size()[0] - 58 * 72 / 25.4) < 1  # a 58 mm roll
    assert rasterise_pdf(second.read_bytes())[0].width() > 100
    click(qtbot, window.receipt.done_button)
    assert current(window) is window.history


async def test_a_refunds_receipt_is_reprinted_from_the_history(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    """Issue 20 #11: a refund's own receipt, chosen beside the sale's on the receipt screen."""
    payment_id = await paid(window, sandbox)
    refund = await window.service.refund(payment_id, quantities={2: Decimal(1)})
    await open_in_history(window, qtbot, payment_id)
    click(qtbot, window.history.details.receipt_button)
    await until(lambda: current(window) is window.receipt and window.receipt.html)
    which = window.receipt.which
    assert which.isVisible()
    assert [which.itemData(i) for i in range(which.count())] == [None, refund.id]
    assert "TOTAL" in window.receipt.html
    which.setCurrentIndex(1)
    await until(lambda: "RETURNED" in window.receipt.html)
    assert "Пакет-майка" in window.receipt.html
    assert "Молоко" not in window.receipt.html
    assert not window.receipt.provider_button.isVisible()  # the provider's slip: the sale's
    await window.receipt._printed("printer")
    assert "DUPLICATE" in window.receipt.html
    which.setCurrentIndex(0)  # the sale's receipt was never printed
    await until(lambda: "TOTAL" in window.receipt.html)
    assert "DUPLICATE" not in window.receipt.html


async def test_settings_need_the_pin_and_are_saved(window: MainWindow, qtbot: QtBot,
                                                   isolated_dirs: Path,
                                                   memory_keyring: MemoryKeyring) -> None:
    click(qtbot, window.settings_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot, "1234")
    await until(lambda: current(window) is window.settings)
    form = window.settings.form
    form.terminal_id.setText("POS-07")
    form.store_name.setText("Ромашка")
    form.boxes["paymega"].enabled.setChecked(True)
    form.boxes["paymega"].base_url.setText("https://api.paymega.io")
    form.boxes["paymega"].secret_fields["password"].setText("pm-Secret-42")
    click(qtbot, window.settings.save)
    config_file = isolated_dirs / "config" / "terminal.toml"
    await until(config_file.exists)
    saved = load_config(config_file)
    assert (saved.terminal_id, saved.store_name, saved.providers["paymega"].enabled) == (
        "POS-07", "Ромашка", True)
    assert "pm-Secret-42" not in config_file.read_text(encoding="utf-8")
    assert memory_keyring.store[("pos-app", "paymega.password")] == "pm-Secret-42"
    # Shown masked once saved (and not typed again: nothing is left to save).
    assert form.boxes["paymega"].secret_fields["password"].text() == ""
    assert "stored" in form.boxes["paymega"].secret_fields["password"].placeholderText()


async def test_settings_never_turn_a_live_ready_file_into_a_broken_one(
        window: MainWindow, qtbot: QtBot, isolated_dirs: Path,
        memory_keyring: MemoryKeyring) -> None:
    """A walk: in training (whose PIN the dialog prints) the store id was emptied and saved
    into the file the live register starts with."""
    config_file = isolated_dirs / "config" / "terminal.toml"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text('[terminal]\nstore_id = "S-1"\nterminal_id = "POS-07"\n\n'
                           '[providers.paymega]\nenabled = true\n'
                           'base_url = "https://api.paymega.io"\n', encoding="utf-8")
    memory_keyring.store[("pos-app", "paymega.login")] = "login"
    memory_keyring.store[("pos-app", "paymega.password")] = "pm-Secret-42"
    before = config_file.read_text(encoding="utf-8")
    window.settings.load()
    window.go(window.settings)
    window.settings.form.store_id.setText("")
    click(qtbot, window.settings.save)
    box = await until(lambda: dialog("errorBox", QMessageBox))
    # An id the file has is never saved away (issue 20 #17), said as the form says it.
    assert box.text() == "Nothing was saved. «Store id (from Koshelek)»: is required"
    assert config_file.read_text(encoding="utf-8") == before
    box.accept()
    await until(lambda: dialog("errorBox") is None)
    window.settings.form.store_id.setText("S-1")
    window.settings.form.boxes["paymega"].enabled.setChecked(False)  # no provider left
    click(qtbot, window.settings.save)
    box = await until(lambda: dialog("errorBox", QMessageBox))
    assert box.text().startswith("Nothing was saved: live mode starts with these settings")
    assert "no payment provider is enabled" in box.text()
    assert config_file.read_text(encoding="utf-8") == before
    box.accept()
    await until(lambda: dialog("errorBox") is None)
    window.settings.form.boxes["paymega"].enabled.setChecked(True)
    window.settings.form.store_id.setText("S-2")  # a change live mode starts with is saved
    click(qtbot, window.settings.save)
    await until(lambda: 'store_id = "S-2"' in config_file.read_text(encoding="utf-8"))


async def test_settings_reject_a_bad_value_with_its_key(window: MainWindow, qtbot: QtBot,
                                                        isolated_dirs: Path) -> None:
    window.settings.load()
    window.go(window.settings)
    window.settings.form.boxes["pegas"].enabled.setChecked(True)
    window.settings.form.boxes["pegas"].base_url.setText("ftp://nowhere")
    click(qtbot, window.settings.save)
    box = await until(lambda: dialog("errorBox", QMessageBox))
    assert "«Pegas-kassa: Address (base URL)»" in box.text()  # not "providers.pegas.base_url"
    assert not (isolated_dirs / "config" / "terminal.toml").exists()


async def test_test_connection(window: MainWindow, qtbot: QtBot,
                               sandbox: SandboxTransport) -> None:
    window.settings.load()
    window.go(window.settings)
    box = window.settings.form.boxes["pegas"]
    box.enabled.setChecked(True)
    box.base_url.setText("http://127.0.0.1:9/pegas/api/v1")  # nothing listens there
    box.secret_fields["token"].setText("whatever")
    tabs = window.settings.form.tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count())
                              if tabs.widget(i).isAncestorOf(box)))  # type: ignore[union-attr]
    click(qtbot, box.test)
    await until(lambda: box.result.text().startswith(("✓", "✗")))
    assert box.result.text().startswith("✗")
    # Another provider's form wrong: said on this line, in the form's words, not "Connecting…"
    # for ever (a walk).
    window.settings.form.boxes["koshelek"].enabled.setChecked(True)  # no address
    click(qtbot, box.test)
    await until(lambda: "«Koshelek Pay: Address (base URL)»" in box.result.text())
    assert box.result.text().startswith("✗")


async def test_kiosk_exit_refused_without_the_pin(make_window: MakeWindow,
                                                  qtbot: QtBot) -> None:
    kiosk = await make_window(kiosk=True)
    assert kiosk.isFullScreen()
    assert kiosk.windowFlags() & Qt.WindowType.FramelessWindowHint
    kiosk.close()  # Alt+F4 or the close button
    await until(lambda: dialog("pinDialog"))
    assert kiosk.isVisible()
    box = dialog("pinDialog")
    assert box is not None
    box.reject()  # no PIN: it stays
    assert kiosk.isVisible()
    click(qtbot, kiosk.exit_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot, "1234")
    await until(lambda: not kiosk.isVisible())


async def test_language_switch(window: MainWindow, qtbot: QtBot) -> None:
    assert window.sale_screen.pay.text() == "Pay"
    click(qtbot, window.language_button)
    await until(lambda: window.sale_screen.pay.text() != "Pay")
    assert window.sale_screen.pay.text() == "Оплатить"
    assert window.history_button.text() == "История"
    assert window.translations.language == "ru"
    click(qtbot, window.language_button)
    await until(lambda: window.sale_screen.pay.text() == "Pay")


async def test_resolve_an_unknown_payment(window: MainWindow, qtbot: QtBot,
                                          sandbox: SandboxTransport) -> None:
    from pos_app.sandbox.faults import Fault
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="drop_before", path="/koshelek/api/v1/merchant/checkout",
                                     count=-1))
    payment = await window.service.pay(simple_sale("50"), "koshelek",
                                       {"barcode": customer(sandbox)["barcode"]})
    assert payment.state is S.UNKNOWN
    await until(lambda: "(1)" in window.attention_button.text())
    click(qtbot, window.attention_button)
    await until(lambda: window.attention.model.total == 1)
    window.attention.table.selectRow(0)
    await until(lambda: window.attention.details.payment is not None)
    assert "being checked" in window.attention.details.summary.text()
    click(qtbot, window.attention.details.resolve_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot)
    box = await until(lambda: dialog("resolveDialog", ResolveDialog))
    child(box, QComboBox, "outcome").setCurrentIndex(1)  # declined
    child(box, QPlainTextEdit, "reason").setPlainText(
        "Koshelek support: the checkout never arrived")
    child(box, QLineEdit, "actor").setText("Manager Ivanova")
    click(qtbot, box.buttons.button(box.buttons.StandardButton.Ok))
    ask = await until(lambda: dialog("confirmBox", QMessageBox))
    assert "as not paid?" in ask.text()  # what it risks, asked first
    click(qtbot, ask.button(QMessageBox.StandardButton.Yes))
    resolved = await reaches(window.runtime, payment.id, "DECLINED")
    assert resolved.reason_code == "MANUAL"
    await until(lambda: "(0)" in window.attention_button.text())


async def test_resolving_as_paid_is_asked_first(window: MainWindow, qtbot: QtBot,
                                                sandbox: SandboxTransport) -> None:
    """A walk: "the customer paid" was recorded at once, with no question, although the
    goods then go for it; every other outcome asked what it risks."""
    from pos_app.sandbox.faults import Fault
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="drop_before", path="/koshelek/api/v1/merchant/checkout",
                                     count=-1))
    payment = await window.service.pay(simple_sale("50"), "koshelek",
                                       {"barcode": customer(sandbox)["barcode"]})
    assert payment.state is S.UNKNOWN
    await open_in_history(window, qtbot, payment.id)
    assert not window.attention.ask_again.isEnabled()  # nothing chosen there yet
    click(qtbot, window.history.details.resolve_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot)
    box = await until(lambda: dialog("resolveDialog", ResolveDialog))
    child(box, QComboBox, "outcome").setCurrentIndex(0)  # the customer paid
    child(box, QPlainTextEdit, "reason").setPlainText("the cabinet shows it paid")
    child(box, QLineEdit, "actor").setText("Manager Ivanova")
    click(qtbot, box.buttons.button(box.buttons.StandardButton.Ok))
    ask = await until(lambda: dialog("confirmBox", QMessageBox))
    assert "as paid?" in ask.text()
    click(qtbot, ask.button(QMessageBox.StandardButton.No))
    await until(lambda: dialog("confirmBox") is None)
    assert (await window.service.get(payment.id)).state is S.UNKNOWN  # nothing recorded


async def test_the_attention_count_follows_an_unknown_asked_again(
        window: MainWindow, qtbot: QtBot, sandbox: SandboxTransport) -> None:
    """A walk: "Ask the provider again" took an UNKNOWN back to in progress and emptied the
    list, but the top bar kept saying (1): only alerts, UNKNOWN and final states recounted."""
    from pos_app.sandbox.faults import Fault
    assert sandbox.sandbox.faults is not None
    sandbox.sandbox.faults.add(Fault(kind="drop_after", path="/paymega/api/payment-invoices",
                                     method="POST", count=-1))
    sandbox.sandbox.faults.add(Fault(kind="drop_before", path="/paymega/api/payment-invoices",
                                     method="GET", count=-1))
    payment = await window.service.start_payment(simple_sale("81"), "paymega")
    await reaches(window.runtime, payment.id, "UNKNOWN")
    await until(lambda: "(1)" in window.attention_button.text())
    click(qtbot, window.attention_button)
    await until(lambda: window.attention.model.total == 1)
    window.attention.table.selectRow(0)
    await until(lambda: window.attention.details.payment is not None)
    sandbox.sandbox.faults.clear()  # the provider answers again: the invoice waits for payment
    click(qtbot, window.attention.ask_again)
    await reaches(window.runtime, payment.id, "PENDING")
    await until(lambda: window.attention.model.total == 0)
    await until(lambda: "(0)" in window.attention_button.text())


async def test_scanner_burst_adds_a_product_and_typing_adds_an_amount(
        window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    from pos_app.core.catalog import parse_catalog
    window.sale_screen.catalog = parse_catalog(
        "barcode;name;price;vat\n4601234567890;Молоко 3,2% 1 л;89,90;vat10\n")
    field = window.sale_screen.field
    qtbot.keyClicks(field, "12")  # the cashier started typing an amount…
    window.sale_screen.wedge._last = -1.0
    qtbot.keyClicks(field, "4601234567890")  # …and a scanner burst comes in
    qtbot.keyClick(field, Qt.Key.Key_Return)
    [line] = window.sale_screen.model.lines
    assert line.name == "Молоко 3,2% 1 л"
    assert field.text() == "12"  # what was typed before the burst stays
    qtbot.keyClick(field, Qt.Key.Key_Return)
    await until(lambda: len(window.sale_screen.model.lines) == 2)
    assert window.sale_screen.model.lines[1].unit_price == Money(1200)
    assert window.sale_screen.total.text() == "Total: 101,90\u00a0₽"
    qtbot.keyClick(field, Qt.Key.Key_Plus)  # + on the selected line
    assert window.sale_screen.model.lines[1].quantity == 2
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    assert len(window.sale_screen.model.lines) == 1
    window.sale_screen.wedge._last = -1.0
    qtbot.keyClicks(field, "9999999999999")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "No product with the barcode 9999999999999" in window.sale_screen.message.text()


async def test_bad_amount_is_explained(window: MainWindow, qtbot: QtBot) -> None:
    field = window.sale_screen.field
    for text, says in (("1,234", "more than 2 digits"), ("0", "greater than zero")):
        field.setText(text)
        click(qtbot, window.sale_screen.add_amount)
        assert says in window.sale_screen.message.text()
    assert window.sale_screen.model.lines == []
    assert not window.sale_screen.pay.isEnabled()


async def test_pegas_refund_is_a_payout(window: MainWindow, qtbot: QtBot,
                                        sandbox: SandboxTransport) -> None:
    sandbox.sandbox.of(PegasSandbox).withdrawal_delay_s = 0.1
    payment = await window.service.start_payment(simple_sale("500"), "pegas", {})
    pending = await wait_state(window.runtime, payment.id, "PENDING")
    with sandbox.sandbox.of(PegasSandbox)._lock:
        pegas = sandbox.sandbox.of(PegasSandbox)
        pegas.pay(pegas.transactions[int(pending.provider_ref or 0)])
    window.service.notify(payment.id)
    await wait_state(window.runtime, payment.id, "PAID")
    await open_in_history(window, qtbot, payment.id)
    click(qtbot, window.history.details.refund_button)
    await until(lambda: dialog("pinDialog"))
    pin(qtbot)
    box = await until(lambda: dialog("payoutDialog", PayoutDialog))
    assert child(box, QLineEdit, "payoutAmount").text() == "500,00"  # all that is left
    child(box, QLineEdit, "payoutNumber").setText("4111 1111 1111 1111")
    click(qtbot, box.buttons.button(box.buttons.StandardButton.Ok))
    sure = await until(lambda: dialog("confirmBox", QMessageBox))  # before money moves
    assert "Pay out 500,00\u00a0₽ to bank card …1111 as a return of sale S0000" in sure.text()
    click(qtbot, sure.button(QMessageBox.StandardButton.Yes))
    done = await until(lambda: dialog("infoBox", QMessageBox), timeout=20)
    assert "Paid out 500,00" in done.text()
    done.accept()
    # The manager clicks Refund again: nothing is left to return, no second payout — said
    # before the PIN is asked (a walk: the PIN first, then "nothing to return").
    await open_in_history(window, qtbot, payment.id)
    details = window.history.details
    await until(lambda: "Returned by payout: 500,00" in details.summary.text())
    click(qtbot, details.refund_button)
    refused = await until(lambda: dialog("errorBox", QMessageBox))
    assert "returned by payouts already" in refused.text()
    assert dialog("pinDialog") is None
    assert dialog("payoutDialog") is None
    payouts = [t for t in sandbox.sandbox.of(PegasSandbox).transactions.values()
               if t.operation == "withdrawal"]
    assert len(payouts) == 1


async def test_customer_display(make_window: MakeWindow, qtbot: QtBot,
                                isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A till with a second screen (the offscreen screen twice): the display opens there.
    from pos_app.ui.qt import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    monkeypatch.setattr(QGuiApplication, "screens", lambda: [screen, screen])
    config = isolated_dirs / "config" / "terminal.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[ui]\ncustomer_display = true\n", encoding="utf-8")
    main = await make_window()
    assert main.customer is not None
    assert main.customer.isVisible()
    await sell(qtbot, main, "1499")
    assert main.customer.amount.text() == "1\u00a0499,00\u00a0₽"
    click(qtbot, main.choose.buttons["paymega"])
    await until(lambda: main.customer is not None and main.customer.qr.isVisible())
    assert main.customer.qr.payload == main.payment_screen.link.text()
    click(qtbot, main.payment_screen.customer_pays)
    await until(lambda: main.customer is not None
                and main.customer.status.text() == "Thank you! Paid.")


def test_pin_store_lockout() -> None:
    import itertools

    import keyring
    keyring.set_keyring(MemoryKeyring())
    now = itertools.count(1000.0, 1.0)
    pins = PinStore(SecretStore(environ={}), training=False, clock=lambda: next(now))
    pins.set("4821")
    for _ in range(5):
        with pytest.raises(PinError):
            pins.verify("0000")
    with pytest.raises(PinError) as refused:
        pins.verify("4821")  # the right PIN, but during the lockout
    assert "Too many wrong PINs" in refused.value.message.english()



async def test_catalog_problems_are_shown_at_start(make_window: MakeWindow, qtbot: QtBot,
                                                   isolated_dirs: Path) -> None:
    catalog = isolated_dirs / "catalog.csv"
    catalog.write_text("barcode;name;price\n4601234567890;Молоко;89,90\n42;Торт;abc\n",
                       encoding="utf-8")
    config = isolated_dirs / "config" / "terminal.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"[ui]\ncatalog_file = '{catalog}'\n", encoding="utf-8")
    window = await make_window()
    # In the alert bar, not in a box that would take the first keys of the day (helper-48).
    assert window.alerts.isVisible()
    said = window.alerts.text.text()
    assert said.startswith("The product catalog has problems (1); its good lines are used.")
    assert "Line 3" in said
    assert "abc" in said
    assert dialog("errorBox", QMessageBox) is None
    window.sale_screen.wedge._last = -1.0
    qtbot.keyClicks(window.sale_screen.field, "4601234567890")  # the good line works
    qtbot.keyClick(window.sale_screen.field, Qt.Key.Key_Return)
    assert [line.name for line in window.sale_screen.model.lines] == ["Молоко"]


async def test_a_catalog_file_not_found_is_not_said_to_have_good_lines(
        make_window: MakeWindow, qtbot: QtBot, isolated_dirs: Path) -> None:
    """helper-49: a missing file was "has problems (1); its good lines are used"."""
    missing = isolated_dirs / "no-such-catalog.csv"
    config = isolated_dirs / "config" / "terminal.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"[ui]\ncatalog_file = '{missing}'\n", encoding="utf-8")
    window = await make_window()
    said = window.alerts.text.text()
    assert said.startswith("The product catalog has no product to use (problems: 1); products "
                           "are added by amount. The first: ")
    assert str(missing) in said


def test_a_line_returned_whole_cannot_be_returned_again(qtbot: QtBot) -> None:
    box = RefundDialog(None, sale=grocery_sale(), refundable=Money(22500), by_items=True,
                       returned={0: Decimal(2)})
    qtbot.addWidget(box)
    assert [field.isEnabled() for field in box.fields] == [False, True, True]


def test_the_refund_amount_is_not_shown_as_if_filled_in(qtbot: QtBot) -> None:
    """Walks: the empty amount showed the whole 403,80 in grey beside the items chosen, and
    a manager feared the whole payment would go back; what can be refunded is said above."""
    box = RefundDialog(None, sale=grocery_sale(), refundable=Money(40380), by_items=True)
    qtbot.addWidget(box)
    assert box.amount.text() == ""
    assert "403,80" not in box.amount.placeholderText()
    assert box.amount.placeholderText() == "0,00"


def test_quantities_to_return_are_typed_with_a_comma_and_checked_as_typed(
        qtbot: QtBot) -> None:
    box = RefundDialog(None, sale=grocery_sale(), refundable=Money(40380), by_items=True)
    qtbot.addWidget(box)
    apples, bag = box.fields[1], box.fields[2]
    qtbot.keyClicks(apples, "0,5")  # weighed: only as a whole, said as it is typed
    assert "only be returned as a whole" in box.error.text()
    apples.clear()
    qtbot.keyClicks(apples, "1,125")
    assert box.error.text() == ""
    qtbot.keyClicks(bag, "2")  # one was sold
    assert "Only 1 of “Пакет-майка”" in box.error.text()
    bag.clear()
    box.check()
    assert box.quantities == {1: Decimal("1.125")}


async def test_the_catalogs_status_follows_a_language_switch(window: MainWindow) -> None:
    """A walk: "Каталога нет: товары добавляются по сумме." stayed Russian after English
    was chosen on the Settings screen."""
    window.settings.load()
    window.go(window.settings)
    status = window.settings.form.catalog_status
    assert status.text() == "No catalog: products are added by amount."
    window.translations.use("ru")
    try:
        await until(lambda: status.text() == "Каталога нет: товары добавляются по сумме.")
    finally:
        window.translations.use("en")
    await until(lambda: status.text() == "No catalog: products are added by amount.")
