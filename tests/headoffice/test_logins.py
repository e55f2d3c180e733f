"""Who may open the head office's page (issue 19): logins made and removed on the command
line, five wrong passwords lock a login, a session ends when its login is removed, and while
nobody has a login only this computer may open the page."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest

from pos_app.cli import main
from pos_app.headoffice import database as db
from pos_app.headoffice import logins
from pos_app.headoffice.server import SESSION_COOKIE, HeadOffice

PASSWORD = "correct horse battery"


def user(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, database: str,
         action: str, login: str, password: str = "") -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    code = main(["office", "user", action, login, "--database", database])
    out, err = capsys.readouterr()
    return code, out + err


def test_logins_on_the_command_line(capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch, database: str) -> None:
    assert user(capsys, monkeypatch, database, "add", "anna", "short") == (
        2, "pos-app: a password needs at least 10 characters; nothing was changed\n")
    code, said = user(capsys, monkeypatch, database, "add", "anna", PASSWORD)
    assert (code, said) == (0, "anna: added; it signs in at the head office's page\n")
    assert PASSWORD not in said
    code, said = user(capsys, monkeypatch, database, "add", "anna", PASSWORD + "!")
    assert (code, said) == (0, "anna: its password is replaced; it signs in at the head "
                               "office's page\n")
    assert user(capsys, monkeypatch, database, "remove", "boris") == (
        2, "pos-app: there is no login 'boris'\n")
    assert user(capsys, monkeypatch, database, "remove", "anna") == (
        0, "anna: removed; its sessions are ended\n")


async def test_five_wrong_passwords_lock_a_login(database: str) -> None:
    now = datetime.now(UTC)
    async with await psycopg.AsyncConnection.connect(database) as conn:
        await db.migrate(conn)
        await logins.add_user(conn, "anna", PASSWORD)
        for _ in range(logins.MAX_FAILURES):
            with pytest.raises(logins.LoginRefused) as wrong:
                await logins.log_in(conn, "anna", "not the password", now)
            assert wrong.value.locked_minutes == 0
        with pytest.raises(logins.LoginRefused) as locked:
            await logins.log_in(conn, "anna", PASSWORD, now)  # even the right one
        assert locked.value.locked_minutes == 5
        token = await logins.log_in(conn, "anna", PASSWORD, now + timedelta(minutes=6))
        assert await logins.session_login(conn, token) == "anna"
        assert await logins.session_login(
            conn, token, now + timedelta(hours=logins.SESSION_HOURS, minutes=7)) is None
        stored = await (await conn.execute(
            "SELECT password_hash FROM office_users")).fetchone()
        assert stored is not None
        assert PASSWORD not in stored[0]
        await logins.remove_user(conn, "anna")
        assert await logins.session_login(conn, token) is None  # ended with its login


@pytest.mark.parametrize(("client", "status"), [("127.0.0.1", 200), ("10.1.2.3", 403)])
async def test_without_logins_only_this_computer_opens_the_page(
        database: str, client: str, status: int) -> None:
    office = HeadOffice(database)
    await office.start()
    try:
        async with httpx.AsyncClient(base_url="http://office", transport=httpx.ASGITransport(
                office.app(), client=(client, 50000))) as browser:
            answer = await browser.get("/?lang=en")
            assert answer.status_code == status
            assert ("Nobody has a login yet" in answer.text)
            async with office.pool.connection() as conn:
                await logins.add_user(conn, "anna", PASSWORD)
            answer = await browser.get("/?lang=en")  # now a login is needed from anywhere
            assert (answer.status_code, answer.headers["location"]) == (303, "/login?lang=en")
            answer = await browser.post("/login?lang=en", data={
                "login": "anna", "password": PASSWORD})
            assert answer.status_code == 303
            assert SESSION_COOKIE in answer.cookies
            cookie = answer.headers["set-cookie"].lower()
            assert "httponly" in cookie
            assert "samesite=strict" in cookie
            answer = await browser.get("/?lang=en")
            assert answer.status_code == 200
            assert "Signed in as anna" in answer.text
    finally:
        await office.close()
