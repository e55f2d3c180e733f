"""The real app (``python -m pos_app --demo``) in a real window, used as a person uses it.

Input goes through the X server (:class:`XSession`); the app's UI probe
(``pos_app/ui/probe.py``) only tells where a widget is and what the window shows, so a
test can click a button where it is drawn and wait until the window has reacted.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import tomli_w

from tests.window.xsession import XSession, wait_until

# A dialog or message that must never reach a cashier: the app's crash report, or any text
# naming a Python exception.
CRASH_BOX = "unexpectedErrorBox"
TAP_INTERVAL_S = 0.4  # a person's taps on a new screen come at least this far apart
EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b|Traceback")


@dataclass(frozen=True)
class Widget:
    name: str
    cls: str
    text: str
    enabled: bool
    rect: tuple[int, int, int, int]
    seen: tuple[int, int, int, int]  # the part on the screen (a scroll area hides the rest)
    window: str
    focus: bool
    checked: bool | None
    tooltip: str

    @property
    def center(self) -> tuple[int, int]:
        """The middle of the part on screen (a hidden widget has none to press)."""
        assert self.seen[2] > 0, f"{self.name or self.text!r} is not on the screen"
        x, y, w, h = self.seen
        return x + w // 2, y + h // 2

    @property
    def whole_on_screen(self) -> bool:
        return self.seen[2:] == self.rect[2:]


QT_OWN_DIALOGS = {"QPrintDialog", "QFileDialog"}  # Qt's standard dialogs: not our buttons


def button_key(widget: Widget) -> str:
    """A button by its window and name (by its class and text if it has no name)."""
    return f"{widget.window}/{widget.name or widget.cls + ':' + widget.text}"


@dataclass(frozen=True)
class Snapshot:
    """The window as the probe saw it at one moment."""

    raw: dict[str, Any]

    @property
    def screen(self) -> str:
        return str(self.raw["screen"])

    @property
    def modal(self) -> str:
        return str(self.raw["modal"])

    @property
    def focus(self) -> str:
        return str(self.raw["focus"])

    @property
    def busy(self) -> int:
        return int(self.raw["busy"])

    @property
    def running(self) -> bool:
        """The window's payments have started (before that, Pay says "Starting…")."""
        return bool(self.raw["running"])

    @property
    def windows(self) -> list[dict[str, Any]]:
        return list(self.raw["windows"])

    def window(self, name: str) -> dict[str, Any] | None:
        return next((w for w in self.windows if w["name"] == name), None)

    def has_window(self, name: str) -> bool:
        return self.window(name) is not None

    @property
    def widgets(self) -> list[Widget]:
        return [Widget(name=w["name"], cls=w["class"], text=w["text"], enabled=w["enabled"],
                       rect=tuple(w["rect"]), seen=tuple(w["seen"]), window=w["window"],
                       focus=w["focus"],
                       checked=w["checked"], tooltip=w["tooltip"])
                for w in self.raw["widgets"]]

    def find(self, name: str, *, window: str | None = None) -> Widget | None:
        for widget in self.widgets:
            if widget.name == name and (window is None or widget.window == window):
                return widget
        return None

    def get(self, name: str, *, window: str | None = None) -> Widget:
        widget = self.find(name, window=window)
        if widget is None:
            raise AssertionError(f"no visible widget {name!r} on {self.describe()}")
        return widget

    def text(self, name: str) -> str:
        return self.get(name).text

    def buttons(self, window: str | None = None) -> list[Widget]:
        return [w for w in self.widgets if w.cls in ("QPushButton", "QToolButton",
                                                     "QCheckBox", "QRadioButton")
                and (window is None or w.window == window)]

    def button_with_text(self, text: str, *, window: str | None = None) -> Widget:
        for widget in self.buttons(window):
            if widget.text.replace("&", "") == text:
                return widget
        raise AssertionError(f"no button {text!r} on {self.describe()}")

    def messages(self) -> list[str]:
        """The texts of the message boxes open now."""
        return [w["text"] for w in self.windows if w["class"] == "QMessageBox"]

    def describe(self) -> str:
        windows = ", ".join(f"{w['name']}({w['text'][:60]!r})" for w in self.windows)
        return f"screen {self.screen!r}, modal {self.modal!r}, windows [{windows}]"


class App:
    """One app process on ``x``, with its own configuration, journal and log folders."""

    def __init__(self, x: XSession, folder: Path, *, language: str = "en",
                 config: dict[str, Any] | None = None, kiosk: bool = False) -> None:
        self.x = x
        self.folder = folder
        self.language = language
        self.config = config or {}
        self.kiosk = kiosk
        self.shots = folder / "screenshots"
        self.shots.mkdir(parents=True, exist_ok=True)
        self._shot = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.probe_path = folder / "probe.sock"
        self._socket: socket.socket | None = None
        self._reader: Any = None
        self.env_extra: dict[str, str] = {}
        self.args_extra: list[str] = []
        self.training = True  # --demo; False: live mode (the first-run setup, here)
        self._allowed_errors: list[str] = []
        # Every enabled button seen on our windows, and those pressed (the walk's coverage).
        self.seen: dict[str, str] = {}
        self.pressed: set[str] = set()
        self._last_place: tuple[object, ...] = ()  # where the last tap landed

    # -- the process --

    def write_config(self) -> Path:
        path = self.folder / "config" / "terminal.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        config = _merged({"terminal": {"language": self.language, "store_name": "Ромашка"}},
                         self.config)
        path.write_text(tomli_w.dumps(config), encoding="utf-8")
        return path

    def start(self, *, running: bool = True, sale_screen: bool = True) -> App:
        """Start the app; wait for its sale screen (unless not ``sale_screen``: the first-run
        setup, say) and, with ``running``, for its payments (the sale screen takes keys
        before them, issue 17)."""
        config = self.write_config()
        env = {**self.x.env(), "QT_QPA_PLATFORM": "xcb",
               "POS_APP_CONFIG": str(config),
               "POS_APP_DATA_DIR": str(self.folder / "data"),
               "POS_APP_LOG_DIR": str(self.folder / "logs"),
               "POS_APP_UI_PROBE": str(self.probe_path),
               "XDG_CONFIG_HOME": str(self.folder / "xdg"),  # QSettings: no window geometry
               "XDG_CACHE_HOME": str(self.folder / "cache"),
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **self.env_extra}
        env.pop("QT_QPA_PLATFORMTHEME", None)
        argv = [sys.executable, "-m", "pos_app", *(["--demo"] if self.training else []),
                *self.args_extra] + (["--kiosk"] if self.kiosk else [])
        self.process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                        stderr=(self.folder / "stderr.log").open("wb"))
        wait_until(self._connect, timeout=60, what="the app's window and probe")
        if sale_screen:
            self.wait(lambda s: s.has_window("mainWindow") and s.screen == "saleScreen"
                      and (s.running or not running), what="the sale screen")
        return self

    def _connect(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"the app exited with {self.process.returncode}: {self.stderr()}")
        if not self.probe_path.exists():
            return False
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(self.probe_path))
        except OSError:
            sock.close()
            return False
        self._socket, self._reader = sock, sock.makefile("rb")
        return True

    def stop(self) -> None:
        if self._socket is not None:
            self._reader.close()
            self._socket.close()
            self._socket = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def exited(self) -> int | None:
        assert self.process is not None
        return self.process.poll()

    def stderr(self) -> str:
        return (self.folder / "stderr.log").read_text(encoding="utf-8", errors="replace")

    def log(self) -> str:
        path = self.folder / "logs" / "pos-app.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def sandbox(self) -> httpx.Client:
        """The training sandboxes this app runs, for what the customer or the provider does
        (pay a link, inject a fault), over their control routes."""
        found = re.search(r"sandbox-server listening on (http://\S+)", self.log())
        assert found, "the app's training sandboxes are not running"
        return httpx.Client(base_url=found.group(1), timeout=10)

    def log_errors(self) -> list[str]:
        """Errors in the app's log, but those a test provoked (:meth:`allow_log_errors`)."""
        return [line for line in self.log().splitlines()
                if re.match(r"\S+ \S+ (ERROR|CRITICAL) ", line)
                and not any(allowed in line for allowed in self._allowed_errors)]

    def allow_log_errors(self, text: str) -> None:
        """An error line holding ``text`` is what the test provoked, not a defect."""
        self._allowed_errors.append(text)

    # -- looking --

    def ask(self, request: dict[str, Any]) -> Any:
        assert self._socket is not None, "the app is not running"
        self._socket.sendall(json.dumps(request).encode() + b"\n")
        line = self._reader.readline()
        if not line:
            pytest.fail(f"the app stopped answering: {self.stderr()[-2000:]}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise AssertionError(answer["error"])
        return answer["result"]

    def snapshot(self) -> Snapshot:
        return Snapshot(self.ask({"op": "snapshot"}))

    def items(self, name: str) -> list[dict[str, Any]]:
        return list(self.ask({"op": "items", "name": name}))

    def tabs(self, name: str) -> list[dict[str, Any]]:
        return list(self.ask({"op": "tabs", "name": name}))

    def click_tab(self, name: str, index: int) -> None:
        x, y, w, h = self.tabs(name)[index]["rect"]
        self._pace()
        self.x.click(x + w // 2, y + h // 2)
        self.wait(lambda s: self.tabs(name)[index]["current"], what=f"tab {index} of {name}")

    def choose_in(self, combo: str, text: str | None = None, *, index: int | None = None,
                  window: str | None = None) -> None:
        """Open a combo box by a click and click one of its items (by text or position)."""
        self.click(combo, window=window)
        self.wait(lambda s: bool(s.raw["popup"]), what=f"the list of {combo}")
        cells = self.items("popup")
        cell = cells[index] if index is not None else next(
            (c for c in cells if c["text"] == text), None)
        assert cell is not None, f"no {text!r} in {[c['text'] for c in cells]}"
        x, y, w, h = cell["rect"]
        self._pace()
        self.x.click(x + w // 2, y + h // 2)
        self.wait(lambda s: not s.raw["popup"], what=f"the list of {combo} closed")

    def wait(self, condition: Callable[[Snapshot], bool], *, what: str,
             timeout: float = 20, idle: bool = False) -> Snapshot:
        """The window once ``condition`` holds (and, if ``idle``, no screen action runs)."""
        seen: list[Snapshot] = []

        def holds() -> bool:
            snap = self.snapshot()
            seen[:] = [snap]
            self.check(snap)
            self._note_buttons(snap)
            return condition(snap) and (not idle or snap.busy == 0)

        try:
            wait_until(holds, timeout=timeout, what=what)
        except pytest.fail.Exception:
            self.shot("timeout")
            raise AssertionError(f"timed out waiting for {what}; the window: "
                                 f"{seen[0].describe() if seen else '?'}") from None
        return seen[0]

    def _note_buttons(self, snap: Snapshot) -> None:
        qt_own = {w["name"] for w in snap.windows if w["class"] in QT_OWN_DIALOGS}
        for widget in snap.buttons():
            if widget.enabled and widget.window not in qt_own:
                self.seen.setdefault(button_key(widget), widget.text)

    def check(self, snap: Snapshot | None = None) -> None:
        """What must never happen at any stop: a crash report, a Python name on screen."""
        snap = snap or self.snapshot()
        if snap.has_window(CRASH_BOX):
            self.shot("crash")
            raise AssertionError(f"crash dialog: {snap.window(CRASH_BOX)}")
        for text in snap.messages():
            if EXCEPTION_NAME.search(text):
                self.shot("exception-name")
                raise AssertionError(f"a message names an exception: {text!r}")

    def shot(self, label: str) -> Path:
        self._shot += 1
        safe = re.sub(r"[^\w.-]+", "-", label)
        return self.x.screenshot(self.shots / f"{self._shot:03d}-{safe}.png")

    # -- acting, with real input --

    def click(self, target: str | Widget, *, window: str | None = None) -> None:
        widget = target if isinstance(target, Widget) else self.snapshot().get(
            target, window=window)
        if not widget.whole_on_screen and widget.name:
            widget = self.scroll_to(widget)
        assert widget.enabled, f"{widget.name or widget.text!r} is disabled"
        self.pressed.add(button_key(widget))
        self._pace()
        if widget.cls in ("QCheckBox", "QRadioButton"):  # its box, as a person taps it: the
            x, y, _, h = widget.seen                    # row's middle may be past its words
            self.x.click(x + 15, y + h // 2)
        else:
            self.x.click(*widget.center)

    def _pace(self) -> None:
        """A person's pace: the first tap on a screen the last tap changed comes after a
        double tap's time (the app ignores a second tap within 0.35 s that lands on the next
        screen, or where a list it closed was: pos_app.ui.widgets.InputGuard).  Pacing
        input, not waiting for the app."""
        snap = self.snapshot()
        dialog = snap.window(snap.modal) if snap.modal else None
        # Another question in a box of the same name is another place, too.
        place = (snap.screen, snap.modal, dialog["xid"] if dialog else None,
                 dialog["text"] if dialog else "", snap.raw["popup"])
        pause = TAP_INTERVAL_S - (time.monotonic() - self.x.last_click)
        if place != self._last_place and pause > 0:
            time.sleep(pause)
        self._last_place = place

    def scroll_to(self, widget: Widget) -> Widget:
        """Turn the mouse wheel over the scroll area until the widget is whole on screen, as
        a person scrolls to a button below the fold."""
        for _ in range(40):
            top, height = widget.rect[1], widget.rect[3]
            shown = widget.seen[3] > 0
            window = self.snapshot().window(widget.window)
            assert window is not None
            middle = self.x.center_of(window["rect"])
            # Over the part shown, if any; else over the window's middle (the scroll area).
            over = widget.center if shown else middle
            down = (top + height > widget.seen[1] + widget.seen[3]) if shown else top > middle[1]
            self.x.wheel(*over, down=down)
            widget = self.snapshot().get(widget.name, window=widget.window)
            if widget.whole_on_screen:
                return widget
        raise AssertionError(f"{widget.name} cannot be scrolled into view")

    def click_text(self, text: str, *, window: str | None = None) -> None:
        self.click(self.snapshot().button_with_text(text, window=window))

    def click_cell(self, view: str, *, row: int, column: int = 0) -> None:
        """Click a cell once it is on the screen (a list reads its rows after it shows)."""
        def cell() -> dict[str, Any] | None:
            return next((c for c in self.items(view)
                         if c["row"] == row and c["column"] == column), None)
        self.wait(lambda s: cell() is not None, what=f"row {row} of {view} on the screen")
        found = cell()
        assert found is not None
        x, y, w, h = found["rect"]
        self._pace()
        self.x.click(x + w // 2, y + h // 2)

    def key(self, *keys: str) -> None:
        self._keyboard_ready()
        self.x.key(*keys)

    def type(self, text: str, *, per_key_ms: int = 60) -> None:
        self._keyboard_ready()
        self.x.type(text, per_key_ms=per_key_ms)

    def scan(self, code: str) -> None:
        """A barcode scanner: the code in a burst of keys 5 ms apart, then Enter."""
        self._keyboard_ready()
        self.x.type(code, per_key_ms=5)
        self.x.key("Return")

    def _keyboard_ready(self) -> None:
        """Keys only once one of the app's windows has the keyboard: right after a dialog
        closes, the window manager takes a moment to give it back (a person's next key
        comes later than that; a test's would be lost)."""
        def ready(snap: Snapshot) -> bool:
            active = snap.window(snap.raw["active"]) if snap.raw["active"] else None
            return active is not None and self.x.focused_window() == active["xid"]

        self.wait(ready, what="the keyboard on the app's active window", timeout=5)

    def focus_on(self, name: str) -> Snapshot:
        return self.wait(lambda s: s.focus == name, what=f"the focus on {name}")

    def modal(self, name: str) -> Snapshot:
        return self.wait(lambda s: s.modal == name, what=f"the dialog {name}")

    def no_modal(self) -> Snapshot:
        return self.wait(lambda s: not s.modal, what="no dialog open")

    def on_screen(self, name: str, *, timeout: float = 20) -> Snapshot:
        return self.wait(lambda s: s.screen == name and not s.modal,
                         what=f"the screen {name}", timeout=timeout)

    def message(self, *, contains: str = "", timeout: float = 20) -> str:
        """The text of the message box that opens (waited for)."""
        snap = self.wait(lambda s: any(contains in m for m in s.messages()),
                         what=f"a message with {contains!r}", timeout=timeout)
        return next(m for m in snap.messages() if contains in m)

    def iter_shots(self) -> Iterator[Path]:
        return iter(sorted(self.shots.glob("*.png")))



def _merged(base: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in more.items():
        merged[key] = (_merged(merged[key], value) if isinstance(value, dict)
                       and isinstance(merged.get(key), dict) else value)
    return merged
