"""Guards against Qt binding defects that would otherwise abort the whole test run at exit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
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


def _blank(args: list[Any]) -> bool:
    import ast

    return bool(args) and isinstance(args[0], ast.Constant) and not str(args[0].value).strip()


def test_no_widget_is_styled_in_the_code() -> None:
    """The look is in resources/style.qss alone (issue 18: inline setStyleSheet calls were
    scattered over seven modules, each its own shade of red).  A blank sheet of a widget's
    own has no look: it only polishes the widget again (``support.polish_again``)."""
    import ast
    from pathlib import Path

    import pos_app

    root = Path(pos_app.__file__).parent
    styled = [path.relative_to(root).as_posix()
              for path in root.rglob("*.py")
              for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
              if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "setStyleSheet"
              and not _blank(node.args)]
    assert styled == ["ui/app.py"]  # once: the application's own sheet, read from the file


def test_the_style_sheet_colours_errors_and_outcomes(qtbot: QtBot) -> None:
    from pos_app.ui.app import apply_style
    from pos_app.ui.qt import QApplication, QLabel, QPalette
    from pos_app.ui.support import restyle
    from pos_app.ui.widgets import caption

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)

    def colour(label: QLabel) -> str:
        label.ensurePolished()
        return str(label.palette().color(QPalette.ColorRole.WindowText).name())

    error = caption("x", error=True)
    qtbot.addWidget(error)
    assert colour(error) == "#b00020"
    headline = caption("x", points=34, bold=True, name="resultHeadline")
    qtbot.addWidget(headline)
    for outcome, expected in (("paid", "#1b7f3b"), ("waiting", "#8a6d00"),
                              ("failed", "#b00020")):
        restyle(headline, "outcome", outcome)
        assert colour(headline) == expected, outcome


def test_no_module_source_is_read_at_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    """Issue 17: PySide6 read the source of every module imported after it (~47 ms of a
    start) to look for ``from __feature__ import``, which this app never uses."""
    import inspect

    import pos_app.ui.qt  # noqa: F401  (PySide6 imported, the scan turned off)
    from pos_app.ui.qt import QWidget

    read: list[object] = []

    def getsource(obj: object) -> str:
        read.append(obj)
        return ""
    monkeypatch.setattr(inspect, "getsource", getsource)
    (tmp_path / "freshly_imported.py").write_text("from PySide6.QtCore import QObject\n",
                                                  encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__("freshly_imported")  # an import statement's way (PySide6 hooks that one)
    sys.modules.pop("freshly_imported")
    assert read == []
    assert hasattr(QWidget, "setWindowTitle")  # the default names, as without the scan
    assert not hasattr(QWidget, "set_window_title")
