"""How long to wait before trying again: one rule for every resend and every status re-read.

Doubling from a first wait up to a cap, each wait a random point in the upper half of its
step (jitter), and never shorter than what the provider asked for (``Retry-After``).  A fixed
schedule made every register retry in lockstep after an outage (issue 18); the jittered
doubling is stripe-python's ``_http_client._sleep_time_seconds``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from msgspec import Struct


class Backoff(Struct, frozen=True):
    """``first_s``: the first step; ``cap_s``: the longest (seconds)."""

    first_s: float
    cap_s: float

    def delay(self, retry: int, *, asked_s: float | None = None,
              rand: Callable[[], float] = random.random) -> float:
        """Seconds before retry number ``retry`` (1-based), at least ``asked_s``."""
        step = min(self.cap_s, self.first_s * 2 ** max(retry - 1, 0))
        return float(max(step * (0.5 + rand() / 2), asked_s or 0.0))
