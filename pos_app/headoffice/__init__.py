"""The head office (issue 19): every live register's journal in PostgreSQL, exactly once.

- :mod:`.wire` — what a register sends and what it is answered (one batch of its journal);
- :mod:`.shipper` — the register's side: reads its journal on a connection of its own and
  sends it in batches, backing off with jitter while the head office is unreachable;
- :mod:`.database` — the PostgreSQL side: the numbered SQL migrations in ``schema/`` and the
  ingest transaction that keeps each journal's events once, by ``(journal_uuid, seq)``;
- :mod:`.server` — the ASGI service (``pos-app office serve``): ingest and enrolment checks.

One way each direction, so nothing needs conflict resolution: events go up, never down.
"""
