"""The one clock the payment drivers read and wait on, so tests can run time by hand.

Two readings, as the drivers need them: :meth:`Clock.monotonic` (seconds; poll intervals,
"no final answer within 30 s") and :meth:`Clock.now` (aware UTC; a payment's age and its
expiry, compared with journaled times).  :meth:`Clock.wait` is every driver's only sleep:
it ends early when the driver is woken (a cancel requested, a notification arrived).
The tests' stand-in is ``tests.helpers.FakeClock`` (as qutebrowser's ``FakeTimer``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime
from typing import Protocol

from pos_app.core.clock import utcnow


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never goes back."""

    def now(self) -> datetime:
        """The time of day, aware, UTC."""

    async def wait(self, wake: asyncio.Event, seconds: float) -> None:
        """Return after ``seconds``, or as soon as ``wake`` is set; ``seconds`` ≤ 0 only
        yields to the loop once.  ``wake`` is cleared first: a wake before the call is
        one the caller has acted on already."""


class SystemClock:
    """The real one: ``time.monotonic``, the system's UTC time, the event loop's timers."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return utcnow()

    async def wait(self, wake: asyncio.Event, seconds: float) -> None:
        wake.clear()
        if seconds <= 0:
            # Due already.  wait_for(…, 0) would still wrap wake.wait() in a task and cancel
            # it; one cancelled before it ran warns "never awaited" when the loop ends.
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), seconds)
