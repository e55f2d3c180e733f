"""The head office's ASGI service (``pos-app office serve --database postgresql://…``).

- ``GET /?lang=ru|en``: the head office's page (:mod:`.page`), for a signed-in login
  (``GET|POST /login``, ``POST /logout``; :mod:`.logins`) — or, while nobody has a login,
  for this computer only;
- ``GET /v1/journals/{journal_uuid}``: the cursor (where the register sends from);
- ``GET /v1/releases/{config|catalog}``: the newest release for the terminal (404: none);
- ``POST /v1/journals/{journal_uuid}/batches``: one :class:`~pos_app.headoffice.wire.Batch`;
  answered with the new cursor.

Every request carries ``Authorization: Bearer <credential>`` (the terminal's, from
``pos-app office enrol``).  Answers: 200 taken (or ``refused`` in the body: the journal is
stopped and reported), 400 unreadable, 401 unknown/revoked credential, 403 another terminal's
journal, 409 a gap (the body has the cursor), 413 too large, 503 the database is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import urllib.parse
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import msgspec
import psycopg
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from pos_app.headoffice import database, logins, page
from pos_app.headoffice.database import Refused, Terminal
from pos_app.headoffice.wire import RELEASE_KINDS, Answer, Batch
from pos_app.providers.urls import is_loopback

log = logging.getLogger(__name__)

MAX_BATCH_BYTES = 8 * 1024 * 1024
SESSION_COOKIE = "office_session"
PARTITIONS_EVERY_S = 6 * 3600  # partitions are made a week ahead: a few rounds a day


def _error(status: int, reason: str, cursor: int | None = None) -> Response:
    body: dict[str, Any] = {"error": reason}
    if cursor is not None:
        body["cursor"] = cursor
    return JSONResponse(body, status_code=status)


def _answer(answer: Answer) -> Response:
    return Response(msgspec.json.encode(answer), media_type="application/json")


def _language(request: Request) -> str:
    return page.language(request.query_params.get("lang"),
                         request.headers.get("accept-language", ""))


def _from_this_computer(request: Request) -> bool:
    return request.client is not None and is_loopback(request.client.host)


def _unreachable(lang: str, exc: Exception) -> Response:
    log.warning("the database is unreachable: %s", exc)
    return HTMLResponse(f"<p>{page.TEXTS[lang]['unreachable']}</p>", status_code=503)


class HeadOffice:
    """The service over a connection pool (``pool``: opened by :meth:`app`'s lifespan)."""

    def __init__(self, database_url: str, *, pool_size: int = 10) -> None:
        self.pool = AsyncConnectionPool(database_url, min_size=1, max_size=pool_size,
                                        open=False, kwargs={"autocommit": False})
        self._partitions: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Open the pool, bring the schema up to date, and keep making the coming days'
        partitions while the service runs."""
        await self.pool.open()
        async with self.pool.connection() as conn:
            await database.migrate(conn)
        self._partitions = asyncio.get_running_loop().create_task(self._keep_partitions())

    async def close(self) -> None:
        if self._partitions is not None:
            self._partitions.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._partitions
        await self.pool.close()

    async def _keep_partitions(self) -> None:
        while True:
            await asyncio.sleep(PARTITIONS_EVERY_S)
            try:
                async with self.pool.connection() as conn:
                    await database.keep_partitions(conn, datetime.now(UTC).date())
            except psycopg.Error as exc:  # the next round makes them (a week ahead)
                log.warning("the coming days' partitions were not made: %s", exc)

    def app(self) -> Starlette:
        @asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.close()

        return Starlette(lifespan=lifespan, routes=[
            Route("/", self._page, methods=["GET"]),
            Route("/login", self._sign_in_form, methods=["GET"]),
            Route("/login", self._sign_in, methods=["POST"]),
            Route("/logout", self._sign_out, methods=["POST"]),
            Route("/v1/journals/{journal_uuid}", self._cursor, methods=["GET"]),
            Route("/v1/journals/{journal_uuid}/batches", self._batch, methods=["POST"]),
            Route("/v1/releases/{kind}", self._release, methods=["GET"]),
        ])

    async def _page(self, request: Request) -> Response:
        lang = _language(request)
        try:
            async with self.pool.connection() as conn:
                who = await self._who(request, conn)
                if who is None and await logins.any_user(conn):
                    return RedirectResponse(f"/login?lang={lang}", status_code=303)
                if who is None and not _from_this_computer(request):
                    return HTMLResponse(page.sign_in_page(
                        lang, problem=page.TEXTS[lang]["no_logins_remote"]), status_code=403)
                text = await page.render(conn, lang, who=who)
                await conn.rollback()
        except psycopg.OperationalError as exc:
            return _unreachable(lang, exc)
        return HTMLResponse(text)

    @staticmethod
    async def _who(request: Request, conn: psycopg.AsyncConnection[Any]) -> str | None:
        token = request.cookies.get(SESSION_COOKIE)
        return await logins.session_login(conn, token) if token else None

    async def _sign_in_form(self, request: Request) -> Response:
        return HTMLResponse(page.sign_in_page(_language(request)))

    async def _sign_in(self, request: Request) -> Response:
        lang = _language(request)
        form = urllib.parse.parse_qs((await request.body())[:4096].decode("utf-8", "replace"))
        login = form.get("login", [""])[0].strip()
        password = form.get("password", [""])[0]
        t = page.TEXTS[lang]
        try:
            async with self.pool.connection() as conn:
                token = await logins.log_in(conn, login, password)
        except logins.LoginRefused as exc:
            problem = t["locked"].format(n=exc.locked_minutes) if exc.locked_minutes \
                else t["wrong"]
            return HTMLResponse(page.sign_in_page(lang, problem=problem, login=login),
                                status_code=401)
        except psycopg.OperationalError as exc:
            return _unreachable(lang, exc)
        response = RedirectResponse(f"/?lang={lang}", status_code=303)
        response.set_cookie(SESSION_COOKIE, token, max_age=logins.SESSION_HOURS * 3600,
                            httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response

    async def _sign_out(self, request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            with contextlib.suppress(psycopg.OperationalError):
                async with self.pool.connection() as conn:
                    await logins.log_out(conn, token)
        response = RedirectResponse(f"/login?lang={_language(request)}", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    async def _terminal(self, request: Request, conn: psycopg.AsyncConnection[Any]) -> Terminal:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not credential:
            raise Refused(401, "a terminal credential is needed")
        return await database.authenticate(conn, credential.strip())

    @staticmethod
    def _journal(request: Request) -> str:
        try:
            return str(uuid.UUID(request.path_params["journal_uuid"]))
        except ValueError:
            raise Refused(400, "not a journal id") from None

    async def _cursor(self, request: Request) -> Response:
        try:
            async with self.pool.connection() as conn:
                terminal = await self._terminal(request, conn)
                return _answer(await database.cursor_of(conn, terminal, self._journal(request)))
        except Refused as exc:
            return _error(exc.status, exc.reason, exc.cursor)
        except psycopg.OperationalError as exc:
            log.warning("the database is unreachable: %s", exc)
            return _error(503, "the database is unreachable")

    async def _release(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in RELEASE_KINDS:
            return _error(404, "no such kind of release")
        try:
            async with self.pool.connection() as conn:
                terminal = await self._terminal(request, conn)
                found = await database.release_for(conn, terminal, kind)
        except Refused as exc:
            return _error(exc.status, exc.reason)
        except psycopg.OperationalError as exc:
            log.warning("the database is unreachable: %s", exc)
            return _error(503, "the database is unreachable")
        if found is None:
            return _error(404, "no release")
        return JSONResponse({"kind": kind, "version": found[0], "content": found[1]})

    async def _batch(self, request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BATCH_BYTES:
            return _error(413, "the batch is too large")
        try:
            batch = msgspec.json.decode(body, type=Batch)
        except msgspec.DecodeError as exc:
            return _error(400, f"unreadable batch: {exc}")
        try:
            async with self.pool.connection() as conn:
                terminal = await self._terminal(request, conn)
                answer = await database.ingest(conn, terminal, self._journal(request), batch)
                return _answer(answer)
        except (ValueError, psycopg.DataError) as exc:  # a time or a value PostgreSQL refuses
            return _error(400, f"unreadable batch: {str(exc).splitlines()[0][:200]}")
        except Refused as exc:
            return _error(exc.status, exc.reason, exc.cursor)
        except psycopg.OperationalError as exc:
            log.warning("the database is unreachable: %s", exc)
            return _error(503, "the database is unreachable")
