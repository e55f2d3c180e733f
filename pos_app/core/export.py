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
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from msgspec import Struct

from pos_app.core.events import state_word
from pos_app.core.journal import Journal, unreadable_row
from pos_app.core.journal.exports import count_period, period_rows
from pos_app.core.money import minor_digits
from pos_app.core.payments import local_day_start
from pos_app.core.states import PaymentState
from pos_app.i18n import Message, UserError, msg
from pos_app.providers.registry import method_label, plugins

C = "Export"

HEADER = ("created", "shift", "sale", "provider", "method", "kind", "state", "amount",
          "received", "refunded", "currency", "transaction", "order_id", "payment_id",
          "training", "reference")
# The file for Russian Excel is read by people: its headers, states and kinds in their
# language (issue 20 #21); the standard file keeps the codes above for programs.
EXCEL_HEADER = (
    Message(C, "created"), Message(C, "shift"), Message(C, "sale"), Message(C, "provider"),
    Message(C, "method"), Message(C, "kind"), Message(C, "state"), Message(C, "amount"),
    Message(C, "received"), Message(C, "refunded"), Message(C, "currency"),
    Message(C, "transaction"), Message(C, "order_id"), Message(C, "payment_id"),
    Message(C, "training"), Message(C, "reference"))
KINDS = {"payment": Message(C, "payment"), "withdrawal": Message(C, "payout")}


class Period(Struct, frozen=True):
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


def _plain(minor: int | None, digits: int, point: str) -> str:
    """``1499.00`` from 149900 without Decimal: the export writes millions of these."""
    if minor is None:
        return ""
    if not digits:
        return str(minor)
    whole, part = divmod(abs(minor), 10**digits)
    return f"{'-' if minor < 0 else ''}{whole}{point}{part:0{digits}d}"


_STATES = frozenset(state.value for state in PaymentState)
_PAID = frozenset(state.value for state in PaymentState if state.is_paid)


def _row(row: tuple[Any, ...], point: str, words: dict[str, str] | None = None) -> list[str]:
    """One line of the file from one row of ``journal.exports.period_rows`` (a tuple, so
    that a year of payments is read at over 100 000 rows a second); ``words``: states and
    kinds as people read them (the file for Excel), else their codes."""
    (payment_id, created, provider, kind, state, amount, paid, refunded, currency,
     provider_ref, key, training, method, shift, sale, reference) = row
    if state not in _STATES:  # a damaged byte: say which row (issue 16 #14)
        raise unreadable_row("payments", payment_id, ValueError(f"{state!r} is not a state"))
    digits = minor_digits(currency)
    arrived = paid is not None or state in _PAID or refunded
    received = (paid if paid is not None else amount) if arrived else None
    return [
        created, str(shift or ""), f"S{sale:06d}" if sale else "",
        words.get(provider, provider) if words else provider,
        _safe_text(words[f"{provider}:{method}"] if words and method else method or ""),
        words.get(kind, kind) if words else kind,
        words.get(state, state) if words else state,
        _plain(amount, digits, point), _plain(received, digits, point),
        _plain(refunded, digits, point), currency, _safe_text(provider_ref or ""),
        _safe_text(key), payment_id, "1" if training else "0", _safe_text(reference or ""),
    ]


class _Words(dict[str, str]):
    """Codes as people read them; a way to pay ("provider:method") found when first met, as
    the reports say it: Paymega's service codes are its account's own, not a list (a walk:
    the CSV said "payment_card_rub_hpp" where the Z report said "банковская карта")."""

    def __missing__(self, key: str) -> str:
        provider, _, method = key.partition(":")
        self[key] = method_label(provider, method)
        return self[key]


class ExportStopped(UserError):
    """The person stopped the export: no file was written."""


PROGRESS_EVERY = 10_000  # rows: about a tenth of a second


async def export_payments(journal: Journal, output: Path, period: Period, *,
                          semicolon: bool = False, training: bool | None = None,
                          progress: Callable[[int, int], None] | None = None,
                          stop: threading.Event | None = None) -> int:
    """Write the payments started in ``period`` (oldest first); returns how many.

    ``progress(done, total)`` is called from the export's own thread every
    :data:`PROGRESS_EVERY` rows; setting ``stop`` ends it with :class:`ExportStopped` and no
    file.  Errors: UserError when the file cannot be written (nothing is left half written:
    the rows go to ``<name>.part``, renamed when complete).
    """
    since, until = period.bounds()
    delimiter = ";" if semicolon else ","
    point = "," if semicolon else "."
    temporary = output.with_name(output.name + ".part")
    # Rendered here, in the reader's language; a way to pay when the export's thread first
    # meets it (QCoreApplication.translate is thread-safe).
    header = [h.render() for h in EXCEL_HEADER] if semicolon else list(HEADER)
    words = _Words({**{k: m.render() for k, m in KINDS.items()},
                    **{s.value: state_word(s.value) for s in PaymentState},
                    **{each.name: each.title for each in plugins()}}) if semicolon else None

    def do(conn: sqlite3.Connection) -> int:
        total = count_period(conn, since, until, training)
        count = 0
        with temporary.open("w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file, delimiter=delimiter)
            writer.writerow(header)
            for batch in period_rows(conn, since, until, training, batch=PROGRESS_EVERY):
                if stop is not None and stop.is_set():
                    raise ExportStopped(msg(C, "The export was stopped; no file was written."))
                writer.writerows([_row(row, point, words) for row in batch])
                count += len(batch)
                if progress is not None:
                    progress(count, max(total, count))
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(output)
        return count

    try:
        return await journal.read_apart(do)
    except ExportStopped:
        temporary.unlink(missing_ok=True)
        raise
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UserError(msg(C, "The export could not be written to {path}: {error}",
                            path=str(output), error=exc.strerror or str(exc))) from None
