"""The one asyncio loop of the window: qasync's, with its timers on ``QBasicTimer``.

qasync runs every callback (``call_soon`` too) from a Qt timer and ends it with
``QObject.killTimer(id)``.  PySide6 6.8+ also has ``killTimer(Qt.TimerId)``, and choosing
between the two builds the Python type of the whole ``Qt`` namespace, all its enums: ~15 ms of
every start, at its first callback (issue 17).  ``QBasicTimer.stop()`` has no overloads.
"""

from __future__ import annotations

import asyncio

import qasync

from pos_app.ui.qt import QApplication, QBasicTimer, QObject, QTimerEvent


class _Timers(QObject):
    """What qasync's loop asks of its ``_timer``: ``add_callback``, ``stop``, ``set_debug``."""

    def __init__(self) -> None:
        super().__init__()
        self._due: dict[int, tuple[QBasicTimer, asyncio.Handle]] = {}
        self._stopped = False

    def add_callback(self, handle: asyncio.Handle, delay: float = 0) -> asyncio.Handle:
        timer = QBasicTimer()
        timer.start(int(max(0, delay) * 1000), self)
        self._due[timer.timerId()] = (timer, handle)
        return handle

    def timerEvent(self, event: QTimerEvent) -> None:
        due = self._due.pop(event.timerId(), None)
        if due is None:
            return
        timer, handle = due
        timer.stop()  # a Qt timer repeats until stopped
        if not self._stopped and not handle.cancelled():
            handle._run()

    def stop(self) -> None:
        self._stopped = True

    def set_debug(self, enabled: bool) -> None:
        """asyncio's debug mode: nothing more to say per timer."""


def event_loop(app: QApplication) -> qasync.QEventLoop:
    """A qasync loop over ``app`` whose callbacks do not build the ``Qt`` namespace."""
    loop = qasync.QEventLoop(app)
    loop._timer = _Timers()  # qasync's one timer object (qasync 0.28, pinned in uv.lock)
    return loop
