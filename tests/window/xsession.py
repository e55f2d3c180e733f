"""A real X display for the real-window tests: Xvfb, a window manager, real input events.

The tests press keys and click through the X server (xdotool sends XTEST events), exactly
as a keyboard, a barcode scanner or a touch screen would; screenshots are of the whole
screen, window manager frames and dialogs included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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

    def screenshot(self, path: Path) -> Path:
        self._run(["import", "-window", "root", str(path)])
        return path

    def layout(self, *layouts: str) -> None:
        """The keyboard layouts, the first active (e.g. "ru" for a Russian till)."""
        self._run(["setxkbmap", "-layout", ",".join(layouts)])
