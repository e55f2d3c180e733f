"""CSV export of the payments of a period, for accounting in Excel or anything else.

UTF-8 with a byte-order mark, so Excel shows Cyrillic correctly.  The default is the
standard comma-separated file with a decimal point; ``semicolon=True`` writes what Excel on
a Russian system opens directly (``;`` between fields and a decimal comma).  Text that Excel
would run as a formula is prefixed with an apostrophe.  The file is written to a temporary
name and renamed, so a failure never leaves half a file under the asked name.
"""

from __future__ import annotations

import csv
import os
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from pos_app.core.journal import Journal, payment_from_row
from pos_app.core.money import Money
from pos_app.core.payments import Payment, local_day_start
from pos_app.core.reports import METHOD_SQL
from pos_app.i18n import UserError, msg

C = "Export"

HEADER = ("created", "shift", "sale", "provider", "method", "kind", "state", "amount",
          "received", "refunded", "currency", "transaction", "order_id", "payment_id",
          "training", "reference")


@dataclass(frozen=True)
class Period:
    """Local calendar days ``first`` … ``last``, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise UserError(msg(C, "The period ends ({last}) before it starts ({first}).",
                                first=self.first.isoformat(), last=self.last.isoformat()))

    @classmethod
    def parse(cls, first: str, last: str) -> Period:
        return cls(_day(first), _day(last))

    def bounds(self) -> tuple[datetime, datetime]:
        """Local midnights [since, until) in UTC, as the journal stores its times."""
        return local_day_start(self.first), local_day_start(self.last + timedelta(days=1))


# A till's journal holds no payment outside these years; dates beyond them overflowed into
# an internal error (9999-12-31 plus the day after, 0001-01-01 in UTC).
_YEARS = range(1970, 9999)


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(msg(C, "“{text}” is not a date; write it as YYYY-MM-DD, e.g. 2026-11-26.",
                            text=text)) from None
    if day.year not in _YEARS:
        raise UserError(msg(C, "“{text}” is outside the years a journal can hold ({first} to "
                               "{last}).", text=text, first=_YEARS[0], last=_YEARS[-1]))
    return day


def _safe_text(value: str) -> str:
    """Keep Excel from reading a provider's text as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _amount(minor: int | None, currency: str, decimal_comma: bool) -> str:
    if minor is None:
        return ""
    text = Money(minor, currency).plain()
    return text.replace(".", ",") if decimal_comma else text


def _row(payment: Payment, shift: int | None, sale: int | None, reference: str | None,
         method: str, decimal_comma: bool) -> list[str]:
    currency = payment.amount.currency
    money_arrived = payment.paid_minor is not None or payment.state.is_paid \
        or payment.refunded_minor
    received = payment.received_minor if money_arrived else None
    return [
        payment.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
        str(shift or ""), str(sale or ""), payment.provider, _safe_text(method), payment.kind,
        payment.state.value, _amount(payment.amount.minor, currency, decimal_comma),
        _amount(received, currency, decimal_comma),
        _amount(payment.refunded_minor, currency, decimal_comma), currency,
        _safe_text(payment.provider_ref or ""), _safe_text(payment.key), payment.id,
        "1" if payment.training else "0", _safe_text(reference or ""),
    ]


async def export_payments(journal: Journal, output: Path, period: Period, *,
                          semicolon: bool = False, training: bool | None = None) -> int:
    """Write the payments started in ``period`` (oldest first); returns how many."""
    since, until = period.bounds()
    delimiter = ";" if semicolon else ","
    temporary = output.with_name(output.name + ".part")

    def do(conn: sqlite3.Connection) -> int:
        sql = (f"SELECT p.*, {METHOD_SQL} AS method, s.number AS shift_number, "  # noqa: S608
               "sa.number AS sale_number, sa.reference AS sale_reference FROM payments p "
               "LEFT JOIN shifts s ON s.id = p.shift_id LEFT JOIN sales sa ON sa.id = p.sale_id "
               "WHERE p.created_at >= ? AND p.created_at < ? AND p.state != 'DRAFT'")
        params: list[object] = [since.isoformat(timespec="milliseconds"),
                                until.isoformat(timespec="milliseconds")]
        if training is not None:
            sql += " AND p.training = ?"
            params.append(int(training))
        count = 0
        with temporary.open("w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file, delimiter=delimiter)
            writer.writerow(HEADER)
            for row in conn.execute(sql + " ORDER BY p.created_at, p.id", params):
                writer.writerow(_row(payment_from_row(row), row["shift_number"],
                                     row["sale_number"], row["sale_reference"], row["method"],
                                     semicolon))
                count += 1
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(output)
        return count

    try:
        return await journal.read_apart(do)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UserError(msg(C, "The export could not be written to {path}: {error}",
                            path=str(output), error=exc.strerror or str(exc))) from None
