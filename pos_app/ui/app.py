"""Starting the cashier window: one qasync loop drives Qt and all network I/O.

The start has two steps (issue 17).  First the window with its sale screen is painted, with
only Qt and the sale's own code imported: the cashier can build a sale at once.  Then the
event loop, the journal and the providers; Pay says "Starting…" until they are ready.  In
training mode the sandboxes start meanwhile in a process of their own, on the other core.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
from argparse import Namespace
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from pos_app.core.config import ConfigError, TerminalConfig, load_config
from pos_app.core.paths import config_path
from pos_app.i18n import msg, tr
from pos_app.ui.main_window import LANGUAGE_CHOICE, MainWindow
from pos_app.ui.qt import (
    QApplication,
    QEventLoop,
    QSettings,
    Qt,
    QTimer,
    QWidget,
)
from pos_app.ui.support import ask, settle
from pos_app.ui.translations import LANGUAGES, Translations, default_language, resources_dir
from pos_app.ui.widgets import guard_input

if TYPE_CHECKING:
    import asyncio

    from pos_app.app import Runtime
    from pos_app.core.lock import JournalLock
    from pos_app.core.secrets import SecretStore
    from pos_app.sandbox.process import SandboxProcess
    from pos_app.ui.early import EarlyStart
    from pos_app.ui.progress import ProgressDialog
    from pos_app.ui.qt import QMessageBox

log = logging.getLogger(__name__)
C = "App"
SETUP_SIZE = (900, 800)
ALREADY_OPEN_CLOSES_MS = 30_000  # a second copy's message, then it ends
FIRST_PAINT_WAIT_MS = 2000  # a window the platform never paints (minimized) does not stop the start


def apply_style(app: QApplication) -> None:
    """The one look and feel of the cashier window (also used by the tests and the
    screenshots): the style sheet over the platform's style.  The input guards come once the
    window is painted (:meth:`MainWindow.guard_input`)."""
    style = resources_dir() / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))


# The journal and the callback listener run Python on threads of their own.  CPython hands
# the GIL over every 5 ms by default, and bursts of their work kept the GUI thread waiting
# 35–70 ms at a time (bench_loop_lag); handing over every 1 ms keeps the window's lag under
# 16 ms, at no measurable cost to the payments.
GIL_SWITCH_INTERVAL = 0.001


def prepare_gui_process() -> None:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)


def run_gui(args: Namespace, early: EarlyStart) -> int:
    """The cashier window, after :func:`pos_app.ui.early.start` (before Qt)."""
    prepare_gui_process()
    config, busy, lock, sandbox = early.config, early.busy, early.lock, early.sandbox
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # The journal and the payments close after the window does: Qt must not stop the loop.
    app.setQuitOnLastWindowClosed(False)
    app.setOrganizationName("pos-app")
    app.setApplicationName("pos-app")
    apply_style(app)
    cache = Path(platformdirs.user_cache_dir("pos-app", appauthor=False)) / "translations"
    translations = Translations(cache)
    _use_language(translations, config.language if config else "")
    if busy:
        if not args.exit_after_start and not args.exit_after_paint:
            _already_open().exec()
        return 2
    window = None
    if config is not None:
        window = MainWindow(config, training=args.demo, translations=translations,
                            kiosk=bool(args.kiosk or config.ui.kiosk))
        window.start()
        _wait_painted(window)
        if args.exit_after_paint:
            if sandbox is not None:
                sandbox.stop()
            return 0
        window.guard_input()
    _collect_again()
    try:
        return _run_loop(app, gui_main(args, translations, window, sandbox, lock))
    finally:
        if sandbox is not None:
            sandbox.stop()


def _collect_again() -> None:
    """Garbage collection back on, after the start's objects are set aside for good
    (``gc.freeze``: no later collection walks them again)."""
    gc.freeze()
    gc.enable()


def _use_language(translations: Translations, configured: str) -> None:
    """The top bar's choice, else the configuration's language, else the system's."""
    chosen = QSettings().value(LANGUAGE_CHOICE)
    translations.use(chosen if chosen in LANGUAGES else default_language(configured))


def _run_loop(app: QApplication, main: Coroutine[Any, Any, int]) -> int:
    import asyncio

    from pos_app.core.executor import QuickExitExecutor
    from pos_app.ui.loop import event_loop

    loop = event_loop(app)
    # Closing the window does not wait for a name lookup that hangs (it waited ~18 s).
    loop.set_default_executor(QuickExitExecutor())
    asyncio.set_event_loop(loop)
    with loop:
        return int(loop.run_until_complete(main))


def _wait_painted(window: MainWindow) -> None:
    """Let Qt paint the window before the rest of the start is imported."""
    if window.was_painted:
        return
    waiting = QEventLoop()
    window.painted.connect(waiting.quit)
    QTimer.singleShot(FIRST_PAINT_WAIT_MS, waiting.quit)
    waiting.exec()


async def gui_main(args: Namespace, translations: Translations, window: MainWindow | None,
                   sandbox: SandboxProcess | None = None, lock: JournalLock | None = None,
                   ) -> int:
    import asyncio

    from pos_app.core.secrets import SecretStore
    from pos_app.ui.support import cancel_actions, install_excepthook, show_unexpected, spawn

    install_excepthook(show_unexpected)
    probe = os.environ.get("POS_APP_UI_PROBE")
    if probe:  # the real-window tests only (tests/window): where things are on screen
        from pos_app.ui.probe import serve

        await serve(probe)
    secrets = SecretStore()
    path = config_path(args.config)
    loop = asyncio.get_running_loop()
    closed = loop.create_future()
    QApplication.instance().lastWindowClosed.connect(  # type: ignore[union-attr]
        lambda *_: settle(closed, None))
    built = await _runtime(args, path, secrets, sandbox, window, lock)
    if built is None:
        if window is not None:
            window.close_now()
        return 2
    runtime, set_up = built
    if window is not None and set_up:  # the setup may have changed what the window shows
        window.close_now()
        window = None
    if set_up:  # the language it chose, over one the top bar chose before (two walks)
        if runtime.config.language:
            QSettings().remove(LANGUAGE_CHOICE)
        _use_language(translations, runtime.config.language)
    if window is None:
        window = MainWindow.ready(runtime, secrets=secrets, translations=translations,
                                  kiosk=bool(args.kiosk or runtime.config.ui.kiosk))
        window.start()
        window.guard_input()
    else:
        window.attach(runtime, secrets=secrets)
    window.destroyed.connect(lambda *_: settle(closed, None))
    painted = loop.create_future()
    window.painted.connect(lambda *_: settle(painted, None))
    if window.was_painted:
        settle(painted, None)
    try:
        if closed.done():  # closed before the journal and the providers were ready
            return 0
        recovering = await runtime.service.start()
        if recovering:
            log.info("recovering %d payment(s) from the last session", len(recovering))
        window.follow_recovery(recovering)
        window.running = True
        # After the recovery's queries: on the journal's one thread the check of a large
        # file would hold them back for seconds.
        spawn(_check_journal(runtime, window))
        if args.exit_after_start:
            await asyncio.wait_for(painted, 30)
            window.close_now()
            return 0
        spawn(_warm_up(runtime, window))  # a start that ends at once learns nothing
        await closed
        return 0
    finally:
        await cancel_actions()
        await runtime.aclose()


async def _warm_up(runtime: Runtime, window: MainWindow) -> None:
    """What the providers' accounts allow (Paymega's service range), learned once the till
    has started, in the background; the ways to pay already on screen follow it (a Pay
    pressed while the till started shows them at once)."""
    await runtime.service.warm_up()
    window.limits_learned()


async def _check_journal(runtime: Runtime, window: MainWindow) -> None:
    """SQLite's integrity check reads the whole journal (1.6 s at a million payments): run
    after the window shows, said at once if the file is damaged: in the alert bar until
    dismissed, not in a box that the keys typed for the first sale would close unread (as
    the catalog's problems did, helper-48)."""
    found = await runtime.journal.check()
    if found is not None:
        log.error("the journal failed its integrity check: %s", found)
        window.alerts.notice("journal", msg(
            C, "The journal file {path} is damaged ({problem}). Every payment recorded so far "
               "is kept in it; take no more payments and contact support.",
            path=str(runtime.journal.path), problem=found))


async def _runtime(args: Namespace, path: Path, secrets: SecretStore,
                   sandbox: SandboxProcess | None, window: MainWindow | None,
                   lock: JournalLock | None) -> tuple[Runtime, bool] | None:
    """Build the terminal; live mode without a usable configuration goes to the setup first
    (the flag: it did).  None: the start was given up (said to the person).  ``lock``: the
    journal's, taken before the window showed (used by the first try)."""
    import asyncio
    # ~80 ms of imports (httpx, the journal, the payments, the providers) on a worker
    # thread: the window shows what the cashier types meanwhile.
    await asyncio.get_running_loop().run_in_executor(None, importlib.import_module,
                                                     "pos_app.app")
    from pos_app.app import Mode, build_runtime
    from pos_app.core.config import ConfigMissing
    from pos_app.core.secrets import SecretsUnavailable
    from pos_app.i18n import UserError
    from pos_app.sandbox.process import SandboxUnavailable
    from pos_app.ui.early import claim_journal, readable_config

    mode = Mode.TRAINING if args.demo else Mode.LIVE
    sandbox_url, credentials = args.sandbox_url, None
    if sandbox is not None:
        try:
            credentials = await asyncio.get_running_loop().run_in_executor(None, sandbox.ready)
            sandbox_url = credentials["base_url"]
            log.info("sandbox-server listening on %s (a process of its own)", sandbox_url)
        except SandboxUnavailable as exc:
            log.warning("the sandboxes run in this process: their own did not start (%s)", exc)
    set_up = False
    while True:
        upgrade = JournalUpgrade(window if window is not None and window.isVisible() else None)
        try:
            held, lock = lock, None  # a failed try releases it: the next takes its own
            runtime = await build_runtime(
                mode, config_file=args.config, sandbox_url=sandbox_url,
                sandbox_credentials=credentials, secrets=secrets,
                journal_progress=upgrade.report, check_journal=False, held_lock=held)
            return runtime, set_up
        except ConfigMissing:
            problem = ""
        except SecretsUnavailable as exc:  # said by the setup in its fields' words
            problem = tr(C, "Live mode needs secrets that are not stored yet: {secrets}.",
                         secrets=", ".join(f"providers.{p}.{n}" for p, n in exc.missing)) \
                if exc.missing else exc.message.render()
        except ConfigError as exc:
            problem = exc.message.render()
        except UserError as exc:  # e.g. another pos-app holds the journal
            upgrade.close()
            log.error("cannot start: %s", exc.message.english())
            if not args.exit_after_start:  # a smoke test must never wait for a person
                await _message(exc.message.render(), window)
            return None
        finally:
            upgrade.close()
        if args.exit_after_start:
            log.error("cannot start without a setup: %s", problem or "no configuration")
            return None
        if window is not None:
            window.hide()  # the configuration is not usable (e.g. a secret is missing)
        # The journal's lock again (the failed try let it go), held through the setup: a
        # second copy started meanwhile says the till is open instead of a second setup.
        lock, busy = claim_journal(readable_config(args), training=False)
        if busy:
            await ask(_already_open())
            return None
        if not await _setup(path, secrets, problem):
            if lock is not None:
                lock.release()
            return None
        set_up = True


class JournalUpgrade:
    """What the register shows while its journal is upgraded to this version: indexes over
    a year of payments take seconds, and a till that shows nothing looks frozen (issue 17).
    Each step is its own transaction, so power lost meanwhile loses nothing.  Said on the
    sale screen when the window shows (a dialog took the keys typed meanwhile, and Escape
    closed it for good); else in a dialog that cannot be closed."""

    def __init__(self, window: MainWindow | None = None) -> None:
        import asyncio
        self._loop = asyncio.get_running_loop()
        self._window = window
        self._dialog: ProgressDialog | None = None

    def report(self, done: int, total: int) -> None:
        """From the journal's thread."""
        self._loop.call_soon_threadsafe(self._show, done, total)

    def _show(self, done: int, total: int) -> None:
        if done >= total:
            self.close()
            return
        if self._window is not None:
            self._window.sale_screen.show_status(msg(
                C, "Updating the journal for this version of the app: step {done} of {total}. "
                   "Every payment is kept, also if the power goes off meanwhile.",
                done=done + 1, total=total))
            return
        if self._dialog is None:
            from pos_app.ui.progress import ProgressDialog

            self._dialog = ProgressDialog(None, tr(
                C, "Updating the journal for this version of the app. Every payment is kept, "
                   "also if the power goes off meanwhile."), closable=False)
            self._dialog.setObjectName("journalUpgrade")
            self._dialog.show()
        self._dialog.set_progress(done, total)

    def close(self) -> None:
        if self._window is not None:
            self._window.sale_screen.show_status(None)
        if self._dialog is not None:
            self._dialog.done(0)
            self._dialog.deleteLater()
            self._dialog = None


async def _setup(path: Path, secrets: SecretStore, problem: str) -> bool:
    """The first-run setup (or a repair of a broken one); False if the manager gave up."""
    import asyncio

    from pos_app.core.pin import PinStore
    from pos_app.ui.settings import FirstRunScreen

    screen = FirstRunScreen(config_path=path, secrets=secrets,
                            pins=PinStore(secrets, training=False), problem=problem)
    try:
        screen.form.load(load_config(path))
    except ConfigError:
        screen.form.load(TerminalConfig())
    done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    screen.finished.connect(lambda *_: settle(done, True))
    screen.destroyed.connect(lambda *_: settle(done, False))
    QApplication.instance().lastWindowClosed.connect(  # type: ignore[union-attr]
        lambda *_: settle(done, False))
    available = screen.screen().availableGeometry()
    if available.width() < SETUP_SIZE[0] or available.height() < SETUP_SIZE[1]:
        screen.showMaximized()  # never past the screen's edge
    else:
        screen.resize(*SETUP_SIZE)
        screen.show()
    guard_input(QApplication.instance(), screen)  # type: ignore[arg-type]
    result = await done
    screen.hide()
    screen.deleteLater()
    return result


def _already_open() -> QMessageBox:
    """Said by a second copy, above every window (a kiosk's too, which stays on top)."""
    from pos_app.ui.qt import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Information, tr(C, "pos-app is already open"), tr(
        C, "pos-app is already open on this till, or still closing. Use the window that is "
           "open (it may be behind another window), or start it again in a moment."),
        QMessageBox.StandardButton.Ok)
    box.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
    # It never waits unseen for ever (a walk: a tap on a kiosk, on top too, hid it).
    QTimer.singleShot(ALREADY_OPEN_CLOSES_MS, box, box.reject)
    return box


async def _message(text: str, parent: QWidget | None = None) -> None:
    from pos_app.ui.qt import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, tr(C, "pos-app cannot start"), text,
                      QMessageBox.StandardButton.Ok, parent)
    await ask(box)
