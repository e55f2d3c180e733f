"""Every Qt name the UI uses, from one place (so PySide6 is imported here only).

The names are looked up when first imported from here, not all at once: PySide6 builds a
class (and its enums) on first use, and building all of these took ~50 ms of the start.
``Qt`` itself is looked up when one of its names is first used (:class:`_QtNamespace`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets


def _skip_the_feature_scan() -> None:
    """PySide6 reads the source of every module imported after it (``inspect.getsource``),
    to learn whether it might say ``from __feature__ import snake_case``: ~47 ms over the
    ~230 modules of a start (issue 17).  This app never selects a feature, so every module
    is left, unread, to the default behaviour it would get anyway."""
    try:
        from shibokensupport import feature  # type: ignore[import-not-found]  # in shiboken6
    except ImportError:
        return
    if callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = lambda module: False


_skip_the_feature_scan()

if TYPE_CHECKING:
    from PySide6.QtCore import (
        QAbstractTableModel,
        QBasicTimer,
        QByteArray,
        QCoreApplication,
        QDate,
        QEvent,
        QEventLoop,
        QLocale,
        QMarginsF,
        QModelIndex,
        QObject,
        QPersistentModelIndex,
        QPoint,
        QPointF,
        QRect,
        QRectF,
        QSettings,
        QSize,
        QSizeF,
        QSortFilterProxyModel,
        QStandardPaths,
        Qt,
        QTimer,
        QTimerEvent,
        QTranslator,
        QUrl,
        Signal,
        Slot,
    )
    from PySide6.QtGui import (
        QAbstractTextDocumentLayout,
        QAction,
        QBrush,
        QCloseEvent,
        QColor,
        QDesktopServices,
        QFocusEvent,
        QFont,
        QFontMetrics,
        QGuiApplication,
        QImage,
        QKeyEvent,
        QKeySequence,
        QMouseEvent,
        QPageLayout,
        QPageSize,
        QPainter,
        QPaintEvent,
        QPalette,
        QPixmap,
        QResizeEvent,
        QShortcut,
        QShowEvent,
        QStandardItem,
        QStandardItemModel,
        QTextDocument,
        QWheelEvent,
        QWindow,
    )
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractScrollArea,
        QAbstractSpinBox,
        QApplication,
        QButtonGroup,
        QCalendarWidget,
        QCheckBox,
        QComboBox,
        QDateEdit,
        QDialog,
        QDialogButtonBox,
        QDoubleSpinBox,
        QFileDialog,
        QFileSystemModel,
        QFormLayout,
        QFrame,
        QGridLayout,
        QGroupBox,
        QHBoxLayout,
        QHeaderView,
        QLabel,
        QLayout,
        QLineEdit,
        QListWidget,
        QListWidgetItem,
        QMainWindow,
        QMessageBox,
        QPlainTextEdit,
        QProgressBar,
        QPushButton,
        QScrollArea,
        QSizePolicy,
        QSpinBox,
        QSplitter,
        QStackedWidget,
        QStyle,
        QStyleOptionComboBox,
        QTabBar,
        QTableView,
        QTableWidget,
        QTableWidgetItem,
        QTabWidget,
        QTextBrowser,
        QToolButton,
        QTreeView,
        QVBoxLayout,
        QWidget,
    )


class _QtNamespace:
    """``Qt``, built by PySide6 when one of its names is first used, not when imported.

    Building it makes all of its 93 enums at once, ~16 ms; the sale screen's first paint
    needs none of them (issue 17: it sets its few enum properties by name, see
    :func:`pos_app.ui.widgets.set_keys`)."""

    def __getattr__(self, name: str) -> Any:
        value = getattr(QtCore.Qt, name)
        setattr(self, name, value)  # the next use finds it here
        return value


def __getattr__(name: str) -> Any:
    """``from pos_app.ui.qt import QLabel`` comes here the first time (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name == "Qt":
        globals()[name] = _QtNamespace()
        return globals()[name]
    for module in (QtWidgets, QtGui, QtCore):
        if hasattr(module, name):
            break
    else:  # printing is needed by receipts and reports only
        module = importlib.import_module("PySide6.QtPrintSupport")
    value = getattr(module, name)
    globals()[name] = value  # the next import finds it without coming here
    return value


__all__ = [
    "QAbstractButton",
    "QAbstractItemView",
    "QAbstractScrollArea",
    "QAbstractSpinBox",
    "QAbstractTableModel",
    "QAbstractTextDocumentLayout",
    "QAction",
    "QApplication",
    "QBasicTimer",
    "QBrush",
    "QButtonGroup",
    "QByteArray",
    "QCalendarWidget",
    "QCheckBox",
    "QCloseEvent",
    "QColor",
    "QComboBox",
    "QCoreApplication",
    "QDate",
    "QDateEdit",
    "QDesktopServices",
    "QDialog",
    "QDialogButtonBox",
    "QDoubleSpinBox",
    "QEvent",
    "QEventLoop",
    "QFileDialog",
    "QFileSystemModel",
    "QFocusEvent",
    "QFont",
    "QFontMetrics",
    "QFormLayout",
    "QFrame",
    "QGridLayout",
    "QGroupBox",
    "QGuiApplication",
    "QHBoxLayout",
    "QHeaderView",
    "QImage",
    "QKeyEvent",
    "QKeySequence",
    "QLabel",
    "QLayout",
    "QLineEdit",
    "QListWidget",
    "QListWidgetItem",
    "QLocale",
    "QMainWindow",
    "QMarginsF",
    "QMessageBox",
    "QModelIndex",
    "QMouseEvent",
    "QObject",
    "QPageLayout",
    "QPageSize",
    "QPaintEvent",
    "QPainter",
    "QPalette",
    "QPersistentModelIndex",
    "QPixmap",
    "QPlainTextEdit",
    "QPoint",
    "QPointF",
    "QPrintDialog",
    "QPrinter",
    "QPrinterInfo",
    "QProgressBar",
    "QPushButton",
    "QRect",
    "QRectF",
    "QResizeEvent",
    "QScrollArea",
    "QSettings",
    "QShortcut",
    "QShowEvent",
    "QSize",
    "QSizeF",
    "QSizePolicy",
    "QSortFilterProxyModel",
    "QSpinBox",
    "QSplitter",
    "QStackedWidget",
    "QStandardItem",
    "QStandardItemModel",
    "QStandardPaths",
    "QStyle",
    "QStyleOptionComboBox",
    "QTabBar",
    "QTabWidget",
    "QTableView",
    "QTableWidget",
    "QTableWidgetItem",
    "QTextBrowser",
    "QTextDocument",
    "QTimer",
    "QTimerEvent",
    "QToolButton",
    "QTranslator",
    "QTreeView",
    "QUrl",
    "QVBoxLayout",
    "QWheelEvent",
    "QWidget",
    "QWindow",
    "Qt",
    "Signal",
    "Slot",
]
