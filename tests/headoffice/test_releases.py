"""Configuration and catalog releases down to the registers (issue 19): checked as a local file
when published and again at the register, the newest that applies to it, applied only when
no payment is in progress, the register's own settings kept, recorded in its journal and so
seen at the head office; a release that fails the checks is refused, once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import psycopg
import pytest

from pos_app.cli import main
from pos_app.core.config import load_config
from pos_app.core.journal import shipping
from pos_app.headoffice import database as db
from pos_app.headoffice.releases import ReleaseApplier
from pos_app.sandbox.testing import SandboxTransport
from tests.headoffice.helpers import Register, enrol, head_office, live_register, shipper_for
from tests.helpers import simple_sale

LOCAL = """
[terminal]
store_id = "S-1"
terminal_id = "T-1"
store_name = "Лесная, 5"

[head_office]
url = "https://office.example"
"""


def publish(capsys: pytest.CaptureFixture[str], database: str, kind: str, path: Path,
            *scope: str) -> tuple[int, str]:
    code = main(["office", "release", kind, str(path), "--database", database, *scope])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize(("text", "says"), [
    ('[providers.paymega]\nretries = "many"\n',
     "providers.paymega.retries: expected a whole number, got 'many'"),
    ('[terminal]\nterminal_id = "T-9"\n', "terminal.terminal_id: is each register's own"),
    ("[head_office]\nurl = 'https://elsewhere'\n", "head_office: is each register's own"),
    ("[ui\n", "is not valid TOML"),
    ("", "The release sets nothing."),
    ("# only a comment\n", "The release sets nothing."),
])
def test_a_bad_configuration_is_not_published(capsys: pytest.CaptureFixture[str],
                                              database: str, tmp_path: Path, text: str,
                                              says: str) -> None:
    release = tmp_path / "release.toml"
    release.write_text(text, encoding="utf-8")
    code, said = publish(capsys, database, "config", release)
    assert code == 2
    assert says in said


def test_a_bad_catalog_is_not_published(capsys: pytest.CaptureFixture[str], database: str,
                                        tmp_path: Path) -> None:
    release = tmp_path / "catalog.csv"
    release.write_text("barcode;name;price\n4601234567890;Молоко;abc\n", encoding="utf-8")
    code, said = publish(capsys, database, "catalog", release)
    assert code == 2
    assert "Line 2" in said or "line 2" in said


async def applier(register: Register, client: httpx.AsyncClient,
                  config: Path) -> ReleaseApplier:
    async def idle() -> bool:
        return not await register.service.followed()
    return ReleaseApplier(client, register.journal, config_path=config,
                          idle=idle)


async def test_the_newest_release_for_this_register_applied_when_idle(
        tmp_path: Path, sandbox: SandboxTransport, database: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POS_APP_DATA_DIR", str(tmp_path / "data"))
    config = tmp_path / "terminal.toml"
    config.write_text(LOCAL, encoding="utf-8")
    register = await live_register(tmp_path / "journal.sqlite", sandbox)
    try:
        async with head_office(database) as office:
            shipper, _ = shipper_for(register, office, await enrol(database))
            async with await psycopg.AsyncConnection.connect(database) as conn:
                for content, store, terminal in (
                        ('[ui]\npaper_width_mm = 58\n', None, None),  # the chain: v1
                        ('[ui]\npaper_width_mm = 58\nkiosk = true\n', "S-1", "T-1"),  # v2
                        ('[terminal]\nlanguage = "en"\n', "S-2", None)):  # another store
                    await db.publish(conn, "config", content, store_id=store,
                                     terminal_id=terminal, by="test")
                await db.publish(conn, "catalog", "barcode;name;price\n"
                                 "4601234567890;Молоко 3,2%;89,90\n", store_id=None,
                                 terminal_id=None, by="test")
            apply = await applier(register, shipper.client, config)
            # A customer is paying: nothing changes under the cashier's hands.
            payment = await register.service.start_payment(simple_sale("50.00"), "paymega", {})
            await register.service.wait(payment.id, until=lambda p: p.provider_ref is not None)
            assert await apply.check() == {}
            assert load_config(config).ui.paper_width_mm == 80
            await register.service.cancel(payment.id)
            assert await apply.check() == {"config": 2, "catalog": 1}
            applied = load_config(config)
            assert (applied.ui.paper_width_mm, applied.ui.kiosk) == (58, True)
            assert (applied.store_id, applied.terminal_id, applied.head_office.url) == (
                "S-1", "T-1", "https://office.example")  # the register's own, kept
            assert applied.language == ""  # the other store's release is not this one's
            catalog = Path(applied.ui.catalog_file)
            assert catalog == tmp_path / "data" / "catalog.csv"
            assert "Молоко 3,2%" in await asyncio.to_thread(catalog.read_text, encoding="utf-8")
            assert await apply.check() == {}  # nothing newer
            while await shipper.ship_once():
                pass
            uuid = await register.journal.read_apart(shipping.journal_uuid)
        async with await psycopg.AsyncConnection.connect(database) as conn:
            runs = await (await conn.execute(
                "SELECT kind, version FROM register_releases WHERE journal_uuid = %s "
                "ORDER BY kind", (uuid,))).fetchall()
        assert runs == [("catalog", 1), ("config", 2)]
    finally:
        await register.close()


async def test_a_release_that_fails_the_registers_checks_is_refused_once(
        tmp_path: Path, sandbox: SandboxTransport, database: str) -> None:
    config = tmp_path / "terminal.toml"
    config.write_text(LOCAL, encoding="utf-8")
    register = await live_register(tmp_path / "journal.sqlite", sandbox)
    try:
        async with head_office(database) as office:
            shipper, _ = shipper_for(register, office, await enrol(database))
            async with await psycopg.AsyncConnection.connect(database) as conn:
                # Published past the checks (an older head office, a hand-made row).
                await db.publish(conn, "config", "[ui]\npaper_width_mm = 57\n",
                                 store_id=None, terminal_id=None, by="test")
            apply = await applier(register, shipper.client, config)
            assert await apply.check() == {}
            assert await apply.check() == {}
            assert load_config(config).ui.paper_width_mm == 80
            events = [e for e in await register.journal.read_apart(
                lambda conn: shipping.events_after(conn, 0, 1000))
                if e["kind"] == "release_refused"]
            assert [(e["data"]["kind"], e["data"]["version"]) for e in events] == [
                ("config", 1)]
            assert events[0]["data"]["problems"] == ["ui.paper_width_mm: 57 is outside 58…80"]
    finally:
        await register.close()
