"""The store manager's side of a terminal: shifts, X/Z reports, reconciliation, export.

One object for the window and the command line, so both close a day the same way.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from pos_app.core.export import Period, export_payments
from pos_app.core.payments import Payment
from pos_app.core.payments.service import PaymentService
from pos_app.core.reconcile import Difference, Reconciler
from pos_app.core.reports import ShiftReport, count_shift, shift_report
from pos_app.core.shifts import Shift, Shifts
from pos_app.i18n import UserError, msg
from pos_app.providers.base import BalanceSource
from pos_app.providers.errors import ProviderError

log = logging.getLogger(__name__)
C = "Shift"

BALANCE_TIMEOUT = 10.0  # seconds: a shift opens without a balance rather than keep the cashier


class Backoffice:
    def __init__(self, service: PaymentService) -> None:
        self.service = service
        self.shifts = Shifts(service.journal, training=service.training)
        self.reconciler = Reconciler(service)

    async def open_shift(self, cashier: str) -> Shift:
        """Open a shift, noting the balances of the providers that report one."""
        return await self.shifts.open(cashier, balances=await self._balances())

    async def ensure_shift(self, cashier: str) -> tuple[Shift, bool]:
        """The open shift, or a new one (for callers without a person to ask); (shift, new)."""
        current = await self.shifts.current()
        if current is not None:
            return current, False
        return await self.open_shift(cashier), True

    async def _balances(self) -> dict[str, int]:
        balances: dict[str, int] = {}
        for name, provider in self.service.providers.items():
            if not isinstance(provider, BalanceSource):
                continue
            try:
                balances[name] = await asyncio.wait_for(provider.balance_minor(),
                                                        BALANCE_TIMEOUT)
            except (ProviderError, TimeoutError) as exc:
                # The reconciliation then says it could not compare the balance.
                log.warning("balance of %s not known at shift open: %s", name, exc)
        return balances

    async def current_or_latest(self, number: int | None = None) -> Shift:
        shift = (await self.shifts.by_number(number) if number is not None
                 else await self.shifts.latest())
        if shift is None:
            raise UserError(msg(C, "No shift has been opened yet.") if number is None
                            else msg(C, "There is no shift {number}.", number=number))
        return shift

    async def x_report(self, number: int | None = None) -> ShiftReport:
        """The report of the open (or a given) shift; a closed shift gives its Z report."""
        shift = await self.current_or_latest(number)
        if shift.z_report is not None:
            return ShiftReport.from_json(shift.z_report)
        return await shift_report(self.service.journal, shift)

    async def reconcile(self, number: int | None = None, *,
                        progress: Callable[[int, int], None] | None = None) -> list[Difference]:
        return await self.reconciler.run(await self.current_or_latest(number),
                                         progress=progress)

    async def unsettled(self) -> list[Payment]:
        """The open shift's payments that may still move money (waiting, unknown, a cancel or
        refund under way): a Z now leaves them out of every report if they end paid."""
        shift = await self.shifts.current()
        if shift is None:
            return []
        return [p for p in await self.reconciler.shift_payments(shift) if not p.state.is_final]

    async def close_shift(self, *, actor: str) -> ShiftReport:
        """The Z report: counted now, kept in the journal as printed, and the shift closed."""
        shift = await self.shifts.current()
        if shift is None:
            raise UserError(msg(C, "No shift is open."))
        closed = await self.shifts.close(shift, actor=actor, z_report=lambda conn, at: count_shift(
            conn, shift, "Z", at, closed_by=actor).to_json())
        assert closed.z_report is not None
        return ShiftReport.from_json(closed.z_report)

    async def export(self, output: Path, period: Period, *, semicolon: bool = False,
                     progress: Callable[[int, int], None] | None = None,
                     stop: threading.Event | None = None) -> int:
        """This mode's payments of ``period`` as CSV (see :func:`export_payments`)."""
        return await export_payments(self.service.journal, output, period, semicolon=semicolon,
                                     training=self.service.training, progress=progress,
                                     stop=stop)
