"""Training mode's sandboxes in a process of their own, started before the window.

The window's start and the sandboxes' (uvicorn, Starlette, the three simulated providers)
then run side by side on two cores instead of one after the other, and the sandboxes'
Python never competes with the window for the GIL (issue 17).  The child ends when its
standard input closes: when the register closes it, and also when the register dies.

Kept free of the sandboxes' own imports: the register imports this before Qt.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
import threading
from typing import Any

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 15.0  # a cold start of a slow till's disk, with room to spare


class SandboxUnavailable(Exception):
    """The child did not start or did not say where it listens (the caller runs the
    sandboxes in its own process instead)."""


def _command() -> list[str]:
    if getattr(sys, "frozen", False):  # the bundle's executable is the app itself
        return [sys.executable]
    return [sys.executable, "-m", "pos_app"]


class SandboxProcess:
    """``process = SandboxProcess.start()`` … ``process.ready()`` → the credentials (as
    :meth:`pos_app.sandbox.app.Sandbox.credentials`, with ``base_url``) … ``process.stop()``.
    """

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._answer: dict[str, Any] | None = None
        self._problem = ""
        self._done = threading.Event()
        # Read on a thread: the window keeps going while the child starts.
        threading.Thread(target=self._read, name="sandbox-process", daemon=True).start()

    @classmethod
    def start(cls) -> SandboxProcess:
        """Start the child; raises :class:`SandboxUnavailable` if it cannot be started."""
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console flashing on Windows
        try:
            process = subprocess.Popen(  # noqa: S603 (this app itself, fixed arguments)
                [*_command(), "sandbox", "--port", "0", "--until-stdin-closes"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, creationflags=flags)
        except OSError as exc:
            raise SandboxUnavailable(str(exc)) from exc
        return cls(process)

    def _read(self) -> None:
        stdout = self._process.stdout
        line = stdout.readline() if stdout is not None else b""
        try:
            answer = json.loads(line)
        except ValueError:
            self._problem = f"it said {line[:200]!r}"
        else:
            if isinstance(answer, dict) and answer.get("ready") and answer.get("base_url"):
                self._answer = answer
            else:
                self._problem = f"it said {line[:200]!r}"
        self._done.set()

    def ready(self, timeout: float = READY_TIMEOUT_S) -> dict[str, Any]:
        """Block until the child listens (call it on a worker thread); its credentials.
        Raises :class:`SandboxUnavailable` (the child is stopped then)."""
        if not self._done.wait(timeout):
            self.stop()
            raise SandboxUnavailable(f"no answer within {timeout:.0f} s")
        if self._answer is None:
            self.stop()
            raise SandboxUnavailable(self._problem or "it ended")
        return self._answer

    def stop(self) -> None:
        """Ask the child to end (its standard input closes) without waiting for it."""
        stdin = self._process.stdin
        if stdin is not None and not stdin.closed:
            with contextlib.suppress(OSError):  # it has ended already
                stdin.close()

    def wait(self, timeout: float) -> int:
        """The child's exit code once it has ended (a register does not wait for it)."""
        return self._process.wait(timeout)
