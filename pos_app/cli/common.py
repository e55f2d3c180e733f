"""What the commands share: the runtime, amounts, references, progress and Ctrl+C."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Awaitable, Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_app.cli.options import Options
from pos_app.cli.output import EXIT_USAGE, fail, journal_upgrade, say
from pos_app.core.journal import MIN_ID_PREFIX
from pos_app.core.money import AmountError, Money, parse_amount, parse_decimal
from pos_app.core.payments import Payment
from pos_app.core.payments.recorder import PaymentUpdate
from pos_app.core.payments.rules import standing_attempt
from pos_app.core.states import PaymentState, describe_state
from pos_app.i18n import UserError, msg

if TYPE_CHECKING:
    from pos_app.app import Runtime
    from pos_app.providers.base import Provider


REFERENCE_MAX = 64


def amount_text(text: str, as_json: bool) -> None:
    """An amount's spelling checked before anything starts (ASCII digits, one separator)."""
    try:
        parse_decimal(text)
    except AmountError as exc:
        fail(EXIT_USAGE, exc, as_json)


def terminal_amount(runtime: Runtime, text: str, currency: str | None, as_json: bool) -> Money:
    """The amount in the terminal's currency (``[terminal] currency``); another currency
    asked for is refused before anything is sent: the providers charge in that one."""
    mine = runtime.config.currency
    if currency is not None and currency.strip().upper() != mine:
        fail(EXIT_USAGE, UserError(msg(
            "CLI", "This terminal takes payments in {mine}; --currency {asked} cannot be used.",
            mine=mine, asked=currency)), as_json)
    try:
        return parse_amount(text, mine)
    except AmountError as exc:
        fail(EXIT_USAGE, exc, as_json)


async def with_runtime(args: Options,
                        body: Callable[[Runtime], Awaitable[int]], *, recover: bool = True,
                        lock: bool = True,
                        before: Callable[[Runtime], Awaitable[None]] | None = None) -> int:
    """``before`` runs before the recovery starts (what it needs, e.g. a payout's
    destination, is there from its first step).  ``lock``: False for a command that only
    reads (the cashier window may be open meanwhile)."""
    from pos_app.app import Mode, build_runtime
    from pos_app.core.executor import QuickExitExecutor

    # A name lookup that hangs must not hold the exit (the second Ctrl+C waited ~18 s).
    asyncio.get_running_loop().set_default_executor(QuickExitExecutor())
    mode = Mode.TRAINING if args.demo else Mode.LIVE
    runtime = await build_runtime(mode, config_file=args.config, sandbox_url=args.sandbox_url,
                                  lock=lock,
                                  journal_progress=journal_upgrade)
    try:
        if before is not None:
            await before(runtime)
        if recover:
            await runtime.service.start()
        return await body(runtime)
    finally:
        await runtime.aclose()


def terminal_qr(text: str) -> str:
    """The payment link as a QR code drawn with block characters, for a terminal."""
    import io

    import qrcode

    code = qrcode.QRCode(border=2)
    code.add_data(text)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()


class CommandProgress:
    """What this command's own payments go through, printed as it happens.  The payments
    followed before it began (an earlier link left waiting) are not its own: an earlier
    Paymega link was printed during a later Koshelek `pay`."""

    def __init__(self, as_json: bool, others: Iterable[str]) -> None:
        self._others = set(others)
        self._show = progress_printer(as_json)

    @classmethod
    async def of_command(cls, runtime: Runtime, as_json: bool) -> CommandProgress:
        unsettled = [s for s in PaymentState if not s.is_final]
        return cls(as_json, (p.id for p in await runtime.journal.payments_in(unsettled)))

    def adopt(self, payment_id: str) -> None:
        """An earlier payment this command reports on (the same --reference)."""
        self._others.discard(payment_id)

    def __call__(self, update: PaymentUpdate) -> None:
        if update.payment.id not in self._others:
            self._show(update)


def progress_printer(as_json: bool) -> Callable[[PaymentUpdate], None]:
    last: dict[str, PaymentState] = {}
    shown: set[str] = set()

    def on_update(update: PaymentUpdate) -> None:
        payment = update.payment
        if last.get(payment.id) is not payment.state:
            last[payment.id] = payment.state
            say(f"[{payment.state.value}] {describe_state(payment.state).render()}")
        shows = payment.payer_url or payment.payer_text
        if shows and payment.id not in shown and payment.state is PaymentState.PENDING:
            shown.add(payment.id)
            say(terminal_qr(shows))
            if payment.payer_url:
                say(f"Payment link: {payment.payer_url}")
            else:
                say(f"Pay to: {payment.payer_text}")
            if payment.expires_at:
                say(f"Valid until {payment.expires_at.astimezone():%H:%M:%S}.")
        if update.alert:
            say(f"ATTENTION: {update.alert.render()}")
        if update.error and not as_json:
            say(f"  {update.error.render()}")
    return on_update


class Interrupts:
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
            say(self._says)
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


async def training_payer(runtime: Runtime, provider: str, behaviour: str | None) -> None:
    """--demo: a simulated payer who opens the link and answers a few seconds later."""
    import httpx

    mode = {"approve": "pay", "decline": "decline", "cancel": "decline", "never": "never",
            None: "pay"}[behaviour]
    assert runtime.sandbox_url is not None, "training mode always has a sandbox"
    async with httpx.AsyncClient(base_url=runtime.sandbox_url, timeout=10) as client:
        response = await client.post(f"/_sandbox/{provider}/behaviour",
                                     json={"mode": mode, "delay_ms": 3000})
        response.raise_for_status()


async def training_barcode(runtime: Runtime, provider: Provider, behaviour: str | None) -> str:
    """A code from the training customer's app (``behaviour``: how they answer; None: as the
    sandbox is set)."""
    import httpx

    body: dict[str, Any] = {}
    if behaviour:
        body["behaviour"] = {"mode": behaviour}
    assert runtime.sandbox_url is not None, "training mode always has a sandbox"
    async with httpx.AsyncClient(base_url=runtime.sandbox_url, timeout=10) as client:
        response = await client.post(f"/_sandbox/{provider.id}/sessions", json=body)
        response.raise_for_status()
        barcode = str(response.json()["barcode"])
    say(f"Training customer's {provider.display_name} code: {barcode}")
    return barcode


def chosen_provider(runtime: Runtime, name: str | None, can: Callable[[Provider], bool],
                    what: str, as_json: bool) -> str:
    """``--provider``, or else the one enabled provider that ``can`` (exit 2 when none or
    several do: ``what`` says what they would have to do)."""
    if name:
        return name
    able = [each for each, provider in runtime.service.providers.items() if can(provider)]
    if len(able) != 1:
        fail(EXIT_USAGE, f"--provider is needed: {len(able)} enabled providers {what}"
             + (f" ({', '.join(able)})" if able else ""), as_json)
    return able[0]


def parse_reference(text: str | None, as_json: bool) -> str:
    if text is None:
        return ""
    reference = text.strip()
    if not 0 < len(reference) <= REFERENCE_MAX or not reference.isprintable():
        fail(EXIT_USAGE, f"--reference must be 1 to {REFERENCE_MAX} printable characters",
              as_json)
    return reference


def noun_of(kind: str) -> str:
    return "payout" if kind == "withdrawal" else "payment"


async def find_payment(runtime: Runtime, text: str, as_json: bool) -> Payment:
    by_reference = await runtime.journal.sale_by_reference(text)
    if by_reference is not None and by_reference[1]:
        attempts = by_reference[1]
        return standing_attempt(attempts) or attempts[-1]
    matches = await runtime.journal.find_payments(text)
    if not matches and len(text.strip()) < MIN_ID_PREFIX:
        fail(EXIT_USAGE, f"{text!r} is too short to name a payment: give at least "
                          f"{MIN_ID_PREFIX} characters of its id, or its whole key or reference",
              as_json)
    if not matches:
        fail(EXIT_USAGE, f"no payment matches {text!r}", as_json)
    if len(matches) > 1 and not any(p.id == text for p in matches):
        fail(EXIT_USAGE, f"{text!r} matches several payments; give more of the id", as_json)
    return next((p for p in matches if p.id == text), matches[0])


def parse_quantities(items: Sequence[str]) -> dict[int, Decimal]:
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


def output_path(text: str) -> Path:
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


def write_file(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise not_written(path, exc) from None


def not_written(path: Path, exc: OSError) -> UserError:
    return UserError(msg("CLI", "{path} could not be written: {why}.", path=str(path),
                         why=exc.strerror or "error"))


async def shift_for_payment(runtime: Runtime, cashier: str) -> None:
    """Integration mode has no person to ask: a payment opens a shift when none is open."""
    from pos_app.core.backoffice import Backoffice

    shift, new = await Backoffice(runtime.service).ensure_shift(cashier)
    if new:
        say(f"Shift {shift.number} opened for {shift.cashier}.")
    elif shift.runs_long():
        say(f"Shift {shift.number} has been open for over 24 hours; close it with "
             "`pos-app report z`.")


def provider_names(runtime: Runtime) -> dict[str, str]:
    return {name: p.display_name for name, p in runtime.service.providers.items()}
