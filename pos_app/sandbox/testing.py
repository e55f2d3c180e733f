"""Calling the sandboxes in-process, with network faults that look like the real thing."""

from __future__ import annotations

import httpx

from pos_app.sandbox.app import Sandbox, build_app
from pos_app.sandbox.faults import ConnectionDropped, ResponseTimeout


class SandboxTransport(httpx.AsyncBaseTransport):
    """``httpx.ASGITransport`` to the sandbox app; injected faults become httpx errors."""

    def __init__(self, sandbox: Sandbox | None = None) -> None:
        app, self.sandbox = build_app(sandbox, in_process=True)
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        except ResponseTimeout as exc:
            raise httpx.ReadTimeout(str(exc), request=request) from exc
