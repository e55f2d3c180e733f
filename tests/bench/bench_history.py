"""How the history screen behaves over a large journal (100 000 payments by default).

    uv run python -m tests.bench.bench_history [--payments 100000]

It fills a real SQLite journal (real payments made against the sandboxes, then copied
row by row with new ids, numbers and times), opens the history screen on it and measures what
a manager feels: opening the history, jumping to the middle and to the end of the list,
searching by amount and by transaction id, and the attention counter.  Prints one line per
measurement (median of several runs, in milliseconds).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pos_app.core.journal import Journal

RUNS = 5


async def _median(action: Callable[[], Awaitable[Any]]) -> float:
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        await action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


async def _measure(journal_path: Path, count: int) -> list[tuple[str, float]]:
    from pos_app.core.journal import Journal, PaymentFilter
    from pos_app.core.states import PaymentState
    from pos_app.ui.history import HistoryModel
    from pos_app.ui.qt import QTableView
    from tests.helpers import wait_until

    journal = await Journal.open(journal_path)
    model = HistoryModel(journal, {"koshelek": "Koshelek Pay", "paymega": "Paymega"})
    view = QTableView()
    view.setModel(model)
    view.resize(900, 700)
    view.show()
    results = []

    async def jump(row: int) -> None:
        model._pages.pop(row // model.PAGE, None)  # measure the read, not the cache
        view.scrollTo(model.index(row, 0))
        model.data(model.index(row, 0))
        await wait_until(lambda: model.payment_at(row) is not None)

    results.append(("open the history (count + first page)",
                    await _median(lambda: model.reload(PaymentFilter()))))
    results.append((f"jump to row {count // 2}", await _median(lambda: jump(count // 2))))
    results.append((f"jump to the last row {count - 1}", await _median(lambda: jump(count - 1))))
    amount = PaymentFilter(text="1499", currency="RUB")
    results.append(("search an amount (“1499”)",
                    await _median(lambda: model.reload(amount))))
    results.append(("search a transaction id (“ref-0005”)",
                    await _median(lambda: model.reload(PaymentFilter(text="ref-0005")))))
    results.append(("filter by provider",
                    await _median(lambda: model.reload(PaymentFilter(providers=("paymega",))))))
    paid = (PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED)
    results.append(("filter by state (“paid”)",
                    await _median(lambda: model.reload(PaymentFilter(states=paid)))))
    results.append(("jump to the middle of “paid”",
                    await _median(lambda: jump(model.total // 2))))
    await model.reload(PaymentFilter())
    results.append(("count those needing attention",
                    await _median(lambda: journal.count_payments(
                        PaymentFilter(needs_attention=True)))))
    results.extend(await _export_while_paying(journal))
    await model.reload(PaymentFilter())
    for row in range(0, count, model.PAGE * 7):  # scroll through everything
        await jump(row)
    results.append(("pages kept in memory after scrolling through all", len(model._pages)))
    view.close()
    await journal.close()
    return results


async def _export_while_paying(journal: Journal) -> list[tuple[str, float]]:
    """A manager exports everything while a payment is being journaled at the till."""
    from pos_app.core.export import Period, export_payments
    from tests.helpers import wait_until

    output = journal.path.with_name("export.csv")
    began = time.perf_counter()
    exporting = asyncio.ensure_future(export_payments(
        journal, output, Period(date.today() - timedelta(days=366), date.today())))
    await wait_until(lambda: output.with_name(output.name + ".part").exists())
    write_began = time.perf_counter()
    await journal.write(lambda conn: conn.execute("SELECT 1"))  # a payment's next step
    write_ms = (time.perf_counter() - write_began) * 1000
    rows = await exporting
    took = time.perf_counter() - began
    return [(f"export all {rows} payments to CSV", took * 1000),
            ("  rows per second", round(rows / took)),
            ("a journal write while the export runs", write_ms)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=100_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="pos-bench-"))
    os.environ["POS_APP_DATA_DIR"] = str(scratch)
    os.environ["POS_APP_CONFIG"] = str(scratch / "terminal.toml")

    import keyring

    from pos_app.ui.loop import event_loop
    from pos_app.ui.qt import QApplication
    from tests.helpers import MemoryKeyring, fill_journal, seeded_journal

    keyring.set_keyring(MemoryKeyring())
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    loop = event_loop(app)
    asyncio.set_event_loop(loop)
    with loop:
        path = loop.run_until_complete(seeded_journal())
        began = time.perf_counter()
        fill_journal(path, args.payments)
        size = path.stat().st_size
        sys.stdout.write(f"filled {args.payments} payments in {time.perf_counter() - began:.1f} s "
                         f"({size / 1e6:.0f} MB, {size / args.payments:.0f} bytes a payment)\n")
        for name, value in loop.run_until_complete(_measure(path, args.payments)):
            unit = " ms" if isinstance(value, float) else ""
            sys.stdout.write(f"{name:55s} {value:8.1f}{unit}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
