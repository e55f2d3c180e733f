"""A live register with a head office, to look at by hand (a walk) or from a test.

    uv run python -m tests.window.live_register FOLDER [--language ru]

Starts a throwaway PostgreSQL cluster, ``pos-app office serve`` on it, the providers'
sandboxes at a loopback address (live mode reaches them as it would a provider), enrols the
terminal, and writes into FOLDER the register's configuration and its keyring (a file: the OS
keyring cannot run here; test data only).  Prints how to start the register's window and how
to publish releases, revoke the terminal or stop the head office; runs until Ctrl+C.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tomli_w
from msgspec.structs import replace

from pos_app.app import needed_secrets, training_config
from pos_app.core.config import TerminalConfig, config_to_toml
from pos_app.core.pin import hash_pin
from pos_app.localserver import LocalServer
from pos_app.providers.koshelek.settings import KoshelekSettings
from pos_app.sandbox.app import build_app
from tests.window import file_keyring

PIN = "2580"  # the manager's
TERMINAL = "T-1"
KEYRING_ENV = {"PYTHON_KEYRING_BACKEND": "tests.window.file_keyring.FileKeyring"}


@contextmanager
def live_sandboxes() -> Iterator[dict[str, Any]]:
    """The providers' sandboxes at a loopback address, as live mode reaches a provider; yields
    their credentials."""
    app, sandbox = build_app(None)
    server = LocalServer(app, host="127.0.0.1", port=0, name="live-sandboxes")
    sandbox.base_url = server.start()
    try:
        yield sandbox.credentials()
    finally:
        server.stop()


def live_config(credentials: dict[str, Any], office_url: str, *, language: str = "ru",
                ) -> tuple[dict[str, Any], TerminalConfig]:
    """The register's configuration file (as TOML data) and as read."""
    config = training_config(TerminalConfig(terminal_id=TERMINAL, language=language),
                             credentials)
    # Koshelek's live mode needs its private token library: not here.
    config = config.with_provider(replace(config.settings(KoshelekSettings), enabled=False))
    data = config_to_toml(config)
    data["head_office"] = {"url": office_url, "check_releases_every_s": 1}
    return data, config


def write_keyring(path: Path, config: TerminalConfig, credentials: dict[str, Any],
                  office_credential: str) -> dict[str, str]:
    """The providers' secrets, the head office's credential and the manager's PIN; returns
    the environment that makes the register read them."""
    secrets = {("pos-app", f"{provider}.{name}"): credentials[provider][name]
               for provider, name in needed_secrets(config)}
    secrets[("pos-app", "headoffice.credential")] = office_credential
    secrets[("pos-app", "manager.pin_hash")] = hash_pin(PIN)
    file_keyring.write(path, secrets)
    return {**KEYRING_ENV, "POS_TEST_KEYRING": str(path)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--language", default="ru", choices=("ru", "en"))
    args = parser.parse_args(argv)
    from pos_app.headoffice.cluster import cluster, free_port
    from tests.headoffice.conftest import wait_for_port
    from tests.headoffice.helpers import enrol

    folder: Path = args.folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with cluster() as pg, live_sandboxes() as credentials:
        port = free_port()
        office = subprocess.Popen([sys.executable, "-m", "pos_app", "office", "serve",
                                   "--database", pg.url(), "--port", str(port)])
        wait_for_port(port, office)  # its schema is made: a terminal can be enrolled
        url = f"http://127.0.0.1:{port}"
        data, config = live_config(credentials, url, language=args.language)
        config_file = folder / "terminal.toml"
        config_file.write_text(tomli_w.dumps(data), encoding="utf-8")
        env = write_keyring(folder / "keyring.json", config, credentials,
                            asyncio.run(enrol(pg.url(), config.store_id, TERMINAL)))
        env |= {"POS_APP_CONFIG": str(config_file), "POS_APP_DATA_DIR": str(folder / "data"),
                "POS_APP_LOG_DIR": str(folder / "logs")}
        database = f"--database {pg.url()}"
        sys.stdout.write(f"""
The head office: {url}/?lang=ru  (pid {office.pid}: kill it to see a head office that does
not answer; the page needs no login on this machine)

The register's window (live mode; the manager's PIN is {PIN}), from {os.getcwd()}:
  {' '.join(f'{k}={v}' for k, v in env.items())} uv run pos-app

Releases (applied within a second when the register is free):
  uv run pos-app office release config FILE.toml {database}
  uv run pos-app office release catalog FILE.csv {database}
Revoke the terminal (the register's journal is then refused):
  uv run pos-app office revoke {database} --store {config.store_id} --terminal {TERMINAL}

Ctrl+C stops the head office, its database and the sandboxes.
""")
        sys.stdout.flush()
        stop = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop)
        try:
            signal.sigwait(stop)
        finally:
            office.terminate()
            office.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
