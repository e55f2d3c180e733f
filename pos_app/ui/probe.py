"""What the window shows, for the real-window tests: never set on a register.

With ``POS_APP_UI_PROBE=<path>`` the app answers on that Unix socket, one JSON request per
line, where its widgets are on the screen and what they say.  It only *reads*: the tests
press keys and click with real X input events (xdotool), as a cashier does, and use this to
know where a button is and when the window has reacted — as an accessibility API would.

Requests (JSON lines) and answers:

- ``{"op": "snapshot"}``: ``{"screen", "focus", "active", "modal", "popup", "busy",
  "running", "windows": [...], "widgets": [...]}`` (``running``: the cashier window's
  payments have started, see ``MainWindow.running``); each widget ``{"name", "class",
  "text", "enabled", "rect": [x, y, w, h], "seen": [x, y, w, h], "window", "checked",
  "focus", "tooltip"}``
  in global screen pixels (``seen``: the part not hidden by a scroll area), only the
  visible ones; each window with its X id (``xid``).
- ``{"op": "tabs", "name": N}``: the tabs of the tab widget N, ``[{"index", "text",
  "rect", "current"}]``.
- ``{"op": "items", "name": N}``: the visible cells of the item view named N (or of the open
  combo box list when N is ``"popup"``): ``[{"row", "column", "text", "rect"}]``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from pos_app.ui import support
from pos_app.ui.qt import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QModelIndex,
    QPlainTextEdit,
    QPoint,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

log = logging.getLogger(__name__)


async def serve(path: str) -> asyncio.AbstractServer:
    """Answer on the Unix socket at ``path`` until the process ends."""
    server = await asyncio.start_unix_server(_client, path=path)
    log.info("UI probe listening on %s", path)
    return server


async def _client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while line := await reader.readline():
            request = json.loads(line)
            try:
                answer: Any = {"ok": True, "result": _answer(request)}
            except Exception as exc:  # a test's bad request must not take the app down
                answer = {"ok": False, "error": repr(exc)}
            writer.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


def _answer(request: dict[str, Any]) -> Any:
    op = request["op"]
    if op == "snapshot":
        return snapshot()
    if op == "items":
        return items(str(request["name"]))
    if op == "tabs":
        return tabs(str(request["name"]))
    raise ValueError(f"unknown op {op!r}")


def _rect(widget: QWidget) -> list[int]:
    corner = widget.mapToGlobal(QPoint(0, 0))
    return [corner.x(), corner.y(), widget.width(), widget.height()]


def _seen(widget: QWidget) -> list[int]:
    """The part of the widget actually on the screen (a scroll area may hide the rest)."""
    visible = widget.visibleRegion().boundingRect()
    if visible.isEmpty():
        return [0, 0, 0, 0]
    corner = widget.mapToGlobal(visible.topLeft())
    return [corner.x(), corner.y(), visible.width(), visible.height()]


def _text(widget: QWidget) -> str:
    if isinstance(widget, QMessageBox):
        return "\n".join(t for t in (widget.text(), widget.informativeText()) if t)
    if isinstance(widget, QAbstractButton | QLabel):
        return widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    if isinstance(widget, QPlainTextEdit | QTextBrowser):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractSpinBox):  # dates and numbers, as shown
        return widget.text()
    return ""


def _name(widget: QWidget | None) -> str:
    if widget is None:
        return ""
    return widget.objectName() or type(widget).__name__


def snapshot() -> dict[str, Any]:
    """Every visible window and widget, where it is and what it says."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    windows, widgets = [], []
    screen = ""
    running = False
    for top in app.topLevelWidgets():
        if not top.isVisible():
            continue
        windows.append({"name": _name(top), "class": type(top).__name__, "xid": int(top.winId()),
                        "minimized": top.isMinimized(), "full_screen": top.isFullScreen(),
                        "title": top.windowTitle(), "modal": top.isModal(),
                        "text": _text(top), "rect": _rect(top)})
        if isinstance(top, QMainWindow):
            stack = top.findChild(QStackedWidget)
            screen = _name(stack.currentWidget()) if stack is not None else ""
            running = bool(getattr(top, "running", False))
        for widget in top.findChildren(QWidget):
            if not widget.isVisible() or widget.window() is not top:
                continue
            if not (widget.objectName() or isinstance(widget, QAbstractButton)):
                continue
            widgets.append({
                "name": widget.objectName(), "class": type(widget).__name__,
                "text": _text(widget), "enabled": widget.isEnabled(), "rect": _rect(widget),
                "seen": _seen(widget),
                "window": _name(top), "focus": widget.hasFocus(),
                "checked": widget.isChecked() if isinstance(widget, QAbstractButton) else None,
                "tooltip": widget.toolTip()})
    return {"screen": screen, "focus": _name(app.focusWidget()),
            "active": _name(app.activeWindow()),
            "modal": _name(app.activeModalWidget()), "popup": _name(app.activePopupWidget()),
            "busy": support.running_actions(), "running": running, "windows": windows,
            "widgets": widgets}


def items(name: str) -> list[dict[str, Any]]:
    """The visible cells of an item view (a table, a list, an open combo box's list)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if name == "popup":
        popup = app.activePopupWidget()
        views = popup.findChildren(QAbstractItemView) if popup is not None else []
    else:
        views = [view for top in app.topLevelWidgets() if top.isVisible()
                 for view in top.findChildren(QAbstractItemView, name) if view.isVisible()]
    if not views:
        raise LookupError(f"no visible item view {name!r}")
    view = views[0]
    model, port = view.model(), view.viewport()
    cells = []
    top = QModelIndex()  # a list's model takes no call without it (QAbstractListModel)
    # A list has one column; its model's columnCount is private in PySide6.
    columns = 1 if isinstance(view, QListWidget) else model.columnCount(top)
    for row in range(min(model.rowCount(top), 1000)):  # the tests' journals are small
        for column in range(columns):
            index = model.index(row, column)
            rect = view.visualRect(index)
            if rect.isEmpty() or not port.rect().intersects(rect):
                continue
            corner = port.mapToGlobal(rect.topLeft())
            cells.append({"row": row, "column": column, "text": str(index.data() or ""),
                          "rect": [corner.x(), corner.y(), rect.width(), rect.height()]})
    return cells


def tabs(name: str) -> list[dict[str, Any]]:
    """The tabs of the tab widget named ``name``: ``[{"index", "text", "rect", "current"}]``."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    for top in app.topLevelWidgets():
        widget = top.findChild(QTabWidget, name)
        if widget is not None and widget.isVisible():
            bar = widget.tabBar()
            found = []
            for index in range(bar.count()):
                rect = bar.tabRect(index)
                corner = bar.mapToGlobal(rect.topLeft())
                found.append({"index": index, "text": bar.tabText(index),
                              "current": index == bar.currentIndex(),
                              "rect": [corner.x(), corner.y(), rect.width(), rect.height()]})
            return found
    raise LookupError(f"no visible tab widget {name!r}")
