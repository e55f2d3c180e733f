"""Every screen fits a 1024×768 kiosk in both languages: no text cut off, nothing off-screen."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_app.i18n import tr
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.qt import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QEvent,
    QFont,
    QFontMetrics,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPoint,
    QPushButton,
    QRect,
    QStyle,
    QStyleOptionComboBox,
    Qt,
    QTabBar,
    QTableView,
    QWidget,
)
from pos_app.ui.widgets import ElidedLabel, Keypad, elided
from tests.ui.conftest import MakeWindow
from tests.ui.tour import tour

SMALLEST = (1024, 768)


def _inside_a_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def problems(top: QWidget) -> list[str]:
    """The visible texts that do not fit their widget, and widgets outside the window."""
    for _ in range(3):  # a layout's change may ask its parent's layout to run again
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    found = []
    area = QRect(QPoint(0, 0), top.size())
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top) or widget.width() == 0:
            continue
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        if isinstance(widget, ElidedLabel):  # cut on purpose, but never silently
            if widget.text() != widget.full_text and widget.toolTip() != widget.full_text:
                found.append(f"{name} “{widget.text()}”: cut, the whole text nowhere")
        elif isinstance(widget, QAbstractButton | QLabel) and widget.text():
            name = label = f"{name} “{widget.text()[:40]}”"
            wraps = isinstance(widget, QLabel) and widget.wordWrap()
            if wraps and widget.height() < widget.heightForWidth(widget.width()) - 1:
                found.append(f"{label}: cut at the bottom")
            if not wraps and widget.width() < widget.sizeHint().width() - 1:
                found.append(f"{label}: {widget.width()} px wide, needs "
                             f"{widget.sizeHint().width()}")
        if isinstance(widget, QComboBox) and _cut_choice(widget):
            found.append(f"{name} “{widget.currentText()}”: cut")
        if isinstance(widget, QLineEdit) and not widget.text() and widget.placeholderText():
            room = widget.width() - 16  # the frame and the text margins
            if widget.fontMetrics().horizontalAdvance(widget.placeholderText()) > room:
                found.append(f"{name}: its hint “{widget.placeholderText()}” cut")
        if isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            found += [f"{name}: column “{text}” cut" for text in _cut_headers(widget)]
        if not _inside_a_scroll_area(widget, top):
            where = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
            if not area.contains(where):
                found.append(f"{name}: outside the window at {where.getRect()}")
    return found


def _cut_choice(combo: QComboBox) -> bool:
    """The chosen item's text is wider than the box shows (helper-42: "Ссылка: карта или
    кошелё" once the language changed)."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    return combo.fontMetrics().horizontalAdvance(combo.currentText()) > field.width()


def _cut_headers(header: QHeaderView) -> list[str]:
    """The column titles narrower than their text, or out of the table's view (a cut last
    column, "Транзакция" at 1024×768)."""
    model = header.model()
    cut = []
    bold = QFont(header.font())
    bold.setBold(True)  # the style may draw titles bold: measure as drawn, at the widest
    metrics = QFontMetrics(bold)
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        needed = metrics.horizontalAdvance(text) + 10  # and the style's padding
        left = header.sectionViewportPosition(section)
        shown = min(left + header.sectionSize(section), header.viewport().width()) - max(left, 0)
        if text and shown < needed:
            cut.append(f"{text} ({shown} of {needed} px)")
    return cut


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_every_screen_fits_the_smallest_kiosk(make_window: MakeWindow,
                                                    sandbox: SandboxTransport,
                                                    language: str) -> None:
    window = await make_window()
    window.translations.use(language)
    window.resize(*SMALLEST)
    seen = []
    async for name, widget in tour(window, sandbox):
        seen.append(name)
        assert widget.width() <= SMALLEST[0], f"{name} made the window wider"
        assert widget.height() <= SMALLEST[1], f"{name} made the window taller"
        assert problems(widget) == [], f"{language} {name}"
    assert len(seen) >= 20  # the tour reached every screen


async def test_the_ways_to_pay_fit_after_a_language_switch(make_window: MakeWindow) -> None:
    """helper-42: the choose screen seen in English, then Russian chosen on the top bar: the
    Pegas-kassa type read "Ссылка: карта или кошелё" (its box kept the English width)."""
    from tests.helpers import wait_until

    window = await make_window()
    window.translations.use("en")
    window.resize(*SMALLEST)
    window.go(window.choose)
    await wait_until(lambda: window.choose.isVisible())
    assert problems(window) == []
    window.translations.use("ru")
    await wait_until(lambda: window.choose.title.text() == "Как платит покупатель?")
    assert problems(window) == []


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_ways_to_pay_stay_put_when_a_link_is_left(make_window: MakeWindow,
                                                           language: str) -> None:
    """helper-43: Pegas-kassa's button moved down when Paymega's hint said its link could
    still be paid (a longer text): a finger tapping from habit hit another way."""
    from tests.helpers import wait_until

    window = await make_window()
    window.translations.use(language)
    window.resize(*SMALLEST)
    window.go(window.choose)
    await wait_until(lambda: window.choose.isVisible())
    before = {name: problems_free_y(window, button)
              for name, button in window.choose.buttons.items()}
    window.choose.set_left({"paymega"})
    await wait_until(lambda: "link" in window.choose.hints["paymega"].text()
                     or "Ссылк" in window.choose.hints["paymega"].text())
    after = {name: problems_free_y(window, button)
             for name, button in window.choose.buttons.items()}
    assert after == before


def problems_free_y(window: QWidget, button: QWidget) -> int:
    """Where ``button`` is on the window, once laid out (nothing cut)."""
    assert problems(window) == []
    return button.mapTo(window, QPoint(0, 0)).y()


def test_the_check_sees_cut_texts_and_lost_widgets(qtbot: QtBot) -> None:
    top = QWidget()
    qtbot.addWidget(top)
    top.resize(300, 200)
    cramped = QPushButton("A button whose text is much too long", top)
    cramped.setGeometry(0, 0, 60, 30)
    lost = QLabel("off screen", top)
    lost.setGeometry(280, 0, 100, 30)
    wrapped = QLabel("a long text that wraps over several lines " * 3, top)
    wrapped.setWordWrap(True)
    wrapped.setGeometry(0, 40, 120, 20)
    top.show()
    found = "\n".join(problems(top))
    assert "“A button whose text is much too long”: 60 px wide, needs" in found
    assert "off screen" in found
    assert "cut at the bottom" in found


LONG_NAME = "Супермаркет «Продукты у дома» на Ленинском проспекте, 112, корпус 3"


@pytest.mark.parametrize("kiosk", [False, True])
@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_long_store_name_keeps_the_top_bar_one_row(make_window: MakeWindow,
                                                           isolated_dirs: Path,
                                                           language: str, kiosk: bool) -> None:
    """A kiosk's bar holds Exit too: it said "Маг…/терм…" at 1024 px (issue 20 #14)."""
    short = await make_window()
    short.translations.use(language)
    short.resize(*SMALLEST)
    config = isolated_dirs / "config" / "terminal.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[terminal]\nstore_name = "{LONG_NAME}"\nterminal_id = "POS-03"\n',
                      encoding="utf-8")
    window = await make_window(shift=False, kiosk=kiosk)  # the same journal: its shift is open
    window.resize(*SMALLEST)
    assert window.exit_button.isVisibleTo(window) is kiosk
    assert problems(window) == []
    assert window.top.height() == short.top.height()  # wrapped, it grew by a line per ~20 chars
    assert window.store.text().endswith("…")
    assert window.store.toolTip() == window.store.full_text == LONG_NAME
    terminal = "терминал POS-03" if language == "ru" else "terminal POS-03"
    assert window.terminal.text() == terminal  # the terminal is never cut


def test_an_elided_label_shows_all_it_can(qtbot: QtBot) -> None:
    label = ElidedLabel("a store with a rather long name")
    qtbot.addWidget(label)
    label.resize(80, 20)
    label.show()
    assert label.text().endswith("…")
    assert label.toolTip() == "a store with a rather long name"
    label.resize(label.sizeHint().width(), 20)
    assert (label.text(), label.toolTip()) == ("a store with a rather long name", "")
    label.set_full_text("short")
    assert (label.text(), label.toolTip()) == ("short", "")


def test_an_elided_text_keeps_what_fits_and_its_accents(qtbot: QtBot) -> None:
    """Cut by our own bisection (issue 17): as much as fits, never past the width, never a
    letter parted from the accent that follows it."""
    metrics = QLabel().fontMetrics()
    name = "Магазин у дома"
    assert elided(metrics, name, metrics.horizontalAdvance(name)) == name
    for width in range(metrics.horizontalAdvance("М…"), metrics.horizontalAdvance(name)):
        cut = elided(metrics, name, width)
        assert cut.endswith("…")
        assert name.startswith(cut[:-1])
        assert metrics.horizontalAdvance(cut) <= width
        longer = name[:len(cut)].rstrip() + "…"  # one more character than it kept
        assert metrics.horizontalAdvance(longer) > width or longer == cut
    accented = "Cafe\u0301 du coin"  # "é" as "e" and its combining acute accent
    for width in range(1, metrics.horizontalAdvance(accented)):
        cut = elided(metrics, accented, width)
        assert not unicodedata.combining(accented[len(cut) - 1])  # the first one left out
    assert elided(metrics, name, 1) == "…"


FINGER = 44  # px: what a finger presses, at the smallest kiosk's size (issue 20 #13)


def small_targets(top: QWidget) -> list[str]:
    """What a finger presses, smaller than FINGER: buttons, check boxes, choices, fields."""
    found = []
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top) or not widget.isEnabled() \
                or isinstance(widget.parentWidget(), QAbstractSpinBox):  # measured as a whole
            continue
        if isinstance(widget, QAbstractButton | QComboBox | QLineEdit | QAbstractSpinBox) \
                and widget.height() < FINGER:
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            found.append(f"{type(widget).__name__} {widget.objectName()!r} “{text[:30]}”: "
                         f"{widget.height()} px high")
        if isinstance(widget, QTabBar):  # a tab is pressed too (a walk: 32 px)
            found += [f"QTabBar tab {i} “{widget.tabText(i)}”: {widget.tabRect(i).height()} "
                      "px high" for i in range(widget.count())
                      if widget.tabRect(i).height() < FINGER]
        if isinstance(widget, QTableView) and widget.model() is not None \
                and widget.model().rowCount() and widget.rowHeight(0) < FINGER:
            found.append(f"QTableView {widget.objectName()!r}: rows {widget.rowHeight(0)} px")
        if isinstance(widget, QComboBox) and widget.count() \
                and widget.view().sizeHintForRow(0) < FINGER:  # its open list's rows too
            found.append(f"QComboBox {widget.objectName()!r}: its list's rows are "
                         f"{widget.view().sizeHintForRow(0)} px high")
    return found


async def test_every_target_is_big_enough_for_a_finger(make_window: MakeWindow,
                                                      sandbox: SandboxTransport) -> None:
    window = await make_window()
    window.resize(*SMALLEST)
    found = []
    async for name, widget in tour(window, sandbox):
        found += [f"{name}: {problem}" for problem in small_targets(widget)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_dialog_grows_with_its_error(make_window: MakeWindow, qtbot: QtBot,
                                             language: str) -> None:
    """Issue 20 #14: the PIN dialog clipped its top text when an error took two lines; a
    scan refused in a form said its sentence cut."""
    from msgspec.structs import replace

    from pos_app.core.sale import Sale
    from pos_app.ui.dialogs import PinDialog, RefundDialog
    from pos_app.ui.shift import OpenShiftDialog
    from tests.helpers import grocery_sale

    window = await make_window()
    window.translations.use(language)
    window.resize(*SMALLEST)
    pin = PinDialog(window, window.pins, purpose=tr(
        "MainWindow", "Leaving the kiosk needs the manager PIN."))
    shift = OpenShiftDialog(window, reason=tr("MainWindow", "Open a shift before the first sale."))
    # Six lines to return and their keypad: a walk's refund dialog was 775 px high, OK cut.
    six = Sale(lines=tuple(replace(line, name=f"{line.name} №{i}")
                           for i in range(2) for line in grocery_sale().lines))
    refund = RefundDialog(window, sale=six, refundable=six.total, by_items=True)
    for dialog in (pin, shift, refund):
        qtbot.addWidget(dialog)
        dialog.show()
        shown = dialog.size()
        dialog.refuse(tr("Dialogs", "A barcode ({code}) was scanned into this form; it was not "
                                    "taken. Finish this form (OK or Cancel), then scan again.",
                         code="4601234567890"))
        assert problems(dialog) == [], dialog.objectName()
        assert dialog.width() <= shown.width() + 1  # it grew down, not off the screen's side
        assert dialog.height() <= SMALLEST[1] - 40, dialog.objectName()  # and a title bar
    keypad, table = refund.findChild(Keypad), refund.items
    assert keypad is not None
    assert table is not None
    assert not QRect(keypad.mapTo(refund, QPoint(0, 0)), keypad.size()).intersects(
        QRect(table.mapTo(refund, QPoint(0, 0)), table.size()))  # beside it, not over it


def test_a_calendars_days_are_big_enough_for_a_finger(qtbot: QtBot) -> None:
    """A walk: the date fields' calendar had 39×25 px days, and its list of months 28 px
    rows."""
    from PySide6.QtWidgets import QMenu

    from pos_app.ui.app import apply_style
    from pos_app.ui.date_field import DateField
    from pos_app.ui.qt import QApplication, QDate

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)
    field = DateField(QDate(2026, 11, 30))
    qtbot.addWidget(field)
    calendar = field.calendarWidget()
    calendar.show()  # as its popup shows it: at least its minimum size
    qtbot.waitExposed(calendar)
    days = calendar.findChild(QTableView)
    assert days is not None
    # Laid out as the popup shows it (a failure here is a timeout: the days stayed small).
    qtbot.waitUntil(lambda: min(days.rowHeight(3), days.columnWidth(3)) >= FINGER)
    [months] = calendar.findChildren(QMenu)
    assert months.actionGeometry(months.actions()[0]).height() >= FINGER


def test_a_calendar_made_before_a_language_switch_speaks_the_new_language(
        qtbot: QtBot, tmp_path: Path) -> None:
    """A walk: History's calendar stayed English ("November", Sun…Sat) after Russian was
    chosen; a date field made after the switch spoke Russian."""
    from pos_app.ui.date_field import DateField
    from pos_app.ui.qt import QDate, QLocale
    from pos_app.ui.translations import Translations

    field = DateField(QDate(2026, 11, 30))
    qtbot.addWidget(field)
    translations = Translations(tmp_path / "qm")
    translations.use("ru")
    try:
        qtbot.waitUntil(lambda: field.calendarWidget().locale().language()
                        == QLocale.Language.Russian)
        assert field.locale().language() == QLocale.Language.Russian
    finally:
        translations.use("en")  # the translator is global: the next test starts in English
    qtbot.waitUntil(lambda: field.calendarWidget().locale().language()
                    == QLocale.Language.English)


@pytest.mark.parametrize("kiosk", [False, True])
async def test_the_training_terminal_stays_whole_beside_no_shift(make_window: MakeWindow,
                                                                kiosk: bool) -> None:
    """A walk: "терминал TRAININ…" beside "Нет смены" at 1024 px."""
    from tests.helpers import wait_until

    window = await make_window(shift=False, kiosk=kiosk)
    window.translations.use("ru")
    window.resize(*SMALLEST)
    await wait_until(lambda: window.shift_button.text() == "Нет смены")
    assert problems(window) == []
    assert window.terminal.text() == "терминал TRAINING-01"


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no keyboard grab
def test_a_choices_open_list_shows_its_longest_item_whole(qtbot: QtBot) -> None:
    """A walk: the open list as narrow as its box cut "In progress or unknown" to
    "In progre…r unknown"."""
    from pos_app.ui.app import apply_style
    from pos_app.ui.qt import QApplication, QWidget
    from pos_app.ui.widgets import choice_box

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)  # its lists as lists (combobox-popup: 0)
    form = QWidget()
    qtbot.addWidget(form)
    box = choice_box()
    box.setParent(form)
    box.addItems(["Any", "In progress or outcome unknown, asked again later"])
    box.setFixedWidth(120)  # squeezed by its form, as in History's filters
    form.show()
    qtbot.waitExposed(form)
    box.showPopup()
    view = box.view()
    qtbot.waitUntil(view.isVisible)
    assert view.viewport().width() >= view.sizeHintForColumn(0)
    box.hidePopup()


async def test_a_screen_built_when_first_used_is_laid_out_at_its_place_at_once(
        make_window: MakeWindow) -> None:
    """helper-51: the first payment screen of a session was painted once as a narrow column
    (the stack sizes a new page only at its next layout pass), then jumped."""
    window = await make_window()
    for name in ("choose", "payment_screen", "result", "history", "shift_screen"):
        assert not window.built(name)
        screen = getattr(window, name)
        assert screen.geometry() == window.stack.contentsRect(), name
        buttons = [b for b in screen.findChildren(QPushButton) if not b.isHidden()]
        assert buttons, name
        assert all(b.width() > 0 for b in buttons), name
