"""The time of day for records and deadlines: always aware, always UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC (the journal's timestamps and every provider deadline)."""
    return datetime.now(UTC)
