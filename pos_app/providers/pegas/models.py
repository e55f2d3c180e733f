"""Pegas-kassa answers, read tolerantly (spec §4 "Client tolerance rule", §8.9)."""

from __future__ import annotations

from decimal import Decimal

import msgspec


class ValidationError(msgspec.Struct):
    path: str | None = None
    message: str | None = None


class ErrorEntry(msgspec.Struct):
    code: str | None = None
    message: str | None = None
    validation_error: ValidationError | None = None


Errors = list[ErrorEntry | str] | ErrorEntry | str | None


class Envelope(msgspec.Struct):
    """Whatever error fields an answer has, in any of the accepted shapes."""

    errors: Errors = None
    error: ErrorEntry | str | None = None
    code: str | None = None
    message: str | None = None


class DepositAnswer(Envelope):
    id: str | int | None = None
    commission: Decimal | None = None
    url: str | None = None
    wallet: str | None = None
    card: str | None = None


class TransactionAnswer(Envelope):
    """The assumed status endpoint (spec §6.1)."""

    id: str | int | None = None
    order_id: str | None = None
    operation: str | None = None
    type: str | None = None
    amount: Decimal | None = None
    commission: Decimal | None = None
    status: str | None = None
    expires_at: str | None = None


class BalanceAnswer(Envelope):
    balance: Decimal | None = None


class AlternativeFile(Envelope):
    """A receipt answered as JSON: a link or a base64 file (spec §5.5 client rule)."""

    url: str | None = None
    file: str | None = None


def first_error(answer: Envelope) -> tuple[str, str, str] | None:
    """(code, path, message) of the first error, or None when there is none."""
    entries: list[ErrorEntry | str] = []
    if isinstance(answer.errors, list):
        entries = answer.errors
    elif answer.errors is not None:
        entries = [answer.errors]
    if answer.error is not None:
        entries.append(answer.error)
    if not entries and answer.code:
        return answer.code, "", answer.message or ""
    if not entries:
        return None
    first = entries[0]
    if isinstance(first, str):
        return "", "", first
    path = first.validation_error.path or "" if first.validation_error else ""
    message = (first.validation_error.message if first.validation_error else None) \
        or first.message or ""
    return first.code or "", path, message
