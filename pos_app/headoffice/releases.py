"""Configuration and catalog releases from the head office (issue 19, the way down).

A configuration release is a TOML fragment: the settings it names, put over each register's
own file (never what is each register's own: its store and terminal ids, its journal's
folder, its head office).  A catalog release is the product catalog's CSV, whole.  It is
checked with the same checks as a local file — at publishing (``pos-app office release``) and
again at the register, over its own file and with live mode's checks (a release after which
the register could not start is refused) — and applied only when the register is free, then
recorded in its journal (``release_applied`` with the version and the keys it changed; a
release that fails the checks: ``release_refused``), so the head office sees what each
register runs.  Secrets are never part of a release.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tomllib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import msgspec
from msgspec.structs import replace

from pos_app.backoff import Backoff
from pos_app.core.catalog import parse_catalog
from pos_app.core.config import (
    ConfigError,
    TerminalConfig,
    config_to_toml,
    load_config,
    parse_config,
    save_config,
    toml_update,
    write_atomically,
)
from pos_app.core.events import EventKind
from pos_app.core.journal import Journal, shipping
from pos_app.core.paths import data_dir
from pos_app.headoffice.shipper import BACKOFF, Retry, Stopped, refuse_or_retry, send
from pos_app.headoffice.wire import RELEASE_KINDS
from pos_app.i18n import Message, msg

log = logging.getLogger(__name__)

CHECK_EVERY_S = 300.0  # how often a register asks for a newer release
IDLE_AGAIN_S = 15.0  # how soon a release that waits for the register to idle is tried again
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
    if not data:
        return [msg(C, "The release sets nothing.")]
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


def merged(local_text: str, content: str) -> tuple[str, TerminalConfig]:
    """The register's configuration file with the release's settings written over it, and
    that file as read.  Only the keys the release names change; the rest of the file — its
    other values, the manager's comments, its order — stays as it was (tomlkit).  A
    chain-wide ``[ui] paper_width_mm = 58`` once came back as a whole file of defaults, and
    every register lost its providers at its next start (a walk).  Raises ConfigError when
    the result is not a configuration."""
    import tomlkit

    document = tomlkit.parse(local_text)
    toml_update(document, tomllib.loads(content))
    text = tomlkit.dumps(document)
    return text, parse_config(tomllib.loads(text))


def changed_keys(local: TerminalConfig, config: TerminalConfig) -> list[str]:
    """The dotted keys whose values differ between two configurations."""
    before, after = _flat(config_to_toml(local)), _flat(config_to_toml(config))
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat |= _flat(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


LiveCheck = Callable[[TerminalConfig], list[Message]]


class Release(msgspec.Struct, frozen=True):
    """``GET /v1/releases/{kind}``'s answer: the newest release for this register."""

    kind: str
    version: int
    content: str


class ReleaseApplier:
    """Asks ``client``'s head office for newer releases and applies them to the files at
    ``config_path`` (and the catalog the configuration names, else ``catalog.csv`` in the data
    folder) when ``idle()`` says no payment is in progress; ``on_applied(kind, version,
    changed keys)`` then tells the register (a window loads the new catalog and language at
    once).

    Every answer of ``GET /v1/releases/{kind}`` has its class: 200 with a version and a
    content (a release), 404 (none for this register), 400/401/403 (Stopped: the credential
    is refused; asking stops until the next start), anything else — no answer, 5xx, 429, an
    unreadable body (Retry: backed off with jitter, not before a Retry-After)."""

    def __init__(self, client: httpx.AsyncClient, journal: Journal, *, config_path: Path,
                 idle: Callable[[], Awaitable[bool]], currency: str = "RUB",
                 on_applied: Callable[[str, int, list[str]], object] | None = None,
                 backoff: Backoff = BACKOFF, live_check: LiveCheck | None = None) -> None:
        self._client = client
        self._journal = journal
        self._config_path = config_path
        self._idle = idle
        self._currency = currency
        self.on_applied = on_applied
        # The register's own reason to wait besides a payment (a window: a sale being
        # built, the Settings screen open), set by whoever shows the register.
        self.held: Callable[[], bool] = lambda: False
        self._backoff = backoff
        self.reached: Callable[[], None] | None = None  # the head office answers again
        # What live mode would refuse in a configuration (its checks and secrets): a release
        # after which this register could not start is refused, not applied.
        self._live_check = live_check
        self._task: asyncio.Task[None] | None = None
        self.reached_at: datetime | None = None  # the head office's last answer understood
        self.trouble: str | None = None  # why the last check did not get through (English)
        self._arrived: dict[str, Release] = {}  # arrived, waiting for the register to be free
        self.stopped = False  # the head office refused the credential: not asked any more
        # The releases applied since the start: their versions and the keys they changed.
        self.applied: dict[str, tuple[int, list[str]]] = {}

    def start(self, every_s: float = CHECK_EVERY_S) -> None:
        """:meth:`run` in the background, until :meth:`stop`."""
        self._task = asyncio.get_running_loop().create_task(self.run(every_s),
                                                            name="releases")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def run(self, every_s: float = CHECK_EVERY_S) -> None:
        failures = 0
        while True:
            wait = every_s
            try:
                await self.check()
                if failures and self.reached is not None:
                    self.reached()  # back after no answer: the journal may go now too
                failures, self.trouble = 0, None
            except Retry as exc:
                failures += 1
                self.trouble = str(exc)
                wait = min(self._backoff.delay(failures, asked_s=exc.after_s), every_s)
                log.info("head office releases: %s; asking again in %.0f s", exc, wait)
            except Stopped as exc:  # asked again, refused again: a person acts (a restart)
                self.trouble, self.stopped = str(exc), True
                log.error("head office releases: stopped asking: %s", exc)
                return
            if self.waiting:  # asked again soon: the register is usually idle again by then
                wait = min(wait, IDLE_AGAIN_S)
            await asyncio.sleep(wait)

    async def check(self) -> dict[str, int]:
        """Apply what is newer and applicable now; returns the versions applied.  Raises
        Retry or Stopped (see the class) — after applying, on a Retry, what had arrived
        before and waited for the register to be free."""
        recorded = await self._journal.read_apart(shipping.releases_recorded)
        applied: dict[str, int] = {}
        for kind in RELEASE_KINDS:
            try:
                release = await self._fetch(kind)
            except Retry:  # no answer now: what arrived already still applies
                for held in list(self._arrived.values()):
                    await self._apply_when_free(held, recorded, applied)
                raise
            if release is None or release.version <= recorded.get(kind, 0):
                self._arrived.pop(kind, None)
                continue
            if await self._refused(kind, release):
                continue
            await self._apply_when_free(release, recorded, applied)
        return applied

    @property
    def waiting(self) -> dict[str, int]:
        """The releases that arrived and wait for the register to be free: their versions."""
        return {kind: release.version for kind, release in self._arrived.items()}

    async def _apply_when_free(self, release: Release, recorded: dict[str, int],
                               applied: dict[str, int]) -> None:
        kind = release.kind
        if release.version <= recorded.get(kind, 0):
            return
        if self.held() or not await self._idle():
            self._arrived[kind] = release  # the register is busy: next time
            return
        changed = await asyncio.to_thread(self._apply, kind, release.content)
        await self._journal.log_event(EventKind.RELEASE_APPLIED, data={
            "kind": kind, "version": release.version, "changed": changed})
        log.info("head office %s release %d applied", kind, release.version)
        self._arrived.pop(kind, None)
        applied[kind] = recorded[kind] = release.version
        self.applied[kind] = (release.version, changed)
        if self.on_applied is not None:
            self.on_applied(kind, release.version, changed)

    async def _refused(self, kind: str, release: Release) -> bool:
        found = problems(kind, release.content, currency=self._currency)
        if not found and kind == "config":
            found = await asyncio.to_thread(self._problems_here, release.content)
        if not found:
            return False
        log.error("head office %s release %d refused: %s", kind, release.version,
                  "; ".join(p.english() for p in found))
        await self._journal.log_event(EventKind.RELEASE_REFUSED, data={
            "kind": kind, "version": release.version,
            "problems": [p.english() for p in found][:5],  # the head office reads these
            "messages": [p.to_json() for p in found][:5]})  # a window, in its language
        self._arrived.pop(kind, None)
        return True

    async def _fetch(self, kind: str) -> Release | None:
        response = await send(self._client, "GET", f"/v1/releases/{kind}")
        if response.status_code == 404:
            self.reached_at = datetime.now(UTC)
            return None
        refuse_or_retry(response)
        try:
            release = msgspec.json.decode(response.content, type=Release)
        except msgspec.DecodeError:
            raise Retry("an unreadable answer") from None
        if release.version < 1 or release.kind != kind:
            raise Retry("an unreadable answer (no version, or another kind)")
        self.reached_at = datetime.now(UTC)
        return release

    def _problems_here(self, content: str) -> list[Message]:
        """What is wrong with this register's configuration once the release is over it."""
        try:
            _, config = merged(self._config_path.read_text(encoding="utf-8"), content)
        except ConfigError as exc:
            return list(exc.problems)
        except (OSError, UnicodeDecodeError) as exc:
            return [msg(C, "The configuration file cannot be read: {error}",
                        error=exc.strerror if isinstance(exc, OSError) else str(exc))]
        return self._live_check(config) if self._live_check is not None else []

    def _apply(self, kind: str, content: str) -> list[str]:
        """Write the release; the configuration keys it changed (a catalog: none)."""
        local = load_config(self._config_path)
        if kind == "config":
            text, config = merged(self._config_path.read_text(encoding="utf-8"), content)
            write_atomically(self._config_path, text)
            return changed_keys(local, config)
        target = Path(local.ui.catalog_file) if local.ui.catalog_file else \
            data_dir() / "catalog.csv"
        write_atomically(target, content)
        if not local.ui.catalog_file:  # the configuration now names it
            save_config(replace(local, ui=replace(local.ui, catalog_file=str(target))),
                        self._config_path)
        return []
