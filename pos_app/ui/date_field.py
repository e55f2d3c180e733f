"""The date field of History and of the shift's reports."""

from __future__ import annotations

from pos_app.ui.qt import (
    QCalendarWidget,
    QDate,
    QDateEdit,
    QEvent,
    QFocusEvent,
    QLocale,
    QMouseEvent,
    QTimer,
)


class DateField(QDateEdit):
    """A date typed as people type it: the day, month or year tapped is selected, so the
    digits typed replace it and go on to the next part (Qt's own edit put the cursor there
    and dropped every digit: a walk could not type a date into History)."""

    def __init__(self, day: QDate) -> None:
        super().__init__(day)
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd.MM.yyyy")
        # Days a finger can hit (a walk: 39×25 px cells): no week numbers, 7 × 7 cells of at
        # least 56 × 44 px under the month's own bar.
        calendar = self.calendarWidget()
        calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        calendar.setMinimumSize(7 * 56, 8 * 44)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            # Its months and days in the language chosen since it was made (a walk: History's
            # calendar stayed in English after the switch to Russian).
            for widget in (self, self.calendarWidget()):
                widget.setLocale(QLocale())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self._select_here()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        QTimer.singleShot(0, self, self._select_here)  # after Qt has placed the cursor

    def _select_here(self) -> None:
        self.setSelectedSection(self.currentSection())
