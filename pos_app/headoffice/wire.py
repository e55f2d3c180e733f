"""One batch of a register's journal, as it travels to the head office (JSON over HTTPS).

``POST /v1/journals/{journal_uuid}/batches`` with ``Authorization: Bearer <credential>`` (the
terminal's, from its enrolment).  The head office owns the cursor: it answers with the last
event number it keeps for that journal, and the register sends from there.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import msgspec

RELEASE_KINDS = ("config", "catalog")  # GET /v1/releases/{kind}: what can be pushed down


class Event(msgspec.Struct, frozen=True):
    """One journal event (``pos_app.core.journal.shipping.events_after``)."""

    seq: int
    at: str  # the register's clock, ISO 8601 UTC
    kind: str
    payment_id: str | None
    operation_id: str | None
    from_state: str | None
    to_state: str | None
    data: dict[str, Any]

    def digest(self) -> str:
        """SHA-256 of the event's canonical JSON: the same event has the same digest on both
        sides (how a resend is told from a journal that went another way)."""
        canonical = json.dumps(msgspec.to_builtins(self), sort_keys=True, ensure_ascii=False,
                               separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class Row(msgspec.Struct, frozen=True):
    """A current row an event is about (``shipping.rows_described``)."""

    table: str
    id: str
    created_at: str
    data: dict[str, Any]


class Batch(msgspec.Struct, frozen=True):
    store_id: str
    terminal_id: str
    last_seq: int  # the newest event in the register's journal
    # The head office's cursor the batch was made from; its events start with the event at
    # that cursor (sent again: a file without it, or with another one, was restored).
    from_cursor: int
    events: list[Event]  # consecutive, from from_cursor (or 1)
    rows: list[Row]
    rows_as_of: int  # the newest event when the rows were read (newer rows win)
    sent_at: str  # the register's clock when it sent: the head office measures its offset


class Answer(msgspec.Struct, frozen=True):
    """``cursor``: the last event kept for this journal.  ``refused``: why nothing more is
    taken from it (``restored``: the file is behind what was received — a backup restored;
    ``diverged``: an event already received came again with other content)."""

    cursor: int
    refused: str | None = None
