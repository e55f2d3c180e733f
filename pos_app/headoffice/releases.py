"""Configuration and catalog releases from the head office (issue 19, the way down).

A release is the file as a register keeps it: the configuration's TOML without what is the
register's own (its store and terminal ids, its journal's folder, its head office), or the
product catalog's CSV.  It is checked with the same checks as a local file — at publishing
(``pos-app office release``) and again at the register, which applies it only when no payment
is in progress and records it in its journal (``release_applied`` with the version; a release
that fails the checks: ``release_refused``), so the head office sees what each register runs.
Secrets are never part of a release.
"""

from __future__ import annotations

import asyncio
import logging
import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from pos_app.core.catalog import parse_catalog
from pos_app.core.config import (
    ConfigError,
    TerminalConfig,
    load_config,
    parse_config,
    save_config,
    write_atomically,
)
from pos_app.core.events import EventKind
from pos_app.core.journal import Journal, shipping
from pos_app.core.paths import data_dir
from pos_app.headoffice.wire import RELEASE_KINDS
from pos_app.i18n import Message, msg

log = logging.getLogger(__name__)

CHECK_EVERY_S = 300.0  # how often a register asks for a newer release
C = "Config"
# What a release may not set: each register's own.
OWN_TERMINAL_KEYS = ("store_id", "terminal_id")
OWN_TABLES = ("journal", "head_office")


def problems(kind: str, content: str, *, currency: str = "RUB") -> list[Message]:
    """What is wrong with a release (none: it can be applied)."""
    if kind == "catalog":
        return list(parse_catalog(content, currency=currency).problems)
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        return [msg(C, "is not valid TOML: {error}", error=str(exc))]
    own = [f"terminal.{key}" for key in OWN_TERMINAL_KEYS if key in data.get("terminal", {})]
    own += [table for table in OWN_TABLES if table in data]
    if own:
        return [msg(C, "{key}: is each register's own; a release may not set it", key=key)
                for key in own]
    try:
        parse_config(data)
    except ConfigError as exc:
        return list(exc.problems)
    return []


def merged(local: TerminalConfig, content: str) -> TerminalConfig:
    """The release's settings with the register's own kept (``problems`` found none)."""
    config = parse_config(tomllib.loads(content))
    return replace(config, store_id=local.store_id, terminal_id=local.terminal_id,
                   journal_dir=local.journal_dir, head_office=local.head_office,
                   ui=replace(config.ui, catalog_file=local.ui.catalog_file))


class ReleaseApplier:
    """Asks ``client``'s head office for newer releases and applies them to the files at
    ``config_path`` (and the catalog the configuration names, else ``catalog.csv`` in the data
    folder) when ``idle()`` says no payment is in progress."""

    def __init__(self, client: httpx.AsyncClient, journal: Journal, *, config_path: Path,
                 idle: Callable[[], Awaitable[bool]], currency: str = "RUB") -> None:
        self._client = client
        self._journal = journal
        self._config_path = config_path
        self._idle = idle
        self._currency = currency

    async def run(self, every_s: float = CHECK_EVERY_S) -> None:
        while True:
            try:
                await self.check()
            except httpx.HTTPError as exc:
                log.info("head office releases: no answer (%s)", type(exc).__name__)
            await asyncio.sleep(every_s)

    async def check(self) -> dict[str, int]:
        """Apply what is newer and applicable now; returns the versions applied."""
        recorded = await self._journal.read_apart(shipping.releases_recorded)
        applied: dict[str, int] = {}
        for kind in RELEASE_KINDS:
            release = await self._fetch(kind)
            if release is None or release[0] <= recorded.get(kind, 0):
                continue
            version, content = release
            found = problems(kind, content, currency=self._currency)
            if found:
                log.error("head office %s release %d refused: %s", kind, version,
                          "; ".join(p.english() for p in found))
                await self._journal.log_event(EventKind.RELEASE_REFUSED, data={
                    "kind": kind, "version": version,
                    "problems": [p.english() for p in found][:5]})
                continue
            if not await self._idle():
                continue  # a payment is in progress: next time
            await asyncio.to_thread(self._apply, kind, content)
            await self._journal.log_event(EventKind.RELEASE_APPLIED,
                                          data={"kind": kind, "version": version})
            log.info("head office %s release %d applied", kind, version)
            applied[kind] = version
        return applied

    async def _fetch(self, kind: str) -> tuple[int, str] | None:
        response = await self._client.get(f"/v1/releases/{kind}")
        if response.status_code != 200:
            return None
        data: dict[str, Any] = response.json()
        return int(data["version"]), str(data["content"])

    def _apply(self, kind: str, content: str) -> None:
        local = load_config(self._config_path)
        if kind == "config":
            save_config(merged(local, content), self._config_path)
            return
        target = Path(local.ui.catalog_file) if local.ui.catalog_file else \
            data_dir() / "catalog.csv"
        write_atomically(target, content)
        if not local.ui.catalog_file:  # the configuration now names it
            save_config(replace(local, ui=replace(local.ui, catalog_file=str(target))),
                        self._config_path)
