"""Run the sandboxes on a loopback socket, on a thread of their own.

Training mode, the ``pos-app sandbox`` command and end-to-end tests use real
sockets; the sandbox's own event loop on its own thread keeps its work off the
register's event loop (and so off the GUI thread).
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import threading
from types import TracebackType
from typing import Any

from pos_app.localserver import LocalServer
from pos_app.sandbox.app import Sandbox, build_app

log = logging.getLogger(__name__)


class SandboxServer:
    """``with SandboxServer() as server: server.base_url`` — up on enter, down on exit."""

    def __init__(self, sandbox: Sandbox | None = None, *, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        app, self.sandbox = build_app(sandbox)
        self._local = LocalServer(app, host=host, port=port, name="sandbox-server")

    @property
    def base_url(self) -> str:
        return self.sandbox.base_url

    @property
    def _server(self) -> Any:
        return self._local.server

    def start(self, timeout: float = 10.0) -> str:
        self.sandbox.base_url = self._local.start(timeout)
        return self.sandbox.base_url

    def stop(self, *, wait: bool = True) -> None:
        self._local.stop(wait=wait)

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve(*, host: str, port: int, until_stdin_closes: bool = False) -> int:
    """``pos-app sandbox``: serve until interrupted (or, for a register that started this
    process, until its standard input closes); first prints one JSON line with the training
    credentials and ``base_url``."""
    server = SandboxServer(host=host, port=port)
    server.start()
    try:
        # A windowed Windows executable has no sys.stdout, but the register's pipe is fd 1.
        with open(1, "w", encoding="utf-8", closefd=False) as out:
            out.write(json.dumps({"ready": True, **server.sandbox.credentials()}) + "\n")
    except OSError:  # BrokenPipeError: the register that started this has ended already
        server.stop()
        return 0
    stop = threading.Event()
    if until_stdin_closes:
        def watch_parent() -> None:
            with open(0, "rb", closefd=False) as parent:
                parent.read()  # until the register closes it, or ends
            stop.set()

        threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait()
    server.stop()
    return 0
