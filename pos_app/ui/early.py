"""The start's steps before Qt is imported: the configuration, the journal's lock, and in
training mode the sandboxes' process.

The sandboxes start first (issue 17): their process (~165 ms to listen) then runs on the
other core while this one imports Qt and paints the window, and is ready before the
journal and the providers want it.  Imports nothing of Qt or of the payments.
"""

from __future__ import annotations

import logging
from argparse import Namespace
from typing import TYPE_CHECKING

from msgspec import Struct
from msgspec.structs import replace

from pos_app.core.config import (
    TRAINING_TERMINAL,
    ConfigError,
    TerminalConfig,
    check_live_ready,
    load_config,
)
from pos_app.core.paths import config_path, journal_path

if TYPE_CHECKING:
    from pos_app.core.lock import JournalLock
    from pos_app.sandbox.process import SandboxProcess

log = logging.getLogger(__name__)


class EarlyStart(Struct, frozen=True):
    """``config``: what the window shows first (None: live mode goes to the setup);
    ``busy``: another pos-app holds this mode's journal; ``lock``: the journal's, held;
    ``sandbox``: training mode's sandboxes, starting."""

    config: TerminalConfig | None
    busy: bool
    lock: JournalLock | None
    sandbox: SandboxProcess | None


def start(args: Namespace) -> EarlyStart:
    """The configuration, this mode's journal lock and training's sandboxes.  The lock is
    taken also when live mode goes to the setup: a second copy then says the till is open,
    instead of a second setup that saved its PIN, settings and secrets over the open till's
    (a walk)."""
    readable = readable_config(args)
    lock, busy = claim_journal(readable, training=args.demo)
    sandbox = None if busy else _start_sandbox(args)
    return EarlyStart(_first_config(readable, args), busy, lock, sandbox)


def readable_config(args: Namespace) -> TerminalConfig:
    """The configuration file as far as it reads (its journal folder), else the defaults."""
    try:
        return load_config(config_path(args.config))
    except ConfigError:
        return TerminalConfig()


def _start_sandbox(args: Namespace) -> SandboxProcess | None:
    """Training mode without a given sandbox: start its process now."""
    if not args.demo or args.sandbox_url:
        return None
    from pos_app.sandbox.process import SandboxProcess, SandboxUnavailable

    try:
        return SandboxProcess.start()
    except SandboxUnavailable as exc:
        log.warning("the sandboxes run in this process: their own did not start (%s)", exc)
        return None


def _first_config(readable: TerminalConfig, args: Namespace) -> TerminalConfig | None:
    """What the window shows before the runtime is built: the configuration file (training
    mode: its defaults where it is missing or bad); None when live mode goes to the setup."""
    if args.demo:  # as training_config() will have it, so the top bar does not change
        return replace(readable, terminal_id=readable.terminal_id or TRAINING_TERMINAL)
    try:  # a file live mode cannot use yet (nor the defaults): the setup, no sale screen first
        check_live_ready(readable)
    except ConfigError:
        return None
    return readable


def claim_journal(config: TerminalConfig, *, training: bool,
                  ) -> tuple[JournalLock | None, bool]:
    """This mode's journal lock, taken before a sale screen is painted, and whether another
    pos-app holds it (a second copy looked like a second, usable till, then refused; two
    started together both showed one).  No lock, not busy: the folder's own problem, which
    the start then says."""
    from pos_app.core.lock import JournalLock, TerminalBusy
    from pos_app.i18n import UserError

    lock = JournalLock(journal_path(config.journal_dir, training=training))
    try:
        lock.acquire()
    except TerminalBusy:
        return None, True
    except UserError:
        return None, False
    return lock, False
