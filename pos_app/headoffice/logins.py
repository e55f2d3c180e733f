"""Who may open the head office's page: logins with a password, and sessions (issue 19).

A login is made and removed on the command line (``pos-app office user add|remove``); its
password is kept as a PBKDF2-SHA256 hash (the manager PIN's scheme), a session token as its
SHA-256.  Five wrong passwords in a row lock a login for five minutes.  While there is no
login at all, only this computer (loopback) may open the page: a fresh install and
``pos-app office --demo`` work at once and nothing is open to the network.
"""

from __future__ import annotations

import asyncio
import math
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from pos_app.core.pin import check_hash, hash_pin
from pos_app.headoffice.database import secret_digest

SESSION_HOURS = 12  # a working day, then the login again
MAX_FAILURES = 5
LOCKED_FOR = timedelta(minutes=5)
MIN_PASSWORD = 10
# A wrong login costs the same time as a wrong password (no telling which logins exist).
_DUMMY_HASH = hash_pin("not a password")


class LoginRefused(Exception):
    """``locked_minutes``: the login is locked for that long (else: wrong login or
    password, not told apart)."""

    def __init__(self, locked_minutes: int = 0) -> None:
        super().__init__("locked" if locked_minutes else "wrong login or password")
        self.locked_minutes = locked_minutes


def password_problem(password: str) -> str | None:
    """Why ``password`` may not be a login's (English, for the command line), else None."""
    if len(password) < MIN_PASSWORD:
        return f"a password needs at least {MIN_PASSWORD} characters"
    return None


async def add_user(conn: psycopg.AsyncConnection[Any], login: str, password: str) -> bool:
    """Make ``login`` (False: it exists; its password is then replaced and it is unlocked)."""
    async with conn.transaction():
        made = await conn.execute(
            "INSERT INTO office_users (login, password_hash) VALUES (%s, %s) "
            "ON CONFLICT (login) DO UPDATE SET password_hash = EXCLUDED.password_hash, "
            "failures = 0, locked_until = NULL RETURNING (xmax = 0)",
            (login, await asyncio.to_thread(hash_pin, password)))
        row = await made.fetchone()
        await conn.execute("DELETE FROM office_sessions WHERE login = %s", (login,))
    return bool(row and row[0])


async def remove_user(conn: psycopg.AsyncConnection[Any], login: str) -> bool:
    """Remove ``login`` and end its sessions at once."""
    async with conn.transaction():
        removed = await conn.execute("DELETE FROM office_users WHERE login = %s", (login,))
    return removed.rowcount > 0


async def any_user(conn: psycopg.AsyncConnection[Any]) -> bool:
    row = await (await conn.execute("SELECT EXISTS (SELECT FROM office_users)")).fetchone()
    return bool(row and row[0])


async def log_in(conn: psycopg.AsyncConnection[Any], login: str, password: str,
                 now: datetime | None = None) -> str:
    """A new session's token; raises LoginRefused."""
    now = now or datetime.now(UTC)
    async with conn.transaction():
        row = await (await conn.execute(
            "SELECT password_hash, failures, locked_until FROM office_users WHERE login = %s "
            "FOR UPDATE", (login,))).fetchone()
        if row is None:
            await asyncio.to_thread(check_hash, password, _DUMMY_HASH)
            raise LoginRefused()
        stored, failures, locked_until = row
        if locked_until is not None and locked_until > now:
            raise LoginRefused(math.ceil((locked_until - now).total_seconds() / 60))
        right = await asyncio.to_thread(check_hash, password, stored)  # ~0.1 s: not here
        if right:
            token = secrets.token_urlsafe(32)
            await conn.execute("UPDATE office_users SET failures = 0, locked_until = NULL "
                               "WHERE login = %s", (login,))
            await conn.execute("DELETE FROM office_sessions WHERE expires_at < %s", (now,))
            await conn.execute("INSERT INTO office_sessions (token_sha256, login, expires_at) "
                               "VALUES (%s, %s, %s)",
                               (secret_digest(token), login, now + timedelta(hours=SESSION_HOURS)))
            return token
        # The failure is counted (committed) before it is told.
        failures += 1
        locked = now + LOCKED_FOR if failures >= MAX_FAILURES else None
        await conn.execute("UPDATE office_users SET failures = %s, locked_until = %s "
                           "WHERE login = %s", (0 if locked else failures, locked, login))
    raise LoginRefused()


async def session_login(conn: psycopg.AsyncConnection[Any], token: str,
                        now: datetime | None = None) -> str | None:
    """The login of a session still valid, else None."""
    row = await (await conn.execute(
        "SELECT login FROM office_sessions WHERE token_sha256 = %s AND expires_at > %s",
        (secret_digest(token), now or datetime.now(UTC)))).fetchone()
    return str(row[0]) if row else None


async def log_out(conn: psycopg.AsyncConnection[Any], token: str) -> None:
    async with conn.transaction():
        await conn.execute("DELETE FROM office_sessions WHERE token_sha256 = %s",
                           (secret_digest(token),))
