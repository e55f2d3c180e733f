"""GUI tests: real widgets, offscreen, on a qasync loop so tests can await conditions."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import qasync
from pytestqt.qtbot import QtBot

from pos_app.core.secrets import SecretStore
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.app import apply_style
from pos_app.ui.main_window import MainWindow
from pos_app.ui.qt import QApplication, QEvent
from pos_app.ui.translations import Translations
from tests.helpers import training_runtime


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item,
                                  ) -> dict[str, Callable[[], Any]]:
    """Async GUI tests run on Qt's event loop (qasync), so widgets live while we await."""
    return {"qt": lambda: qasync.QEventLoop(QApplication.instance() or QApplication([]))}


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


@pytest.fixture
async def window(sandbox: SandboxTransport, qtbot: QtBot,
                 tmp_path: Path) -> AsyncIterator[MainWindow]:
    """A training terminal's window on the in-process sandboxes, in English."""
    runtime = await training_runtime(sandbox)
    translations = Translations(tmp_path / "qm")
    translations.use("en")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)
    main = MainWindow(runtime, secrets=SecretStore(), translations=translations, kiosk=False)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.start()
    await runtime.service.start()
    yield main
    main._unlocked = True
    main.close()
    await runtime.aclose()
