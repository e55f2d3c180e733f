"""The window before its payments are ready (issue 17): what it says and where keys go."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_app.core.config import TerminalConfig
from pos_app.ui.app import JournalUpgrade, apply_style
from pos_app.ui.main_window import MainWindow
from pos_app.ui.progress import ProgressDialog
from pos_app.ui.qt import QApplication, QDialog, Qt
from pos_app.ui.translations import Translations
from tests.ui.test_flows import until


@pytest.fixture
def starting(tmp_path: Path) -> Iterator[MainWindow]:
    """The window as it first shows: no journal, no providers yet."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)
    translations = Translations(tmp_path / "qm")
    translations.use("en")
    window = MainWindow(TerminalConfig(), training=True, translations=translations,
                        kiosk=False)
    window.resize(1024, 768)
    window.start()
    window.activateWindow()
    yield window
    window.close_now()
    window.deleteLater()


async def test_a_journal_upgrade_is_said_on_the_sale_screen_and_keys_stay_there(
        starting: MainWindow, qtbot: QtBot) -> None:
    """A dialog took the keys typed meanwhile, and Escape closed it for good."""
    upgrade = JournalUpgrade(starting)
    upgrade.report(2, 9)
    sale = starting.sale_screen
    await until(lambda: "step 3 of 9" in sale.message.text())
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QDialog) and w.isVisible()]
    sale.field.setFocus()
    qtbot.keyClicks(sale.field, "250")
    qtbot.keyClick(sale.field, Qt.Key.Key_Return)
    assert "250,00" in sale.total.text()
    sale.scan("4600000000000")  # what the sale says is not written over
    upgrade.report(5, 9)
    await reported()
    assert sale.message.text() == "No product with the barcode 4600000000000."
    sale.message.clear()
    upgrade.report(7, 9)
    await until(lambda: "step 8 of 9" in sale.message.text())
    upgrade.report(9, 9)
    await until(lambda: "step" not in sale.message.text())
    assert sale.pay.text() == "Starting…"


async def reported() -> None:
    """Until what the journal's thread reported before now has been shown (in order)."""
    loop = asyncio.get_running_loop()
    shown = loop.create_future()
    loop.call_soon_threadsafe(shown.set_result, None)
    await shown


async def test_the_starting_notice_goes_when_the_till_is_ready(starting: MainWindow,
                                                               qtbot: QtBot) -> None:
    sale = starting.sale_screen
    qtbot.keyClick(sale.field, Qt.Key.Key_Return)  # Enter on the empty field pays: not yet
    assert "starting" in sale.message.text()
    assert not starting.history_button.isEnabled()
    sale.set_ready(True)
    assert sale.message.text() == ""
    assert sale.pay.text() == "Pay"


def test_a_dialog_for_work_that_cannot_be_left_ignores_escape(qtbot: QtBot) -> None:
    dialog = ProgressDialog(None, "Updating…", closable=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.close()
    assert dialog.isVisible()
    assert not dialog.stop.isVisible()
    dialog.done(0)
