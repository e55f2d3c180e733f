"""Fault injection for the sandboxes: the network and provider failures a register must survive.

"Commit" means the provider processed the request and changed its state.  Faults
*before* commit leave no trace at the provider; faults *after* commit hide an
answer that already took effect — the case that loses or doubles payments in
careless clients.

Over real sockets a dropped connection is a response cut off mid-body, and a
timeout is an answer that comes later than any client waits.  In-process (tests
through ``httpx.ASGITransport``) the same faults raise :class:`ConnectionDropped`
and :class:`ResponseTimeout`, which :class:`pos_app.sandbox.testing.SandboxTransport`
turns into the httpx exceptions a real network would give.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from msgspec import Struct
from msgspec.structs import asdict

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KINDS = (
    "latency",  # wait delay_ms, then process normally
    "error_before",  # answer `status` (5xx) without processing
    "error_after",  # process, then answer `status` (5xx) instead of the real answer
    "drop_before",  # cut the connection without processing
    "drop_after",  # process, then cut the connection
    "timeout_after_commit",  # process, then answer only after delay_ms (clients give up)
    "malformed",  # process, then answer 200 with broken JSON
    "wrong_content_type",  # process, then answer 200 with an HTML page
    "truncated",  # process, then answer with half of the real body
    "status",  # answer `status` (e.g. 401, 403, 409, 429) without processing
)
AFTER_COMMIT = {"error_after", "drop_after", "timeout_after_commit", "malformed",
                "wrong_content_type", "truncated"}


class ConnectionDropped(Exception):
    """In-process stand-in for a connection that closed before the answer was complete."""


class _DroppedOnPurpose(logging.Filter):
    """The server closes a connection by our exception: a drill, already logged as the fault
    it is, not an error with a traceback in the register's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, ConnectionDropped)


class ResponseTimeout(Exception):
    """In-process stand-in for an answer that never came in time."""


class Fault(Struct):
    kind: str
    path: str = ""  # applies to request paths that start with this
    method: str | None = None
    count: int = 1  # how many matching requests it hits; -1 = until cleared
    probability: float = 1.0
    delay_ms: int = 0
    status: int = 500
    body: Any = None  # for error_before / error_after / status: the body to answer with
    retry_after: str | None = None  # for error_before / status: a Retry-After header (429)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be within 0..1")

    def matches(self, method: str, path: str) -> bool:
        return path.startswith(self.path) and (self.method is None or self.method == method)


class _Captured(Struct):
    status: int = 200
    headers: list[tuple[bytes, bytes]] | None = None
    body: bytes = b""


_SERVER_ERRORS = logging.getLogger("uvicorn.error")


class FaultInjector:
    """ASGI middleware around all provider sandboxes (control routes are never faulted)."""

    def __init__(self, app: ASGIApp, *, in_process: bool = False,
                 error_bodies: Mapping[str, Callable[[int], Any]] | None = None,
                 seed: int | None = None) -> None:
        self.app = app
        self.in_process = in_process
        if not in_process and not any(isinstance(f, _DroppedOnPurpose)
                                      for f in _SERVER_ERRORS.filters):
            _SERVER_ERRORS.addFilter(_DroppedOnPurpose())
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)  # noqa: S311 - fault sampling, not security
        self._error_bodies = error_bodies or {}
        self.injected: list[dict[str, Any]] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def _take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                if fault.probability < 1.0 and self._random.random() >= fault.probability:
                    continue
                if fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                self.injected.append({"kind": fault.kind, "method": method, "path": path})
                return fault
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        fault = self._take(scope["method"], path)
        if fault is None:
            await self.app(scope, receive, send)
            return
        log.info("sandbox fault %s on %s %s", fault.kind, scope["method"], path)
        if fault.kind == "latency":
            await asyncio.sleep(fault.delay_ms / 1000)
            await self.app(scope, receive, send)
        elif fault.kind in ("error_before", "status"):
            await self._send_json(send, fault.status, self._error_body(path, fault),
                                  retry_after=fault.retry_after)
        elif fault.kind == "drop_before":
            await self._drop(send)
        else:
            captured = await self._capture(scope, receive)
            await self._after_commit(fault, path, captured, send)

    async def _after_commit(self, fault: Fault, path: str, captured: _Captured,
                            send: Send) -> None:
        if fault.kind == "error_after":
            await self._send_json(send, fault.status, self._error_body(path, fault))
        elif fault.kind == "drop_after":
            await self._drop(send)
        elif fault.kind == "timeout_after_commit":
            if self.in_process:
                raise ResponseTimeout(path)
            await asyncio.sleep((fault.delay_ms or 30_000) / 1000)
            await self._replay(send, captured)
        elif fault.kind == "malformed":
            await self._send_raw(send, 200, b'{"status": "acc', b"application/json")
        elif fault.kind == "wrong_content_type":
            await self._send_raw(send, 200, b"<html><body>Gateway says hello</body></html>",
                                 b"text/html; charset=utf-8")
        elif fault.kind == "truncated":
            cut = captured.body[: max(len(captured.body) // 2, 1)]
            await self._send_raw(send, captured.status, cut, b"application/json")

    async def _capture(self, scope: Scope, receive: Receive) -> _Captured:
        captured = _Captured()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured.status = message["status"]
                captured.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                captured.body += message.get("body", b"")

        await self.app(scope, receive, capture)
        return captured

    def _error_body(self, path: str, fault: Fault) -> Any:
        if fault.body is not None:
            return fault.body
        for prefix, body_for in self._error_bodies.items():
            body = body_for(fault.status) if path.startswith(prefix) else None
            if body is not None:  # as that provider's server would answer
                return body
        return {"error": "injected fault", "status": fault.status}

    async def _drop(self, send: Send) -> None:
        if self.in_process:
            raise ConnectionDropped("connection dropped by a sandbox fault")
        # Promise a body, send part of it, and stop: the server closes the connection.
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", b"1000")]})
        await send({"type": "http.response.body", "body": b'{"partial":', "more_body": True})
        raise ConnectionDropped("connection dropped by a sandbox fault")

    async def _replay(self, send: Send, captured: _Captured) -> None:
        await send({"type": "http.response.start", "status": captured.status,
                    "headers": captured.headers or []})
        await send({"type": "http.response.body", "body": captured.body})

    async def _send_json(self, send: Send, status: int, body: Any, *,
                         retry_after: str | None = None) -> None:
        extra = [(b"retry-after", retry_after.encode())] if retry_after is not None else []
        await self._send_raw(send, status, json.dumps(body).encode(), b"application/json", extra)

    async def _send_raw(self, send: Send, status: int, body: bytes, content_type: bytes,
                        extra: list[tuple[bytes, bytes]] | None = None) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type),
                                (b"content-length", str(len(body)).encode()), *(extra or [])]})
        await send({"type": "http.response.body", "body": body})
