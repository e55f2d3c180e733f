"""A choice's combo box: its open list as wide as its longest item."""

from __future__ import annotations

from pos_app.ui.qt import QComboBox


class ChoiceBox(QComboBox):
    """Its open list is a list view (the style sheet's ``combobox-popup: 0``, for rows a
    finger can hit), which Qt makes only as wide as the box: "In progre…r unknown" in
    History's list, "квадратны…антиметры" among the units (a walk)."""

    def showPopup(self) -> None:
        view = self.view()
        # Room for a scroll bar always: the screen's edge can cut a short list too (a walk:
        # the units' list, 9 items, "квадратны…антиметры" beside the bar it grew).
        scroll = view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + scroll)
        super().showPopup()
