"""The ``pos-app`` entry point: reads the command line and starts the window or a command.

Kept light on purpose: the window's first paint must not wait for what only the commands
(or the payments behind the window) need; those are imported once a command is chosen
(``pos_app.cli``) or after the window shows (``pos_app.ui.app``, issue 17).
"""

from __future__ import annotations

import argparse
import gc
import io
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from pos_app import __version__
from pos_app.core.logs import setup_logging
from pos_app.core.paths import log_dir


def main(argv: Sequence[str] | None = None) -> int:
    args = _defaults(_parse(sys.argv[1:] if argv is None else list(argv)))
    _utf8_output()
    if args.self_test:
        from pos_app.selftest import self_test

        setup_logging(log_dir(), console_level=logging.ERROR)
        return self_test()
    if args.command is None:
        return _gui(args)
    if args.command == "sandbox" and args.until_stdin_closes:
        # Training mode's window started this process (pos_app.sandbox.process): only the
        # sandboxes, none of the command line's imports; the log file is the window's.
        from pos_app.sandbox.server import serve

        logging.basicConfig(level=logging.WARNING)
        return serve(host=args.host, port=args.port, until_stdin_closes=True)
    from pos_app.cli import run_command

    return run_command(args)


# -- parser ------------------------------------------------------------------------------

def _count(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` in ASCII digits."""
    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,10}", text.strip()) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"use a whole number from {low} to {high}")
        return int(text)
    return parse


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help="training mode: built-in sandboxes, training journal, no secrets")
    common.add_argument("--config", default=argparse.SUPPRESS, metavar="FILE",
                        help="terminal configuration file")
    common.add_argument("--sandbox-url", default=argparse.SUPPRESS, metavar="URL",
                        help="with --demo: use a running `pos-app sandbox` instead of starting one")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print one JSON object per result on stdout")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="say on stderr what is sent and received (secrets hidden)")
    return common


def _parse(argv: list[str]) -> argparse.Namespace:
    """The window's start (no command) is read without building every command's parser
    (~15 ms of the first paint, issue 17); a command, help or a mistake by the whole parser,
    which says what is wrong."""
    if "-h" not in argv and "--help" not in argv:
        args, rest = _window_parser().parse_known_args(argv)
        if not rest:
            return args
    return build_parser().parse_args(argv)


def _window_parser(description: str | None = None, epilog: str | None = None,
                   ) -> argparse.ArgumentParser:
    """The options of ``pos-app`` itself, without a command."""
    parser = argparse.ArgumentParser(prog="pos-app", parents=[_common()],
                                     description=description, epilog=epilog)
    parser.add_argument("--version", action="version", version=f"pos-app {__version__}")
    parser.add_argument("--kiosk", action="store_true",
                        help="full screen; leaving needs the manager PIN")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (imports, Qt, translations, keyring, QR, "
                             "journal, a training payment per provider); exit 0 if all pass")
    parser.add_argument("--exit-after-start", action="store_true",
                        help="start fully (window painted, recovery done), then exit 0")
    parser.add_argument("--exit-after-paint", action="store_true",
                        help="exit 0 as soon as the sale screen is painted (bench_startup)")
    parser.set_defaults(command=None)
    return parser


def build_parser() -> argparse.ArgumentParser:
    from pos_app.core.states import PaymentState
    from pos_app.providers.registry import names, plugins

    common = _common()
    providers = names()
    parser = _window_parser(
        description="Cashier application for "
                    + ", ".join(each.title for each in plugins()) + " payments.",
        epilog="Exit codes: 0 done, 1 declined/cancelled/expired, 2 usage or configuration "
               "error, 3 outcome unknown, 4 provider or network error.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    pay = sub.add_parser("pay", parents=[common], help="take a payment and wait for its outcome")
    pay.add_argument("--provider", required=True, help="one of: " + ", ".join(providers))
    pay.add_argument("--amount", required=True, help="e.g. 123.45")
    pay.add_argument("--currency", help="must be the terminal's currency ([terminal] "
                                        "currency; it is the default)")
    pay.add_argument("--barcode", help="the customer's code, scanned (providers where the "
                                       "register scans the customer's app)")
    for each in plugins():
        for option in each.pay_options:
            pay.add_argument(option.flag, dest=f"option_{option.key}", metavar=option.key.upper(),
                             help=f"{each.title}: {option.help}")
    pay.add_argument("--reference", metavar="REF",
                     help="your own order reference (up to 64 characters): a repeated pay with "
                          "the same reference is not charged again; it reports the payment "
                          "already made, or waits for the one in progress")
    pay.add_argument("--cashier", default="integration",
                     help="who opens the shift if none is open (default: integration)")
    pay.add_argument("--customer", choices=("approve", "decline", "cancel", "never"),
                     help="with --demo: how the training customer answers")
    pay.set_defaults(run="cmd_pay")

    for name, run, text in (("status", "cmd_status", "show a payment, asking the provider if "
                                                   "it is not settled"),
                            ("cancel", "cmd_cancel", "cancel a payment in progress")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("payment_id", metavar="ID")
        p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait (60)")
        p.set_defaults(run=run)

    refund = sub.add_parser("refund", parents=[common], help="refund a paid payment")
    refund.add_argument("payment_id", metavar="ID")
    refund.add_argument("--amount", help="amount to refund (default: all that is left)")
    refund.add_argument("--item", action="append", metavar="LINE=QTY",
                        help="return QTY of sale line LINE (1-based); repeatable")
    refund.add_argument("--reason", default="")
    refund.add_argument("--reference", metavar="REF",
                        help="your own reference for this refund (up to 64 characters): a "
                             "repeated refund with it is not made again")
    refund.set_defaults(run="cmd_refund")

    reconcile = sub.add_parser("reconcile", parents=[common],
                               help="settle every payment whose outcome is not known yet")
    reconcile.add_argument("--timeout", type=float, default=45.0)
    reconcile.add_argument("--shift", action="store_true",
                           help="compare the open (or last) shift with what the providers say")
    reconcile.set_defaults(run="cmd_reconcile")

    shift = sub.add_parser("shift", help="open a shift or show the current one")
    shift_sub = shift.add_subparsers(dest="shift_command", metavar="ACTION", required=True)
    shift_open = shift_sub.add_parser("open", parents=[common], help="open a shift")
    shift_open.add_argument("--cashier", required=True, help="the cashier's name")
    shift_open.set_defaults(run="cmd_shift")
    shift_sub.add_parser("status", parents=[common],
                         help="the open shift, or the last one").set_defaults(run="cmd_shift")

    report = sub.add_parser("report", parents=[common],
                            help="X report (shift stays open) or Z report (reconciles and "
                                 "closes the shift)")
    report.add_argument("kind", choices=("x", "z"))
    report.add_argument("--shift", type=_count(1, 10**9),
                        help="X report of an earlier shift (its Z report)")
    report.add_argument("--actor", default="integration", help="who closes the shift (Z)")
    report.set_defaults(run="cmd_report")

    export = sub.add_parser("export", parents=[common],
                            help="payments of a period as CSV (UTF-8 with BOM)")
    export.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD",
                        help="first day")
    export.add_argument("--to", required=True, metavar="YYYY-MM-DD", help="last day (included)")
    export.add_argument("--output", required=True, metavar="FILE")
    export.add_argument("--semicolon", action="store_true",
                        help="';' between fields and a decimal comma (Excel on Russian Windows)")
    export.set_defaults(run="cmd_export")

    history = sub.add_parser("history", parents=[common], help="list recent payments")
    history.add_argument("--limit", type=_count(1, 10_000), default=20)
    history.add_argument("--provider", action="append", type=str.lower,
                         choices=providers)  # a typo found nothing
    history.add_argument("--state", action="append", type=str.lower,
                         choices=[state.value.lower() for state in PaymentState])
    history.add_argument("--search", help="id, transaction id, sale number or amount")
    history.set_defaults(run="cmd_history")

    balance = sub.add_parser("balance", parents=[common], help="the provider's site balance")
    balance.add_argument("--provider", help="default: the one enabled provider that reports "
                                            "a balance")
    balance.set_defaults(run="cmd_balance")

    withdraw = sub.add_parser("withdraw", parents=[common],
                              help="pay money out to a customer")
    withdraw.add_argument("--provider", help="default: the one enabled provider that pays out")
    withdraw.add_argument("--amount", required=True)
    withdraw.add_argument("--method", required=True,
                          choices=("card", "phone", "wallet", "yandex", "nickname"))
    withdraw.add_argument("--number", required=True, help="card, phone, wallet or account")
    withdraw.add_argument("--comment", help="3 to 100 characters")
    withdraw.add_argument("--reference", metavar="REF",
                          help="your own reference for this payout (up to 64 characters): a "
                               "repeated withdraw with it is not paid out again")
    withdraw.add_argument("--timeout", type=float, default=120.0)
    withdraw.set_defaults(run="cmd_withdraw")

    receipt = sub.add_parser("receipt", parents=[common],
                             help="save the provider's receipt file of a payment")
    receipt.add_argument("payment_id", metavar="ID")
    receipt.add_argument("--format", choices=("pdf", "jpeg"), default="pdf")
    receipt.add_argument("--output", required=True, metavar="FILE")
    receipt.set_defaults(run="cmd_receipt")

    resolve = sub.add_parser("resolve", parents=[common],
                             help="settle by hand a payment nothing automatic could (audited)")
    resolve.add_argument("payment_id", metavar="ID")
    resolve.add_argument("--outcome", required=True,
                         choices=("paid", "declined", "cancelled", "expired"))
    resolve.add_argument("--reason", required=True)
    resolve.add_argument("--actor", required=True, help="who decided (manager's name)")
    resolve.set_defaults(run="cmd_resolve")

    sandbox = sub.add_parser("sandbox", help="run the training sandboxes on loopback")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=0)
    sandbox.add_argument("--until-stdin-closes", action="store_true",
                         help=argparse.SUPPRESS)  # training mode's window starts it so
    sandbox.set_defaults(run="cmd_sandbox")

    office = sub.add_parser("office", help="the head office: its service, its terminals")
    office.add_argument("--demo", action="store_true",
                        help="a throwaway head office with simulated registers, to look at")
    office.add_argument("--port", dest="demo_port", type=int, default=0,
                        help="with --demo: its port")
    office.add_argument("--payments", type=_count(1, 100_000), metavar="N",
                        help="with --demo: end once the head office has N paid payments")
    office.add_argument("--no-browser", action="store_true",
                        help="with --demo: do not open the page")
    office.set_defaults(run="cmd_office_demo")
    office_sub = office.add_subparsers(dest="office_command", metavar="ACTION")
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument("--database", metavar="URL", default=os.environ.get(
        "POS_APP_OFFICE_DATABASE"), help="postgresql://… (default: $POS_APP_OFFICE_DATABASE)")
    serve = office_sub.add_parser("serve", parents=[common, database],
                                  help="run the head office's service (ingest)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8780)
    serve.add_argument("--certfile", metavar="PEM", help="TLS certificate (needed off loopback)")
    serve.add_argument("--keyfile", metavar="PEM", help="its private key")
    serve.set_defaults(run="cmd_office_serve")
    release = office_sub.add_parser("release", parents=[common, database],
                                    help="publish a configuration or catalog release (checked "
                                         "first, as a register checks its file)")
    release.add_argument("kind", choices=("config", "catalog"))
    release.add_argument("file", metavar="FILE")
    release.add_argument("--store", metavar="STORE_ID", help="only this store's registers")
    release.add_argument("--terminal", metavar="TERMINAL_ID",
                         help="only this register (with --store)")
    release.add_argument("--by", default="head office", help="who publishes it")
    release.set_defaults(run="cmd_office_release")
    user = office_sub.add_parser("user", parents=[common, database],
                                 help="who may open the head office's page: add (the password "
                                      "from standard input) or remove a login")
    user.add_argument("action", choices=("add", "remove"))
    user.add_argument("login", metavar="LOGIN")
    user.set_defaults(run="cmd_office_user")
    for action, text in (("enrol", "a new credential for a terminal (shown once)"),
                         ("revoke", "stop a terminal's credential at once")):
        terminal = office_sub.add_parser(action, parents=[common, database], help=text)
        terminal.add_argument("--store", required=True, metavar="STORE_ID")
        terminal.add_argument("--terminal", required=True, metavar="TERMINAL_ID")
        terminal.set_defaults(run=f"cmd_office_{action}")

    config = sub.add_parser("config", help="terminal configuration")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = config_sub.add_parser("check", parents=[common],
                                  help="validate the configuration and the secrets for live mode")
    check.set_defaults(run="cmd_config_check")
    imp = config_sub.add_parser("import", parents=[common],
                                help="install a prepared configuration file (checked first)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--machine", action="store_true",
                     help="for every user of this computer (the installer's location)")
    imp.set_defaults(run="cmd_config_import")
    secret = config_sub.add_parser("set-secret", parents=[common],
                                   help="store a secret in the keyring, read from standard input")
    secret.add_argument("name", metavar="NAME", help="e.g. koshelek.password, pegas.token")
    secret.set_defaults(run="cmd_config_set_secret")
    config_sub.add_parser("show", parents=[common],
                          help="the configuration in effect; secrets masked"
                          ).set_defaults(run="cmd_config_show")
    return parser


def _gui(args: argparse.Namespace) -> NoReturn:
    """No command: the cashier window."""
    # No cyclic garbage collection until the window is painted (pos_app.ui.app turns it
    # back on): the start makes hundreds of thousands of objects that all live on, and
    # collecting among them took ~4 ms of the first paint (issue 17).
    gc.disable()
    setup_logging(log_dir(), console_level=logging.WARNING)
    from pos_app.ui import early

    started = early.start(args)  # before Qt: training's sandboxes start on the other core
    from pos_app.ui.app import run_gui  # Qt only when the window is wanted

    code = run_gui(args, started)
    # Everything that writes is closed by now (journal, listener, window settings), so the
    # process ends at once instead of spending ~80 ms tearing down Qt's objects and every
    # module one by one (what browsers call "fast shutdown").  Not on an exception: that
    # takes the normal way out with its traceback.
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None in the windowed Windows executable
            stream.flush()
    os._exit(code)


def _defaults(args: argparse.Namespace) -> argparse.Namespace:
    for name, value in (("demo", False), ("config", None), ("sandbox_url", None),
                        ("json", False), ("verbose", False)):
        if not hasattr(args, name):
            setattr(args, name, value)
    return args




def _utf8_output() -> None:
    """Amounts say ₽, which Windows' legacy code pages (e.g. cp1251 in a pipe or a redirected
    file) cannot encode: the output crashed after the payment was made.  UTF-8 always; a
    console shows it right whatever its code page."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")
