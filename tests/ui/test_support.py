"""Nothing fails silently: actions report errors, waits can be left, crashes are logged."""

from __future__ import annotations

import asyncio
import inspect
import logging
import sys
from collections.abc import AsyncIterator

import pytest
from pytestqt.qtbot import QtBot

from pos_app.i18n import UserError, msg
from pos_app.ui.qt import QMessageBox, QPushButton, Qt, QWidget
from pos_app.ui.support import cancel_actions, install_excepthook, spawn, with_progress
from tests.ui.test_flows import dialog, until


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
async def restore_hooks() -> AsyncIterator[None]:
    hook, loop = sys.excepthook, asyncio.get_running_loop()
    handler = loop.get_exception_handler()
    yield
    sys.excepthook = hook
    loop.set_exception_handler(handler)


async def test_an_action_reports_a_user_error_in_its_words(parent: QWidget) -> None:
    button = QPushButton("Go", parent)

    async def refuse() -> None:
        assert not button.isEnabled()  # busy while it runs
        raise UserError(msg("Common", "Please wait"))

    task = spawn(refuse(), parent=parent, busy=button)
    assert task is not None
    await asyncio.wait({task})
    box = await until(lambda: dialog("errorBox", QMessageBox))
    assert box.text() == "Please wait"
    assert button.isEnabled()
    box.accept()


async def test_an_action_crashing_is_logged_and_shown(parent: QWidget,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    async def crash() -> None:
        raise ZeroDivisionError("boom")

    task = spawn(crash(), parent=parent)
    assert task is not None
    await asyncio.wait({task})
    box = await until(lambda: dialog("unexpectedErrorBox", QMessageBox))
    # What was kept and what to do, in the UI's words; the error's name is for the log only.
    assert "ZeroDivision" not in box.text()
    assert "Nothing is lost" in box.text()
    assert "check it in History" in box.text()
    assert "ZeroDivisionError" in caplog.text
    assert "Traceback" in caplog.text
    box.accept()


async def test_stop_waiting_leaves_the_work_running(parent: QWidget, qtbot: QtBot) -> None:
    release = asyncio.Event()
    finished = []

    async def slow() -> str:
        await release.wait()
        finished.append(True)
        return "done"

    waiting = asyncio.ensure_future(with_progress(parent, slow(), "Waiting for Paymega…"))
    progress = await until(lambda: dialog("progressDialog"))
    stop = progress.findChild(QPushButton, "stopWaiting")
    assert stop is not None
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    assert await waiting is None  # the cashier stopped waiting…
    release.set()
    await until(lambda: finished)  # …and the work still finished


async def test_with_progress_returns_the_result(parent: QWidget) -> None:
    async def quick() -> int:
        return 42

    assert await with_progress(parent, quick(), "…") == 42
    assert dialog("progressDialog") is None


async def test_unhandled_exceptions_are_logged_and_shown(
        restore_hooks: None, caplog: pytest.LogCaptureFixture) -> None:
    shown: list[QWidget | None] = []
    install_excepthook(shown.append)
    try:
        raise KeyError("journal")
    except KeyError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert len(shown) == 1
    assert any(r.levelno == logging.CRITICAL and "KeyError" in r.getMessage()
               for r in caplog.records)
    # An exception in a task nobody awaited reaches the loop's handler: shown too.
    asyncio.get_running_loop().call_exception_handler(
        {"message": "Task exception was never retrieved", "exception": RuntimeError("late")})
    assert len(shown) == 2
    assert any(r.levelno == logging.CRITICAL and "RuntimeError" in r.getMessage()
               for r in caplog.records)


async def test_an_action_cancelled_before_it_ran_is_closed() -> None:
    """Else Python warns at exit that the coroutine "was never awaited"."""
    ran = False

    async def action() -> None:
        nonlocal ran
        ran = True

    coroutine = action()
    task = spawn(coroutine)
    assert task is not None
    await cancel_actions()  # the window closed before the loop came to it
    assert task.cancelled()
    assert not ran
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED  # nothing to warn about
