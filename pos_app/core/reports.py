"""X and Z reports: counts and sums of one shift per provider and method.

A payment is counted in the shift it started in, under the state it has now; a refund
is counted in the shift it was made in (so a refund today of yesterday's sale lowers
today's takings, as on a cash register).  Payouts (Pegas-kassa withdrawals) are money
out.  Only payments of the shift's own mode count: training never reaches a live report.
The Z report is kept in the journal exactly as printed.
"""

from __future__ import annotations

import html
import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from msgspec import Struct, field

from pos_app.core.events import state_label
from pos_app.core.journal import Journal
from pos_app.core.journal.tallies import REFUSED, payment_tallies, refund_tallies, shift_notes
from pos_app.core.money import Money
from pos_app.core.payments import utcnow
from pos_app.core.receipt import html_row, line_chars
from pos_app.core.shifts import Shift
from pos_app.core.states import PaymentState
from pos_app.i18n import Message
from pos_app.providers.registry import method_label, title_of

C = "Report"
S = PaymentState

# Buckets in print order; "paid" is money that arrived, "refunded" and "payouts" left.
BUCKETS: dict[str, Message] = {
    "paid": Message(C, "Paid"),
    "refunded": Message(C, "Refunded"),
    "payouts": Message(C, "Payouts"),
    "cancelled": Message(C, "Cancelled"),
    "declined": Message(C, "Declined"),
    "refused": Message(C, "Refused by the provider, nothing created"),
    "expired": Message(C, "Expired"),
    "unknown": Message(C, "Unknown outcome"),
    "in_progress": Message(C, "In progress"),
}
_BUCKET_OF_STATE = {
    S.PAID: "paid", S.REFUNDING: "paid", S.PARTIALLY_REFUNDED: "paid", S.REFUNDED: "paid",
    S.CANCELLED: "cancelled", S.DECLINED: "declined", S.EXPIRED: "expired",
    S.UNKNOWN: "unknown",
    S.DRAFT: "in_progress", S.CREATING: "in_progress", S.PENDING: "in_progress",
    S.CANCELLING: "in_progress",
}
_PAID_STATES = tuple(s.value for s, b in _BUCKET_OF_STATE.items() if b == "paid")

class Tally(Struct):
    count: int = 0
    minor: int = 0

    def add(self, count: int, minor: int) -> None:
        self.count += count
        self.minor += minor


class ReportLine(Struct):
    provider: str
    method: str
    currency: str
    tallies: dict[str, Tally] = field(default_factory=lambda: {b: Tally() for b in BUCKETS})

    @property
    def net_minor(self) -> int:
        """What stayed with the store: paid minus refunded minus payouts."""
        t = self.tallies
        return t["paid"].minor - t["refunded"].minor - t["payouts"].minor

    def to_json(self) -> dict[str, Any]:
        return {"provider": self.provider, "method": self.method, "currency": self.currency,
                "net_minor": self.net_minor,
                **{name: {"count": t.count, "minor": t.minor} for name, t in self.tallies.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportLine:
        line = cls(str(data["provider"]), str(data["method"]), str(data["currency"]))
        for name in BUCKETS:
            if name in data:  # a Z report kept before a bucket was added has none of it
                line.tallies[name] = Tally(int(data[name]["count"]), int(data[name]["minor"]))
        return line


class ShiftReport(Struct, frozen=True):
    kind: str  # "X" (any time, changes nothing) or "Z" (closes the shift)
    shift_number: int
    cashier: str
    opened_at: datetime
    closed_at: datetime | None
    made_at: datetime
    training: bool
    lines: Sequence[ReportLine]
    # What the totals alone hide: reconciliation's differences (open or resolved, and how)
    # and payments decided by a person.  JSON-shaped dicts, see :func:`_notes`.
    notes: Sequence[Mapping[str, Any]] = ()
    closed_by: str = ""  # a Z report's: who closed the shift (the journal's actor)

    def totals(self) -> list[ReportLine]:
        """One line per currency summing every provider."""
        by_currency: dict[str, ReportLine] = {}
        for line in self.lines:
            total = by_currency.setdefault(line.currency, ReportLine("", "", line.currency))
            for name, tally in line.tallies.items():
                total.tallies[name].add(tally.count, tally.minor)
        return list(by_currency.values())

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "shift": self.shift_number, "cashier": self.cashier,
                "opened_at": self.opened_at.isoformat(),
                "closed_at": self.closed_at.isoformat() if self.closed_at else None,
                "made_at": self.made_at.isoformat(), "training": self.training,
                "lines": [line.to_json() for line in self.lines],
                "totals": [line.to_json() for line in self.totals()],
                "notes": [dict(note) for note in self.notes], "closed_by": self.closed_by}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShiftReport:
        closed = data.get("closed_at")
        return cls(kind=str(data["kind"]), shift_number=int(data["shift"]),
                   cashier=str(data["cashier"]),
                   opened_at=datetime.fromisoformat(data["opened_at"]),
                   closed_at=datetime.fromisoformat(closed) if closed else None,
                   made_at=datetime.fromisoformat(data["made_at"]),
                   training=bool(data["training"]),
                   lines=[ReportLine.from_json(line) for line in data["lines"]],
                   notes=list(data.get("notes", ())),  # Z reports kept before notes: none
                   closed_by=str(data.get("closed_by") or ""))


async def shift_report(journal: Journal, shift: Shift) -> ShiftReport:
    """The X report of ``shift``: the journal as it is now."""
    return await journal.read(lambda conn: count_shift(conn, shift, "X", utcnow()))


def count_shift(conn: sqlite3.Connection, shift: Shift, kind: str, at: datetime, *,
                closed_by: str = "") -> ShiftReport:
    return ShiftReport(kind=kind, shift_number=shift.number, cashier=shift.cashier,
                       opened_at=shift.opened_at, closed_at=at if kind == "Z" else None,
                       made_at=at, training=shift.training, lines=_lines(conn, shift),
                       notes=shift_notes(conn, shift.id, shift.training), closed_by=closed_by)


def _lines(conn: sqlite3.Connection, shift: Shift) -> list[ReportLine]:
    lines: dict[tuple[str, str, str], ReportLine] = {}

    def line(provider: str, method: str, currency: str) -> ReportLine:
        key = (provider, method, currency)
        return lines.setdefault(key, ReportLine(*key))

    for provider, method, currency, kind, state, count, minor in payment_tallies(
            conn, shift.id, shift.training, _PAID_STATES):
        bucket = "refused" if state == REFUSED else _BUCKET_OF_STATE[PaymentState(state)]
        if kind == "withdrawal" and bucket == "paid":
            bucket = "payouts"
        line(provider, method, currency).tallies[bucket].add(count, minor)
    for provider, method, currency, count, refunded in refund_tallies(conn, shift.id,
                                                                       shift.training):
        line(provider, method, currency).tallies["refunded"].add(count, refunded or 0)
    return [lines[key] for key in sorted(lines)]


# -- rendering ---------------------------------------------------------------------------

def _e(text: object) -> str:
    return html.escape(str(text))


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d.%m.%Y %H:%M") if moment else "—"


def render_report(report: ShiftReport, *, provider_names: Mapping[str, str], store: str,
                  terminal_id: str, width_mm: int = 80) -> str:
    """The report as HTML for the screen, the printer and PDF (what QTextDocument renders),
    laid out for a ``width_mm`` roll (rows that do not fit one line take two, words whole)."""
    chars = line_chars(width_mm)
    title = (Message(C, "Z REPORT — SHIFT CLOSED") if report.kind == "Z"
             else Message(C, "X REPORT — SHIFT STAYS OPEN"))
    parts = ['<html><body style="font-family: sans-serif; font-size: 10pt;">']
    if report.training:
        parts.append('<p align="center"><b>*** '
                     f'{_e(Message(C, "TRAINING — NOT REAL MONEY").render())} ***</b></p>')
    parts.append(f'<p align="center"><b>{_e(store)}</b><br><b>{_e(title.render())}</b></p>')
    parts.append('<table width="100%">')
    for label, value in (
            (Message(C, "Shift"), str(report.shift_number)),
            (Message(C, "Terminal"), terminal_id),
            (Message(C, "Cashier"), report.cashier),
            (Message(C, "Opened"), _when(report.opened_at)),
            (Message(C, "Closed"), _when(report.closed_at)),
            (Message(C, "Closed by"), report.closed_by),
            (Message(C, "Made"), _when(report.made_at))):
        if value:
            parts.append(html_row(label.render(), value, chars=chars))
    parts.append("</table>")
    for line in report.lines:
        parts.append(_section(_heading(line, provider_names), line, chars))
    for total in report.totals():
        parts.append(_section(Message(C, "TOTAL").render(), total, chars, strong=True))
    if not report.lines:
        parts.append(f'<p align="center">{_e(Message(C, "No payments in this shift.").render())}'
                     "</p>")
    if report.notes:
        parts.append(f'<hr><p><b>{_e(Message(C, "RECONCILIATION AND DECISIONS").render())}</b>'
                     "</p>")
        parts.extend(f"<p>{_e(text)}</p>" for text in note_texts(report, provider_names))
    parts.append("</body></html>")
    return "\n".join(parts)


def note_texts(report: ShiftReport, provider_names: Mapping[str, str]) -> list[str]:
    """One sentence per note, in the reader's language."""
    from pos_app.core.reconcile import (  # (imports the service)
        KIND_LABELS,
        DiffKind,
        ref_text,
        side_text,
    )

    texts = []
    for note in report.notes:
        name = provider_names.get(note["provider"]) or title_of(note["provider"])
        if note["source"] == "difference":
            decided = (Message(C, "resolved by {actor}: {reason}", {
                "actor": note["resolved_by"], "reason": note["resolution"]})
                if note["resolved_by"] else Message(C, "NOT RESOLVED"))
            texts.append(Message(C, "{provider} {ref}: {what} (here {ours}, there {theirs}) — "
                                    "{decided}", {
                "provider": name, "ref": ref_text(note["ref"]),
                "what": KIND_LABELS[DiffKind(note["kind"])].render(),
                "ours": side_text(note["ours"]), "theirs": side_text(note["theirs"]),
                "decided": decided.render()}).render())
        elif note["source"] == "open":
            texts.append(Message(C, "{sale} {amount} {provider}: STILL NEEDS ATTENTION ({state})"
                                    " — see Needs attention", {
                "sale": f"S{note['sale']:06d}", "provider": name,
                "amount": Money(note["amount_minor"], note["currency"]).format(),
                "state": state_label(note["state"])}).render())
        elif note["source"] == "alert":
            texts.append(Message(C, "{sale} {amount} {provider}: alert dealt with by {actor}: "
                                    "{note} ({alert})", {
                "sale": f"S{note['sale']:06d}", "provider": name, "actor": note["actor"],
                "amount": Money(note["amount_minor"], note["currency"]).format(),
                "note": _said(note["note"]), "alert": _said(note["alert"])}).render())
        else:
            reason = Message.from_json(json.loads(note["reason"])).render() \
                if note["reason"] else ""
            texts.append(Message(C, "{sale} {amount} {provider}: {state} — {reason}", {
                "sale": f"S{note['sale']:06d}", "provider": name, "reason": reason,
                "amount": Money(note["amount_minor"], note["currency"]).format(),
                "state": state_label(note["state"])}).render())
    return texts


def _said(value: Any) -> str:
    """A message kept as JSON, in the reader's language; older journals kept its English."""
    return Message.from_json(value).render() if isinstance(value, dict) else str(value)


def _heading(line: ReportLine, provider_names: Mapping[str, str]) -> str:
    """"Paymega · bank card": the way to pay in words on the printed and the text report
    alike (a walk: the command line's said "payment_card_rub_hpp")."""
    name = provider_names.get(line.provider) or title_of(line.provider)
    return f"{name} · {method_label(line.provider, line.method)}" if line.method else name


def _section(heading: str, line: ReportLine, chars: int, *, strong: bool = False) -> str:
    out = [f'<hr><p><b>{_e(heading)}</b></p><table width="100%">']
    for name, label in BUCKETS.items():
        tally = line.tallies[name]
        if tally.count or name in ("paid", "refunded"):
            out.append(html_row(f"{label.render()} ({tally.count})",
                                Money(tally.minor, line.currency).format(), chars=chars))
    out.append(html_row(Message(C, "Net").render(), Money(line.net_minor, line.currency).format(),
                        strong=True, chars=chars))
    out.append("</table>")
    return "".join(out)


def report_text(report: ShiftReport, *, provider_names: Mapping[str, str]) -> str:
    """The report for a terminal or a log: the same content as the HTML, in columns."""
    title = "Z" if report.kind == "Z" else "X"
    out = [f"{title} report, shift {report.shift_number} ({report.cashier}), "
           f"opened {_when(report.opened_at)}, closed {_when(report.closed_at)}"
           + (f" by {report.closed_by}" if report.closed_by else "")
           + (" [TRAINING]" if report.training else "")]
    sections = [(_heading(line, provider_names), line) for line in report.lines]
    sections += [("TOTAL", total) for total in report.totals()]
    for heading, line in sections:
        out.append(f"  {heading}")
        for name, label in BUCKETS.items():
            tally = line.tallies[name]
            if tally.count or name in ("paid", "refunded"):
                out.append(f"    {label.render():<24} {tally.count:>5}  "
                           f"{Money(tally.minor, line.currency).format():>16}")
        out.append(f"    {Message(C, 'Net').render():<24} {'':>5}  "
                   f"{Money(line.net_minor, line.currency).format():>16}")
    if not report.lines:
        out.append("  " + Message(C, "No payments in this shift.").render())
    if report.notes:
        out.append("  " + Message(C, "RECONCILIATION AND DECISIONS").render())
        out.extend(f"    {text}" for text in note_texts(report, provider_names))
    return "\n".join(out)
