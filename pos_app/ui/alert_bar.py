"""The strip under the top bar for things a person must see.

Its own module, so that the window's first paint does not wait for the payment screens'
code (issue 17).
"""

from __future__ import annotations

from pos_app.i18n import Message, tr
from pos_app.ui.qt import QEvent, QFrame, QHBoxLayout, QPushButton, Signal
from pos_app.ui.widgets import caption, take_no_focus

C = "Payment"  # its words' translation context, as when it lived with the payment screens


class AlertBar(QFrame):  # a frame paints its style sheet background itself
    """A strip under the top bar for things a person must see (a late payment, a payment
    the last session left).  It keeps one alert per payment and shows the newest; Dismiss
    or the payment dealt with shows the one before (a walk: a late payment's alert took the
    place of another payment's "still open", which never came back)."""

    show_payment = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("alertBar")
        self.text = caption(points=14, bold=True, name="alertText")
        self.more = caption(points=11, name="alertMore")
        self.open = QPushButton()
        self.open.setObjectName("alertOpen")
        self.dismiss = QPushButton()
        self.dismiss.setObjectName("alertDismiss")
        # A tap here leaves the keyboard where it was: after Dismiss took it and hid, the
        # next scan went nowhere (an item not charged, without a sign).
        take_no_focus(self.open, self.dismiss)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.more)
        layout.addWidget(self.open)
        layout.addWidget(self.dismiss)
        # Payment id → its alert (re-read when the language changes) and whether it is
        # news (what became of a payment: kept until dismissed, not gone once dealt with).
        self._alerts: dict[str, tuple[Message, bool]] = {}
        self._notices: set[str] = set()  # alerts about no payment: nothing to Show
        self.open.clicked.connect(lambda: self.show_payment.emit(self.payment_id))
        self.dismiss.clicked.connect(lambda: self.drop(self.payment_id))
        self.retranslate()
        self.hide()

    @property
    def payment_id(self) -> str:
        """The payment of the alert shown ("" when none is)."""
        return next(reversed(self._alerts), "")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:  # it stayed in the old language
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.open.setText(tr(C, "Show"))
        self.dismiss.setText(tr(C, "Dismiss"))
        self._refresh()  # it stayed in the old language (issue 20 #3)

    def alert(self, payment_id: str, message: Message, *, news: bool = False) -> None:
        """``news``: what became of a payment, shown until dismissed (not an action the
        payment waits for, which goes once it is dealt with)."""
        self._alerts.pop(payment_id, None)
        self._alerts[payment_id] = (message, news)  # the newest, shown
        self._refresh()

    def notice(self, key: str, message: Message) -> None:
        """Something the till says about itself (not a payment) until it is dismissed: in
        the bar, not in a box that takes the keys a cashier is typing (a walk: a box at the
        start took "200" and its Enter, and the line was lost)."""
        self._notices.add(key)
        self.alert(key, message, news=True)

    def settled(self, payment_id: str) -> None:
        """The payment's alert was dealt with: its bar no longer asks the cashier to act."""
        if payment_id in self._alerts and not self._alerts[payment_id][1]:
            self.drop(payment_id)

    def drop(self, payment_id: str) -> None:
        """The payment's alert goes (dismissed, or shown where it is dealt with)."""
        self._alerts.pop(payment_id, None)
        self._notices.discard(payment_id)
        self._refresh()

    def clear(self) -> None:
        self._alerts.clear()
        self._notices.clear()
        self._refresh()

    def _refresh(self) -> None:
        if not self._alerts:
            self.hide()
            return
        message, _ = self._alerts[self.payment_id]
        self.text.setText(message.render())
        others = len(self._alerts) - 1
        self.more.setText(tr(C, "+{n} more", n=others) if others else "")
        self.more.setVisible(bool(others))
        self.open.setVisible(self.payment_id not in self._notices)
        self.show()
