"""The progress dialog of long work: its own module, so that the dialogs' Qt types are built
when one first opens, not before the window's first paint (issue 17)."""

from __future__ import annotations

from pos_app.i18n import tr
from pos_app.ui.qt import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

C = "Common"


class ProgressDialog(QDialog):
    """"Waiting for …" with a bar (indeterminate until :meth:`set_progress`) and a way out."""

    def __init__(self, parent: QWidget | None, text: str, *, stop_text: str = "",
                 closable: bool = True) -> None:
        """``closable``: False for work that cannot be left (no Stop, Escape does nothing)."""
        super().__init__(parent)
        self.setObjectName("progressDialog")
        self._closable = closable
        self.setWindowTitle(tr(C, "Please wait"))
        layout = QVBoxLayout(self)
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        layout.addWidget(self.bar)
        self.stop = QPushButton(stop_text or tr(C, "Stop waiting"))
        self.stop.setObjectName("stopWaiting")
        self.stop.clicked.connect(self.reject)
        self.stop.setVisible(closable)
        layout.addWidget(self.stop)

    def reject(self) -> None:
        if self._closable:  # Escape and the window's close button come here too
            super().reject()

    def set_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, total))
        self.bar.setFormat(tr(C, "{done} of {total}", done=f"{done:,}".replace(",", "\u202f"),
                              total=f"{total:,}".replace(",", "\u202f")))
