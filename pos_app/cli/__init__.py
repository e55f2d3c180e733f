"""Command line: the cashier window (default), the sandboxes, and integration mode.

Integration mode lets existing cash-desk software use this app as a payment
module.  Exit codes: 0 done, 1 declined/cancelled/expired, 2 usage or
configuration error, 3 outcome unknown, 4 provider or network error.

The commands are in :mod:`.commands` (one module per group, listed in :data:`COMMANDS`, as
pip's ``commands/__init__.py`` lists its own), what they print and the exit codes — the
integration contract — in :mod:`.output`, what they share in :mod:`.common`.  Only the
command asked for is imported."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pos_app.cli.output import (
    EXIT_NOT_PAID,
    EXIT_PROVIDER,
    EXIT_UNKNOWN,
    EXIT_USAGE,
    Exit,
    report_error,
    say,
)
from pos_app.core.config import ConfigError
from pos_app.core.journal import JournalError
from pos_app.core.lock import TerminalBusy
from pos_app.core.logs import setup_logging
from pos_app.core.money import AmountError
from pos_app.core.paths import log_dir
from pos_app.core.secrets import SecretsUnavailable
from pos_app.i18n import UserError
from pos_app.providers.errors import (
    AuthFailed,
    InvalidInput,
    OutcomeUnknown,
    ProviderError,
    Rejected,
)
from pos_app.redact import redact

# Each command's function (``args.run``, set by the parser in pos_app.launch) → its module.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("cmd_pay", "cmd_status", "cmd_cancel", "cmd_refund", "cmd_withdraw",
                     "cmd_receipt", "cmd_resolve"), "pos_app.cli.commands.payments"),
    **dict.fromkeys(("cmd_reconcile", "cmd_shift", "cmd_report", "cmd_export", "cmd_history",
                     "cmd_balance"), "pos_app.cli.commands.office"),
    **dict.fromkeys(("cmd_config_check", "cmd_config_import", "cmd_config_set_secret",
                     "cmd_config_show"), "pos_app.cli.commands.config"),
    "cmd_sandbox": "pos_app.cli.commands.sandbox",
    **dict.fromkeys(("cmd_office_serve", "cmd_office_enrol", "cmd_office_revoke",
                     "cmd_office_demo", "cmd_office_release", "cmd_office_user"),
                    "pos_app.cli.commands.headoffice"),
}
MOVES_MONEY = ("cmd_pay", "cmd_cancel", "cmd_refund", "cmd_withdraw")


def command(name: str) -> Callable[[argparse.Namespace], Any]:
    """The function of the command ``name`` (a key of :data:`COMMANDS`)."""
    function: Callable[[argparse.Namespace], Any] = getattr(
        importlib.import_module(COMMANDS[name]), name)
    return function


def main(argv: Sequence[str] | None = None) -> int:
    """The ``pos-app`` command line (see :mod:`pos_app.launch`)."""
    from pos_app.launch import main as launch

    return launch(argv)


def run_command(args: argparse.Namespace) -> int:
    """Run the command ``args`` names (``args.run``: the name of its ``cmd_`` function)."""
    console = logging.INFO if args.verbose else logging.WARNING
    setup_logging(log_dir(), console_level=console)
    if args.command == "sandbox":  # it prints its own training credentials, on purpose
        return _run(args)
    with _redacted_output():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    run = command(args.run)
    try:
        if asyncio.iscoroutinefunction(run):
            return int(asyncio.run(run(args)))
        return int(run(args))
    except Exit as exc:
        return exc.code
    except (ConfigError, SecretsUnavailable, TerminalBusy, AmountError) as exc:
        return report_error(EXIT_USAGE, exc, args.json)
    except JournalError as exc:  # unusable journal: nothing was sent (it is written first)
        return report_error(EXIT_USAGE, exc, args.json)
    except OutcomeUnknown as exc:
        return report_error(EXIT_UNKNOWN, exc, args.json)
    except InvalidInput as exc:
        return report_error(EXIT_USAGE, exc, args.json)
    except AuthFailed as exc:
        return report_error(EXIT_PROVIDER, exc, args.json)
    except Rejected as exc:  # refused before anything was created: not paid
        return report_error(EXIT_NOT_PAID, exc, args.json)
    except ProviderError as exc:
        return report_error(EXIT_PROVIDER, exc, args.json)
    except UserError as exc:
        return report_error(EXIT_USAGE, exc, args.json)
    except KeyboardInterrupt:
        say("Interrupted.")
        return EXIT_UNKNOWN
    except Exception:
        logging.getLogger(__name__).exception("unexpected error in %s", args.command)
        # After money may have moved, "unknown", never "failed": a caller that retries a
        # failed payment would charge the customer twice.
        code = EXIT_UNKNOWN if args.run in MOVES_MONEY else EXIT_PROVIDER
        return report_error(code, f"internal error; details are in the log in {log_dir()}. "
                       "Every payment is kept in the journal; `pos-app reconcile` settles it.",
                       args.json)


class _Redacting:
    """A text stream that redacts what is written to it: every line the command line prints
    (a provider's echoed words included) goes through the same redactor as the log."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return int(self._stream.write(redact(text)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _redacted_output() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Redacting(sys.stdout), _Redacting(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
