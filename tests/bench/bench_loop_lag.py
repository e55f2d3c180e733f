"""How long the GUI thread's event loop is held up while payments run.

    uv run python -m tests.bench.bench_loop_lag [--payments 100] [--parallel 10] [--journal 0]

The cashier window runs offscreen in training mode (the loopback sandboxes, as ``--demo``)
and shows the history, which follows every payment; ``--journal`` fills the journal first
(a year of a busy register: 1,000,000 payments).  The sandboxes answer the providers'
API after 0–3 s (latency faults at random) and now and then not before the client's read
timeout (the answer comes after the register gave up: reconciliation).  The payments run
through the payment service, ``--parallel`` at a time across the three providers.
A precise 5 ms Qt timer measures the loop: its lateness is the lag a cashier would feel.
Prints the lag's median, p99 and maximum (targets: p99 <= 16 ms, max <= 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import statistics
import sys
import time
from typing import Any

from tests.bench.window import run, training_payment

PROVIDERS = ("koshelek", "paymega", "pegas")
API_PATHS = ("/koshelek/api", "/paymega/api", "/pegas/api")
TICK_MS = 5


async def _faults(window: Any) -> None:
    """Through the sandbox's control route, as a trainer or a test would."""
    trainer = window.runtime.trainer
    for path in API_PATHS:
        # Checked in this order; what no fault takes is answered at once.
        faults = [{"kind": "timeout_after_commit", "path": path, "count": -1,
                   "probability": 0.03, "delay_ms": 12_000}]
        faults += [{"kind": "latency", "path": path, "count": -1, "probability": probability,
                    "delay_ms": delay_ms}
                   for delay_ms, probability in ((3000, 0.15), (1500, 0.2), (500, 0.3))]
        for fault in faults:
            await trainer.inject(fault)


class LagProbe:
    """A precise Qt timer; every late tick is lag in the GUI thread."""

    def __init__(self) -> None:
        from pos_app.ui.qt import Qt, QTimer

        self.lags: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lags.append(max(0.0, (now - self._last) * 1000 - TICK_MS))
        self._last = now


async def _payments(window: Any, count: int, parallel: int) -> collections.Counter[str]:
    outcomes: collections.Counter[str] = collections.Counter()
    gate = asyncio.Semaphore(parallel)

    async def one(i: int) -> None:
        async with gate:
            outcome = "fail" if i % 7 == 0 else "pay"
            payment = await training_payment(window, PROVIDERS[i % 3], 10000 + i * 100,
                                             outcome=outcome, customer_delay_ms=200)
            outcomes[payment.state.value] += 1

    await asyncio.gather(*(one(i) for i in range(count)))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=10)
    parser.add_argument("--journal", type=int, default=0, metavar="PAYMENTS",
                        help="payments already in the journal (a year: 1000000)")
    args = parser.parse_args(argv)

    async def body(window: Any) -> None:
        await _faults(window)
        window.go(window.history)  # the screen that follows every payment
        probe = LagProbe()
        started = time.perf_counter()
        probe.start()
        outcomes = await _payments(window, args.payments, args.parallel)
        probe.stop()
        lags = sorted(probe.lags)
        p99 = lags[int(len(lags) * 0.99)]
        sys.stdout.write(
            f"{args.payments} payments in {time.perf_counter() - started:.0f} s "
            f"({dict(outcomes)}); loop lag over {len(lags)} ticks: median "
            f"{statistics.median(lags):.1f} ms, p99 {p99:.1f} ms (target <= 16), max "
            f"{lags[-1]:.1f} ms (target <= 50)\n")

    run(body, journal_payments=args.journal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
