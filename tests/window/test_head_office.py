"""A live register in a real window with its head office (issue 19): a catalog release pushed
while the register runs is in use at the next scan, without a restart; a configuration
release waits while a sale is being built or the manager has Settings open, then applies;
the manager's Settings show, in Russian, that the journal is all sent and which releases the
register runs.  The head office is ``pos-app office serve`` on a real PostgreSQL; the
providers are the sandboxes at their "live" loopback address; only the OS keyring is a
stand-in (a file)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psycopg

from pos_app.headoffice import database as db
from tests.headoffice.conftest import database, office, pg_cluster  # noqa: F401 (fixtures)
from tests.headoffice.helpers import enrol
from tests.window import flows
from tests.window.conftest import MakeApp
from tests.window.live_register import PIN, TERMINAL, live_config, live_sandboxes, write_keyring
from tests.window.xsession import wait_until


async def publish(database_url: str, kind: str, content: str) -> None:
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        await db.publish(conn, kind, content, store_id=None, terminal_id=None, by="test")


async def runs(database_url: str) -> list[tuple[str, int]]:
    """What the head office sees this register run."""
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        return await (await conn.execute(
            "SELECT kind, version FROM register_releases ORDER BY kind")).fetchall()


def head_office_tab(app: Any) -> None:
    """Settings (the manager's PIN), then the Head office tab."""
    app.click("settingsButton")
    flows.enter_pin(app, PIN)
    app.on_screen("settingsScreen")
    tabs = app.tabs("settingsTabs")
    app.click_tab("settingsTabs", next(i for i, t in enumerate(tabs)
                                       if t["text"] == "Головной офис"))


def test_releases_reach_a_running_register_and_the_manager_sees_its_state(
        make_app: MakeApp, office: str, database: str, tmp_path: Path) -> None:  # noqa: F811
    with live_sandboxes() as credentials:
        data, config = live_config(credentials, office)
        env = write_keyring(tmp_path / "keyring.json", config, credentials,
                            asyncio.run(enrol(database, config.store_id, TERMINAL)))
        app = make_app(start=False, language="ru", config=data, env=env)
        app.training = False
        app.start()
        config_file = app.folder / "config" / "terminal.toml"

        # A catalog pushed while the register runs: the next scan finds the product.
        asyncio.run(publish(database, "catalog", flows.CATALOG))
        # Seen at the head office: recorded in the journal, so the window was told.
        wait_until(lambda: asyncio.run(runs(database)) == [("catalog", 1)], timeout=30,
                   what="the catalog release applied and reported")
        app.scan(flows.PIECE)
        app.wait(lambda s: "89,90" in s.text("saleTotal"), what="the pushed product scanned")
        app.shot("scanned from the pushed catalog")

        # The manager looks: the journal is all sent, the catalog's version is there.
        head_office_tab(app)
        snap = app.wait(lambda s: "Журнал передан полностью" in s.text("headOfficeState")
                        and "Каталог товаров: версия 1, применена" in s.text("headOfficeState"),
                        what="the head office's state")
        assert "Конфигурация: ещё не получено ничего из головного офиса" in snap.text(
            "headOfficeState")

        # A configuration pushed while Settings are open and a sale is being built: it waits.
        asyncio.run(publish(database, "config", "[ui]\npaper_width_mm = 58\n"
                                                "[providers.paymega]\nread_timeout = 20.0\n"))
        app.wait(lambda s: "Конфигурация: версия 1 получена" in s.text("headOfficeState"),
                 what="the configuration waiting", timeout=30)
        app.shot("a configuration release waiting")
        assert "paper_width_mm = 58" not in config_file.read_text(encoding="utf-8")
        app.click("settingsBack")
        app.on_screen("saleScreen")
        app.click("clearSale")
        app.modal("confirmBox")
        app.click("yes", window="confirmBox")
        app.wait(lambda s: "89,90" not in s.text("saleTotal"), what="the sale cleared")
        wait_until(lambda: asyncio.run(runs(database)) == [("catalog", 1), ("config", 1)],
                   timeout=30, what="the configuration applied once the register is free")
        assert "paper_width_mm = 58" in config_file.read_text(encoding="utf-8")

        head_office_tab(app)
        snap = app.wait(lambda s: "Конфигурация: версия 1, применена" in s.text(
            "headOfficeState"), what="the configuration applied")
        # The paper at once, the provider's timeout at the next start: the tab says which.
        assert ("изменила настройки, которые вступят в силу после перезапуска приложения: "
                "providers.paymega.read_timeout.") in snap.text("headOfficeState")
        app.shot("the head office tab")
        app.click("settingsBack")
        app.on_screen("saleScreen")
        app.click("shiftButton")
        assert app.on_screen("shiftScreen").text("reportPaper") == "58 мм"
