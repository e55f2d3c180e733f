"""Russian first (issue 20): every screen and dialog of the tour, in Russian, shows no Latin
word outside an allow-list — brands, codes a person reads as they are, ids.  The next
English string cannot slip in: it fails here."""

from __future__ import annotations

import asyncio
import csv
import re
from datetime import date
from pathlib import Path

from pos_app.core.backoffice import Backoffice
from pos_app.core.export import Period
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.qt import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QFileSystemModel,
    QLabel,
    QLineEdit,
    Qt,
    QTabWidget,
    QWidget,
)
from pos_app.ui.support import choose_file
from tests.helpers import customer, http_client, simple_sale, wait_until
from tests.ui.conftest import MakeWindow
from tests.ui.tour import shown, tour

# Read as they are in a Russian shop: brands, codes printed on cards, receipts and screens,
# and the technical names a manager looks up (the Settings' addresses, the OS keyring).
ALLOWED = {
    "Koshelek", "Pay", "Paymega", "Pegas", "kassa", "QIWI", "Excel", "QR", "PIN", "ID",
    "CSV", "PDF", "English", "URL", "API", "TOTP", "keyring", "Enter",  # as on the key
}
ALLOWED_TOKENS = {"ЮMoney"}  # a brand in two alphabets
# Data, not the app's words: the tour's cashier as typed in, the home folder's name among the
# file dialog's places.
DATA = ("Test Cashier", Path.home().name)
FILE_TYPE = 2  # QFileSystemModel's column of "Folder", "PDF document"
WORD = re.compile(r"[A-Za-z]{2,}")
TAG = re.compile(r"<[^>]+>")


def _texts(top: QWidget) -> list[tuple[str, str]]:
    """(widget, text) for every text a person can see in ``top``."""
    found: list[tuple[str, str]] = [("title", top.windowTitle())]
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisibleTo(top) and widget is not top:
            continue
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        if isinstance(widget, QLabel | QAbstractButton):
            found.append((name, TAG.sub(" ", widget.text())))
        elif isinstance(widget, QLineEdit):
            found.append((name, widget.text() or widget.placeholderText()))
        elif isinstance(widget, QComboBox):
            found += [(name, widget.itemText(i)) for i in range(widget.count())]
        elif isinstance(widget, QTabWidget):
            found += [(name, widget.tabText(i)) for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            found += [(name, text) for text in _view_texts(widget)]
        if widget.toolTip():
            found.append((name, TAG.sub(" ", widget.toolTip())))
    return found


def _view_texts(view: QAbstractItemView) -> list[str]:
    """A view's headers and the rows it shows (under its root: Qt's file dialog keeps the
    whole file system in its model)."""
    model, root = view.model(), view.rootIndex()
    try:
        columns = model.columnCount(root)
    except TypeError:  # a list model: one column, its count not public
        columns = 1
    files = isinstance(model, QFileSystemModel)
    texts = []
    for column in range(columns):
        texts.append(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
        # A file's name is data; its size and date Qt writes in the system's locale.
        if files and column != FILE_TYPE:
            continue
        for row in range(min(model.rowCount(root), 20)):
            texts.append(str(model.data(model.index(row, column, root)) or ""))
    return texts


def latin_words(text: str) -> list[str]:
    """Latin words a person would read as English: not in ALLOWED, not part of an id, a
    file, an address or a code with digits."""
    words = []
    for data in DATA:
        text = text.replace(data, "")
    for token in text.split():
        if token.strip("«»“”(),.:;") in ALLOWED_TOKENS:
            continue
        if any(c.isdigit() for c in token) or (any(c in token for c in "/@_\\:=.") and \
                not token.endswith((".", ":"))):
            continue
        words += [w for w in WORD.findall(token) if w not in ALLOWED]
    return words


async def test_every_screen_speaks_russian(make_window: MakeWindow,
                                           sandbox: SandboxTransport) -> None:
    window = await make_window()
    window.translations.use("ru")
    QApplication.sendPostedEvents()  # the language change reaches every widget first
    found = []
    async for name, widget in tour(window, sandbox):
        for where, text in _texts(widget):
            words = latin_words(text)
            if words:
                found.append(f"{name}: {where}: {' '.join(words)} in “{text[:80]}”")
    assert found == [], "\n".join(found)


async def test_qts_file_dialog_speaks_russian(make_window: MakeWindow, tmp_path: Path) -> None:
    """Issue 20 #2: Qt's file dialog said "Look in:", "Files of type:" and "Folder" in
    Russian (Qt 6 renamed them, and its own qtbase_ru lacks the new ones)."""
    window = await make_window()
    window.translations.use("ru")
    folder = tmp_path / "documents"
    (folder / "Чеки").mkdir(parents=True)
    (folder / "old.pdf").write_bytes(b"%PDF-1.4")
    window.show()
    window.stack.setCurrentWidget(window.receipt)
    saving = asyncio.ensure_future(choose_file(
        window.receipt, "Сохранить чек", name_filter="PDF (*.pdf)",
        suggested=str(folder / "receipt.pdf")))
    dialog = await shown(QFileDialog)
    view = dialog.findChild(QAbstractItemView, "treeView")
    assert view is not None
    await wait_until(lambda: view.model().rowCount(view.rootIndex()) == 2)
    texts = [text for _, text in _texts(dialog)]
    dialog.reject()
    assert await saving is None
    assert {"&Папка:", "&Тип файлов:", "Папка"} <= set(texts)
    assert [w for text in texts for w in latin_words(text)] == []


async def test_a_file_dialog_asked_from_a_small_dialog_is_as_large_as_the_screen_allows(
        make_window: MakeWindow, tmp_path: Path) -> None:
    """A walk: Shift → Export CSV… → Choose… opened a 480×290 file dialog, its list 50 px
    high, sized to the export's dialog."""
    from pos_app.ui.qt import QDialog

    window = await make_window()
    window.show()
    small = QDialog(window)
    small.resize(480, 290)
    small.show()
    saving = asyncio.ensure_future(choose_file(small, "CSV", name_filter="CSV (*.csv)",
                                               suggested=str(tmp_path / "payments.csv")))
    dialog = await shown(QFileDialog)
    screen = window.screen().availableGeometry()
    size = dialog.size()
    dialog.reject()
    assert await saving is None
    small.close()
    assert size.width() == min(screen.width() - 40, 960)
    assert size.height() == min(screen.height() - 40, 640)


async def test_the_csv_for_russian_excel_reads_in_russian(
        make_window: MakeWindow, sandbox: SandboxTransport, tmp_path: Path) -> None:
    """Issue 20 #21: its headers were English and the sale was "1", not "S000001"."""
    window = await make_window()
    window.translations.use("ru")
    await window.runtime.service.pay(simple_sale("120.50"), "koshelek", {
        "barcode": customer(sandbox, delay_ms=0)["barcode"]})
    output = tmp_path / "excel.csv"
    today = date.today()
    await Backoffice(window.runtime.service).export(output, Period(today, today),
                                                    semicolon=True)
    [row] = csv.DictReader(output.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    assert (row["Продажа"], row["Сумма"], row["Вид"], row["Состояние"]) == (
        "S000001", "120,50", "оплата", "оплачен")
    assert (row["Сервис"], row["Способ"]) == ("Koshelek Pay", "СБП")  # not koshelek, SBP
    # Paymega's service as the Z report says it (a walk: "payment_card_rub_hpp").
    invoice = await window.runtime.service.start_payment(simple_sale("200"), "paymega")
    invoice = await window.runtime.service.wait(
        invoice.id, timeout=10, until=lambda p: p.provider_ref is not None)
    async with http_client(sandbox) as client:
        await client.post(f"/_sandbox/paymega/invoices/{invoice.provider_ref}/pay")
    window.runtime.service.notify(invoice.provider_ref or "")
    await window.runtime.service.wait(invoice.id, timeout=10, until=lambda p: p.state.is_paid)
    await Backoffice(window.runtime.service).export(output, Period(today, today),
                                                    semicolon=True)
    rows = csv.DictReader(output.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    assert {r["Сервис"]: r["Способ"] for r in rows}["Paymega"] == "банковская карта"
