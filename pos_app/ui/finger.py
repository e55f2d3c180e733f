"""The style of a combo box's open list: rows a finger can hit."""

from __future__ import annotations

from pos_app.ui.qt import QComboBox, QProxyStyle, QSize, QStyle, QStyleOption, QWidget


class FingerStyle(QProxyStyle):
    """The platform's style, with a combo box's open list in rows a finger can hit: Qt
    draws them as menu items 28 px high, past the style sheet (issue 20 #13).  A delegate
    of our own in their place no longer closed the list on a tap; sizing the menu items
    leaves choosing and painting to Qt."""

    ROW = 44  # px

    def sizeFromContents(self, kind: QStyle.ContentsType, option: QStyleOption, size: QSize,
                         widget: QWidget | None = None, /) -> QSize:
        # None when sized for no widget (PySide6's stub for QProxyStyle says a widget).
        found = super().sizeFromContents(kind, option, size, widget)  # type: ignore[arg-type]
        if kind == QStyle.ContentsType.CT_MenuItem and isinstance(widget, QComboBox):
            found.setHeight(max(found.height(), self.ROW))
        return found


_made: list[FingerStyle] = []


def finger_style() -> FingerStyle:
    """The one :class:`FingerStyle`, set on each combo box (``widgets.choice_box``), not on
    the application: as the application's style, Python was called for every size Qt
    measured (~430 calls before the first paint), and its type and enums were built before
    any combo box existed (issue 17)."""
    if not _made:
        _made.append(FingerStyle())
    return _made[0]


def fit_choices(widget: QWidget) -> None:
    """Every combo box in ``widget`` (one of Qt's own dialogs: the printers, the file types)
    with open lists a finger can hit, as :func:`~pos_app.ui.widgets.choice_box` makes ours."""
    for box in widget.findChildren(QComboBox):
        box.setStyle(finger_style())
