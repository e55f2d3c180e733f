"""Small helpers shared by the provider sandboxes."""

from __future__ import annotations

import json
import secrets
import string
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response


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
