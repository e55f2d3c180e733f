"""What every screen needs: the service's events as Qt signals, async actions, messages.

One asyncio loop (qasync) drives Qt and the network, so dialogs are never run
with a nested ``exec()`` from a coroutine (that would re-enter asyncio tasks):
:func:`ask` opens them and awaits their ``finished`` signal instead.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from pos_app.i18n import Message, UserError, tr
from pos_app.ui.qt import (
    QApplication,
    QEvent,
    QFont,
    QLayout,
    QObject,
    QPushButton,
    QSizePolicy,
    Qt,
    QWidget,
    Signal,
)
from pos_app.ui.widgets import set_keys

if TYPE_CHECKING:
    import asyncio

    from pos_app.core.payments.service import PaymentService
    from pos_app.ui.progress import ProgressDialog
    from pos_app.ui.qt import QDialog, QFileDialog, QMessageBox, QPrinter

log = logging.getLogger(__name__)
T = TypeVar("T")
C = "Common"


class Bridge(QObject):
    """The payment service's updates, delivered as a Qt signal on the GUI thread."""

    updated = Signal(object)  # PaymentUpdate

    def __init__(self, service: PaymentService) -> None:
        super().__init__()
        self._unsubscribe = service.subscribe(self.updated.emit)

    def close(self) -> None:
        self._unsubscribe()


class Screen(QWidget):
    """A page of the main window; its texts follow the language as it changes.

    A screen shown holds the keyboard focus (in its field, or itself), so its keys work at
    once: the focus left in a screen that was hidden (a sale's amount field) went nowhere.
    """

    def __init__(self) -> None:
        super().__init__()
        # By Tab, never by a click: a click on a button that takes no focus (the keypad)
        # must leave it in the amount field, not hand it to the screen.
        set_keys(self, "focusPolicy", "TabFocus")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Set every visible text; called at creation and on a language switch."""

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.shown()
        focus = QApplication.focusWidget() or self.window().focusWidget()
        if focus is None or not (focus is self or self.isAncestorOf(focus)):
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def shown(self) -> None:
        """The screen became visible (put the focus where the cashier types)."""

    def escape_button(self) -> QPushButton | None:
        """What Escape presses on this screen: its way back or out."""
        return None


def restyle(widget: QWidget, name: str, value: str) -> None:
    """Set a property the style sheet (resources/style.qss) selects on, and apply it now:
    Qt reads a changed property only when the widget is polished again.  Unchanged (unset
    is ""), nothing is done."""
    if (widget.property(name) or "") == value:
        return
    widget.setProperty(name, value)
    polish_again(widget)


def polish_again(widget: QWidget) -> None:
    """Apply the application's style sheet to ``widget`` again, after a property it selects
    on changed, as ``style().unpolish()`` and ``polish()`` would: a style sheet of its own
    with no rule makes Qt polish it again.  ``style()`` would make PySide6 build QStyle's
    Python type and its 19 enums (~6 ms of every start, issue 17).  The app's widgets have
    no style sheet of their own (a real one would be replaced)."""
    widget.setStyleSheet(" ")


def big_button(text: str = "", *, role: str = "", height: int = 56) -> QPushButton:
    """A touch-friendly button; ``role`` ("primary", "danger") picks its colour in the style."""
    button = QPushButton(text)
    button.setMinimumHeight(height)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    if role:
        button.setProperty("role", role)
    return button


def font(points: int, *, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(points)
    f.setBold(bold)
    return f


_tasks: set[asyncio.Task[Any]] = set()
PROGRESS_AFTER_S = 0.3  # a wait shorter than this shows no progress dialog


def spawn(coroutine: Coroutine[Any, Any, T], *, parent: QWidget | None = None,
          busy: QWidget | None = None, on_done: Callable[[T], None] | None = None,
          ) -> asyncio.Task[T] | None:
    """Run an action: disable ``busy`` meanwhile, report any error to the cashier."""
    import asyncio
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        # Qt delivered an event while the app shuts down and the loop no longer runs.
        log.debug("dropped %r: the event loop has stopped", coroutine)
        coroutine.close()
        return None
    if busy is not None:
        busy.setEnabled(False)

    async def run() -> T:
        try:
            result = await coroutine
        except asyncio.CancelledError:
            raise
        except UserError as exc:
            show_error(parent, exc.message.render())
            raise
        except Exception:
            log.exception("action failed")
            show_unexpected(parent)
            raise
        finally:
            if busy is not None:
                busy.setEnabled(True)
        if on_done is not None:
            on_done(result)
        return result

    task = loop.create_task(run())
    _tasks.add(task)
    task.add_done_callback(_forget)
    # A task cancelled before it ran (the window closing) never started the action: close
    # it, or Python warns at exit that it "was never awaited".  A no-op once it has run.
    task.add_done_callback(lambda _: coroutine.close())
    return task


def running_actions() -> int:
    """How many screen actions are still running (the real-window tests wait for none)."""
    return len(_tasks)


async def cancel_actions() -> None:
    """Stop the unfinished screen actions (at shutdown), before the journal closes under them.

    A payment is not an action: it is journaled and finished by the payment service.
    """
    import asyncio
    pending = list(_tasks)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


def _forget(task: asyncio.Task[Any]) -> None:
    _tasks.discard(task)
    if not task.cancelled():
        task.exception()  # already reported; keeps asyncio from warning about it


def settle(future: asyncio.Future[T], value: T) -> None:
    """Resolve a future once; later calls (a second signal) are ignored."""
    if not future.done():
        future.set_result(value)


async def ask(dialog: QDialog) -> int:
    """Show a dialog without a nested event loop and wait for its result."""
    import asyncio
    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(result: int) -> None:
        if not done.done():
            done.set_result(result)

    dialog.finished.connect(finished)
    open_dialog(dialog)
    parent = dialog.parentWidget()
    if parent is not None and getattr(parent.window(), "kiosk", False):
        from pos_app.ui.desktop import on_every_desktop

        on_every_desktop(int(dialog.winId()))  # with its kiosk, on every virtual desktop
    result = await done
    _give_back_keyboard(dialog.parentWidget())
    return result


def open_dialog(dialog: QDialog) -> None:
    """Show ``dialog`` window-modal, without a nested event loop.  QDialog's own open():
    QPrintDialog, QFileDialog and other standard dialogs overload open(receiver, member),
    and their open() without arguments raises in PySide6."""
    from pos_app.ui.qt import QDialog  # the dialogs' Qt types when one opens (issue 17)

    QDialog.open(dialog)


def print_dialog(printer: QPrinter, parent: QWidget) -> QDialog:
    """Qt's print dialog, never larger than the window it serves: its "Options >>" grew it
    past a 1024×768 screen's edges, Cancel out of reach (a walk)."""
    from pos_app.ui.qt import QPrintDialog

    dialog = QPrintDialog(printer, parent)
    dialog.setMaximumSize(parent.window().size())
    dialog.installEventFilter(_KeepInside(dialog))
    return dialog


class _KeepInside(QObject):
    """Moves the window it watches back inside its screen whenever it grows or moves (the
    print dialog's options grew it past the right and bottom edges where it stood), and
    keeps the dialogs it opens within the screen too (the printer's Properties were 862 px
    high on a 768 px screen, OK and Cancel out of reach: a walk)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QWidget) or watched.screen() is None:
            return False
        if event.type() == QEvent.Type.WindowBlocked:  # a dialog of its own opened over it
            opened = QApplication.activeModalWidget()
            if opened is not None and opened is not watched and opened.screen() is not None:
                border = watched.frameGeometry().size() - watched.geometry().size()
                if (layout := opened.layout()) is not None:  # its own minimum does not win
                    layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
                opened.setMinimumSize(0, 0)
                opened.setMaximumSize(opened.screen().availableGeometry().size() - border)
                opened.resize(opened.size().boundedTo(opened.maximumSize()))
                opened.installEventFilter(self)
                _move_inside(opened)
        elif event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            _move_inside(watched)
        return False


def _move_inside(window: QWidget) -> None:
    area = window.screen().availableGeometry()
    frame = window.frameGeometry()
    x = max(area.left(), min(frame.left(), area.right() - frame.width() + 1))
    y = max(area.top(), min(frame.top(), area.bottom() - frame.height() + 1))
    if (x, y) != (frame.left(), frame.top()):
        window.move(x, y)


async def choose_file(parent: QWidget, title: str, *, name_filter: str, suggested: str = "",
                      save: bool = True) -> Path | None:
    """A file chosen in a file dialog (None if the person gave up).  A name without a folder
    is suggested in the person's documents, not in the app's working folder."""
    from pos_app.ui.qt import QFileDialog

    dialog = QFileDialog(parent, title)
    _fit_file_dialog(dialog, parent)
    dialog.setNameFilter(name_filter)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(name_filter.rpartition("*.")[2].rstrip(")"))
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    suggested_path = Path(suggested) if suggested else None
    folder = (suggested_path.parent if suggested_path and suggested_path.is_absolute()
              else documents_folder())
    dialog.setDirectory(str(folder))
    if suggested_path is not None:
        dialog.selectFile(suggested_path.name)
    if not await ask(dialog) or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def _fit_file_dialog(dialog: QFileDialog, parent: QWidget) -> None:
    """Qt's file dialog as large as the screen allows, every column's title whole (its own
    size cut "Дата изменения" and the sizes at 1024×768).  The screen, not the window that
    asks: asked from the export's small dialog, it was 480×290 with a list 50 px high."""
    from pos_app.ui.qt import QHeaderView, QTreeView

    screen = parent.screen().availableGeometry()
    dialog.resize(min(screen.width() - 40, 960), min(screen.height() - 40, 640))
    if (files := dialog.findChild(QTreeView, "treeView")) is not None:
        header = files.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)


def documents_folder() -> Path:
    """Where a person keeps files they save: Documents, else the home folder."""
    from pos_app.ui.qt import QStandardPaths

    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def _give_back_keyboard(parent: QWidget | None) -> None:
    """A closed dialog hands the keyboard back to its window: window managers do not always
    (the cashier's next keys went nowhere after the shift was opened)."""
    if parent is not None and parent.window().isVisible():
        parent.window().activateWindow()


def show_error(parent: QWidget | None, text: str) -> QMessageBox:
    from pos_app.ui.qt import QMessageBox

    return _message(QMessageBox.Icon.Warning, tr(C, "Attention"), text, parent, "errorBox")


def _message(icon: QMessageBox.Icon, title: str, text: str, parent: QWidget | None,
             name: str) -> QMessageBox:
    """A message box, open until read.  Without a parent it belongs to the active window:
    a box nobody holds was collected at once (an error in a scan showed nothing)."""
    from pos_app.ui.qt import QMessageBox

    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok,
                      parent if parent is not None else QApplication.activeWindow())
    box.setObjectName(name)
    box.button(QMessageBox.StandardButton.Ok).setObjectName("ok")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # nobody reads it once closed
    if box.parent() is None:
        _unowned.add(box)
        box.finished.connect(lambda _: _unowned.discard(box))
    open_dialog(box)
    return box


_unowned: set[QMessageBox] = set()


def unexpected_error_text() -> str:
    """What a person reads after an error in the app itself: what was kept and what to do;
    never the error's name (that is in the log, for whoever maintains the till)."""
    return tr(C, "Something went wrong in the app, and this action was not completed.\n\n"
                 "Nothing is lost: every payment is kept in the journal, and payments in "
                 "progress go on. If a payment was being taken, check it in History before "
                 "taking it again. If this happens again, restart the app and tell your "
                 "administrator; the details are in the log.")


def show_unexpected(parent: QWidget | None) -> QMessageBox:
    box = show_error(parent, unexpected_error_text())
    box.setObjectName("unexpectedErrorBox")
    return box


def show_info(parent: QWidget | None, text: str) -> QMessageBox:
    from pos_app.ui.qt import QMessageBox

    return _message(QMessageBox.Icon.Information, tr(C, "Information"), text, parent,
                    "infoBox")


async def confirm(parent: QWidget | None, text: str) -> bool:
    from pos_app.ui.qt import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, tr(C, "Please confirm"), text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("confirmBox")
    box.button(QMessageBox.StandardButton.Yes).setObjectName("yes")
    box.button(QMessageBox.StandardButton.No).setObjectName("no")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return await ask(box) == QMessageBox.StandardButton.Yes


def render(message: Message | None) -> str:
    return message.render() if message else ""


def install_excepthook(show: Callable[[QWidget | None], object]) -> None:
    """Unhandled exceptions are logged and shown; nothing fails silently."""
    import asyncio

    def hook(kind: type[BaseException], value: BaseException,
             tb: TracebackType | None) -> None:
        log.critical("unhandled exception:\n%s", "".join(traceback.format_exception(
            kind, value, tb)))
        if issubclass(kind, KeyboardInterrupt):
            return
        show(None)

    sys.excepthook = hook

    def loop_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException):
            hook(type(error), error, error.__traceback__)
        else:
            log.error("event loop: %s", context.get("message"))

    asyncio.get_event_loop().set_exception_handler(loop_handler)


async def with_progress(parent: QWidget | None, work: Awaitable[T], text: str, *,
                        dialog: ProgressDialog | None = None) -> T | None:
    """Await ``work`` behind a progress dialog; None if the cashier stopped waiting.

    Stopping only stops the waiting: what was sent stays journaled and is finished by the
    payment service in the background.  ``dialog``: one made by the caller, to report
    progress into; the caller deletes it (progress may still arrive after a Stop).
    """
    import asyncio
    task = asyncio.ensure_future(work)
    # Work that is done at once shows no dialog: a flash of one is noise, and the window
    # manager may not give the keyboard back after it.
    await asyncio.wait({task}, timeout=PROGRESS_AFTER_S)
    if task.done():
        return task.result()
    owned = dialog is None
    if dialog is None:
        from pos_app.ui.progress import ProgressDialog

        dialog = ProgressDialog(parent, text)
    closed = _finished(dialog)  # connected before it shows: a quick Stop is not missed
    open_dialog(dialog)
    try:
        either: set[asyncio.Future[Any]] = {task, closed}
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    finally:
        closed.cancel()
        dialog.done(0)
        if owned:
            dialog.deleteLater()  # one per wait: a long day must not pile them up
        _give_back_keyboard(parent)
    if not task.done():
        task.add_done_callback(_forget)
        return None
    return task.result()


def _finished(dialog: QDialog) -> asyncio.Future[None]:
    """Done when the dialog closes.  Connected at once: as a task it connected only when
    first run, and a Stop pressed before that was lost (the wait hung)."""
    import asyncio
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finished(_: int) -> None:
        if not done.done():
            done.set_result(None)

    dialog.finished.connect(finished)
    return done
