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


def _caption_sizes() -> set[int]:
    """Every ``caption(points=N)`` in the app's code."""
    import ast
    from pathlib import Path

    import pos_app

    sizes: set[int] = set()
    for path in Path(pos_app.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "caption":
                sizes.update(int(k.value.value) for k in node.keywords if k.arg == "points"
                             and isinstance(k.value, ast.Constant)
                             and isinstance(k.value.value, int))
    return sizes


def test_every_caption_gets_its_size_from_the_style_sheet(qtbot: QtBot) -> None:
    """caption() sizes come from style.qss rules: a size without a rule stayed 13 pt."""
    from pos_app.ui.app import apply_style
    from pos_app.ui.qt import QApplication
    from pos_app.ui.widgets import caption

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)
    sizes = _caption_sizes()
    assert 26 in sizes  # the sale's total: the scan found the calls
    for points in sorted(sizes):
        label = caption("x", points=points, bold=True)
        qtbot.addWidget(label)
        label.ensurePolished()
        assert (label.font().pointSize(), label.font().bold()) == (points, True), points
