"""Guards against Qt binding defects that would otherwise abort the whole test run at exit."""

from __future__ import annotations

import sys

from pytestqt.qtbot import QtBot

from pos_app.ui.qt import QLineEdit, QPushButton, Qt


def test_qtest_keeps_reference_counts(qtbot: QtBot) -> None:
    """PySide6 6.12.0 loses a reference to None per QTest call; after a few thousand the
    interpreter aborts ("deallocating None"). pyproject.toml excludes it; this says why."""
    field, button = QLineEdit(), QPushButton("x")
    qtbot.addWidget(field)
    qtbot.addWidget(button)
    before = sys.getrefcount(None)
    for _ in range(300):
        qtbot.keyClick(field, "a")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert sys.getrefcount(None) - before > -100, "this PySide6 leaks references to None"
