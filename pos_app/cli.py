"""Command line: the cashier window (default), the sandboxes, and integration mode.

Integration mode lets existing cash-desk software use this app as a payment
module.  Exit codes: 0 done, 1 declined/cancelled/expired, 2 usage or
configuration error, 3 outcome unknown, 4 provider or network error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from pos_app.core.config import ConfigError
from pos_app.core.journal import MIN_ID_PREFIX, JournalError, PaymentFilter
from pos_app.core.lock import TerminalBusy
from pos_app.core.logs import setup_logging
from pos_app.core.money import AmountError, Money, parse_amount, parse_decimal
from pos_app.core.paths import log_dir
from pos_app.core.payments import Operation, Payment, utcnow
from pos_app.core.payments.recorder import PaymentUpdate
from pos_app.core.payments.rules import standing_attempt
from pos_app.core.payments.service import PaidThere, PaymentService, payout_sale
from pos_app.core.sale import Sale
from pos_app.core.secrets import SecretsUnavailable
from pos_app.core.states import OperationState, PaymentState, describe_state
from pos_app.i18n import UserError, msg
from pos_app.providers.errors import (
    AuthFailed,
    InvalidInput,
    OutcomeUnknown,
    ProviderError,
    Rejected,
)
from pos_app.redact import redact

if TYPE_CHECKING:
    from pos_app.app import Runtime

EXIT_OK, EXIT_NOT_PAID, EXIT_USAGE, EXIT_UNKNOWN, EXIT_PROVIDER = 0, 1, 2, 3, 4
# How far back a plain `reconcile` asks again about payments that ended unpaid: a link's
# customer may pay it until it expires there, and a day's till runs are looked at next day.
RECHECK_UNPAID = timedelta(days=2)
REFERENCE_MAX = 64

# The reason codes of a provider refusing the terminal's credentials (providers.errors
# auth_failed, Pegas-kassa's access and authorization errors, Koshelek's token bridge).
_REFUSED_CREDENTIALS = {"HTTP_401", "HTTP_403", "access_denied", "authorization_error",
                        "TOKEN"}
_EXIT_FOR_STATE = {
    PaymentState.PAID: EXIT_OK,
    PaymentState.PARTIALLY_REFUNDED: EXIT_OK,
    PaymentState.REFUNDED: EXIT_OK,
    PaymentState.DECLINED: EXIT_NOT_PAID,
    PaymentState.EXPIRED: EXIT_NOT_PAID,
    PaymentState.CANCELLED: EXIT_NOT_PAID,
}


class Exit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


# -- output ------------------------------------------------------------------------------

def payment_json(payment: Payment) -> dict[str, Any]:
    return {
        "payment_id": payment.id,
        "provider": payment.provider,
        "state": payment.state.value,
        "amount": payment.amount.plain(),
        "amount_minor": payment.amount.minor,
        "currency": payment.amount.currency,
        "refunded_minor": payment.refunded_minor,
        "paid_minor": payment.paid_minor,
        "expires_at": payment.expires_at.isoformat() if payment.expires_at else None,
        "provider_transaction_id": payment.provider_ref,
        "idempotency_key": payment.key,
        "order_id": payment.request.order_id,
        "created_at": payment.created_at.isoformat(),
        "reason": payment.reason.render() if payment.reason else None,
        "reason_code": payment.reason_code,
        "attention": payment.attention.render() if payment.attention else None,
        "payer_url": payment.payer_url,
        "receipt": dict(payment.receipt_fields),
        "training": payment.training,
    }


def operation_json(operation: Operation) -> dict[str, Any]:
    return {
        "operation_id": operation.id,
        "kind": operation.kind.value,
        "state": operation.state.value,
        "amount_minor": operation.amount_minor,
        "provider_reference": operation.op_ref,
        "reason": operation.reason.render() if operation.reason else None,
        "reason_code": operation.reason_code,
        "reference": operation.reference or None,
    }


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _journal_upgrade(done: int, total: int) -> None:
    """An upgrade of a large journal takes seconds: said, step by step, on stderr."""
    _say(f"Updating the journal for this version of pos-app: step {done} of {total}…"
         if done < total else "The journal is up to date.")


def _print_payment(payment: Payment, as_json: bool, *, reference: str = "") -> None:
    if as_json:
        extra = {"reference": reference} if reference else {}
        print(json.dumps(payment_json(payment) | extra, ensure_ascii=False))
        return
    print(f"{payment.id}  {payment.provider}  {payment.amount}  {payment.state.value}")
    if reference:
        print(f"  reference: {reference}")
    print(f"  {describe_state(payment.state).render()}")
    if payment.reason:
        print(f"  {payment.reason.render()}")
    if payment.provider_ref:
        print(f"  transaction: {payment.provider_ref}")
    for name, value in payment.receipt_fields.items():
        print(f"  {name}: {value}")
    if payment.attention:
        print(f"  ATTENTION: {payment.attention.render()}")


def _report(code: int, error: UserError | str, as_json: bool) -> int:
    text = error.message.render() if isinstance(error, UserError) else error
    if as_json:
        print(json.dumps({"error": text, "code": getattr(error, "code", None),
                          "exit_code": code}, ensure_ascii=False))
    else:
        _say(f"pos-app: {text}")
    return code


def _fail(code: int, error: UserError | str, as_json: bool) -> NoReturn:
    raise Exit(_report(code, error, as_json))


def _amount_text(text: str, as_json: bool) -> None:
    """An amount's spelling checked before anything starts (ASCII digits, one separator)."""
    try:
        parse_decimal(text)
    except AmountError as exc:
        _fail(EXIT_USAGE, exc, as_json)


def _terminal_amount(runtime: Runtime, text: str, currency: str | None, as_json: bool) -> Money:
    """The amount in the terminal's currency (``[terminal] currency``); another currency
    asked for is refused before anything is sent: the providers charge in that one."""
    mine = runtime.config.currency
    if currency is not None and currency.strip().upper() != mine:
        _fail(EXIT_USAGE, UserError(msg(
            "CLI", "This terminal takes payments in {mine}; --currency {asked} cannot be used.",
            mine=mine, asked=currency)), as_json)
    try:
        return parse_amount(text, mine)
    except AmountError as exc:
        _fail(EXIT_USAGE, exc, as_json)


# -- running -----------------------------------------------------------------------------

async def _with_runtime(args: argparse.Namespace,
                        body: Callable[[Runtime], Awaitable[int]], *, recover: bool = True,
                        before: Callable[[Runtime], Awaitable[None]] | None = None) -> int:
    """``before`` runs before the recovery starts (what it needs, e.g. a payout's
    destination, is there from its first step)."""
    from pos_app.app import Mode, build_runtime
    from pos_app.core.executor import QuickExitExecutor

    # A name lookup that hangs must not hold the exit (the second Ctrl+C waited ~18 s).
    asyncio.get_running_loop().set_default_executor(QuickExitExecutor())
    mode = Mode.TRAINING if args.demo else Mode.LIVE
    runtime = await build_runtime(mode, config_file=args.config, sandbox_url=args.sandbox_url,
                                  lock=getattr(args, "needs_lock", True),
                                  journal_progress=_journal_upgrade)
    try:
        if before is not None:
            await before(runtime)
        if recover:
            await runtime.service.start()
        return await body(runtime)
    finally:
        await runtime.aclose()


def _terminal_qr(text: str) -> str:
    """The payment link as a QR code drawn with block characters, for a terminal."""
    import io

    import qrcode

    code = qrcode.QRCode(border=2)
    code.add_data(text)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()


class _Progress:
    """What this command's own payments go through, printed as it happens.  The payments
    followed before it began (an earlier link left waiting) are not its own: an earlier
    Paymega link was printed during a later Koshelek `pay`."""

    def __init__(self, as_json: bool, others: Iterable[str]) -> None:
        self._others = set(others)
        self._show = _progress(as_json)

    @classmethod
    async def of_command(cls, runtime: Runtime, as_json: bool) -> _Progress:
        unsettled = [s for s in PaymentState if not s.is_final]
        return cls(as_json, (p.id for p in await runtime.journal.payments_in(unsettled)))

    def adopt(self, payment_id: str) -> None:
        """An earlier payment this command reports on (the same --reference)."""
        self._others.discard(payment_id)

    def __call__(self, update: PaymentUpdate) -> None:
        if update.payment.id not in self._others:
            self._show(update)


def _progress(as_json: bool) -> Callable[[PaymentUpdate], None]:
    last: dict[str, PaymentState] = {}
    shown: set[str] = set()

    def on_update(update: PaymentUpdate) -> None:
        payment = update.payment
        if last.get(payment.id) is not payment.state:
            last[payment.id] = payment.state
            _say(f"[{payment.state.value}] {describe_state(payment.state).render()}")
        shows = payment.payer_url or payment.payer_text
        if shows and payment.id not in shown and payment.state is PaymentState.PENDING:
            shown.add(payment.id)
            _say(_terminal_qr(shows))
            if payment.payer_url:
                _say(f"Payment link: {payment.payer_url}")
            else:
                _say(f"Pay to: {payment.payer_text}")
            if payment.expires_at:
                _say(f"Valid until {payment.expires_at.astimezone():%H:%M:%S}.")
        if update.alert:
            _say(f"ATTENTION: {update.alert.render()}")
        if update.error and not as_json:
            _say(f"  {update.error.render()}")
    return on_update


class _Interrupts:
    """First Ctrl+C cancels the payment; the second stops waiting (the journal keeps it)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, on_first: Callable[[], None], *,
                 says: str = "Cancelling the payment… (Ctrl+C again to stop waiting)") -> None:
        self.count = 0
        self._loop = loop
        self._on_first = on_first
        self._says = says
        self.stop_waiting = asyncio.Event()

    def __call__(self, *_: object) -> None:
        self._loop.call_soon_threadsafe(self._handle)

    def _handle(self) -> None:
        self.count += 1
        if self.count == 1:
            _say(self._says)
            self._on_first()
        else:
            self.stop_waiting.set()

    @contextlib.contextmanager
    def installed(self) -> Any:
        try:
            self._loop.add_signal_handler(signal.SIGINT, self)
            yield self
        except NotImplementedError:  # Windows: no loop signal handlers
            previous = signal.signal(signal.SIGINT, self)
            try:
                yield self
            finally:
                signal.signal(signal.SIGINT, previous)
            return
        finally:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                self._loop.remove_signal_handler(signal.SIGINT)


async def _training_payer(runtime: Runtime, provider: str, behaviour: str | None) -> None:
    """--demo: a simulated payer who opens the link and answers a few seconds later."""
    import httpx

    mode = {"approve": "pay", "decline": "decline", "cancel": "decline", "never": "never",
            None: "pay"}[behaviour]
    assert runtime.sandbox_url is not None, "training mode always has a sandbox"
    async with httpx.AsyncClient(base_url=runtime.sandbox_url, timeout=10) as client:
        response = await client.post(f"/_sandbox/{provider}/behaviour",
                                     json={"mode": mode, "delay_ms": 3000})
        response.raise_for_status()


async def _training_barcode(runtime: Runtime, behaviour: str | None) -> str:
    import httpx

    body: dict[str, Any] = {}
    if behaviour:
        body["behaviour"] = {"mode": behaviour}
    assert runtime.sandbox_url is not None, "training mode always has a sandbox"
    async with httpx.AsyncClient(base_url=runtime.sandbox_url, timeout=10) as client:
        response = await client.post("/_sandbox/koshelek/sessions", json=body)
        response.raise_for_status()
        barcode = str(response.json()["barcode"])
    _say(f"Training customer's Koshelek code: {barcode}")
    return barcode


async def cmd_pay(args: argparse.Namespace) -> int:
    _amount_text(args.amount, args.json)
    reference = _reference(args.reference, args.json)

    async def body(runtime: Runtime) -> int:
        amount = _terminal_amount(runtime, args.amount, args.currency, args.json)
        service = runtime.service
        provider = service.provider(args.provider)
        progress = await _Progress.of_command(runtime, args.json)
        service.subscribe(progress)
        sale = replace(Sale.single_amount(amount), reference=reference)
        if reference:
            sale, standing = await _order_so_far(runtime, sale, "payment", args.json)
            if standing is not None:
                progress.adopt(standing.id)
                return await _outcome(service, standing, args, reference)
        options: dict[str, str] = {}
        if provider.capabilities.customer_barcode:
            barcode = args.barcode
            if not barcode and runtime.training:
                barcode = await _training_barcode(runtime, args.customer)
            if not barcode and sys.stdin.isatty():
                _say("Scan the customer's Koshelek code and press Enter:")
                barcode = await asyncio.to_thread(sys.stdin.readline)
            if not barcode:
                _fail(EXIT_USAGE, "--barcode is required for Koshelek Pay", args.json)
            options["barcode"] = barcode.strip()
        elif provider.capabilities.register_shows_qr and runtime.training:
            await _training_payer(runtime, args.provider, args.customer)
        if args.service:
            options["service"] = args.service
        if args.type:
            options["type"] = args.type
        if args.phone:
            options["phone"] = args.phone
        await _shift_for_payment(runtime, args.cashier)
        payment = await service.start_payment(sale, args.provider, options)
        _say(f"Payment {payment.id} started ({provider.display_name}, {amount}).")
        return await _outcome(service, payment, args, reference)

    return await _with_runtime(args, body)


def _reference(text: str | None, as_json: bool) -> str:
    if text is None:
        return ""
    reference = text.strip()
    if not 0 < len(reference) <= REFERENCE_MAX or not reference.isprintable():
        _fail(EXIT_USAGE, f"--reference must be 1 to {REFERENCE_MAX} printable characters",
              as_json)
    return reference


async def _order_so_far(runtime: Runtime, sale: Sale, kind: str,
                        as_json: bool) -> tuple[Sale, Payment | None]:
    """``pay --reference`` / ``withdraw --reference``: the core's rule
    (:meth:`PaymentService.order_for_reference`), said on the terminal; exit 2 for a
    reference of another order, 3 for one paid there but not here."""
    try:
        known, standing = await runtime.service.order_for_reference(sale, kind)
    except PaidThere as exc:
        _fail(EXIT_UNKNOWN, exc, as_json)
    if standing is not None:
        _say(f"Reference {sale.reference!r} already has {_noun(kind)} {standing.id} "
             f"({standing.state.value}); it is not made again.")
    return known, standing


def _noun(kind: str) -> str:
    return "payout" if kind == "withdrawal" else "payment"


async def _outcome(service: PaymentService, payment: Payment, args: argparse.Namespace,
                   reference: str) -> int:
    """Wait for the payment's outcome (Ctrl+C cancels it; a second one stops waiting), print
    it, and the exit code it means."""
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[Payment]] = set()

    def cancel() -> None:
        task = loop.create_task(service.cancel(payment.id, wait=False))
        pending.add(task)
        task.add_done_callback(pending.discard)

    interrupts = _Interrupts(loop, cancel)
    with interrupts.installed():
        waiter = asyncio.ensure_future(service.wait(payment.id))
        stopper = asyncio.ensure_future(interrupts.stop_waiting.wait())
        await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not waiter.done():
            waiter.cancel()
            payment = await service.get(payment.id)
            _say(f"Stopped waiting. The payment stays recorded as {payment.state.value}; "
                 f"`pos-app reconcile` finishes it.")
            _print_payment(payment, args.json, reference=reference)
            return EXIT_UNKNOWN
        payment = await waiter
    _print_payment(payment, args.json, reference=reference)
    if payment.state is PaymentState.DRAFT:  # never sent: it could not even be journaled
        return EXIT_PROVIDER
    if payment.state is PaymentState.DECLINED and payment.reason_code in _REFUSED_CREDENTIALS:
        return EXIT_PROVIDER  # not the customer's decline: the terminal's credentials
    return _EXIT_FOR_STATE.get(payment.state, EXIT_UNKNOWN)


async def _find(runtime: Runtime, text: str, as_json: bool) -> Payment:
    by_reference = await runtime.journal.sale_by_reference(text)
    if by_reference is not None and by_reference[1]:
        attempts = by_reference[1]
        return standing_attempt(attempts) or attempts[-1]
    matches = await runtime.journal.find_payments(text)
    if not matches and len(text.strip()) < MIN_ID_PREFIX:
        _fail(EXIT_USAGE, f"{text!r} is too short to name a payment: give at least "
                          f"{MIN_ID_PREFIX} characters of its id, or its whole key or reference",
              as_json)
    if not matches:
        _fail(EXIT_USAGE, f"no payment matches {text!r}", as_json)
    if len(matches) > 1 and not any(p.id == text for p in matches):
        _fail(EXIT_USAGE, f"{text!r} matches several payments; give more of the id", as_json)
    return next((p for p in matches if p.id == text), matches[0])


async def cmd_status(args: argparse.Namespace) -> int:
    async def body(runtime: Runtime) -> int:
        payment = await _find(runtime, args.payment_id, args.json)
        if not payment.state.is_final:
            [payment] = await runtime.service.reconcile([payment.id], timeout=args.timeout)
        _print_payment(payment, args.json)
        if payment.state.is_final:
            return _EXIT_FOR_STATE.get(payment.state, EXIT_OK)
        return EXIT_UNKNOWN
    return await _with_runtime(args, body, recover=False)


async def cmd_cancel(args: argparse.Namespace) -> int:
    async def body(runtime: Runtime) -> int:
        payment = await _find(runtime, args.payment_id, args.json)
        payment = await asyncio.wait_for(runtime.service.cancel(payment.id), args.timeout)
        _print_payment(payment, args.json)
        if payment.state is PaymentState.CANCELLED:
            return EXIT_OK
        return EXIT_NOT_PAID if payment.state.is_final else EXIT_UNKNOWN
    return await _with_runtime(args, body)


def _quantities(items: Sequence[str]) -> dict[int, Decimal]:
    """``LINE=QUANTITY`` pairs: ASCII digits, a line from 1, a quantity above zero ("NaN",
    "inf" and "-1" are no quantities)."""
    wanted: dict[int, Decimal] = {}
    for item in items:
        line, _, quantity = item.partition("=")
        try:
            if not re.fullmatch(r"[0-9]{1,4}", line.strip()) or int(line) < 1:
                raise ValueError(line)
            amount = parse_decimal(quantity or "1")
            if amount <= 0:
                raise ValueError(quantity)
        except (ValueError, AmountError):
            raise UserError(msg("CLI", "--item {item}: use LINE=QUANTITY, e.g. 1=2",
                                item=item)) from None
        wanted[int(line) - 1] = amount
    return wanted


def _output_file(text: str) -> Path:
    """Where a command writes a file: a new file in a folder that exists and can be written.
    Checked before anything is asked for; an existing file is never overwritten silently."""
    path = Path(text)
    problem = None
    if not text.strip():
        problem = msg("CLI", "--output is empty: give a file name.")
    elif path.is_dir():
        problem = msg("CLI", "--output {path} is a folder: give a file name.", path=text)
    elif path.exists():
        problem = msg("CLI", "--output {path} exists already: give another name, or delete it "
                             "first.", path=text)
    elif not path.parent.is_dir():
        problem = msg("CLI", "--output {path}: the folder {folder} does not exist.", path=text,
                      folder=str(path.parent))
    elif not os.access(path.parent, os.W_OK):
        problem = msg("CLI", "--output {path}: the folder {folder} cannot be written to.",
                      path=text, folder=str(path.parent))
    if problem is not None:
        raise UserError(problem)
    return path


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise _not_written(path, exc) from None


def _not_written(path: Path, exc: OSError) -> UserError:
    return UserError(msg("CLI", "{path} could not be written: {why}.", path=str(path),
                         why=exc.strerror or "error"))


async def cmd_refund(args: argparse.Namespace) -> int:
    reference = _reference(args.reference, args.json)

    async def body(runtime: Runtime) -> int:
        payment = await _find(runtime, args.payment_id, args.json)
        amount: Money | None = None
        if args.amount:
            amount = parse_amount(args.amount, payment.amount.currency)
        earlier = await runtime.service.earlier_refund(payment.id, reference, amount) \
            if reference else None
        if earlier is not None:
            _say(f"Reference {reference!r} already has refund {earlier.id} "
                 f"({earlier.state.value}); it is not made again.")
            return await _refund_outcome(runtime, earlier, args)
        quantities = _quantities(args.item) if args.item else None
        operation = await runtime.service.refund(payment.id, amount=amount,
                                                 quantities=quantities, reason=args.reason,
                                                 reference=reference)
        return await _refund_outcome(runtime, operation, args)
    return await _with_runtime(args, body)


async def _refund_outcome(runtime: Runtime, operation: Operation,
                          args: argparse.Namespace) -> int:
    payment = await runtime.service.get(operation.payment_id)
    if args.json:
        print(json.dumps({**payment_json(payment), "operation": operation_json(operation)},
                         ensure_ascii=False))
    else:
        _print_payment(payment, False)
        reason = f": {operation.reason.render()}" if operation.reason else ""
        print(f"  refund {operation.id}: {operation.state.value}{reason}")
    return {OperationState.DONE: EXIT_OK,
            OperationState.REJECTED: EXIT_NOT_PAID}.get(operation.state, EXIT_UNKNOWN)


async def cmd_reconcile(args: argparse.Namespace) -> int:
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
            _print_payment(payment, args.json)
        unknown = [p for p in payments if not p.state.is_final]
        return EXIT_UNKNOWN if unknown or paid_there else EXIT_OK
    return await _with_runtime(args, body, recover=False)


async def _shift_for_payment(runtime: Runtime, cashier: str) -> None:
    """Integration mode has no person to ask: a payment opens a shift when none is open."""
    from pos_app.core.backoffice import Backoffice

    shift, new = await Backoffice(runtime.service).ensure_shift(cashier)
    if new:
        _say(f"Shift {shift.number} opened for {shift.cashier}.")
    elif shift.runs_long():
        _say(f"Shift {shift.number} has been open for over 24 hours; close it with "
             "`pos-app report z`.")


def _provider_names(runtime: Runtime) -> dict[str, str]:
    return {name: p.display_name for name, p in runtime.service.providers.items()}


async def cmd_shift(args: argparse.Namespace) -> int:
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
    return await _with_runtime(args, body, recover=False)


async def cmd_report(args: argparse.Namespace) -> int:
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
            print(report_text(report, provider_names=_provider_names(runtime)))
            _print_differences(open_differences)
        return EXIT_OK
    return await _with_runtime(args, body)


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
    from pos_app.core.reconcile import KIND_LABELS

    if differences:
        print(f"Reconciliation: {len(differences)} difference(s) to resolve in the window "
              "(Shift → Reconcile):")
    for d in differences:
        print(f"  {d.provider:<9} {KIND_LABELS[d.kind].render()}: {d.ref}  "
              f"here: {d.ours or '—'}  there: {d.theirs or '—'}")


async def cmd_export(args: argparse.Namespace) -> int:
    from pos_app.core.backoffice import Backoffice
    from pos_app.core.export import ExportStopped, Period

    period = Period.parse(getattr(args, "from"), args.to)
    output = _output_file(args.output)
    args.needs_lock = False

    async def body(runtime: Runtime) -> int:
        stop = threading.Event()
        loop = asyncio.get_running_loop()
        with _Interrupts(loop, stop.set, says="Stopping the export…").installed():
            try:
                count = await Backoffice(runtime.service).export(
                    output, period, semicolon=args.semicolon, stop=stop,
                    progress=_ExportProgress())
            except ExportStopped as stopped:
                return _report(EXIT_NOT_PAID, stopped, args.json)
            except OSError as exc:  # e.g. a read-only file system: said, nothing left half
                output.unlink(missing_ok=True)
                raise _not_written(output, exc) from None
        if args.json:
            print(json.dumps({"output": args.output, "payments": count}))
        else:
            print(f"{args.output}: {count} payment(s)")
        return EXIT_OK
    return await _with_runtime(args, body, recover=False)


class _ExportProgress:
    """An export's progress on stderr, at most once a second (from the export's thread)."""

    def __init__(self) -> None:
        self._said = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if done < total and time.monotonic() - self._said < 1:
            return
        self._said = time.monotonic()
        _say(f"Exported {done} of {total} payment(s)…" if done < total
             else f"Exported {done} payment(s).")


async def cmd_history(args: argparse.Namespace) -> int:
    args.needs_lock = False  # reading only; the cashier window may be open meanwhile

    async def body(runtime: Runtime) -> int:
        states = tuple(PaymentState(s.upper()) for s in args.state) if args.state else ()
        flt = PaymentFilter(providers=tuple(args.provider or ()), states=states,
                            text=args.search or "", currency=runtime.config.currency)
        found = await runtime.journal.list_payments(flt, limit=args.limit)
        for payment in found:
            if args.json:
                print(json.dumps(payment_json(payment), ensure_ascii=False))
            else:  # the till's local time; money paid out said so
                print(f"{payment.created_at.astimezone():%Y-%m-%d %H:%M:%S}  {payment.id}  "
                      f"{payment.provider:<9} {payment.amount!s:>14}  {payment.state.value}"
                      + ("  payout" if payment.kind == "withdrawal" else ""))
        if not found:
            _say("No payment matches.")  # stdout stays empty for a script that reads it
        return EXIT_OK
    return await _with_runtime(args, body, recover=False)


async def cmd_balance(args: argparse.Namespace) -> int:
    args.needs_lock = False

    async def body(runtime: Runtime) -> int:
        balance = await runtime.service.balance(args.provider)
        if args.json:
            print(json.dumps({"provider": args.provider, "balance": balance.plain(),
                              "balance_minor": balance.minor, "currency": balance.currency}))
        else:
            print(f"{runtime.service.provider(args.provider).display_name}: {balance}")
        return EXIT_OK
    return await _with_runtime(args, body, recover=False)


async def cmd_withdraw(args: argparse.Namespace) -> int:
    _amount_text(args.amount, args.json)
    reference = _reference(args.reference, args.json)

    async def body(runtime: Runtime) -> int:
        amount = _terminal_amount(runtime, args.amount, None, args.json)
        service = runtime.service
        progress = await _Progress.of_command(runtime, args.json)
        service.subscribe(progress)
        sale = payout_sale(amount, reference)
        if reference:
            sale, standing = await _order_so_far(runtime, sale, "withdrawal", args.json)
            if standing is not None:
                progress.adopt(standing.id)
                return await _payout_outcome(service, standing, args, reference)
        payout = await service.withdraw(args.provider, amount, method=args.method,
                                        number=args.number, comment=args.comment or "",
                                        sale=sale)
        return await _payout_outcome(service, payout, args, reference)
    before = (lambda runtime: _destination_back(runtime, reference, args)) if reference \
        else None
    return await _with_runtime(args, body, before=before)


async def _destination_back(runtime: Runtime, reference: str,
                            args: argparse.Namespace) -> None:
    """A repeated `withdraw --reference` gives its unfinished payout the destination a restart
    forgot: it is then sent with its own order id, not called declined (issue 16 #7)."""
    earlier = await runtime.journal.sale_by_reference(reference)
    for payout in earlier[1] if earlier else []:
        await runtime.service.resume_withdrawal(payout.id, method=args.method,
                                                number=args.number)


async def _payout_outcome(service: PaymentService, payout: Payment, args: argparse.Namespace,
                          reference: str) -> int:
    try:
        payout = await service.wait(payout.id, timeout=args.timeout)
    except TimeoutError:  # not settled in time: said as it stands (exit 3), kept for reconcile
        payout = await service.get(payout.id)
    _print_payment(payout, args.json, reference=reference)
    return _EXIT_FOR_STATE.get(payout.state, EXIT_UNKNOWN)


async def cmd_receipt(args: argparse.Namespace) -> int:
    output = _output_file(args.output)

    async def body(runtime: Runtime) -> int:
        payment = await _find(runtime, args.payment_id, args.json)
        content, kind = await runtime.service.receipt_file(payment.id, args.format)
        await asyncio.to_thread(_write, output, content)
        if args.json:
            print(json.dumps({"payment_id": payment.id, "output": args.output,
                              "content_type": kind, "bytes": len(content)}))
        else:
            print(f"{args.output}: {kind}, {len(content)} bytes")
        return EXIT_OK
    return await _with_runtime(args, body, recover=False)


async def cmd_resolve(args: argparse.Namespace) -> int:
    async def body(runtime: Runtime) -> int:
        payment = await _find(runtime, args.payment_id, args.json)
        resolved = await runtime.service.resolve(payment.id, PaymentState(args.outcome.upper()),
                                                 reason=args.reason, actor=args.actor)
        _print_payment(resolved, args.json)
        return EXIT_OK
    return await _with_runtime(args, body, recover=False)


def cmd_sandbox(args: argparse.Namespace) -> int:
    from pos_app.sandbox.server import serve

    return serve(host=args.host, port=args.port, until_stdin_closes=args.until_stdin_closes)


async def cmd_config_check(args: argparse.Namespace) -> int:
    from pos_app.app import Mode, load_terminal_config, needed_secrets
    from pos_app.core.config import config_warnings
    from pos_app.core.paths import config_path
    from pos_app.core.secrets import SecretStore

    path = config_path(args.config)
    config, _ = load_terminal_config(Mode.LIVE, path)
    SecretStore().check_live(needed_secrets(config))  # "OK" with a secret set nowhere: not OK
    warnings = config_warnings(config)
    for warning in warnings:
        _say(f"Warning: {warning.render()}")
    print(f"{path}: OK" + (f" ({len(warnings)} warning(s))" if warnings else ""))
    return EXIT_OK


def cmd_config_import(args: argparse.Namespace) -> int:
    """Install a prepared configuration: checked first, the previous one kept as a backup."""
    import os
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
        _say(f"The previous configuration is kept as {backup}")
    partial = target.with_name(target.name + ".part")
    shutil.copyfile(source, partial)  # as written by the manager, comments included
    os.replace(partial, target)
    print(f"{target}: imported from {source}")
    try:
        check_live_ready(config, path=target)
    except ConfigError as exc:  # e.g. a template without the terminal id yet
        _say(f"Live mode will not start until this is fixed: {exc.message.render()}")
    return EXIT_OK


def cmd_config_set_secret(args: argparse.Namespace) -> int:
    """Store one secret in the keyring; the value comes from standard input, never argv."""
    import getpass

    from pos_app.core.secrets import LISTENER_SECRETS, SECRET_NAMES, SecretStore

    provider, _, name = args.name.partition(".")
    known_names = [f"{p}.{n}" for table in (SECRET_NAMES, LISTENER_SECRETS)
                   for p, names in table.items() for n in names]
    if args.name not in known_names:
        known = ", ".join(known_names)
        _fail(EXIT_USAGE, f"unknown secret {args.name!r}; one of: {known}", args.json)
    if sys.stdin.isatty():
        value = getpass.getpass(f"{args.name}: ")
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        _fail(EXIT_USAGE, f"no value for {args.name} on standard input", args.json)
    SecretStore().set(provider, name, value)
    print(f"{args.name}: stored in the keyring")
    return EXIT_OK


def cmd_config_show(args: argparse.Namespace) -> int:
    """The configuration in effect and which secrets are set; secret values never shown."""
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
    from pos_app.core.secrets import SECRET_NAMES, SecretStore

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
    secrets = {f"{p}.{n}": store.source(p, n) or "not set"
               for p, names in SECRET_NAMES.items() for n in names}
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


MOVES_MONEY = ("cmd_pay", "cmd_cancel", "cmd_refund", "cmd_withdraw")


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
    run = globals()[args.run]
    try:
        if asyncio.iscoroutinefunction(run):
            return int(asyncio.run(run(args)))
        return int(run(args))
    except Exit as exc:
        return exc.code
    except (ConfigError, SecretsUnavailable, TerminalBusy, AmountError) as exc:
        return _report(EXIT_USAGE, exc, args.json)
    except JournalError as exc:  # unusable journal: nothing was sent (it is written first)
        return _report(EXIT_USAGE, exc, args.json)
    except OutcomeUnknown as exc:
        return _report(EXIT_UNKNOWN, exc, args.json)
    except InvalidInput as exc:
        return _report(EXIT_USAGE, exc, args.json)
    except AuthFailed as exc:
        return _report(EXIT_PROVIDER, exc, args.json)
    except Rejected as exc:  # refused before anything was created: not paid
        return _report(EXIT_NOT_PAID, exc, args.json)
    except ProviderError as exc:
        return _report(EXIT_PROVIDER, exc, args.json)
    except UserError as exc:
        return _report(EXIT_USAGE, exc, args.json)
    except KeyboardInterrupt:
        _say("Interrupted.")
        return EXIT_UNKNOWN
    except Exception:
        logging.getLogger(__name__).exception("unexpected error in %s", args.command)
        # After money may have moved, "unknown", never "failed": a caller that retries a
        # failed payment would charge the customer twice.
        code = EXIT_UNKNOWN if args.run in MOVES_MONEY else EXIT_PROVIDER
        return _report(code, f"internal error; details are in the log in {log_dir()}. "
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
