"""Secrets: the OS keyring, overridable by environment variables for headless integration.

``POS_APP_<PROVIDER>_<NAME>`` (e.g. ``POS_APP_KOSHELEK_PASSWORD``) wins over the
keyring.  Every value read is registered with :mod:`pos_app.redact` so it can
never reach a log.  Live mode refuses to start when a needed secret has no source.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Mapping
from typing import Any

from pos_app.i18n import Message, UserError, msg
from pos_app.providers.registry import plugins
from pos_app.redact import register_secret

log = logging.getLogger(__name__)

SERVICE = "pos-app"
C = "Secrets"


# The terminal's credential at the head office (``pos-app office enrol`` prints it).
HEAD_OFFICE_CREDENTIAL = ("headoffice", "credential")


def secret_names(*, listener: bool = False) -> list[tuple[str, str]]:
    """Every secret the terminal may use, as (owner, name) (in the keyring: "owner.name"):
    each provider's (from its plugin), and the head office's credential; ``listener``: also
    those only the optional callback listener uses."""
    return [(each.name, name) for each in plugins()
            for name in each.secrets + (each.listener_secrets if listener else ())] + [
        HEAD_OFFICE_CREDENTIAL]



class SecretsUnavailable(UserError):
    """Live mode cannot get the secrets it needs; ``missing``: which, as (provider, name)
    (empty when the keyring itself is the problem)."""

    def __init__(self, message: Message, missing: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.missing = list(missing)


def env_name(provider: str, name: str) -> str:
    return f"POS_APP_{provider.upper()}_{name.upper()}"


def _keyring() -> Any:
    """The keyring module, imported on first use: finding its backends takes about 0.1 s,
    which a start in training mode (no secrets) should not pay."""
    import keyring
    import keyring.errors

    return keyring


def keyring_usable() -> bool:
    """False when keyring has only its 'fail' or 'null' backend (no secret store on this OS)."""
    backend = _keyring().get_keyring()
    priority = getattr(backend, "priority", 0)
    module = type(backend).__module__
    return not (module.startswith(("keyring.backends.fail", "keyring.backends.null"))
                or (isinstance(priority, (int, float)) and priority < 0))


class SecretStore:
    """Reads and writes secrets; never logs their values."""

    def __init__(self, *, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ if environ is not None else os.environ

    def get(self, provider: str, name: str) -> str | None:
        value = self._environ.get(env_name(provider, name))
        if not value and keyring_usable():
            keyring = _keyring()
            try:
                value = keyring.get_password(SERVICE, f"{provider}.{name}")
            except keyring.errors.KeyringError as exc:
                log.warning("keyring read of %s.%s failed: %s", provider, name, type(exc).__name__)
                value = None
        register_secret(value)
        return value or None

    def source(self, provider: str, name: str) -> str | None:
        """Where a secret comes from ("environment" or "keyring"), None if it is not set."""
        if self._environ.get(env_name(provider, name)):
            return "environment"
        return "keyring" if self.get(provider, name) else None

    def check_storable(self, provider: str, name: str, value: str) -> None:
        """SecretsUnavailable naming the limit when the secret store cannot keep ``value``
        (Windows' Credential Manager keeps 2 560 bytes: a 1 400-character token was a
        traceback, and Settings saved the file without it)."""
        if not keyring_usable():
            raise SecretsUnavailable(msg(C, "This computer has no secret store (keyring) to save "
                                            "{provider}.{name} in. Set the environment variable "
                                            "{env} instead.", provider=provider, name=name,
                                         env=env_name(provider, name)))
        most = _most_chars(_keyring().get_keyring())
        if most is not None and len(value) > most:
            raise SecretsUnavailable(msg(
                C, "{provider}.{name} is {n} characters long; this computer's secret store "
                   "keeps at most {most}. Set the environment variable {env} instead.",
                provider=provider, name=name, n=len(value), most=most,
                env=env_name(provider, name)))

    def set(self, provider: str, name: str, value: str) -> None:
        self.check_storable(provider, name, value)
        register_secret(value)
        keyring = _keyring()
        try:
            keyring.set_password(SERVICE, f"{provider}.{name}", value)
        except (keyring.errors.KeyringError, OSError) as exc:
            raise SecretsUnavailable(msg(
                C, "The secret store refused {provider}.{name} ({error}). Set the environment "
                   "variable {env} instead.", provider=provider, name=name,
                error=type(exc).__doc__ or "error", env=env_name(provider, name))) from None

    def delete(self, provider: str, name: str) -> None:
        keyring = _keyring()
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, f"{provider}.{name}")

    def require(self, provider: str, name: str) -> str:
        value = self.get(provider, name)
        if value is None:
            raise SecretsUnavailable(self._missing_message([(provider, name)]),
                                     [(provider, name)])
        return value

    def check_live(self, needed: Iterable[tuple[str, str]]) -> None:
        """Refuse live mode with one message listing every missing secret and how to set it."""
        missing = [(p, n) for p, n in needed if self.get(p, n) is None]
        if missing:
            raise SecretsUnavailable(self._missing_message(missing), missing)

    def _missing_message(self, missing: list[tuple[str, str]]) -> Message:
        names = ", ".join(f"{p}.{n}" for p, n in missing)
        envs = ", ".join(env_name(p, n) for p, n in missing)
        if not keyring_usable():
            return msg(C, "Live mode needs the secrets {names}, but this computer has no secret "
                          "store (keyring). Set the environment variables {envs}, or use "
                          "--demo for training.", names=names, envs=envs)
        return msg(C, "Live mode needs the secrets {names}. Store them with "
                      "“pos-app config set-secret NAME” or set {envs}.", names=names, envs=envs)

    def masked(self, provider: str, name: str) -> str:
        """For display: whether a secret is set, never what it is."""
        return "••••••" if self.get(provider, name) else ""


# Windows' Credential Manager: CRED_MAX_CREDENTIAL_BLOB_SIZE, 5 * 512 bytes of UTF-16.
WINDOWS_MOST_CHARS = 1280


def _most_chars(backend: Any) -> int | None:
    """The longest secret ``backend`` keeps, when it has a limit."""
    declared = getattr(backend, "max_secret_chars", None)
    if declared is not None:
        return int(declared)
    return WINDOWS_MOST_CHARS if type(backend).__module__.startswith(
        "keyring.backends.Windows") else None
