"""The optional callback listener: providers (or a back-office relay) tell the register that
a payment changed, and the register reads the status at once instead of at the next poll.

Off by default (``[callbacks] enabled = true``).  Three endpoints:

* ``POST /koshelek`` — Koshelek Pay's postback (spec §7), HTTP Basic with the
  ``partnerLogin``/``partnerPassword`` the merchant gave Koshelek (secrets
  ``koshelek.postback_login`` / ``koshelek.postback_password``);
* ``POST /paymega`` — Paymega's callback, ``X-Signature`` = base64 SHA-1 of
  secret + body + secret (secret ``paymega.secret_key``);
* ``POST /pegas`` — Pegas-kassa's callback (ASSUMPTION, spec §6.3): ``X-Signature`` = hex
  HMAC-SHA256 of the body keyed with the site token (secret ``pegas.token``).

Every check is constant-time; bodies over the size limit are refused before they are read
whole; anything unauthenticated is refused and does nothing.  An accepted notification is
never trusted for the payment's state: it only makes the payment service read the status.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pos_app.localserver import LocalServer, basic_auth_ok
from pos_app.providers.paymega import callbacks as paymega_callbacks
from pos_app.redact import same_secret

log = logging.getLogger(__name__)

Notify = Callable[[str], None]


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


def _field(body: bytes, *names: str) -> str | None:
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
    """The ASGI app; ``notify(ref)`` runs on the register's event loop."""

    def __init__(self, notify: Notify, *, max_body_bytes: int,
                 koshelek: tuple[str, str] | None, paymega_secret: str | None,
                 pegas_token: str | None) -> None:
        self._notify = notify
        self._limit = max_body_bytes
        self._koshelek = koshelek
        self._paymega = paymega_secret
        self._pegas = pegas_token
        self.app = Starlette(routes=[
            Route("/koshelek", self._koshelek_postback, methods=["POST"]),
            Route("/paymega", self._paymega_callback, methods=["POST"]),
            Route("/pegas", self._pegas_callback, methods=["POST"]),
        ])

    async def _koshelek_postback(self, request: Request) -> Response:
        if self._koshelek is None or not basic_auth_ok(request, *self._koshelek):
            return _refused("koshelek", 401, {"WWW-Authenticate": 'Basic realm="pos-app"'})
        return await self._accept(request, "koshelek", None,
                                  lambda body: _field(body, "transactionId"))

    async def _paymega_callback(self, request: Request) -> Response:
        return await self._accept(
            request, "paymega",
            lambda body: bool(self._paymega) and paymega_callbacks.verify(
                self._paymega or "", body, request.headers.get("x-signature")),
            paymega_callbacks.invoice_id)

    async def _pegas_callback(self, request: Request) -> Response:
        def signed(body: bytes) -> bool:
            if not self._pegas:
                return False
            expected = hmac.new(self._pegas.encode(), body, hashlib.sha256).hexdigest()
            return same_secret(request.headers.get("x-signature", ""), expected)
        return await self._accept(request, "pegas", signed,
                                  lambda body: _field(body, "order_id", "id"))

    async def _accept(self, request: Request, provider: str,
                      authentic: Callable[[bytes], bool] | None,
                      reference: Callable[[bytes], str | None]) -> Response:
        try:
            body = await _body(request, self._limit)
        except TooLarge:
            return _refused(provider, 413)
        except ClientDisconnect:  # the sender gave up mid-body: nothing to read, no traceback
            log.info("%s callback ended before its body; ignored", provider)
            return Response(status_code=400)
        if authentic is not None and not authentic(body):
            return _refused(provider, 403)
        ref = reference(body)
        if ref is None:
            log.warning("%s callback without a payment reference; ignored", provider)
            return JSONResponse({}, status_code=200)  # delivered; nothing to read
        log.info("%s callback for %s: reading its status now", provider, ref)
        self._notify(ref)
        return JSONResponse({}, status_code=200)


def _refused(provider: str, status: int, headers: dict[str, str] | None = None) -> Response:
    log.warning("%s callback refused (%d)", provider, status)
    return JSONResponse({"error": "refused"}, status_code=status, headers=headers)


class CallbackListener:
    """The listener on its own thread; notifications hop to the register's loop."""

    def __init__(self, notify: Notify, *, host: str, port: int, max_body_bytes: int,
                 koshelek: tuple[str, str] | None, paymega_secret: str | None,
                 pegas_token: str | None) -> None:
        loop = asyncio.get_running_loop()

        def on_the_registers_loop(ref: str) -> None:
            loop.call_soon_threadsafe(notify, ref)

        app = CallbackApp(on_the_registers_loop, max_body_bytes=max_body_bytes, koshelek=koshelek,
                          paymega_secret=paymega_secret, pegas_token=pegas_token)
        self._server = LocalServer(app.app, host=host, port=port, name="callback-listener")

    def start(self) -> str:
        return self._server.start()

    def stop(self) -> None:
        self._server.stop(wait=False)
