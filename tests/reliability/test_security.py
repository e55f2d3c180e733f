"""Live mode's transport and the manager PIN: what a register must refuse, end to end."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from pos_app.app import Mode, build_runtime
from pos_app.core.config import ConfigError
from pos_app.core.pin import ITERATIONS, PinError, PinStore, hash_pin
from pos_app.core.secrets import SecretStore
from tests.helpers import write_live_config

SECRETS = {"POS_APP_KOSHELEK_LOGIN": "login", "POS_APP_KOSHELEK_PASSWORD": "password"}


async def test_live_terminal_talks_tls_1_2_or_better_only(isolated_dirs: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    write_live_config(isolated_dirs / "config" / "terminal.toml",
                      "https://api.koshelek.example")
    runtime = await build_runtime(Mode.LIVE, lock=False)
    try:
        client = runtime.service.provider("koshelek").client._http  # type: ignore[attr-defined]
        context = client._transport.ssl_context  # its connections' (made at the first request)
        assert context.minimum_version == ssl.TLSVersion.TLSv1_2
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname
    finally:
        await runtime.aclose()


async def test_live_terminal_refuses_plain_http_beyond_this_machine(
        isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    write_live_config(isolated_dirs / "config" / "terminal.toml", "http://pay.example")
    with pytest.raises(ConfigError) as refused:
        await build_runtime(Mode.LIVE, lock=False)
    assert "plain http to pay.example is not allowed in live mode" in refused.value.args[0]


def test_the_pin_is_a_salted_slow_hash_with_a_lockout(memory_keyring: object) -> None:
    first, second = hash_pin("4821"), hash_pin("4821")
    assert first != second  # a random salt each time
    assert "4821" not in first
    assert ITERATIONS >= 100_000  # slow: PBKDF2-SHA256
    clock = iter(float(t) for t in range(1000, 2000))
    pins = PinStore(SecretStore(environ={}), training=False, clock=lambda: next(clock))
    pins.set("4821")
    pins.verify("4821")
    for _ in range(10):  # Enter before any digit: no attempt, nothing counted
        with pytest.raises(PinError, match="Enter the PIN"):
            pins.verify("")
    pins.verify("4821")
    for _ in range(5):
        with pytest.raises(PinError):
            pins.verify("1111")
    with pytest.raises(PinError) as locked:
        pins.verify("4821")  # right, but locked out
    assert "Too many wrong PINs" in locked.value.message.english()
