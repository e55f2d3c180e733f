from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pos_app.providers.errors import AuthFailed, Rejected
from pos_app.providers.koshelek.tokens import CommandTokenSource, barcode_info
from pos_app.redact import redact


def bridge(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "bridge.py"
    script.write_text(body, encoding="utf-8")
    return [sys.executable, str(script)]


async def test_command_source(tmp_path: Path) -> None:
    command = bridge(tmp_path, """
import json, sys
if sys.argv[1] == "token":
    print("dG9rZW4tZnJvbS1saWI=123")
else:
    print(json.dumps({"resultCode": "CARDSESSION_AVAILABLE", "totpCodeValid": True,
                      "cardNumber": "7700123456789", "cardSession": "K7P2QX9M",
                      "echo": sys.argv[2]}))
""")
    source = CommandTokenSource(command)
    assert await source.get_token() == "dG9rZW4tZnJvbS1saWI=123"
    assert redact("token dG9rZW4tZnJvbS1saWI=123") == "token ***"
    info = await source.verify_barcode(" KP7700123456789K7P2QX9M123456\n")
    assert (info.card_session, info.loyalty_id) == ("K7P2QX9M", "7700123456789")


@pytest.mark.parametrize(("body", "says"), [
    ("import sys; sys.exit(3)", "exit 3"),
    ("print('')", "empty output"),
    ("import time; time.sleep(30)", "timeout"),
])
async def test_command_failures(tmp_path: Path, body: str, says: str) -> None:
    source = CommandTokenSource(bridge(tmp_path, body), timeout=0.5)
    with pytest.raises(AuthFailed, match=says):
        await source.get_token()


async def test_the_command_opens_no_console_window_on_windows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows cannot run here: the flag Windows needs is checked where it is passed."""
    monkeypatch.setattr(subprocess, "CREATE_NO_WINDOW", 0x08000000, raising=False)
    seen: dict[str, object] = {}
    real = asyncio.create_subprocess_exec

    async def spawn(*argv: str, **options: Any) -> asyncio.subprocess.Process:
        seen.update(options)
        return await real(*argv, **{**options, "creationflags": 0})  # POSIX accepts only 0

    monkeypatch.setattr(asyncio, "create_subprocess_exec", spawn)
    source = CommandTokenSource(bridge(tmp_path, "print('dG9rZW4=')"))
    assert await source.get_token() == "dG9rZW4="
    assert seen["creationflags"] == 0x08000000


async def test_missing_program(tmp_path: Path) -> None:
    source = CommandTokenSource([str(tmp_path / "no-such-bridge")])
    with pytest.raises(AuthFailed, match="did not produce a token"):
        await source.get_token()


async def test_verify_output_that_is_not_json(tmp_path: Path) -> None:
    source = CommandTokenSource(bridge(tmp_path, "print('garbage')"))
    with pytest.raises(Rejected, match="not a Koshelek customer code"):
        await source.verify_barcode("KP7700123456789K7P2QX9M123456")


@pytest.mark.parametrize(("result", "code"), [
    ({"resultCode": "CARDSESSION_AVAILABLE", "totpCodeValid": False}, "TOTP_INVALID"),
    ({"resultCode": "LOYALTY_ONLY", "totpCodeValid": True}, "LOYALTY_ONLY"),
    ({"resultCode": "CARDSESSION_AVAILABLE", "totpCodeValid": True}, "NO_CARD_SESSION"),
    ({"resultCode": "CARDSESSION_AVAILABLE", "cardSession": "bad session!"}, "NO_CARD_SESSION"),
    ([], "BAD_BARCODE"),
    ({"resultCode": ""}, "BAD_BARCODE"),
])
def test_unusable_verify_results(result: object, code: str) -> None:
    with pytest.raises(Rejected) as error:
        barcode_info(json.loads(json.dumps(result)))
    assert error.value.code == code
