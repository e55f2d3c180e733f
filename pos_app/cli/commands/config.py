"""``pos-app config``: check, import, set a secret, show."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pos_app.cli.options import Options
from pos_app.cli.output import EXIT_OK, EXIT_USAGE, fail, say
from pos_app.core.config import ConfigError
from pos_app.core.secrets import SecretsUnavailable


class ImportOptions(Options, frozen=True):
    file: str = ""  # the prepared configuration
    machine: bool = False  # install it for the whole machine, not this user


class SecretOptions(Options, frozen=True):
    name: str = ""  # "provider.name", e.g. koshelek.password


async def cmd_config_check(line: argparse.Namespace) -> int:
    args = Options.of(line)
    from pos_app.app import Mode, load_terminal_config, needed_secrets
    from pos_app.core.config import config_warnings
    from pos_app.core.paths import config_path
    from pos_app.core.secrets import SecretStore

    path = config_path(args.config)
    config, _ = load_terminal_config(Mode.LIVE, path)
    SecretStore().check_live(needed_secrets(config))  # "OK" with a secret set nowhere: not OK
    warnings = config_warnings(config)
    for warning in warnings:
        say(f"Warning: {warning.render()}")
    print(f"{path}: OK" + (f" ({len(warnings)} warning(s))" if warnings else ""))
    return EXIT_OK


def cmd_config_import(line: argparse.Namespace) -> int:
    """Install a prepared configuration: checked first, the previous one kept as a backup."""
    args = ImportOptions.of(line)
    import shutil
    from datetime import datetime

    from pos_app.core.config import check_live_ready, load_config
    from pos_app.core.paths import config_candidates, config_path

    source = Path(args.file)
    config = load_config(source)  # a ConfigError names the key and the problem: exit 2
    target = config_candidates(args.config)[-1] if args.machine else config_path(args.config)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        backup = target.with_name(f"{target.name}.bak-{stamp}")
        shutil.copy2(target, backup)
        say(f"The previous configuration is kept as {backup}")
    partial = target.with_name(target.name + ".part")
    shutil.copyfile(source, partial)  # as written by the manager, comments included
    os.replace(partial, target)
    print(f"{target}: imported from {source}")
    try:
        check_live_ready(config, path=target)
    except ConfigError as exc:  # e.g. a template without the terminal id yet
        say(f"Live mode will not start until this is fixed: {exc.message.render()}")
    return EXIT_OK


def cmd_config_set_secret(line: argparse.Namespace) -> int:
    """Store one secret in the keyring; the value comes from standard input, never argv."""
    args = SecretOptions.of(line)
    import getpass

    from pos_app.core.secrets import SecretStore, secret_names

    provider, _, name = args.name.partition(".")
    known_names = [f"{p}.{n}" for p, n in secret_names(listener=True)]
    if args.name not in known_names:
        known = ", ".join(known_names)
        fail(EXIT_USAGE, f"unknown secret {args.name!r}; one of: {known}", args.json)
    if sys.stdin.isatty():
        value = getpass.getpass(f"{args.name}: ")
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        fail(EXIT_USAGE, f"no value for {args.name} on standard input", args.json)
    SecretStore().set(provider, name, value)
    print(f"{args.name}: stored in the keyring")
    return EXIT_OK


def cmd_config_show(line: argparse.Namespace) -> int:
    """The configuration in effect and which secrets are set; secret values never shown."""
    args = Options.of(line)
    import tomli_w

    from pos_app.app import needed_secrets
    from pos_app.core.config import (
        ConfigMissing,
        TerminalConfig,
        check_live_ready,
        config_to_toml,
        config_warnings,
        load_config,
    )
    from pos_app.core.paths import config_path
    from pos_app.core.secrets import SecretStore, secret_names

    path = config_path(args.config)
    try:
        config, found = load_config(path), True  # a damaged file: ConfigError, exit 2
    except ConfigMissing:
        config, found = TerminalConfig(), False
    store = SecretStore()
    try:
        check_live_ready(config, path=path)
        store.check_live(needed_secrets(config))
        live = "ready"
    except (ConfigError, SecretsUnavailable) as exc:
        live = exc.message.render()
    secrets = {f"{p}.{n}": store.source(p, n) or "not set" for p, n in secret_names()}
    warnings = [warning.render() for warning in config_warnings(config)]
    if args.json:
        print(json.dumps({"path": str(path), "found": found, "config": config_to_toml(config),
                          "secrets": secrets, "live_mode": live, "warnings": warnings},
                         ensure_ascii=False))
        return EXIT_OK
    print(f"# {path}" + ("" if found else " (not found: the defaults)"))
    print(tomli_w.dumps(config_to_toml(config)))
    print("# secrets (values are never shown)")
    for name, where in secrets.items():
        print(f"#   {name}: {where}")
    print("# live mode: " + live.replace("\n", "\n#   "))
    for warning in warnings:
        print(f"# warning: {warning}")
    return EXIT_OK
