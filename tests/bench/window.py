"""A training terminal with its cashier window, offscreen, for the GUI benchmarks.

The same composition as ``pos-app --demo``: the sandboxes on loopback in a process of their
own, the window on one qasync loop with the network.  ``run(body)`` calls ``body(window)``
and cleans up.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pos_app.core.money import Money
from pos_app.core.payments import Payment
from pos_app.core.sale import Sale


def run(body: Callable[[Any], Awaitable[None]], *, journal_payments: int = 0) -> None:
    """``journal_payments``: the journal holds that many payments before the window starts."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = tempfile.mkdtemp(prefix="pos-app-bench-")
    os.environ["POS_APP_DATA_DIR"] = scratch
    os.environ["POS_APP_CONFIG"] = f"{scratch}/terminal.toml"
    from pos_app.ui.app import prepare_gui_process
    from pos_app.ui.loop import event_loop
    from pos_app.ui.qt import QApplication

    prepare_gui_process()  # as run_gui does

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # closing the window must not stop the loop
    loop = event_loop(app)
    asyncio.set_event_loop(loop)
    with loop:
        if journal_payments:
            from tests.helpers import fill_journal, seeded_journal

            fill_journal(loop.run_until_complete(seeded_journal()), journal_payments)
        loop.run_until_complete(_with_window(body, Path(scratch)))


async def _with_window(body: Callable[[Any], Awaitable[None]], scratch: Path) -> None:
    from pos_app.app import Mode, build_runtime
    from pos_app.sandbox.process import SandboxProcess

    # As --demo: the sandboxes in a process of their own, whose Python never holds the GIL
    # the window needs (in this process they made the loop wait up to 5 ms a turn).
    sandbox = SandboxProcess.start()
    try:
        credentials = await asyncio.get_running_loop().run_in_executor(None, sandbox.ready)
        runtime = await build_runtime(Mode.TRAINING, lock=False,
                                      sandbox_url=credentials["base_url"],
                                      sandbox_credentials=credentials)
        await _with_runtime(body, runtime, scratch)
    finally:
        sandbox.stop()


async def _with_runtime(body: Callable[[Any], Awaitable[None]], runtime: Any,
                        scratch: Path) -> None:
    from pos_app.core.backoffice import Backoffice
    from pos_app.core.secrets import SecretStore
    from pos_app.ui.main_window import MainWindow
    from pos_app.ui.translations import Translations

    await Backoffice(runtime.service).shifts.open("bench")
    window = MainWindow.ready(runtime, secrets=SecretStore(),
                              translations=Translations(scratch / "qm"), kiosk=False)
    window.start()
    await runtime.service.start()
    try:
        await body(window)
    finally:
        window.close_now()
        await runtime.aclose()


async def training_payment(window: Any, provider: str, amount_minor: int = 15000,
                           outcome: str = "pay", customer_delay_ms: int = 0) -> Payment:
    """One payment the training customer pays (or refuses), driven like the window does."""
    service, trainer = window.service, window.runtime.trainer
    options = {}
    if provider == "koshelek":
        mode = "approve" if outcome == "pay" else "decline"
        options["barcode"] = await trainer.customer_code(provider, mode=mode,
                                                          delay_ms=customer_delay_ms)
    payment = await service.start_payment(Sale.single_amount(Money(amount_minor)), provider,
                                          options)
    if provider != "koshelek":
        pending = await service.wait(payment.id, until=lambda p: p.provider_ref is not None
                                     or p.state.is_final)
        if not pending.state.is_final:
            await asyncio.sleep(customer_delay_ms / 1000)
            await trainer.decide(pending, outcome)
            service.notify(pending.provider_ref or "")
    return await service.wait(payment.id)  # type: ignore[no-any-return]
