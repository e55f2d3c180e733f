"""The start's steps before Qt (pos_app/ui/early.py, issue 17)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

EARLY = """
import json, sys
from argparse import Namespace
from pos_app.ui import early
args = Namespace(demo={demo}, config=None, sandbox_url=None)
started = early.start(args)
answer = started.sandbox.ready() if started.sandbox else {{}}
print(json.dumps({{"qt": sorted(m for m in sys.modules if m.startswith("PySide6")),
                  "terminal": started.config and started.config.terminal_id,
                  "busy": started.busy, "locked": started.lock is not None,
                  "sandbox": answer.get("base_url")}}), flush=True)
sys.stdin.read()  # holds the lock and the sandboxes until the test is done
"""


def _early(tmp_path: Path, *, demo: bool) -> subprocess.Popen[str]:
    env = os.environ | {"POS_APP_DATA_DIR": str(tmp_path / "data"),
                        "POS_APP_CONFIG": str(tmp_path / "terminal.toml"),
                        "POS_APP_LOG_DIR": str(tmp_path / "logs")}
    return subprocess.Popen([sys.executable, "-c", EARLY.format(demo=demo)], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _said(child: subprocess.Popen[str]) -> dict[str, object]:
    assert child.stdout is not None
    return dict(json.loads(child.stdout.readline()))


def test_training_starts_its_sandboxes_and_holds_the_journal_before_qt(tmp_path: Path) -> None:
    child = _early(tmp_path, demo=True)
    try:
        said = _said(child)
        assert said["qt"] == []  # nothing of Qt yet: the sandboxes start while it loads
        assert said["terminal"] == "TRAINING-01"
        assert said["locked"] is True
        assert said["busy"] is False
        credentials = httpx.get(f"{said['sandbox']}/_sandbox/credentials", timeout=10)
        assert credentials.status_code == 200
        second = _early(tmp_path, demo=True)  # a second copy on the same till
        try:
            again = _said(second)
            assert again["busy"] is True
            assert again["locked"] is False
            assert again["sandbox"] is None  # a copy that will not open starts no sandboxes
        finally:
            second.communicate("")
    finally:
        child.communicate("")
    assert child.returncode == 0


def test_live_mode_without_a_configuration_goes_to_the_setup_holding_the_journal(
        tmp_path: Path) -> None:
    """A second copy then says the till is open, instead of a second setup (a walk)."""
    child = _early(tmp_path, demo=False)
    try:
        said = _said(child)
        assert said == {"qt": [], "terminal": None, "busy": False, "locked": True,
                        "sandbox": None}
        second = _early(tmp_path, demo=False)
        try:
            assert _said(second) == {"qt": [], "terminal": None, "busy": True,
                                     "locked": False, "sandbox": None}
        finally:
            second.communicate("")
    finally:
        child.communicate("")


STARTED = """
import gc, json, os, sys
sys.argv = ["pos-app", "--demo", "{how}"]
from pos_app import launch
real_exit = os._exit
def report(code):
    qt_core = vars(sys.modules["PySide6.QtCore"])
    qt_widgets = vars(sys.modules["PySide6.QtWidgets"])
    print(json.dumps({{"modules": sorted(sys.modules), "collecting": gc.isenabled(),
                      "qt_namespace": "Qt" in qt_core, "qstyle": "QStyle" in qt_widgets}}),
          flush=True)
    real_exit(code)
os._exit = report  # the window's way out (pos_app.launch._gui)
launch.main()
"""


def _started(tmp_path: Path, how: str) -> dict[str, object]:
    env = os.environ | {"POS_APP_DATA_DIR": str(tmp_path / "data"),
                        "POS_APP_CONFIG": str(tmp_path / "terminal.toml"),
                        "POS_APP_LOG_DIR": str(tmp_path / "logs"),
                        "XDG_CONFIG_HOME": str(tmp_path / "settings"),  # the window's own
                        "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", STARTED.format(how=how)], env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_the_first_paint_waits_for_none_of_the_payment_screens(tmp_path: Path) -> None:
    """The sale screen is painted before the payment screens, the dialogs and OpenSSL's
    hashes are imported (issue 17: each cost the first paint)."""
    painted = _started(tmp_path, "--exit-after-paint")
    modules = set(str(name) for name in painted["modules"])  # type: ignore[attr-defined]
    assert "pos_app.ui.sale" in modules
    assert "pos_app.ui.alert_bar" in modules
    assert not modules & {"pos_app.ui.checkout", "pos_app.ui.payment", "pos_app.ui.progress",
                          "pos_app.ui.date_field", "pos_app.app",
                          "hashlib", "hmac", "httpx"}
    assert painted["collecting"] is False  # collected again only once it is painted


def test_the_first_paint_does_not_build_the_qt_namespace(tmp_path: Path) -> None:
    """Building ``Qt`` makes its 93 enums (~16 ms, issue 17): the sale screen sets its few
    enum properties by name, and its basket is painted without asking Python."""
    assert _started(tmp_path, "--exit-after-paint")["qt_namespace"] is False


def test_a_full_start_makes_no_dataclass_nor_qt_enums_it_does_not_need(tmp_path: Path,
                                                                        ) -> None:
    """The app's value types are ``msgspec`` structs (issue 17): CPython 3.11 compiles the
    methods of each dataclass as it is made (~0.7 ms a class, 31 ms of a full start's 48),
    a struct is made in C.  ``dataclasses`` unimported means none was made.  The top bar's
    shift button turns red (no shift yet) without PySide6 building ``QStyle`` (~6 ms).
    Neither the event loop's callbacks (qasync's ``killTimer``, :mod:`pos_app.ui.loop`) nor
    the window's close through the input guard build ``Qt`` (~15 ms)."""
    started = _started(tmp_path, "--exit-after-start")
    modules = set(str(name) for name in started["modules"])  # type: ignore[attr-defined]
    assert "dataclasses" not in modules
    assert "pos_app.app" in modules
    assert started["qstyle"] is False
    assert started["qt_namespace"] is False


def test_garbage_is_collected_again_once_the_start_is_done(tmp_path: Path) -> None:
    started = _started(tmp_path, "--exit-after-start")
    assert started["collecting"] is True
