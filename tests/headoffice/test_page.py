"""The head office's page in headless Chromium (Debian's), in Russian and in English (issue
19): registers (a stopped journal, a wrong clock), money at risk by store with amounts,
orphans, a shift open for over a day, and today's takings against a week ago."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from pos_app.headoffice import database as db
from pos_app.headoffice import logins
from pos_app.headoffice.page import TEXTS
from pos_app.headoffice.wire import Batch, Event, Row
from tests.window.browser import Chromium, ChromiumMissing

NOW = datetime.now(UTC)
JOURNAL = "7f0c1c5e-2a4b-4c1d-9e8f-0a1b2c3d4e5f"
OLD_CLOCK = "3c9d8e7f-1a2b-4c3d-8e9f-5a6b7c8d9e0f"


def at(delta: timedelta) -> str:
    return (NOW + delta).isoformat()


def payment(pid: str, state: str, minor: int, created: timedelta,
            attention: object = None) -> Row:
    return Row(table="payments", id=pid, created_at=at(created), data={
        "id": pid, "sale_id": "s-" + pid, "provider": "paymega", "kind": "payment",
        "state": state, "amount_minor": minor, "currency": "RUB", "refunded_minor": 0,
        "paid_minor": minor if state == "PAID" else None, "attention_json": attention,
        "shift_id": "sh-1", "created_at": at(created)})


async def seed(url: str) -> None:
    """What the registers would have sent, straight through the ingest transaction."""
    async with await psycopg.AsyncConnection.connect(url) as conn:
        await db.migrate(conn)
        await db.enrol(conn, "Магазин-1", "T-1")
        await db.enrol(conn, "Магазин-2", "T-9")
        one = db.Terminal("Магазин-1", "T-1")
        rows = [payment("p-unknown", "UNKNOWN", 50_000, -timedelta(hours=1)),
                payment("p-today", "PAID", 120_000, timedelta()),
                payment("p-week", "PAID", 100_000, -timedelta(days=7)),
                Row(table="differences", id="d-1", created_at=at(-timedelta(hours=2)), data={
                    "id": "d-1", "shift_id": "sh-1", "provider": "paymega", "kind": "orphan",
                    "ref": "cpi_ORPHAN42", "resolved_at": None}),
                Row(table="shifts", id="sh-1", created_at=at(-timedelta(hours=30)), data={
                    "id": "sh-1", "number": 7, "cashier": "Анна", "closed_at": None}),
                Row(table="shifts", id="sh-0", created_at=at(-timedelta(hours=50)), data={
                    "id": "sh-0", "number": 6, "cashier": "Борис", "z_report_json": None,
                    "closed_at": "2026-01-02T21:00:00+00:00"})]
        events = [Event(seq=1, at=at(timedelta()), kind="status", payment_id="p-unknown",
                        operation_id=None, from_state=None, to_state=None, data={}),
                  Event(seq=2, at=at(timedelta()), kind="release_applied", payment_id=None,
                        operation_id=None, from_state=None, to_state=None,
                        data={"kind": "config", "version": 2, "changed": []})]
        await db.ingest(conn, one, JOURNAL, Batch(
            store_id=one.store_id, terminal_id=one.terminal_id, last_seq=5, from_cursor=0,
            events=events,
            rows=rows, rows_as_of=5, sent_at=at(timedelta(seconds=3))))
        nine = db.Terminal("Магазин-2", "T-9")
        await db.ingest(conn, nine, OLD_CLOCK, Batch(
            store_id=nine.store_id, terminal_id=nine.terminal_id, last_seq=1, from_cursor=0,
            events=[Event(
                seq=1, at="2001-03-04T12:00:00+00:00", kind="status", payment_id=None,
                operation_id=None, from_state=None, to_state=None, data={})],
            rows=[], rows_as_of=1, sent_at="2001-03-04T12:00:00+00:00"))
        await db.revoke(conn, "Магазин-2", "T-9")


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    try:
        with Chromium() as running:
            yield running
    except ChromiumMissing as exc:
        pytest.fail(str(exc))


def test_the_page_in_both_languages(database: str, office: str, browser: Chromium,
                                    tmp_path: Path) -> None:
    asyncio.run(seed(database))
    page = browser.open(f"{office}/?lang=ru", desktop=True)
    try:
        assert page.status == 200
        page.wait_for_text("Головной офис")
        text = page.text()
        page.screenshot(tmp_path / "office-ru.png")
        for expected in ("Деньги под вопросом (дольше 15 минут)", "500,00 ₽", "p-unknown",
                         "исход неизвестен", "оплачено у сервиса, нет в журнале",
                         "cpi_ORPHAN42", "Анна", "открыта дольше суток", "Борис",
                         "закрыта 2026-01-02 21:00 без Z-отчёта", "1 200,00 ₽", "1 000,00 ₽",
                         "200,00 ₽",
                         "часы кассы неверны (2001-03-04)", "Магазин-1", "Магазин-2",
                         "учётные данные отозваны", "2 / —"):
            assert expected in text, expected
        command = {"pos-app", "office", "user", "add"}  # a command, typed as it is
        english_words = {w for v in TEXTS["en"].values() for w in v.split() if len(w) > 3
                         and w.isalpha() and w.isascii()} - {"English"} - command
        assert not {w for w in text.split() if w in english_words}, "English in Russian"
        page.click("#language")
        page.wait_for_text("Head office")
        text = page.text()
        page.screenshot(tmp_path / "office-en.png")
        for expected in ("Money at risk (over 15 minutes)", "500.00 ₽", "outcome unknown",
                         "paid at the provider, not in the journal", "1,200.00 ₽",
                         "its clock is wrong (2001-03-04)", "open over a day",
                         "credential revoked",
                         "closed 2026-01-02 21:00 without a Z report"):
            assert expected in text, expected
    finally:
        page.close()


def test_signing_in_in_both_languages(database: str, office: str, browser: Chromium,
                                      tmp_path: Path) -> None:
    """With a login made, the page asks for it: a wrong password is refused in the reader's
    language, the right one opens the page, signing out closes it again."""
    async def add() -> None:
        async with await psycopg.AsyncConnection.connect(database) as conn:
            await logins.add_user(conn, "anna", "correct horse battery")
    asyncio.run(add())
    page = browser.open(f"{office}/?lang=ru", desktop=True)
    try:
        page.wait_for_text("Вход")
        assert "/login" in page.url
        page.fill("#login", "anna")
        page.fill("#password", "wrong password!")
        page.click("#enter")
        page.wait_for_text("Неверное имя или пароль.")
        page.screenshot(tmp_path / "sign-in-ru.png")
        page.fill("#password", "correct horse battery")
        page.click("#enter")
        page.wait_for_text("Вы вошли как anna")
        assert "Деньги под вопросом" in page.text()
        assert "Входов ещё нет" not in page.text()
        page.click("#signOut button")
        page.wait_for_text("Вход")
        assert "/login" in page.url
        page.click("#language")
        page.wait_for_text("Sign in")
        page.fill("#login", "nobody")
        page.fill("#password", "correct horse battery")
        page.click("#enter")
        page.wait_for_text("Wrong login or password.")  # the same as a wrong password
        page.screenshot(tmp_path / "sign-in-en.png")
    finally:
        page.close()
