-- The head office's first schema (issue 19): terminals, their journals, the journals' events
-- (by day of the register's clock) and the current rows the events describe (by month).
-- Every key starts with store_id, so distributing by store (Citus) needs no key change.

CREATE TABLE terminals (
    store_id text NOT NULL,
    terminal_id text NOT NULL,
    credential_sha256 text NOT NULL UNIQUE,  -- the credential itself is never kept
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    PRIMARY KEY (store_id, terminal_id)
);

CREATE TABLE journals (
    store_id text NOT NULL,
    journal_uuid uuid NOT NULL,
    terminal_id text NOT NULL,
    cursor bigint NOT NULL DEFAULT 0,  -- the last event kept; the register sends from here
    register_last_seq bigint NOT NULL DEFAULT 0,  -- the register's newest event, last said
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    clock_offset_s double precision,  -- the register's clock minus ours, at its last batch
    refused text,  -- 'restored' or 'diverged': nothing more is taken from this journal
    refused_at timestamptz,
    PRIMARY KEY (store_id, journal_uuid),
    FOREIGN KEY (store_id, terminal_id) REFERENCES terminals
);
CREATE UNIQUE INDEX journals_uuid ON journals (journal_uuid);

CREATE TABLE events (
    store_id text NOT NULL,
    journal_uuid uuid NOT NULL,
    seq bigint NOT NULL,
    at timestamptz NOT NULL,  -- the register's clock
    kind text NOT NULL,
    payment_id text,
    operation_id text,
    from_state text,
    to_state text,
    data jsonb NOT NULL,
    digest text NOT NULL,  -- wire.Event.digest: the same event has the same digest
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, journal_uuid, seq, at)
) PARTITION BY RANGE (at);
-- A register whose clock is far off (2001) lands here, and the page says so.
CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE TABLE register_rows (
    store_id text NOT NULL,
    journal_uuid uuid NOT NULL,
    tbl text NOT NULL,  -- sales, payments, operations, shifts, differences
    id text NOT NULL,
    created_at timestamptz NOT NULL,
    as_of bigint NOT NULL,  -- the register's newest event when the row was read
    data jsonb NOT NULL,
    PRIMARY KEY (store_id, journal_uuid, tbl, id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE register_rows_default PARTITION OF register_rows DEFAULT;
