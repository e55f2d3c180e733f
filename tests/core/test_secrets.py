from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from pos_app.core.secrets import SecretStore, SecretsUnavailable, keyring_usable
from pos_app.redact import redact
from tests.helpers import MemoryKeyring


def test_keyring_round_trip(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore(environ={})
    store.set("koshelek", "password", "kp-Secret-1")
    assert memory_keyring.store[("pos-app", "koshelek.password")] == "kp-Secret-1"
    assert store.get("koshelek", "password") == "kp-Secret-1"
    assert store.masked("koshelek", "password") == "••••••"
    store.delete("koshelek", "password")
    assert store.get("koshelek", "password") is None


def test_environment_wins(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.store[("pos-app", "koshelek.login")] = "from-keyring"
    store = SecretStore(environ={"POS_APP_KOSHELEK_LOGIN": "from-env"})
    assert store.get("koshelek", "login") == "from-env"


def test_values_read_are_redacted_everywhere() -> None:
    store = SecretStore(environ={"POS_APP_KOSHELEK_PASSWORD": "Pw-4-redaction"})
    store.get("koshelek", "password")
    assert redact("request failed for Pw-4-redaction") == "request failed for ***"


def test_live_check_lists_every_missing_secret() -> None:
    store = SecretStore(environ={"POS_APP_KOSHELEK_LOGIN": "x"})
    with pytest.raises(SecretsUnavailable) as error:
        store.check_live([("koshelek", "login"), ("koshelek", "password")])
    text = str(error.value)
    assert "koshelek.password" in text
    assert "koshelek.login" not in text.split("Store them")[0]
    assert "pos-app config set-secret" in text


def test_no_keyring_backend() -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    assert not keyring_usable()
    store = SecretStore(environ={})
    with pytest.raises(SecretsUnavailable, match="no secret store"):
        store.check_live([("koshelek", "password")])
    with pytest.raises(SecretsUnavailable, match="no secret store") as refused:
        store.set("koshelek", "password", "x")
    assert "Set the environment variable POS_APP_KOSHELEK_PASSWORD instead" in str(
        refused.value)  # the way on (a walk: Settings said only that there is no store)
    env_only = SecretStore(environ={"POS_APP_KOSHELEK_LOGIN": "l",
                                    "POS_APP_KOSHELEK_PASSWORD": "p"})
    # Headless integration works without a keyring.
    env_only.check_live([("koshelek", "login"), ("koshelek", "password")])
