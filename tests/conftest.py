from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import keyring
import pytest

# No screen here or in CI: Qt renders offscreen (set before anything imports Qt), on one
# screen of the smallest size a kiosk may have (Qt's offscreen default is 800x800), so a
# kiosk window can really be full screen.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = (
        f"offscreen:configfile={Path(__file__).with_name('offscreen-screen.json')}")

from pos_app import redact
from pos_app.app import Runtime
from pos_app.i18n import set_translator
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import MemoryKeyring, training_runtime


@pytest.fixture(autouse=True)
def forget_secrets() -> Iterator[None]:
    """The redactor's secrets are process-wide: one test's ("password" as a password) must
    not mask the next test's words."""
    before = set(redact._secrets)
    yield
    with redact._lock:
        redact._secrets.clear()
        redact._secrets.update(before)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config, data and log directories."""
    monkeypatch.setenv("POS_APP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POS_APP_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("POS_APP_CONFIG", str(tmp_path / "config" / "terminal.toml"))
    for name in ("KOSHELEK", "PAYMEGA", "PEGAS"):
        for key in ("LOGIN", "PASSWORD", "TOKEN", "SECRET", "PUBLIC_KEY"):
            monkeypatch.delenv(f"POS_APP_{name}_{key}", raising=False)
    set_translator(None)
    return tmp_path


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The app's log setup changes the root logger; undo it after each test."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture
def sandbox() -> SandboxTransport:
    return SandboxTransport()


@pytest.fixture
async def runtime(sandbox: SandboxTransport) -> AsyncIterator[Runtime]:
    rt = await training_runtime(sandbox)
    await rt.service.start()
    yield rt
    await rt.aclose()
