"""The journal: every sale, payment, operation and event, durable before the next network call.

One owner per table, and no SQL on the journal's tables anywhere else in the app:

- :mod:`.store` — ``Journal``: the file, its thread and transactions; sales, payments,
  operations, receipts and events;
- :mod:`.schema` — the tables and the numbered migrations;
- :mod:`.rows` — rows as records and records as rows;
- :mod:`.where` — the one WHERE builder (``PaymentFilter``) for the history, its counts and
  the export;
- :mod:`.shifts`, :mod:`.differences`, :mod:`.tallies`, :mod:`.exports` — the shifts, the
  reconciliation's differences, the reports' counts and the export's rows.
"""

from pos_app.core.journal.rows import (
    MIN_ID_PREFIX,
    JournalError,
    StaleTransition,
    new_id,
    payment_from_row,
    payment_method,
    stored_request,
    unreadable_row,
)
from pos_app.core.journal.schema import MIGRATIONS, SCHEMA_VERSION, Progress
from pos_app.core.journal.store import Journal
from pos_app.core.journal.where import PaymentFilter

__all__ = [
    "MIGRATIONS",
    "MIN_ID_PREFIX",
    "SCHEMA_VERSION",
    "Journal",
    "JournalError",
    "PaymentFilter",
    "Progress",
    "StaleTransition",
    "new_id",
    "payment_from_row",
    "payment_method",
    "stored_request",
    "unreadable_row",
]
