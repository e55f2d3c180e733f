"""Run the sandboxes on a loopback socket, on a thread of their own.

Training mode, the ``pos-app sandbox`` command and end-to-end tests use real
sockets; the sandbox's own event loop on its own thread keeps its work off the
register's event loop (and so off the GUI thread).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from types import TracebackType

import uvicorn

from pos_app.sandbox.app import Sandbox, build_app

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """Tells the starting thread when it is listening (or that it gave up)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.ready.set()

    async def main_loop(self) -> None:
        """uvicorn's loop, but looking for the stop request every 10 ms instead of 100: the
        app's shutdown (and every test) waits for this thread to end."""
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            await asyncio.sleep(0.01)


class SandboxServer:
    """``with SandboxServer() as server: server.base_url`` — up on enter, down on exit."""

    def __init__(self, sandbox: Sandbox | None = None, *, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self._app, self.sandbox = build_app(sandbox)
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return self.sandbox.base_url

    def start(self, timeout: float = 10.0) -> str:
        # IPPROTO_TCP explicitly: asyncio turns Nagle's algorithm off only on sockets that say
        # so, and without it every answer waited 40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET6 if ":" in self._host else socket.AF_INET,
                             socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        host, port = sock.getsockname()[:2]
        self.sandbox.base_url = f"http://{host}:{port}" if ":" not in host else \
            f"http://[{host}]:{port}"
        config = uvicorn.Config(self._app, log_level="warning", lifespan="off",
                                access_log=False, timeout_graceful_shutdown=1)
        self._server = _Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="sandbox-server", daemon=True)
        self._thread.start()
        if not self._server.ready.wait(timeout) or not self._server.started:
            self.stop()
            raise RuntimeError("the training sandbox did not start")
        log.info("sandbox listening on %s", self.base_url)
        return self.base_url

    def stop(self, *, wait: bool = True) -> None:
        """Stop serving; ``wait=False`` returns at once (uvicorn then takes about 0.1 s to
        close, on its own daemon thread) for a process that is ending anyway."""
        if self._server is not None:
            self._server.should_exit = True
            # No waiting for idle keep-alive connections: the sandbox answers at once, so
            # nothing is cut short, and the app's exit does not wait another 100 ms.
            self._server.force_exit = True
        if self._thread is not None and wait:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
