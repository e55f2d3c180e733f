"""Starting the cashier window: one qasync loop drives Qt and all network I/O."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from argparse import Namespace
from pathlib import Path

import platformdirs

from pos_app.app import Mode, Runtime, build_runtime
from pos_app.core.config import ConfigError, ConfigMissing, TerminalConfig, load_config
from pos_app.core.paths import config_path
from pos_app.core.pin import PinStore
from pos_app.core.secrets import SecretStore, SecretsUnavailable
from pos_app.i18n import UserError, tr
from pos_app.ui.main_window import MainWindow
from pos_app.ui.qt import QApplication, QMessageBox, QWidget
from pos_app.ui.support import (
    ProgressDialog,
    ask,
    cancel_actions,
    install_excepthook,
    settle,
    show_error,
    show_unexpected,
    spawn,
)
from pos_app.ui.translations import Translations, default_language, resources_dir
from pos_app.ui.widgets import WheelGuard

log = logging.getLogger(__name__)
C = "App"


def apply_style(app: QApplication) -> None:
    """The one look and feel of the cashier window (also used by the tests and the
    screenshots): the style sheet, and no wheel turning a choice it merely passes over."""
    style = resources_dir() / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    if app.findChild(WheelGuard) is None:
        app.installEventFilter(WheelGuard(app))


# The journal, the training sandboxes and the callback listener run Python on threads of
# their own.  CPython hands the GIL over every 5 ms by default, and bursts of their work kept
# the GUI thread waiting 35–70 ms at a time (bench_loop_lag); handing over every 1 ms keeps
# the window's lag under 16 ms, at no measurable cost to the payments.
GIL_SWITCH_INTERVAL = 0.001


def prepare_gui_process() -> None:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)


def run_gui(args: Namespace) -> int:
    import qasync

    from pos_app.core.executor import QuickExitExecutor

    prepare_gui_process()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # The journal and the payments close after the window does: Qt must not stop the loop.
    app.setQuitOnLastWindowClosed(False)
    app.setOrganizationName("pos-app")
    app.setApplicationName("pos-app")
    apply_style(app)
    loop = qasync.QEventLoop(app)
    # Closing the window does not wait for a name lookup that hangs (it waited ~18 s).
    loop.set_default_executor(QuickExitExecutor())
    asyncio.set_event_loop(loop)
    with loop:
        return int(loop.run_until_complete(gui_main(args)))


async def gui_main(args: Namespace) -> int:
    cache = Path(platformdirs.user_cache_dir("pos-app", appauthor=False)) / "translations"
    translations = Translations(cache)
    install_excepthook(show_unexpected)
    secrets = SecretStore()
    mode = Mode.TRAINING if args.demo else Mode.LIVE
    path = config_path(args.config)
    translations.use(default_language(_configured_language(path)))
    runtime = await _runtime(mode, args, path, secrets)
    if runtime is None:
        return 2
    window = MainWindow(runtime, secrets=secrets, translations=translations,
                        kiosk=bool(args.kiosk or runtime.config.ui.kiosk))
    closed = asyncio.get_running_loop().create_future()
    window.destroyed.connect(lambda *_: settle(closed, None))
    QApplication.instance().lastWindowClosed.connect(  # type: ignore[union-attr]
        lambda *_: settle(closed, None))
    painted = asyncio.get_running_loop().create_future()
    window.painted.connect(lambda *_: settle(painted, None))
    window.start()
    spawn(_check_journal(runtime, window))
    try:
        recovering = await runtime.service.start()
        if recovering:
            log.info("recovering %d payment(s) from the last session", len(recovering))
        probe = os.environ.get("POS_APP_UI_PROBE")
        if probe:  # the real-window tests only (tests/window): where things are on screen
            from pos_app.ui.probe import serve

            await serve(probe)
        if args.exit_after_start:
            await asyncio.wait_for(painted, 30)
            window.close_now()
            return 0
        await closed
        return 0
    finally:
        await cancel_actions()
        await runtime.aclose()


async def _check_journal(runtime: Runtime, window: QWidget) -> None:
    """SQLite's integrity check reads the whole journal (1.6 s at a million payments): run
    after the window shows, said at once if the file is damaged."""
    found = await runtime.journal.check()
    if found is not None:
        log.error("the journal failed its integrity check: %s", found)
        show_error(window, tr(C, "The journal file {path} is damaged ({problem}). Every "
                                 "payment recorded so far is kept in it; take no more payments "
                                 "and contact support.", path=str(runtime.journal.path),
                              problem=found))


def _configured_language(path: Path) -> str:
    try:
        return load_config(path).language
    except ConfigError:
        return ""


async def _runtime(mode: Mode, args: Namespace, path: Path,
                   secrets: SecretStore) -> Runtime | None:
    """Build the terminal; live mode without a usable configuration goes to the setup."""
    while True:
        upgrade = JournalUpgrade()
        try:
            return await build_runtime(mode, config_file=args.config,
                                       sandbox_url=args.sandbox_url, secrets=secrets,
                                       journal_progress=upgrade.report, check_journal=False)
        except ConfigMissing:
            problem = ""
        except (ConfigError, SecretsUnavailable) as exc:
            problem = exc.message.render()
        except UserError as exc:  # e.g. another pos-app holds the journal
            upgrade.close()
            log.error("cannot start: %s", exc.message.english())
            if not args.exit_after_start:  # a smoke test must never wait for a person
                await _message(exc.message.render())
            return None
        finally:
            upgrade.close()
        if args.exit_after_start:
            log.error("cannot start without a setup: %s", problem or "no configuration")
            return None
        if not await _setup(path, secrets, problem):
            return None


class JournalUpgrade:
    """What the register shows while its journal is upgraded to this version: indexes over
    a year of payments take seconds, and a till that shows nothing looks frozen (issue 17).
    Each step is its own transaction, so power lost meanwhile loses nothing."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._dialog: ProgressDialog | None = None

    def report(self, done: int, total: int) -> None:
        """From the journal's thread."""
        self._loop.call_soon_threadsafe(self._show, done, total)

    def _show(self, done: int, total: int) -> None:
        if done >= total:
            self.close()
            return
        if self._dialog is None:
            self._dialog = ProgressDialog(None, tr(
                C, "Updating the journal for this version of the app. Every payment is kept, "
                   "also if the power goes off meanwhile."))
            self._dialog.setObjectName("journalUpgrade")
            self._dialog.stop.hide()  # a step half done is undone anyway; closing waits
            self._dialog.show()
        self._dialog.set_progress(done, total)

    def close(self) -> None:
        if self._dialog is not None:
            self._dialog.done(0)
            self._dialog.deleteLater()
            self._dialog = None


async def _setup(path: Path, secrets: SecretStore, problem: str) -> bool:
    """The first-run setup (or a repair of a broken one); False if the manager gave up."""
    from pos_app.ui.settings import FirstRunScreen

    screen = FirstRunScreen(config_path=path, secrets=secrets,
                            pins=PinStore(secrets, training=False), problem=problem)
    try:
        screen.form.load(load_config(path))
    except ConfigError:
        screen.form.load(TerminalConfig())
    screen.resize(900, 800)
    done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    screen.finished.connect(lambda *_: settle(done, True))
    screen.destroyed.connect(lambda *_: settle(done, False))
    QApplication.instance().lastWindowClosed.connect(  # type: ignore[union-attr]
        lambda *_: settle(done, False))
    screen.show()
    result = await done
    screen.hide()
    screen.deleteLater()
    return result


async def _message(text: str, parent: QWidget | None = None) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, tr(C, "pos-app cannot start"), text,
                      QMessageBox.StandardButton.Ok, parent)
    await ask(box)
