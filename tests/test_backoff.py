"""The one waiting rule for resends and status re-reads (pos_app/backoff.py)."""

from __future__ import annotations

import pytest

from pos_app.backoff import Backoff
from pos_app.core.payments.service import RECONCILE_BACKOFF


@pytest.mark.parametrize(("retry", "rand", "asked", "expected"), [
    (1, 0.0, None, 0.5),  # the first step's lower half…
    (1, 1.0, None, 1.0),  # …to the whole step
    (2, 1.0, None, 2.0),  # doubling
    (3, 0.5, None, 3.0),
    (7, 0.0, None, 30.0),  # the cap (60 s), its lower half
    (12, 1.0, None, 60.0),  # never past the cap
    (1, 0.0, 5.0, 5.0),  # a provider's Retry-After is waited out
    (7, 1.0, 5.0, 60.0),  # but never cuts our own wait short
])
def test_each_wait(retry: int, rand: float, asked: float | None, expected: float) -> None:
    wait = Backoff(first_s=1.0, cap_s=60.0).delay(retry, asked_s=asked, rand=lambda: rand)
    assert wait == pytest.approx(expected)


def test_registers_do_not_retry_in_lockstep() -> None:
    """A fixed 1-2-5-15-30-60 s schedule had every register ask again at the same moment
    after an outage (issue 18)."""
    waits = {RECONCILE_BACKOFF.delay(4) for _ in range(100)}
    assert len(waits) > 90
    assert all(4.0 <= wait <= 8.0 for wait in waits)
