"""Composition root: configuration, journal, providers and the payment service for one mode.

Live mode reads the terminal configuration and the secrets and refuses to start
without them.  Training mode (``--demo``) runs the built-in sandboxes on loopback,
uses a separate journal, and needs nothing from the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from msgspec import Struct, field
from msgspec.structs import replace

from pos_app.backoff import Backoff
from pos_app.core.config import (
    TRAINING_TERMINAL,
    ConfigError,
    ConfigMissing,
    TerminalConfig,
    check_live_ready,
    load_config,
)
from pos_app.core.journal import Journal, Progress
from pos_app.core.lock import JournalLock, TerminalBusy
from pos_app.core.paths import config_path, journal_path, on_network_share
from pos_app.core.payments import Payment
from pos_app.core.payments.clock import Clock
from pos_app.core.payments.service import RECONCILE_BACKOFF, PaymentService
from pos_app.core.secrets import SecretStore, SecretsUnavailable
from pos_app.i18n import Message, UserError, msg
from pos_app.providers.base import Provider
from pos_app.providers.errors import OutcomeUnknown
from pos_app.providers.http import Client, build_client, client_tls
from pos_app.providers.registry import BuildContext, plugin, plugins

if TYPE_CHECKING:
    from pos_app.headoffice.releases import ReleaseApplier
    from pos_app.headoffice.shipper import Shipper

log = logging.getLogger(__name__)

PROBE_DEADLINE_S = 10.0  # "Test connection" answers within this

# Tests pass a factory so providers reach an in-process sandbox instead of a socket.
TransportFactory = Callable[[str], httpx.AsyncBaseTransport | None]


class Mode(StrEnum):
    LIVE = "live"
    TRAINING = "training"


class Trainer:
    """Training mode's customer, played through the sandboxes' control routes."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def customer_code(self, provider: str, mode: str = "approve",
                            delay_ms: int = 2500) -> str:
        """A fresh code from a training customer's wallet app, for a provider whose register
        scans the customer's code (``Capabilities.customer_barcode``)."""
        response = await self._client.post(f"/_sandbox/{provider}/sessions", json={
            "behaviour": {"mode": mode, "delay_ms": delay_ms}})
        response.raise_for_status()
        return str(response.json()["barcode"])

    async def inject(self, fault: dict[str, object]) -> None:
        """Add a fault to the sandboxes (see pos_app.sandbox.faults): for drills and benchmarks."""
        response = await self._client.post("/_sandbox/faults", json=fault)
        response.raise_for_status()

    async def decide(self, payment: Payment, outcome: str) -> None:
        """The customer pays (``pay``) or refuses (``fail``) a QR payment."""
        response = await self._client.post(
            f"/_sandbox/{payment.provider}/payments/{payment.provider_ref}/{outcome}")
        response.raise_for_status()


class Runtime(Struct):
    """Everything one running terminal needs; close it with :meth:`aclose`."""

    mode: Mode
    config: TerminalConfig
    config_path: Path
    journal: Journal
    service: PaymentService
    sandbox_url: str | None = None
    config_problem: ConfigError | None = None
    trainer: Trainer | None = None
    shipper: Shipper | None = None  # live mode with a head office: its state (backlog, stopped)
    releases: ReleaseApplier | None = None  # …and its releases, applied when idle
    _cleanups: list[Callable[[], object]] = field(default_factory=list)

    @property
    def training(self) -> bool:
        return self.mode is Mode.TRAINING

    async def aclose(self) -> None:
        if self.releases is not None:  # first: they write to the journal and the files
            await self.releases.stop()
        if self.shipper is not None:  # it reads the journal
            await self.shipper.stop()
        await self.service.close()
        for provider in self.service.providers.values():
            with contextlib.suppress(Exception):
                await provider.aclose()
        await self.journal.close()
        for cleanup in reversed(self._cleanups):
            result = cleanup()
            if hasattr(result, "__await__"):
                await result


def load_terminal_config(mode: Mode, path: Path) -> tuple[TerminalConfig, ConfigError | None]:
    """Live mode needs a good file; training mode uses defaults where the file is missing or bad."""
    try:
        config = load_config(path)
    except ConfigMissing as exc:
        if mode is Mode.LIVE:
            raise
        return TerminalConfig(), exc
    except ConfigError as exc:
        if mode is Mode.LIVE:
            raise
        log.warning("training mode ignores the configuration: %s", exc)
        return TerminalConfig(), exc
    if mode is Mode.LIVE:
        check_live_ready(config, path=path)
    return config, None


def training_config(config: TerminalConfig,
                    credentials: Mapping[str, Any]) -> TerminalConfig:
    """The terminal's own settings, pointed at the sandboxes with every provider enabled."""
    providers = {each.name: each.for_training(config.providers[each.name],
                                              credentials[each.name])
                 for each in plugins()}
    return replace(config, terminal_id=config.terminal_id or TRAINING_TERMINAL,
                   store_id=credentials["store_id"], providers=providers)


def needed_secrets(config: TerminalConfig) -> list[tuple[str, str]]:
    """The secrets live mode must have for the enabled providers, as (provider, name)."""
    return [(name, secret) for name, settings in config.enabled().items()
            for secret in plugin(name).needed_secrets(settings)]


SecretGetter = Callable[[str, str], str | None]


def build_providers(config: TerminalConfig, *, live: bool, secret: SecretGetter,
                    transport: TransportFactory,
                    control: httpx.AsyncClient | None = None) -> dict[str, Provider]:
    """One adapter per enabled provider, in both modes (``control``: training's sandboxes)."""
    return {name: plugin(name).build(settings, BuildContext(
        terminal_id=config.terminal_id, store_id=config.store_id, currency=config.currency,
        live=live, secret=functools.partial(secret, name), transport=transport(name),
        control=control)) for name, settings in config.enabled().items()}


async def probe(config: TerminalConfig, name: str, *, live: bool,
                secret: SecretGetter) -> Message:
    """Test one provider's connection with settings that are not saved yet."""
    settings = replace(config.providers[name], enabled=True)
    provider = build_providers(replace(config, providers={name: settings}), live=live,
                               secret=secret, transport=lambda _: None)[name]
    try:
        # A manager waits at the screen: an unreachable host (a name lookup that hangs, every
        # resend) must not keep them there for half a minute.
        return await asyncio.wait_for(provider.probe(), PROBE_DEADLINE_S)
    except TimeoutError:
        raise UserError(msg("App", "No answer from {provider} within {seconds} s. Check the "
                                   "address and this till's network.",
                            provider=provider.display_name,
                            seconds=int(PROBE_DEADLINE_S))) from None
    except OutcomeUnknown:  # no payment is at stake here: say what to check, not "checking"
        raise UserError(msg("App", "No connection to {provider} at {address}. Check the address "
                                   "and this till's network.", provider=provider.display_name,
                            address=settings.base_url)) from None
    finally:
        await provider.aclose()


async def build_runtime(
    mode: Mode,
    *,
    config_file: str | Path | None = None,
    secrets: SecretStore | None = None,
    sandbox_url: str | None = None,
    transport_factory: TransportFactory | None = None,
    lock: bool = True,
    reconcile_backoff: Backoff | None = None,
    journal_progress: Progress | None = None,
    check_journal: bool = True,
    sandbox_credentials: dict[str, dict[str, str]] | None = None,
    held_lock: JournalLock | None = None,
    clock: Clock | None = None,
) -> Runtime:
    """Assemble a terminal. In training mode without ``sandbox_url`` the sandboxes start here.
    ``journal_progress``, ``check_journal``: see :meth:`Journal.open` (an upgrade of a large
    journal; the whole-file integrity check, which the window runs once it shows).
    ``sandbox_credentials``: what the sandboxes at ``sandbox_url`` said at their start (else
    they are asked).  ``held_lock``: this mode's journal lock, taken already (the window
    takes it before it shows); it is released with the runtime, or if the start fails.
    ``clock``: what the payment drivers read and wait on (a fake in tests)."""
    path = config_path(config_file)
    # Released with the runtime, or at once if the start fails (release twice is harmless).
    cleanups: list[Callable[[], object]] = [held_lock.release] if held_lock else []
    providers: dict[str, Provider] = {}
    transport = transport_factory or (lambda name: None)
    trainer: Trainer | None = None
    try:
        config, problem = load_terminal_config(mode, path)
        if mode is Mode.TRAINING:
            credentials = sandbox_credentials or {}
            if sandbox_url is None:
                from pos_app.sandbox.server import SandboxServer  # only training needs uvicorn

                server = SandboxServer()
                sandbox_url = server.start()
                cleanups.append(lambda: server.stop(wait=False))
                # Ours, in this process: no request needed (nor the ~20 ms of setting up
                # httpx's first one before the window shows).
                credentials = server.sandbox.credentials()
            control = Client(base_url=sandbox_url, transport=transport("sandbox"),
                             timeout=10.0, verify=client_tls(sandbox_url))
            cleanups.append(control.aclose)
            credentials = credentials or await _sandbox_credentials(control)
            config = training_config(config, credentials)
            trainer = Trainer(control)
            providers = build_providers(
                config, live=False, transport=transport, control=control,
                secret=lambda provider, name: credentials.get(provider, {}).get(name))
        else:
            store = secrets or SecretStore()
            store.check_live(needed_secrets(config))
            providers = build_providers(config, live=True, transport=transport,
                                        secret=store.get)
        training = mode is Mode.TRAINING
        journal_file = journal_path(config.journal_dir, training=training)
        if on_network_share(journal_file.parent):
            log.warning("the journal %s is on a network share; SQLite can corrupt it there",
                        journal_file)
        if lock:
            if held_lock is not None and held_lock.journal == journal_file:
                journal_lock = held_lock
            else:
                if held_lock is not None:  # the configuration moved the journal
                    held_lock.release()
                journal_lock = JournalLock(journal_file)
                journal_lock.acquire()
                cleanups.append(journal_lock.release)
        journal = await Journal.open(journal_file, progress=journal_progress,
                                     check=check_journal)
        if lock:
            try:
                journal_lock.hold_journal()  # a journal made just now
            except TerminalBusy:
                await journal.close()
                raise
    except BaseException:
        for provider in providers.values():
            await provider.aclose()
        for cleanup in reversed(cleanups):
            result = cleanup()
            if hasattr(result, "__await__"):
                await result
        raise
    service = PaymentService(journal=journal, providers=providers, training=training,
                             currency=config.currency,
                             reconcile_backoff=reconcile_backoff or RECONCILE_BACKOFF,
                             clock=clock)
    if config.callbacks.enabled:
        getter = (lambda p, n: credentials.get(p, {}).get(n)) if training else (
            secrets or SecretStore()).get
        cleanups.append(_start_listener(config, service, getter))
    shipper, releases = None, None
    if not training and config.head_office.url:  # a training journal is never shipped
        shipper = _start_shipper(config, journal, secrets or SecretStore(),
                                 transport("headoffice"))
        if shipper is not None:
            releases = _start_releases(config, path, service, shipper,
                                       secrets or SecretStore())
    return Runtime(mode=mode, config=config, config_path=path, journal=journal, service=service,
                   sandbox_url=sandbox_url, config_problem=problem, trainer=trainer,
                   shipper=shipper, releases=releases, _cleanups=cleanups)


def _start_releases(config: TerminalConfig, path: Path, service: PaymentService,
                    shipper: Shipper, secrets: SecretStore) -> ReleaseApplier:
    """Apply the head office's configuration and catalog releases when no payment is in
    progress (issue 19).  A window also holds them while a sale is built or Settings are
    open, and takes the new catalog and language at once (``on_applied``); the rest takes
    effect at the next start, as when a manager saves Settings."""
    from pos_app.headoffice.releases import ReleaseApplier

    async def idle() -> bool:
        return not await service.followed()

    def live_problems(candidate: TerminalConfig) -> list[Message]:
        try:
            check_live_ready(candidate)
            secrets.check_live(needed_secrets(candidate))
        except ConfigError as exc:
            return list(exc.problems)
        except SecretsUnavailable as exc:
            return [exc.message]
        return []

    applier = ReleaseApplier(shipper.client, service.journal, config_path=path, idle=idle,
                             currency=config.currency, live_check=live_problems)
    applier.reached = shipper.wake
    applier.start(config.head_office.check_releases_every_s)
    return applier


def _start_shipper(config: TerminalConfig, journal: Journal, secrets: SecretStore,
                   transport: httpx.AsyncBaseTransport | None) -> Shipper | None:
    """Ship this live journal to the head office in the background (issue 19).  Without the
    terminal's credential nothing is shipped, and the log says why: a register takes
    payments whatever the head office's state."""
    from pos_app.core.secrets import HEAD_OFFICE_CREDENTIAL
    from pos_app.headoffice.shipper import Shipper
    from pos_app.providers.urls import HttpSettings

    credential = secrets.get(*HEAD_OFFICE_CREDENTIAL)
    if not credential:
        log.error("head_office.url is set but the secret headoffice.credential is not: this "
                  "register's journal is not shipped (pos-app config set-secret "
                  "headoffice.credential)")
        return None
    office = config.head_office
    client = build_client(base_url=office.url, live=True, what="head_office.url",
                          settings=HttpSettings(connect_timeout=office.connect_timeout,
                                                read_timeout=office.read_timeout),
                          transport=transport)
    client.headers["authorization"] = f"Bearer {credential}"
    shipper = Shipper(journal, client, store_id=config.store_id,
                      terminal_id=config.terminal_id)
    shipper.start()
    return shipper


def _start_listener(config: TerminalConfig, service: PaymentService,
                    secret: SecretGetter) -> Callable[[], object]:
    from pos_app.callbacks import CallbackListener  # only when enabled: it is a server

    listener = CallbackListener(
        service.notify, host=config.callbacks.host, port=config.callbacks.port,
        max_body_bytes=config.callbacks.max_body_bytes, secret=secret)
    try:
        log.info("callback listener on %s", listener.start())
    except (OSError, RuntimeError) as exc:
        # Polling still finds every outcome; notifications only make it faster.
        log.error("the callback listener could not start on %s:%d (%s); polling only",
                  config.callbacks.host, config.callbacks.port, exc)
        return lambda: None
    return listener.stop


async def _sandbox_credentials(control: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    """What the training sandboxes at ``control``'s address give a register (provider →
    its settings' values).  UserError: nothing answers there, or not as the sandboxes do
    (a wrong ``--sandbox-url``; the window vanished with a traceback in the log, helper-49)."""
    url = str(control.base_url)
    try:
        response = await control.get("/_sandbox/credentials")
    except httpx.HTTPError:  # refused, timed out, cut: the address has no sandboxes now
        raise UserError(msg("App", "The training sandboxes at {url} do not answer. Start them "
                                   "(pos-app sandbox), or start without --sandbox-url.",
                            url=url)) from None
    try:
        data = response.json() if response.is_success else None
    except ValueError:  # not JSON
        data = None
    if not isinstance(data, dict):
        raise UserError(msg("App", "The address {url} answered (HTTP {status}), but not as the "
                                   "training sandboxes do. Check --sandbox-url.",
                            url=url, status=response.status_code))
    return data
