"""Memory of one process over many payments: after the first, and after all of them.

    uv run python -m tests.bench.bench_memory [--payments 1000] [--parallel 20]

The cashier window runs offscreen in training mode (the loopback sandboxes in a process of
their own, as ``--demo``: their memory is not the register's) showing the history, and the
payments run through the payment service across the three providers.  Resident memory is
read from the OS after a garbage collection.  Prints the growth (target: <= 20 MB after
1000 payments).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from typing import Any

from tests.bench.window import run, training_payment

PROVIDERS = ("koshelek", "paymega", "pegas")


def rss_mb() -> float:
    """Resident set size now (Linux /proc; elsewhere the peak from getrusage)."""
    gc.collect()
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=1000)
    parser.add_argument("--parallel", type=int, default=20)
    args = parser.parse_args(argv)

    async def body(window: Any) -> None:
        window.go(window.history)
        for provider in PROVIDERS:  # every code path once before the baseline
            await training_payment(window, provider)
        first = rss_mb()
        gate = asyncio.Semaphore(args.parallel)
        marks: list[tuple[int, float]] = []

        async def one(i: int) -> None:
            async with gate:
                await training_payment(window, PROVIDERS[i % 3], 10000 + i)
                if (i + 1) % (args.payments // 4) == 0:
                    marks.append((i + 1, rss_mb()))

        await asyncio.gather(*(one(i) for i in range(args.payments)))
        last = rss_mb()
        steps = ", ".join(f"{n}: {mb:.0f} MB" for n, mb in sorted(marks))
        sys.stdout.write(f"RSS after the first payments {first:.0f} MB; after "
                         f"{args.payments} more {last:.0f} MB ({steps}); growth "
                         f"{last - first:+.1f} MB (target <= 20)\n")

    run(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
