"""The Koshelek TOTP module behind an interface (spec §2.4, DESIGN.md).

The real module is a private library (JAR/DLL/SO) from Koshelek.  The register
reaches it through a small bridge program the integrator installs; we run it as

    <command…> token            -> prints the `token` header value
    <command…> verify BARCODE   -> prints JSON: {"resultCode", "totpCodeValid",
                                                  "cardNumber", "cardSession"}

Training mode uses the sandbox, which offers the same two calls over HTTP.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from typing import Protocol

import httpx
from msgspec import Struct

from pos_app.i18n import Message
from pos_app.providers.errors import AuthFailed, InvalidInput, Rejected, network_error
from pos_app.redact import register_secret

log = logging.getLogger(__name__)

C = "Koshelek"
NOT_A_CUSTOMER_CODE = Message(C, "This is not a Koshelek customer code. Scan the code shown in "
                                 "the customer's Koshelek app.")
CODE_EXPIRED = Message(C, "The code on the customer's phone has expired. Ask them to refresh it "
                          "and scan again.")
PAY_NOT_AVAILABLE = Message(C, "Koshelek Pay is not available for this customer's card "
                               "(result {result}). Take another payment method.")
TOKEN_FAILED = Message(C, "The Koshelek signing module did not produce a token ({reason}). "
                          "Ask the administrator to check it.")

AVAILABLE = "CARDSESSION_AVAILABLE"
# What a scanner can plausibly send; anything else is rejected before the module sees it.
_BARCODE = re.compile(r"^[\x21-\x7e]{6,128}$")
_CARD_SESSION = re.compile(r"^[A-Za-z0-9]{1,32}$")


class BarcodeInfo(Struct, frozen=True):
    """What the TOTP module read from a customer's barcode."""

    card_session: str
    loyalty_id: str


class TokenSource(Protocol):
    async def get_token(self) -> str: ...

    async def verify_barcode(self, barcode: str) -> BarcodeInfo: ...


def clean_barcode(raw: str) -> str:
    """Strip what scanners add (CR/LF, spaces) and refuse garbage before anything else sees it."""
    barcode = raw.strip()
    if not _BARCODE.match(barcode):
        raise InvalidInput(NOT_A_CUSTOMER_CODE, code="BAD_BARCODE")
    return barcode


def barcode_info(result: object) -> BarcodeInfo:
    """Interpret a ``barcodeVerify`` result (spec §2.4); refuse every unusable one."""
    if not isinstance(result, dict):
        raise InvalidInput(NOT_A_CUSTOMER_CODE, code="BAD_BARCODE")
    code = str(result.get("resultCode", ""))
    session = result.get("cardSession")
    if code in ("", "INVALID_BARCODE", "BARCODE_INVALID"):
        raise InvalidInput(NOT_A_CUSTOMER_CODE, code="BAD_BARCODE")
    if result.get("totpCodeValid") is False:
        raise InvalidInput(CODE_EXPIRED, code="TOTP_INVALID")
    if code != AVAILABLE:
        raise Rejected(PAY_NOT_AVAILABLE.with_params(result=code), code=code)
    if not isinstance(session, str) or not _CARD_SESSION.match(session):
        raise InvalidInput(NOT_A_CUSTOMER_CODE, code="NO_CARD_SESSION")
    loyalty = str(result.get("cardNumber") or result.get("loyaltyId") or "")[:36]
    return BarcodeInfo(card_session=session, loyalty_id=loyalty)


class SandboxTokenSource:
    """Training token source: asks the sandbox, which plays the TOTP module."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def get_token(self) -> str:
        data = await self._call("GET", "/_sandbox/koshelek/token")
        token = str(data.get("token", "")) if isinstance(data, dict) else ""
        if not token:
            raise AuthFailed(TOKEN_FAILED.with_params(reason="empty"), code="TOKEN")
        return token

    async def verify_barcode(self, barcode: str) -> BarcodeInfo:
        data = await self._call("POST", "/_sandbox/koshelek/verify",
                                json={"barcode": clean_barcode(barcode)})
        return barcode_info(data)

    async def _call(self, method: str, path: str, json: object = None) -> object:
        try:
            response = await self._http.request(method, path, json=json)
            response.raise_for_status()
            return response.json()
        except (httpx.TransportError, httpx.HTTPStatusError, ValueError) as exc:
            raise network_error("Koshelek sandbox", "connection cut") from exc


class CommandTokenSource:
    """Runs the integrator's bridge program around Koshelek's private TOTP library."""

    def __init__(self, command: Sequence[str], *, timeout: float = 5.0) -> None:
        if not command:
            raise ValueError("the token command is empty")
        self._command = list(command)
        self._timeout = timeout

    async def get_token(self) -> str:
        token = (await self._run("token")).strip()
        if not token:
            raise AuthFailed(TOKEN_FAILED.with_params(reason="empty output"), code="TOKEN")
        register_secret(token)
        return token

    async def verify_barcode(self, barcode: str) -> BarcodeInfo:
        output = await self._run("verify", clean_barcode(barcode))
        try:
            result = json.loads(output)
        except ValueError:
            raise InvalidInput(NOT_A_CUSTOMER_CODE, code="BAD_BARCODE") from None
        return barcode_info(result)

    async def _run(self, *args: str) -> str:
        try:
            process = await asyncio.create_subprocess_exec(
                *self._command, *args,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                # Started from the windowed app, a console program would open a console
                # window on Windows at every request, taking the focus from the till (and
                # the scanner's keystrokes with it).
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                env=bridge_environment(os.environ),
            )
        except OSError as exc:
            raise AuthFailed(TOKEN_FAILED.with_params(reason=exc.strerror or "cannot start"),
                             code="TOKEN") from None
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), self._timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise AuthFailed(TOKEN_FAILED.with_params(reason="timeout"), code="TOKEN") from None
        if process.returncode != 0:
            # stdout may hold a token; only the exit code and stderr's first line are logged.
            log.warning("token command %s failed with exit %s: %s", args[0], process.returncode,
                        stderr.decode(errors="replace").strip().splitlines()[:1])
            if args[0] == "verify":
                raise InvalidInput(NOT_A_CUSTOMER_CODE, code="BAD_BARCODE")
            raise AuthFailed(TOKEN_FAILED.with_params(reason=f"exit {process.returncode}"),
                             code="TOKEN")
        return stdout.decode("utf-8", errors="replace")


# The bridge's own settings (its library's secret) are the only POS_APP_ values it is given.
BRIDGE_PREFIX = "POS_APP_KOSHELEK_TOTP_"


def bridge_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The token bridge's environment: the system's, without the app's other secrets (the
    Pegas-kassa token, Koshelek's password, Paymega's key), which it has no use for."""
    return {name: value for name, value in environ.items()
            if not name.startswith("POS_APP_") or name.startswith(BRIDGE_PREFIX)}
