"""The head office as it runs: ``pos-app office enrol`` and ``serve`` (a process of its own
on loopback, over the real PostgreSQL), and a live register that pays and refunds from the
command line while its journal ships in the background (issue 19)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from pos_app.cli import main
from pos_app.core.journal import Journal, shipping
from pos_app.core.paths import journal_path
from pos_app.providers.koshelek.sandbox import KoshelekSandbox
from pos_app.sandbox.server import SandboxServer
from tests.headoffice.helpers import central_events, local_events
from tests.helpers import write_live_config


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_live_register_ships_as_it_pays(capsys: pytest.CaptureFixture[str], database: str,
                                          office: str, isolated_dirs: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(capsys, "office", "enrol", "--database", database, "--store",
                       "5b2e8c44-9a1f-4d0b-8f6e-1c3a7d9e2f10", "--terminal", "POS-03", "--json")
    assert code == 0
    credential = json.loads(out)["credential"]
    with SandboxServer() as server:
        write_live_config(isolated_dirs / "config" / "terminal.toml", server.base_url,
                          extra=f'[head_office]\nurl = "{office}"\n')
        monkeypatch.setenv("POS_APP_KOSHELEK_LOGIN", "pos-training")
        monkeypatch.setenv("POS_APP_KOSHELEK_PASSWORD", "training-password")
        monkeypatch.setenv("POS_APP_HEADOFFICE_CREDENTIAL", credential)
        barcode = server.sandbox.of(KoshelekSandbox).new_session()["barcode"]
        code, out, _ = run(capsys, "pay", "--provider", "koshelek", "--amount", "250",
                           "--barcode", barcode, "--json")
        assert code == 0
        payment_id = json.loads(out)["payment_id"]
        code, _, _ = run(capsys, "refund", payment_id, "--amount", "100", "--json")
        assert code == 0

    async def compare() -> None:
        journal = await Journal.open(journal_path("", training=False))
        try:
            uuid = await journal.read_apart(shipping.journal_uuid)
            local = await local_events(journal)
        finally:
            await journal.close()
        assert dict(await central_events(database, uuid)) == local

    asyncio.run(compare())
    code, _, err = run(capsys, "office", "revoke", "--database", database, "--store", "x",
                       "--terminal", "y")
    assert code == 2
    assert "no enrolled terminal x/y" in err
