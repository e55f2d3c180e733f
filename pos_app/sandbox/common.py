"""Small helpers shared by the provider sandboxes."""

from __future__ import annotations

import json
import secrets
import string
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False).encode("utf-8")


async def read_body(request: Request) -> tuple[Any, str | None]:
    """The JSON body, or an error text naming what is wrong with it."""
    raw = await request.body()
    try:
        return json.loads(raw or b"null"), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"тело запроса не является JSON: {exc}"


async def read_form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (what a browser's plain form sends)."""
    raw = (await request.body()).decode("utf-8", errors="replace")
    return {k: v for k, v in parse_qsl(raw, keep_blank_values=True)}


def utc_millis(moment: datetime | None = None) -> str:
    """``yyyy-MM-dd'T'HH:mm:ss.SSSZ`` in UTC (Koshelek slip format)."""
    moment = moment or datetime.now(UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def random_code(length: int, alphabet: str = string.ascii_uppercase + string.digits) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


class HasPayer(Protocol):
    """A QR sandbox with a simulated payer (``auto``: what they do with every new payment)."""

    auto: dict[str, Any]


def payer_route(sandbox: HasPayer) -> Route:
    """``GET/POST /behaviour``: the simulated payer, ``{"mode": "pay" | "decline" | "never",
    "delay_ms": 3000}`` (a QR sandbox's control route)."""
    async def behaviour(request: Request) -> Response:
        body, _ = await read_body(request)
        if isinstance(body, dict) and body.get("mode") in ("pay", "decline", "never"):
            sandbox.auto = {"mode": body["mode"], "delay_ms": int(body.get("delay_ms", 3000))}
        elif request.method == "POST":
            return JSONResponse({"error": "mode: pay, decline or never"}, status_code=400)
        return JSONResponse(sandbox.auto)

    return Route("/behaviour", behaviour, methods=["GET", "POST"])
