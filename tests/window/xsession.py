"""A real X display for the real-window tests: Xvfb, a window manager, real input events.

The tests press keys and click through the X server (xdotool sends XTEST events), exactly
as a keyboard, a barcode scanner or a touch screen would; screenshots are of the whole
screen, window manager frames and dialogs included.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pytest

from tests.window import packages

COMMANDS = ("Xvfb", "openbox", "xdotool", "import", "xdpyinfo", "setxkbmap")


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str,
               interval: float = 0.02) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def require_commands() -> None:
    absent = [c for c in COMMANDS if shutil.which(c) is None]
    if absent:
        pytest.fail(f"the real-window tests need {', '.join(absent)}. "
                    + packages.advice(packages.missing()))


@dataclass
class XSession:
    """One Xvfb screen with openbox on it."""

    width: int = 1024
    height: int = 768
    display: str = ""
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    last_click: float = 0.0

    def start(self, logs: Path) -> None:
        require_commands()
        logs.mkdir(parents=True, exist_ok=True)
        # -displayfd: Xvfb picks a free display number and tells us, so parallel sessions
        # never race for one.
        read, write = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0",
             f"{self.width}x{self.height}x24", "-nolisten", "tcp", "-noreset"],
            pass_fds=(write,), stdout=subprocess.DEVNULL,
            stderr=(logs / "xvfb.log").open("wb"))
        os.close(write)
        self._processes.append(xvfb)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            pytest.fail(f"Xvfb did not start: {(logs / 'xvfb.log').read_text()}")
        self.display = f":{number}"
        wait_until(lambda: self._run(["xdpyinfo"], check=False).returncode == 0,
                   timeout=10, what="the X server")
        self._processes.append(subprocess.Popen(
            ["openbox", "--sm-disable"], env=self.env(), stdout=subprocess.DEVNULL,
            stderr=(logs / "openbox.log").open("wb")))
        wait_until(self._has_window_manager, timeout=10, what="the window manager")
        self._run(["setxkbmap", "us"])

    def _has_window_manager(self) -> bool:
        found = self._run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], check=False)
        return "window id" in found.stdout

    def stop(self) -> None:
        for process in reversed(self._processes):
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
        self._processes.clear()

    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    def _run(self, argv: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, env=self.env(), capture_output=True, text=True,
                              timeout=30, check=check)

    # -- what a person does --

    def click(self, x: int, y: int) -> None:
        # The server takes XTEST events in order: the move lands before the click.  (With
        # --sync, a move to where the pointer already is waits 15 s for a motion.)
        self._run(["xdotool", "mousemove", str(x), str(y), "click", "1"])
        self.last_click = time.monotonic()

    def double_click(self, x: int, y: int, *, gap_ms: int = 150) -> None:
        """Two taps ``gap_ms`` apart, as a hurried finger makes them."""
        self._run(["xdotool", "mousemove", str(x), str(y), "click", "--repeat", "2",
                   "--delay", str(gap_ms), "1"])
        self.last_click = time.monotonic()

    def minimize(self, window: int) -> None:
        """Iconify a window through the window manager, as its menu or "show desktop" does."""
        self._run(["xdotool", "windowminimize", "--sync", str(window)])

    def wheel(self, x: int, y: int, *, down: bool) -> None:
        """One notch of the mouse wheel over (x, y)."""
        self._run(["xdotool", "mousemove", str(x), str(y), "click", "5" if down else "4"])

    @staticmethod
    def center_of(rect: list[int]) -> tuple[int, int]:
        x, y, w, h = rect
        return x + w // 2, y + h // 2

    def key(self, *keys: str) -> None:
        """Keys by X name: Return, Escape, Tab, ctrl+p, 1, BackSpace…"""
        self._run(["xdotool", "key", "--clearmodifiers", "--delay", "30", *keys])

    def type(self, text: str, *, per_key_ms: int = 60) -> None:
        """Typed as a person (60 ms a key) or, with a few ms, as a barcode scanner."""
        # xdotool's --delay is per key event, press and release apart: --delay 60 presses
        # keys 31 ms apart (measured with the key events' timestamps).
        self._run(["xdotool", "type", "--delay", str(2 * per_key_ms), "--", text])

    def focused_window(self) -> int | None:
        """The X window that has the keyboard (None: none, or the pointer's root)."""
        found = self._run(["xdotool", "getwindowfocus"], check=False)
        return int(found.stdout) if found.returncode == 0 and found.stdout.strip() else None

    def topmost_window_name(self) -> str:
        """The name of the window on top of the others (the window manager's stacking)."""
        found = self._run(["xprop", "-root", "_NET_CLIENT_LIST_STACKING"])
        top = found.stdout.rsplit(",", 1)[-1].split()[-1]  # bottom to top: the last
        return self._run(["xdotool", "getwindowname", str(int(top, 16))]).stdout.strip()

    def showing_desktop(self) -> bool:
        """Whether the window manager shows the desktop (EWMH ``_NET_SHOWING_DESKTOP``)."""
        found = self._run(["xprop", "-root", "_NET_SHOWING_DESKTOP"])
        return found.stdout.strip().endswith("= 1")

    def desktop_of(self, window: int) -> int:
        """The virtual desktop a window is on (EWMH ``_NET_WM_DESKTOP``; 0xFFFFFFFF: all)."""
        found = self._run(["xprop", "-id", str(window), "_NET_WM_DESKTOP"])
        return int(found.stdout.rsplit("=", 1)[-1])

    def viewable(self, window: int) -> bool:
        """Whether the window is mapped and shown now (on the desktop in view)."""
        return "IsViewable" in self._run(["xwininfo", "-id", str(window)]).stdout

    def screenshot(self, path: Path) -> Path:
        self._run(["import", "-window", "root", str(path)])
        return path

    def layout(self, *layouts: str, active: int = 0) -> None:
        """The keyboard layouts (e.g. "us", "ru" as a Russian till has them), ``active`` the
        group in use."""
        self._run(["setxkbmap", "-layout", ",".join(layouts)])
        with _Xlib(self.display) as x:
            x.lock_group(active)

    def scanner(self, code: str, *, per_key_ms: int = 5,
                stall: tuple[int, int] | None = None) -> None:
        """A hardware barcode scanner: it presses the keys of a US keyboard for ``code`` (and
        Enter), whatever layout is active — under the Russian one, Latin letters arrive as
        the Cyrillic letters on those keys.  ``stall``: after that many keys, a pause of
        that many ms (a busy USB hub)."""
        with _Xlib(self.display) as x:
            for i, char in enumerate(code):
                x.press_us_key(char)
                pause = stall[1] if stall and i + 1 == stall[0] else per_key_ms
                time.sleep(pause / 1000)  # a scanner's pace between keys, not a wait
            x.press_us_key("\r")


class _Xlib:
    """Raw key presses through XTEST by key code (libX11 and libXtst, through ctypes)."""

    _NAMES: ClassVar[dict[str, str]] = {
        "\r": "Return", "-": "minus", ".": "period", ",": "comma", "/": "slash", " ": "space"}

    def __init__(self, display: str) -> None:
        self._x = ctypes.cdll.LoadLibrary("libX11.so.6")
        self._xtest = ctypes.cdll.LoadLibrary("libXtst.so.6")
        self._x.XOpenDisplay.restype = ctypes.c_void_p
        self._x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self._x.XStringToKeysym.restype = ctypes.c_ulong
        self._x.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self._x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self._x.XFlush.argtypes = [ctypes.c_void_p]
        self._x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self._x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._x.XkbLockGroup.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_uint]
        self._xtest.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                  ctypes.c_ulong]
        self._display = self._x.XOpenDisplay(display.encode())
        assert self._display, f"cannot open the X display {display}"

    def __enter__(self) -> _Xlib:
        return self

    def __exit__(self, *_: object) -> None:
        self._x.XSync(self._display, 0)
        self._x.XCloseDisplay(self._display)

    def _code(self, name: str) -> int:
        return int(self._x.XKeysymToKeycode(self._display,
                                            self._x.XStringToKeysym(name.encode())))

    def _key(self, code: int, down: bool) -> None:
        self._xtest.XTestFakeKeyEvent(self._display, code, int(down), 0)

    def press_us_key(self, char: str) -> None:
        name = self._NAMES.get(char, char.lower() if char.isalpha() else char)
        shift = char.isalpha() and char.isupper()
        if shift:
            self._key(self._code("Shift_L"), True)
        code = self._code(name)
        self._key(code, True)
        self._key(code, False)
        if shift:
            self._key(self._code("Shift_L"), False)
        self._x.XFlush(self._display)

    def lock_group(self, group: int) -> None:
        self._x.XkbLockGroup(self._display, 0x100, group)  # XkbUseCoreKbd
        self._x.XSync(self._display, 0)
