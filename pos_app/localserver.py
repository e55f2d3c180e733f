"""An ASGI app served on a socket of this machine, on a thread of its own.

Used by the training sandboxes and by the callback listener: their HTTP work never runs
on the register's event loop, so never on the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from typing import Any

import uvicorn

log = logging.getLogger(__name__)
KEEP_ALIVE_S = 30  # seconds an idle connection stays open: longer than any client keeps it


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


class LocalServer:
    def __init__(self, app: Any, *, host: str, port: int, name: str) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._name = name
        self.server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self, timeout: float = 10.0) -> str:
        # IPPROTO_TCP explicitly: asyncio turns Nagle's algorithm off only on sockets that say
        # so, and without it every answer waited 40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET6 if ":" in self._host else socket.AF_INET,
                             socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        host, port = sock.getsockname()[:2]
        self.base_url = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
        # log_config=None: uvicorn's loggers go through ours (the log file); its own set-up
        # writes to the console, which the windowed Windows executable does not have (it
        # crashed the training start there).
        # Idle connections are kept longer than clients keep them (httpx: 5 s): with equal
        # times a client could send on a connection the server was closing ("Server
        # disconnected without sending a response", seen once in bench_memory).
        config = uvicorn.Config(self._app, log_level="warning", lifespan="off",
                                access_log=False, timeout_graceful_shutdown=1,
                                log_config=None, timeout_keep_alive=KEEP_ALIVE_S)
        self.server = _Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                        name=self._name, daemon=True)
        self._thread.start()
        if not self.server.ready.wait(timeout) or not self.server.started:
            self.stop()
            raise RuntimeError(f"{self._name} did not start on {self.base_url}")
        log.info("%s listening on %s", self._name, self.base_url)
        return self.base_url

    def stop(self, *, wait: bool = True) -> None:
        """Stop serving; ``wait=False`` returns at once (uvicorn then takes about 0.1 s to
        close, on its own daemon thread) for a process that is ending anyway."""
        if self.server is not None:
            self.server.should_exit = True
            # No waiting for idle keep-alive connections: the answers are quick, so nothing
            # is cut short, and an exit does not wait another 100 ms.
            self.server.force_exit = True
        if self._thread is not None and wait:
            self._thread.join(timeout=5)
        self.server = None
        self._thread = None
