"""``pos-app --self-test``: is this installation able to take payments?

Checks the imports, the Qt platform, the translations, the keyring backend, QR
rendering, the journal, and a full training payment through each provider (the
built-in sandboxes on loopback).  Everything runs in a scratch directory: the
terminal's own configuration and journals are never touched.  Prints one line per
check; exit status 0 only if nothing failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from pos_app.core.money import Money
from pos_app.core.sale import Sale

OK, WARN, FAIL = "ok", "warn", "FAIL"
MODULES = ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtPrintSupport",
           "httpx", "qasync", "qrcode", "keyring", "pypdfium2", "msgspec", "starlette",
           "uvicorn", "platformdirs", "tomli_w")
PAYMENT_TIMEOUT = 30.0

if TYPE_CHECKING:
    from pos_app.app import Runtime


class Result(Struct, frozen=True):
    name: str
    status: str
    detail: str
    seconds: float


Check = Callable[[], Awaitable[tuple[str, str]]]


@contextlib.contextmanager
def scratch_environment() -> Iterator[Path]:
    """Configuration, journals and logs in a temporary folder for the duration."""
    names = ("POS_APP_DATA_DIR", "POS_APP_CONFIG", "POS_APP_LOG_DIR")
    saved = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="pos-app-self-test-") as folder:
        root = Path(folder)
        os.environ["POS_APP_DATA_DIR"] = str(root / "data")
        os.environ["POS_APP_CONFIG"] = str(root / "terminal.toml")  # absent: the defaults
        os.environ["POS_APP_LOG_DIR"] = str(root / "logs")
        try:
            yield root
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


async def check_imports() -> tuple[str, str]:
    for name in MODULES:
        importlib.import_module(name)
    return OK, f"{len(MODULES)} modules"


async def check_qt() -> tuple[str, str]:
    from pos_app.ui.qt import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    return OK, f"platform {app.platformName()}"


async def check_translations() -> tuple[str, str]:
    from pos_app.i18n import translate  # not tr(): this is no text of the app's own
    from pos_app.ui.translations import Translations

    with tempfile.TemporaryDirectory() as cache:
        translations = Translations(Path(cache))
        translations.use("ru")
        translated = translate("MainWindow", "History")
        translations.use("en")
    if translated != "История":
        return FAIL, f"Russian not loaded (got {translated!r})"
    return OK, "Russian and English"


async def check_keyring() -> tuple[str, str]:
    import keyring

    from pos_app.core.secrets import keyring_usable

    backend = type(keyring.get_keyring())
    name = f"{backend.__module__}.{backend.__name__}"
    if keyring_usable():
        return OK, name
    # Live terminals run Windows, whose Credential Locker is always there; a Linux box without
    # a Secret Service (a CI runner) can still train, so it is a warning there.
    status = WARN if sys.platform.startswith("linux") else FAIL
    return status, f"no usable backend ({name}): live mode will refuse to start"


async def check_qr() -> tuple[str, str]:
    from pos_app.ui.widgets import QrWidget

    widget = QrWidget(minimum=240)
    widget.set_payload("https://example.invalid/pay?id=self-test")
    widget.resize(240, 240)
    image = widget.grab().toImage()
    dark = sum(1 for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
               if image.pixelColor(x, y).lightness() < 64)
    widget.deleteLater()
    if image.isNull() or dark == 0:
        return FAIL, "nothing was painted"
    return OK, f"{image.width()}x{image.height()} px"


async def check_journal() -> tuple[str, str]:
    from pos_app.core.journal import Journal
    from pos_app.core.paths import data_dir

    journal = await Journal.open(data_dir() / "self-test.sqlite3")
    try:
        sale = await journal.add_sale(Sale.single_amount(Money(100)), training=True)
        stored = await journal.get_sale(sale.id)
    finally:
        await journal.close()
    if stored is None or stored.total != Money(100):
        return FAIL, "a sale written was not read back"
    return OK, "written, flushed and read back"


async def check_payments() -> list[Result]:
    """A full training payment through each provider, on the loopback sandboxes."""
    from pos_app.app import Mode, build_runtime

    runtime = await build_runtime(Mode.TRAINING, lock=False)
    results = []
    try:
        await runtime.service.start()
        for name in runtime.service.providers:
            started = time.perf_counter()
            try:
                status, detail = await asyncio.wait_for(_pay(runtime, name), PAYMENT_TIMEOUT)
            except Exception as exc:
                status, detail = FAIL, _describe(exc)
            results.append(Result(f"payment {name}", status, detail,
                                  time.perf_counter() - started))
    finally:
        await runtime.aclose()
    return results


async def _pay(runtime: Runtime, provider: str) -> tuple[str, str]:
    assert runtime.trainer is not None
    service = runtime.service
    sale = Sale.single_amount(Money(15000))
    options: dict[str, str] = {}
    if service.provider(provider).capabilities.customer_barcode:
        options["barcode"] = await runtime.trainer.customer_code(provider, delay_ms=100)
    payment = await service.start_payment(sale, provider, options)
    if not options:  # the register shows a QR: the training customer pays it
        pending = await service.wait(payment.id, until=lambda p: p.provider_ref is not None)
        await runtime.trainer.decide(pending, "pay")
        service.notify(pending.provider_ref or "")
    paid = await service.wait(payment.id)
    if not paid.state.is_paid:
        return FAIL, f"ended {paid.state.value}"
    return OK, f"{paid.amount} paid, transaction {paid.provider_ref}"


def _describe(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    text = message.render() if message is not None else str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


CHECKS: tuple[tuple[str, Check], ...] = (
    ("imports", check_imports),
    ("Qt platform", check_qt),
    ("translations", check_translations),
    ("keyring", check_keyring),
    ("QR rendering", check_qr),
    ("journal", check_journal),
)


async def run_checks() -> list[Result]:
    results = []
    for name, check in CHECKS:
        started = time.perf_counter()
        try:
            status, detail = await check()
        except Exception as exc:
            status, detail = FAIL, _describe(exc)
        results.append(Result(name, status, detail, time.perf_counter() - started))
    try:
        results.extend(await check_payments())
    except Exception as exc:
        results.append(Result("training payments", FAIL, _describe(exc), 0.0))
    return results


def self_test(out: Callable[[str], object] = print) -> int:
    if not _has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    with scratch_environment():
        results = asyncio.run(run_checks())
    for r in results:
        out(f"{r.status:<4}  {r.name:<18} {r.detail}  ({r.seconds * 1000:.0f} ms)")
    failed = [r.name for r in results if r.status == FAIL]
    total = time.perf_counter() - started
    out(f"self-test: {'FAILED: ' + ', '.join(failed) if failed else 'passed'} "
        f"in {total:.2f} s")
    return 1 if failed else 0


def _has_display() -> bool:
    """Windows and macOS always have one; on Linux, an X or Wayland session."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
