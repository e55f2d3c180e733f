"""GUI tests: real widgets, offscreen, on a qasync loop so tests can await conditions."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import qasync

from pos_app.core.backoffice import Backoffice
from pos_app.core.secrets import SecretStore
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.app import apply_style
from pos_app.ui.loop import event_loop
from pos_app.ui.main_window import MainWindow
from pos_app.ui.qt import QApplication, QCoreApplication, QEvent, QSettings
from pos_app.ui.support import cancel_actions
from pos_app.ui.translations import Translations
from tests.helpers import training_runtime


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item,
                                  ) -> dict[str, Callable[[], Any]]:
    """Async GUI tests run on Qt's event loop (qasync), so widgets live while we await."""

    def qt_loop() -> qasync.QEventLoop:
        app = QApplication.instance() or QApplication([])
        assert isinstance(app, QApplication)
        # As in the app: closing the only visible window (a dialog, in a test) must not
        # quit Qt's loop, which would stop the asyncio loop under the test.
        app.setQuitOnLastWindowClosed(False)
        return event_loop(app)

    return {"qt": qt_loop}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Free every Qt object while the application still lives: collected at interpreter exit,
    after Qt's own teardown, PySide6 objects can crash the process."""
    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    gc.collect()


@pytest.fixture(autouse=True, scope="session")
def qt_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The window remembers its geometry in QSettings: keep the tests' apart from the user's."""
    folder = tmp_path_factory.mktemp("qsettings")
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName("pos-app-tests")


MakeWindow = Callable[..., Awaitable[MainWindow]]


@pytest.fixture
async def make_window(sandbox: SandboxTransport, tmp_path: Path,
                      ) -> AsyncIterator[MakeWindow]:
    """Training terminals' windows on the in-process sandboxes, in English.

    They are closed here, while the asyncio loop still runs (not by pytest-qt's teardown,
    which processes Qt events with no loop running).
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)
    made: list[MainWindow] = []

    async def make(*, kiosk: bool = False, shift: bool = True) -> MainWindow:
        runtime = await training_runtime(sandbox)
        if shift:  # a cashier's day has begun; tests of opening a shift pass shift=False
            await Backoffice(runtime.service).shifts.open("Test Cashier")
        translations = Translations(tmp_path / "qm")
        translations.use("en")
        main = MainWindow.ready(runtime, secrets=SecretStore(), translations=translations,
                                kiosk=kiosk)
        made.append(main)
        main.start()
        if not kiosk:  # a kiosk stays full screen
            main.resize(1280, 800)
        await runtime.service.start()
        return main

    yield make
    for main in made:
        main.translations.use("en")  # the translator is global: the next test starts in English
        main.close_now()
        main.deleteLater()
    await cancel_actions()
    for main in made:
        await main.runtime.aclose()
    # Qt objects of this test die here, on the GUI thread: left to the garbage collector they
    # could be collected on a journal or sandbox thread ("Timers cannot be stopped from
    # another thread").
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
async def window(make_window: MakeWindow) -> MainWindow:
    return await make_window()
