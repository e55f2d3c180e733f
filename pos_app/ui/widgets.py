"""Small widgets: the QR code, the countdown, the keypad, the barcode-scanner detector, a
label that cuts a long text with "…"."""

from __future__ import annotations

import bisect
import functools
import time
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pos_app.core.clock import utcnow
from pos_app.core.config import ScannerSettings
from pos_app.i18n import tr
from pos_app.ui import qt
from pos_app.ui.qt import (
    QApplication,
    QColor,
    QEvent,
    QFontMetrics,
    QGridLayout,
    QGuiApplication,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QMouseEvent,
    QObject,
    QPaintEvent,
    QPointF,
    QPushButton,
    QResizeEvent,
    QShowEvent,
    QSize,
    QSizePolicy,
    Qt,
    QTimer,
    QWheelEvent,
    QWidget,
    Signal,
)

# Names of Qt types that only a choice, a date, a QR code or the input guards use are looked up
# when used (qt.QComboBox…): looking one up builds its Python type and enums, and none of them
# is needed before the sale screen's first paint (issue 17).
if TYPE_CHECKING:
    from pos_app.ui.qt import QComboBox, QWindow

C = "Widgets"
FINGER_JITTER_PX = 24  # between a finger's two taps of one double tap (Manhattan distance)
T = TypeVar("T")


def chosen(combo: QComboBox, kind: Callable[[Any], T]) -> T:
    """The chosen item's data, as the core type ``kind`` (``Measure``, ``int``, ``str``…).

    Qt keeps an item's data as a variant: a str-based enum put in comes back a plain str.
    Every value read from a combo box passes through its type here, at the widget
    boundary, so nothing untyped reaches a sale, a payment or a setting.  Raises
    ValueError when nothing (or a placeholder without data) is chosen.
    """
    data = combo.currentData()
    if data is None:
        raise ValueError(f"nothing chosen in {combo.objectName() or 'a combo box'}")
    return kind(data)


@functools.lru_cache(maxsize=64)
def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of a QR code for ``payload`` (cached: repainting costs nothing)."""
    import qrcode  # drawn on the payment screen, not needed before the window first shows
    import qrcode.constants

    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


class QrWidget(QWidget):
    """A QR code painted module by module with QPainter: crisp at any size (like Electrum)."""

    QUIET_ZONE = 4  # modules of white around the code, as the standard asks

    def __init__(self, parent: QWidget | None = None, *, minimum: int = 240) -> None:
        super().__init__(parent)
        self._payload = ""
        self.setMinimumSize(minimum, minimum)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @property
    def payload(self) -> str:
        return self._payload

    def set_payload(self, payload: str) -> None:
        if payload != self._payload:
            self._payload = payload
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 360)

    def geometry_of_modules(self) -> tuple[int, int, int, int]:
        """(module size in pixels, left, top, modules across) of the painted code."""
        matrix = qr_matrix(self._payload)
        count = len(matrix) + 2 * self.QUIET_ZONE
        module = max(min(self.width(), self.height()) // count, 1)
        side = module * count
        left, top = (self.width() - side) // 2, (self.height() - side) // 2
        return module, left + module * self.QUIET_ZONE, top + module * self.QUIET_ZONE, \
            len(matrix)

    def paintEvent(self, event: QPaintEvent) -> None:
        from pos_app.ui.qt import QPainter

        painter = QPainter(self)
        if not self._payload:
            painter.end()
            return
        module, left, top, count = self.geometry_of_modules()
        quiet = module * self.QUIET_ZONE
        painter.fillRect(left - quiet, top - quiet, module * count + 2 * quiet,
                         module * count + 2 * quiet, QColor("white"))
        black = QColor("black")
        for y, row in enumerate(qr_matrix(self._payload)):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(left + x * module, top + y * module, module, module, black)
        painter.end()


class Countdown(QLabel):
    """Time left until a deadline, updated every second; says when it is over."""

    expired = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._deadline: datetime | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def start(self, deadline: datetime | None) -> None:
        self._deadline = deadline
        if deadline is None:
            self._timer.stop()
            self.clear()
            return
        self._tick()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def seconds_left(self) -> int:
        if self._deadline is None:
            return 0
        return max(int((self._deadline - utcnow()).total_seconds() + 0.999), 0)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self._timer.isActive():
            self._tick()  # in the language now chosen (a walk: it stayed Russian)
        super().changeEvent(event)

    def _tick(self) -> None:
        left = self.seconds_left()
        minutes, seconds = divmod(left, 60)
        self.setText(tr(C, "Time left: {time}", time=f"{minutes:d}:{seconds:02d}"))
        if left == 0:
            self._timer.stop()
            self.expired.emit()


class Keypad(QWidget):
    """A numeric keypad with large keys; it types into the widget that has the focus."""

    pressed = Signal(str)  # a digit, ",", "back" or "clear"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(6)
        keys = ["7", "8", "9", "4", "5", "6", "1", "2", "3", ",", "0", "back"]
        self.buttons: dict[str, QPushButton] = {}
        for i, key in enumerate(keys):
            button = QPushButton("⌫" if key == "back" else key)
            button.setObjectName(f"key_{key}")
            button.setMinimumSize(64, 56)
            take_no_focus(button)  # the amount field keeps the focus
            button.clicked.connect(lambda _=False, k=key: self.pressed.emit(k))
            grid.addWidget(button, i // 3, i % 3)
            self.buttons[key] = button

    @staticmethod
    def apply(field: QLineEdit, key: str) -> None:
        if key == "back":
            field.backspace()
        elif key == "clear":
            field.clear()
        else:
            field.insert(key)


# The Russian ЙЦУКЕН layout over the Latin QWERTY keys: a scanner types key by key, so under
# the Russian layout a code's Latin letters arrive as the Cyrillic letters on the same keys.
_RU_KEYS = "ёйцукенгшщзхъфывапролджэячсмитьбю" + "ЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ"
_US_KEYS = "`qwertyuiop[]asdfghjkl;'zxcvbnm,." + "~QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>"
_TO_US_KEYS = str.maketrans(_RU_KEYS, _US_KEYS)


def scanned_as_latin(code: str) -> str:
    """A scanned code as the keys the scanner pressed, whatever the keyboard layout: codes
    are Latin, so Cyrillic in one is the Russian layout (``ЛЗ77…`` is ``KP77…``)."""
    return code.translate(_TO_US_KEYS)


class WedgeDetector(QObject):
    """Tells a barcode scanner (a keyboard "wedge") from a person typing.

    A scanner types a whole code within milliseconds and ends it with Enter; a person takes
    a tenth of a second or more per key.  One stall inside a scanner's burst (up to
    ``stall_ms`` after at least two fast keys) does not split it: a code cut in two was
    acted on as its tail, and its head was left in the field for the next Enter.  On Enter
    after a burst the field gets back the text it had before it and ``scanned`` carries the
    code (prefix and suffix stripped); any other Enter emits ``entered`` with the field's
    text.  :attr:`settings` are the terminal's (``[scanner]``, set by the window).
    """

    scanned = Signal(str)
    entered = Signal(str)

    settings = ScannerSettings()  # the terminal's, for every field with a detector

    def __init__(self, field: QLineEdit, *, clock: Callable[[], float] = time.monotonic,
                 pass_enter: bool = False) -> None:
        super().__init__(field)
        self._field = field
        self._clock = clock
        self._pass_enter = pass_enter  # a typed Enter goes on (to the dialog's OK)
        self._burst_start_text = ""
        self._burst_span = (0, 0)  # where in that text the burst went: (from, to) replaced
        self._burst_length = 0
        self._stalled = False  # the burst's one stall is spent
        self._last = 0.0
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self._field or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        # When the key was pressed (the window system's time, in ms), not when Qt got to it:
        # Qt handles the events queued during a busy moment together, so a person's keys
        # 60 ms apart could arrive as one fast burst.  Synthesised events carry no time.
        now = event.timestamp() / 1000 if event.timestamp() else self._clock()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return self._enter()
        if event.text() and event.text().isprintable():
            self._key(now)
        return False

    def _key(self, now: float) -> None:
        gap_ms = (now - self._last) * 1000
        self._last = now
        if self._burst_length and gap_ms <= self.settings.key_interval_ms:
            self._burst_length += 1
        elif (self._burst_length >= 2 and not self._stalled
              and gap_ms <= self.settings.stall_ms):
            self._stalled = True  # one stall inside a scanner's burst
            self._burst_length += 1
        else:  # a pause: whatever comes now starts a new burst (or is typing)
            field = self._field
            self._burst_start_text = field.text()
            start = field.selectionStart() if field.hasSelectedText() \
                else field.cursorPosition()
            self._burst_span = (start, start + len(field.selectedText()))
            self._burst_length, self._stalled = 1, False

    def _enter(self) -> bool:
        text = self._field.text()
        length, self._burst_length = self._burst_length, 0
        prefix = self.settings.prefix
        if prefix and prefix in text:  # programmed to mark its codes: however slow
            before, _, code = text.rpartition(prefix)
            return self._scanned(code, before)
        if length >= self.settings.min_length:
            # The burst replaced the selection (or went in at the cursor) it started at.
            start, end = self._burst_span
            code = text[start:len(text) - (len(self._burst_start_text) - end)]
            return self._scanned(code, self._burst_start_text)
        if self._pass_enter:
            return False
        self.entered.emit(text)
        return True

    def _scanned(self, code: str, field_text: str) -> bool:
        self._field.setText(field_text)
        if self._pass_enter:  # a form's field: what is typed next replaces it
            self._field.selectAll()
        suffix = self.settings.suffix
        code = code.strip()
        if suffix and code.endswith(suffix):
            code = code[:-len(suffix)]
        self.scanned.emit(scanned_as_latin(code.strip()))
        return True


class InputGuard(QObject):
    """The till's input guards, one filter on each of its windows.

    - **A double tap**: its second tap does not land on what the first one brought up.  A
      tap that changes the screen, or opens or closes a dialog, puts another button under
      the finger: "Pay" tapped twice pressed "Back to the sale" on the next screen, "Yes"
      twice selected a payment in the list behind the closed question.  Timed by the
      events' own clock (the window system's), as the taps happened; a key pressed in
      between is no double tap.
    - **The wheel** scrolls the form; it never changes a combo box or a number (a choice is
      made in its open list, a number typed).  Scrolling Settings over the Paymega API
      choice once switched it to "public", and Save wrote it without a word; a walk later
      scrolled over a choice it had clicked before (so it had the focus), and Koshelek's
      way to pay went from СБП to Долями.

    Each window (QWindow) is filtered, not the application: every input event passes
    through its window first, and a filter on the application was handed every event of
    every object, private Qt objects too, whose first events made PySide6 build the Python
    types of every class such an object might be (~170 enums, ~30 ms of each start, issue
    17).  A window is watched from when it is the cashier window or the setup
    (:func:`guard_input`), becomes the active window, or is a modal dialog opening over a
    watched one (Qt tells the windows it blocks, before the dialog takes any input)."""

    WITHIN_MS = 350  # a finger's double tap; a person's next deliberate tap comes later
    PROPERTY = "inputGuard"  # the application's, once it has one
    _PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)
    _SCREEN_EVENTS = (QEvent.Type.Show, QEvent.Type.Hide)
    _MODAL_EVENTS = (QEvent.Type.WindowBlocked, QEvent.Type.WindowUnblocked)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._last_press: int | None = None
        self._last_spot = QPointF()
        self._screen_changed = False
        self._spot_only = False  # only what is under the last tap changed: elsewhere is new
        self._swallowing = False

    def screen_changed(self) -> None:
        self._screen_changed, self._spot_only = True, False

    def spot_changed(self) -> None:
        """What is under the finger does something else now (the rest of the screen did not
        change): a second tap on the same spot is not taken, a tap elsewhere is."""
        if not self._screen_changed:
            self._screen_changed, self._spot_only = True, True

    def watch(self, window: QWindow | None) -> None:
        """Filter this window's input (again is harmless: Qt keeps one filter)."""
        if window is not None:
            window.installEventFilter(self)

    def focus_moved(self, window: QWindow | None) -> None:
        """QGuiApplication.focusWindowChanged: a window the person now works in is watched.
        Not a new screen by itself: the focus comes back from a choice's open list, too (the
        tap after choosing was lost)."""
        self.watch(window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            self._last_press = None
        elif kind == QEvent.Type.Wheel:
            return isinstance(event, QWheelEvent) and _wheel_over_a_choice(event)
        elif kind in self._MODAL_EVENTS:
            self._screen_changed = True  # a modal dialog came up over it, or went away
            self.watch(QGuiApplication.modalWindow())
        elif kind in self._SCREEN_EVENTS and isinstance(watched, qt.QWindow):
            if _a_screen(watched):
                self._screen_changed = True
            elif kind == QEvent.Type.Hide and watched.type() == Qt.WindowType.Popup:
                self.spot_changed()  # a choice's list closed: what it covered is under the finger
        elif kind == QEvent.Type.MouseButtonRelease:
            swallowed, self._swallowing = self._swallowing, False
            return swallowed
        elif kind in self._PRESSES and isinstance(event, QMouseEvent):
            return self._pressed(event)
        return False

    def _pressed(self, event: QMouseEvent) -> bool:
        if event.timestamp() == self._last_press:
            return self._swallowing  # the same tap: its double click, after its press
        spot = event.globalPosition()
        second_tap = (self._screen_changed and self._last_press is not None
                      and event.timestamp() - self._last_press < self.WITHIN_MS
                      and (not self._spot_only or _one_spot(spot, self._last_spot)))
        self._last_press, self._last_spot = event.timestamp(), spot
        self._screen_changed = self._spot_only = False
        self._swallowing = second_tap
        return second_tap


def guard_input(app: QApplication, window: QWidget | None = None) -> InputGuard:
    """The application's :class:`InputGuard`, made the first time; ``window`` (a top-level
    widget, shown) is watched from now on.  Returns the guard (a window tells it its
    screen changed)."""
    guard = app.property(InputGuard.PROPERTY)
    if not isinstance(guard, InputGuard):
        guard = InputGuard(app)
        app.setProperty(InputGuard.PROPERTY, guard)
        app.focusWindowChanged.connect(guard.focus_moved)
        guard.focus_moved(app.focusWindow())
    if window is not None:
        guard.watch(window.windowHandle())
    return guard


def _one_spot(one: QPointF, other: QPointF) -> bool:
    """Where the two taps of one double tap land: a finger's few pixels apart, or Qt's own
    distance for a double tap if larger.  A quick tap further away is meant (a walk's choice
    from a list, then the field under it at once)."""
    reach = max(FINGER_JITTER_PX, QGuiApplication.styleHints().touchDoubleTapDistance())
    return (one - other).manhattanLength() <= reach


def meaning_changed() -> None:
    """What is under the finger now does something else, on the same screen (a line removed
    selected the next one; the language changed every word): the second tap of a double
    tap on the same spot is not taken (walks: a double tap on Remove removed two lines, on
    the language switched it twice); a quick tap elsewhere is."""
    app = QApplication.instance()
    guard = app.property(InputGuard.PROPERTY) if app is not None else None
    if isinstance(guard, InputGuard):
        guard.spot_changed()


def _a_screen(window: QWindow) -> bool:
    """A modal dialog, or a window of its own (the first-run setup, the cashier window: a
    double tap on the setup's "Save and start" typed into the sale behind it, a walk); not
    a popup list or a tooltip, which Qt makes transient for the window they belong to.
    Told without Qt's enums: the first of them builds the whole ``Qt`` namespace, ~15 ms,
    and the cashier window's close would pay it (issue 17)."""
    return window.isModal() or window.transientParent() is None


def _wheel_over_a_choice(event: QWheelEvent) -> bool:
    """The wheel over a combo box or a number field (not over its open list): not given to
    it, but handed on to what is around it, which scrolls the form.  True: taken here."""
    widget = QApplication.widgetAt(event.globalPosition().toPoint())
    while widget is not None and not isinstance(widget, qt.QComboBox | qt.QAbstractSpinBox):
        widget = None if widget.isWindow() else widget.parentWidget()
    if widget is None:
        return False
    _hand_on(event, widget.parentWidget())
    return True


def _hand_on(event: QWheelEvent, widget: QWidget | None) -> None:
    """As Qt hands a wheel nobody took to the parents, each in turn until one takes it: a
    list at its end hands it on to the form around it (a walk: the setup's providers did
    not scroll the page).  Qt does this only for the window system's own events."""
    where = event.globalPosition()
    while widget is not None:
        relayed = QWheelEvent(widget.mapFromGlobal(where), where, event.pixelDelta(),
                              event.angleDelta(), event.buttons(), event.modifiers(),
                              event.phase(), event.inverted(), event.source())
        taken = QApplication.sendEvent(widget, relayed) and relayed.isAccepted()
        if taken or widget.isWindow() \
                or widget.testAttribute(Qt.WidgetAttribute.WA_NoMousePropagation):
            return
        widget = widget.parentWidget()


class ElidedLabel(QLabel):
    """One line that ends in "…" when it does not fit, the whole text in its tooltip: a
    store's long name must not push the till's screen down line by line."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setMinimumWidth(60)
        self.set_full_text(text)

    @property
    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        return QSize(width + 1, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()  # a style sheet sets the font after construction

    def _elide(self) -> None:
        """Cut to the width it has when shown (before, it is resized from nothing while
        the window is laid out)."""
        shown = elided(self.fontMetrics(), self._full, self.contentsRect().width()) \
            if self.isVisible() else self._full
        self.setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


ELLIPSIS = "…"


def elided(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` whole if it fits ``width`` px, else as many of its first characters as fit
    with "…" (never a letter without the accents that follow it).

    Qt's own ``QFontMetrics.elidedText`` takes its mode from the ``Qt`` namespace, and
    building that namespace (its 93 enums) cost ~16 ms of the first paint whenever a narrow
    screen cut the terminal's name (issue 17)."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    room = width - metrics.horizontalAdvance(ELLIPSIS)
    # The widths of longer beginnings never shrink: the longest that fits, by bisection.
    cut = bisect.bisect_right(range(len(text) + 1), room,
                              key=lambda n: metrics.horizontalAdvance(text[:n])) - 1
    while cut > 0 and unicodedata.combining(text[cut]):
        cut -= 1
    return text[:max(cut, 0)].rstrip() + ELLIPSIS


def set_keys(target: QObject, name: str, keys: str) -> None:
    """Set the Qt enum or flags property ``name`` by its keys' names ("NoFocus",
    "AlignRight|AlignVCenter"), converted by Qt's meta-object as a style sheet's
    ``qproperty-`` is: the ``Qt`` namespace is not built for it (~16 ms of the first paint,
    issue 17).  ValueError: the property or a key is not Qt's."""
    if not target.setProperty(name, keys):
        raise ValueError(f"{type(target).__name__} has no property {name} = {keys}")


def take_no_focus(*widgets: QWidget) -> None:
    """Taps on these leave the keyboard focus where it is (the amount field, mostly)."""
    for widget in widgets:
        set_keys(widget, "focusPolicy", "NoFocus")


def choice_box() -> QComboBox:
    """A combo box as wide as its longest item, also after a language switch retranslates
    them (Qt's default measures once, when first shown: helper-42 saw "Ссылка: карта или
    кошелё" once Russian was chosen)."""
    from pos_app.ui.choice import ChoiceBox  # its Qt type once a choice is made (issue 17)

    box = ChoiceBox()
    box.setSizeAdjustPolicy(qt.QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


def caption(text: str = "", *, points: int = 14, bold: bool = False,
            name: str = "", error: bool = False) -> QLabel:
    """A label of ``points`` size; ``error``: it says what is wrong (red)."""
    label = QLabel(text)
    if error:
        label.setProperty("role", "error")
    # Sized by the application's style sheet (resources/style.qss), where the look is kept in
    # one place; a size used here needs its rule there (tests/ui/test_qt_sanity.py checks).
    label.setProperty("points", points)
    label.setProperty("bold", bold)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class ProviderInputs(QWidget):
    """A provider's own inputs on the choose screen, made from the module its
    ``Provider.options_widget`` names (Pegas-kassa: the deposit type and a phone)."""

    def options(self) -> dict[str, str]:
        """What the payment is made with, as ``Provider.prepare`` reads it."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """Its texts again, in the language chosen now."""

    def reset(self) -> None:
        """As for a new customer: nothing the last one gave stays (a payer's phone)."""
