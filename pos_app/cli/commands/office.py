"""The back office: shifts, X/Z reports, reconciliation, export, history, balance."""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pos_app.cli.common import (
    Interrupts,
    chosen_provider,
    not_written,
    output_path,
    provider_names,
    with_runtime,
)
from pos_app.cli.options import Options
from pos_app.cli.output import (
    EXIT_NOT_PAID,
    EXIT_OK,
    EXIT_UNKNOWN,
    payment_json,
    print_payment,
    report_error,
    say,
)
from pos_app.core.journal import PaymentFilter
from pos_app.core.payments import utcnow
from pos_app.core.payments.messages import alert_subject
from pos_app.core.states import PaymentState

if TYPE_CHECKING:
    from pos_app.app import Runtime


# How far back a plain `reconcile` asks again about payments that ended unpaid: a link's
# customer may pay it until it expires there, and a day's till runs are looked at next day.
RECHECK_UNPAID = timedelta(days=2)


class ReconcileOptions(Options, frozen=True):
    timeout: float = 45.0  # seconds for every payment to be asked again
    shift: bool = False  # the open shift's reconciliation with the providers' lists


class ShiftOptions(Options, frozen=True):
    shift_command: str = "status"  # open or status
    cashier: str = ""  # who opens it


class ReportOptions(Options, frozen=True):
    kind: str = "x"  # x or z (z closes the shift)
    shift: int | None = None  # an X report of an earlier shift, by its number
    actor: str = "integration"


class ExportOptions(Options, frozen=True):
    first: str = ""  # YYYY-MM-DD, the first day
    to: str = ""  # YYYY-MM-DD, the last day
    output: str = ""
    semicolon: bool = False


class HistoryOptions(Options, frozen=True):
    limit: int = 20
    provider: list[str] | None = None
    state: list[str] | None = None
    search: str | None = None


class BalanceOptions(Options, frozen=True):
    provider: str | None = None  # None: the one enabled provider that reports a balance



async def cmd_reconcile(line: argparse.Namespace) -> int:
    args = ReconcileOptions.of(line)

    async def body(runtime: Runtime) -> int:
        if args.shift:
            return await _reconcile_shift(runtime, args.json)
        payments = await runtime.service.reconcile(timeout=args.timeout)
        ended_unpaid = tuple(s for s in PaymentState if s.ended_unpaid)
        paid_there = await runtime.service.recheck_unpaid(await runtime.journal.list_payments(
            PaymentFilter(states=ended_unpaid, since=utcnow() - RECHECK_UNPAID,
                          training=runtime.service.training), limit=500))
        if not payments and not paid_there and not args.json:
            print("Nothing to reconcile: every payment is settled.")
        for payment in [*payments, *paid_there]:
            print_payment(payment, args.json)
        unknown = [p for p in payments if not p.state.is_final]
        return EXIT_UNKNOWN if unknown or paid_there else EXIT_OK
    return await with_runtime(args, body, recover=False)


async def cmd_shift(line: argparse.Namespace) -> int:
    args = ShiftOptions.of(line)
    from pos_app.core.backoffice import Backoffice

    async def body(runtime: Runtime) -> int:
        office = Backoffice(runtime.service)
        if args.shift_command == "open":
            shift = await office.open_shift(args.cashier)
        else:
            shift = await office.current_or_latest()
        if args.json:
            print(json.dumps({"shift": shift.number, "cashier": shift.cashier,
                              "opened_at": shift.opened_at.isoformat(),
                              "closed_at": shift.closed_at.isoformat() if shift.closed_at
                              else None, "over_24_hours": shift.runs_long(),
                              "balances_minor": dict(shift.balances)}, ensure_ascii=False))
        else:
            state = "open" if shift.is_open else f"closed {shift.closed_at:%Y-%m-%d %H:%M}"
            print(f"Shift {shift.number} ({shift.cashier}), opened "
                  f"{shift.opened_at.astimezone():%Y-%m-%d %H:%M}, {state}")
            if shift.runs_long():
                print("  Open for over 24 hours: close it with `pos-app report z`.")
        return EXIT_OK
    return await with_runtime(args, body, recover=False)


async def cmd_report(line: argparse.Namespace) -> int:
    args = ReportOptions.of(line)
    from pos_app.core.backoffice import Backoffice
    from pos_app.core.reports import report_text

    async def body(runtime: Runtime) -> int:
        office = Backoffice(runtime.service)
        differences = []
        if args.kind == "z":
            differences = await office.reconcile()
            report = await office.close_shift(actor=args.actor)
        else:
            report = await office.x_report(args.shift)
        open_differences = [d for d in differences if not d.resolved]
        if args.json:
            print(json.dumps({**report.to_json(),
                              "differences": [d.to_json() for d in open_differences]},
                             ensure_ascii=False))
        else:
            print(report_text(report, provider_names=provider_names(runtime)))
            _print_differences(open_differences)
        return EXIT_OK
    return await with_runtime(args, body)


async def _reconcile_shift(runtime: Runtime, as_json: bool) -> int:
    from pos_app.core.backoffice import Backoffice

    await runtime.service.start()
    differences = [d for d in await Backoffice(runtime.service).reconcile() if not d.resolved]
    if as_json:
        print(json.dumps({"differences": [d.to_json() for d in differences]},
                         ensure_ascii=False))
    elif not differences:
        print("The shift matches what the providers say.")
    _print_differences([] if as_json else differences)
    return EXIT_UNKNOWN if differences else EXIT_OK


def _print_differences(differences: Sequence[Any]) -> None:
    from pos_app.core.reconcile import KIND_LABELS, ref_text

    if differences:
        print(f"Reconciliation: {len(differences)} difference(s) to resolve in the window "
              "(Shift → Reconcile):")
    for d in differences:
        print(f"  {d.provider:<9} {KIND_LABELS[d.kind].render()}: {ref_text(d.ref)}  "
              f"here: {d.ours or '—'}  there: {d.theirs or '—'}")


async def cmd_export(line: argparse.Namespace) -> int:
    args = ExportOptions.of(line)
    from pos_app.core.backoffice import Backoffice
    from pos_app.core.export import ExportStopped, Period

    period = Period.parse(args.first, args.to)
    output = output_path(args.output)

    async def body(runtime: Runtime) -> int:
        stop = threading.Event()
        loop = asyncio.get_running_loop()
        with Interrupts(loop, stop.set, says="Stopping the export…").installed():
            try:
                count = await Backoffice(runtime.service).export(
                    output, period, semicolon=args.semicolon, stop=stop,
                    progress=_ExportProgress())
            except ExportStopped as stopped:
                return report_error(EXIT_NOT_PAID, stopped, args.json)
            except OSError as exc:  # e.g. a read-only file system: said, nothing left half
                output.unlink(missing_ok=True)
                raise not_written(output, exc) from None
        if args.json:
            print(json.dumps({"output": args.output, "payments": count}))
        else:
            print(f"{args.output}: {count} payment(s)")
        return EXIT_OK
    # Reading only: the cashier window may be open meanwhile.
    return await with_runtime(args, body, recover=False, lock=False)


class _ExportProgress:
    """An export's progress on stderr, at most once a second (from the export's thread)."""

    def __init__(self) -> None:
        self._said = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if done < total and time.monotonic() - self._said < 1:
            return
        self._said = time.monotonic()
        say(f"Exported {done} of {total} payment(s)…" if done < total
             else f"Exported {done} payment(s).")


async def cmd_history(line: argparse.Namespace) -> int:
    args = HistoryOptions.of(line)

    async def body(runtime: Runtime) -> int:
        states = tuple(PaymentState(s.upper()) for s in args.state) if args.state else ()
        flt = PaymentFilter(providers=tuple(args.provider or ()), states=states,
                            text=args.search or "", currency=runtime.config.currency)
        found = await runtime.journal.list_payments(flt, limit=args.limit)
        for payment in found:
            if args.json:
                print(json.dumps(payment_json(payment), ensure_ascii=False))
            else:  # the till's local time; money paid out said so; an alert flagged, as in
                # the window's History (a walk: a late payment read plain PAID here)
                print(f"{payment.created_at.astimezone():%Y-%m-%d %H:%M:%S}  {payment.id}  "
                      f"{payment.provider:<9} {payment.amount!s:>14}  {payment.state.value}"
                      + ("  payout" if payment.kind == "withdrawal" else "")
                      + (f"  ⚠ {alert_subject(payment.attention) or 'needs attention'}"
                         if payment.attention else ""))
        if not found:
            say("No payment matches.")  # stdout stays empty for a script that reads it
        return EXIT_OK
    # Reading only: the cashier window may be open meanwhile.
    return await with_runtime(args, body, recover=False, lock=False)


async def cmd_balance(line: argparse.Namespace) -> int:
    args = BalanceOptions.of(line)
    from pos_app.providers.base import BalanceSource

    async def body(runtime: Runtime) -> int:
        name = chosen_provider(runtime, args.provider, lambda p: isinstance(p, BalanceSource),
                               "report a balance", args.json)
        balance = await runtime.service.balance(name)
        if args.json:
            print(json.dumps({"provider": name, "balance": balance.plain(),
                              "balance_minor": balance.minor, "currency": balance.currency}))
        else:
            print(f"{runtime.service.provider(name).display_name}: {balance}")
        return EXIT_OK
    # Reading only: the cashier window may be open meanwhile.
    return await with_runtime(args, body, recover=False, lock=False)
