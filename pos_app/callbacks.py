"""The optional callback listener: providers (or a back-office relay) tell the register that
a payment changed, and the register reads the status at once instead of at the next poll.

Off by default (``[callbacks] enabled = true``).  One endpoint per provider, ``POST /<name>``;
how each proves who sent it is the provider's :class:`~pos_app.providers.registry.CallbackCheck`
(Koshelek Pay: HTTP Basic with the postback login, spec §7; Paymega: ``X-Signature``, spec §10;
Pegas-kassa: an HMAC of the body, ASSUMPTION spec §6.3).

Every check is constant-time; bodies over the size limit are refused before they are read
whole; anything unauthenticated is refused and does nothing.  An accepted notification is
never trusted for the payment's state: it only makes the payment service read the status.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pos_app.localserver import LocalServer
from pos_app.providers.registry import CallbackCheck, plugins

log = logging.getLogger(__name__)

Notify = Callable[[str], None]
SecretGetter = Callable[[str, str], str | None]  # (provider, name)


class TooLarge(Exception):
    pass


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge
    return body


def json_field(body: bytes, *names: str) -> str | None:
    """The first of ``names`` that the JSON object ``body`` has as a non-empty text or number."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    for name in names:
        value = data.get(name) if isinstance(data, dict) else None
        if isinstance(value, str | int) and str(value):
            return str(value)
    return None


class CallbackApp:
    """The ASGI app; ``notify(ref)`` runs on the register's event loop.  ``secret(provider,
    name)``: this register's secrets (the keyring, or the sandboxes' in training)."""

    def __init__(self, notify: Notify, *, max_body_bytes: int, secret: SecretGetter) -> None:
        self._notify = notify
        self._limit = max_body_bytes
        routes = []
        for plugin in plugins():
            check = plugin.callback(functools.partial(secret, plugin.name))
            routes.append(Route(f"/{plugin.name}", self._endpoint(plugin.name, check),
                                methods=["POST"]))
        self.app = Starlette(routes=routes)

    def _endpoint(self, provider: str,
                  check: CallbackCheck) -> Callable[[Request], Awaitable[Response]]:
        async def accept(request: Request) -> Response:
            try:
                body = await _body(request, self._limit)
            except TooLarge:
                return _refused(provider, 413)
            except ClientDisconnect:  # the sender gave up mid-body: nothing to read
                log.info("%s callback ended before its body; ignored", provider)
                return Response(status_code=400)
            if not check.authentic(request.headers, body):
                return _refused(provider, check.refusal_status, dict(check.refusal_headers))
            ref = check.reference(body)
            if ref is None:
                log.warning("%s callback without a payment reference; ignored", provider)
                return JSONResponse({}, status_code=200)  # delivered; nothing to read
            log.info("%s callback for %s: reading its status now", provider, ref)
            self._notify(ref)
            return JSONResponse({}, status_code=200)
        return accept


def _refused(provider: str, status: int, headers: dict[str, str] | None = None) -> Response:
    log.warning("%s callback refused (%d)", provider, status)
    return JSONResponse({"error": "refused"}, status_code=status, headers=headers)


class CallbackListener:
    """The listener on its own thread; notifications hop to the register's loop."""

    def __init__(self, notify: Notify, *, host: str, port: int, max_body_bytes: int,
                 secret: SecretGetter) -> None:
        loop = asyncio.get_running_loop()

        def on_the_registers_loop(ref: str) -> None:
            loop.call_soon_threadsafe(notify, ref)

        app = CallbackApp(on_the_registers_loop, max_body_bytes=max_body_bytes, secret=secret)
        self._server = LocalServer(app.app, host=host, port=port, name="callback-listener")

    def start(self) -> str:
        return self._server.start()

    def stop(self) -> None:
        self._server.stop(wait=False)
