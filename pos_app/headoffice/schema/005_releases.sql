-- Configuration and catalog releases, pushed down (issue 19): published at the head office,
-- pulled by the registers, which check them as they check a local file and apply them when
-- no payment is in progress.  Versions count up per kind; the newest release that applies to
-- a register is its release (the chain's, its store's, or its own).  Secrets are never here.
CREATE TABLE releases (
    kind text NOT NULL CHECK (kind IN ('config', 'catalog')),
    version int NOT NULL,
    store_id text,  -- NULL: the whole chain
    terminal_id text,  -- NULL: every register of the store (or of the chain)
    content text NOT NULL,  -- the file as a register keeps it (TOML, or the catalog's CSV)
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by text NOT NULL,
    PRIMARY KEY (kind, version),
    CHECK (terminal_id IS NULL OR store_id IS NOT NULL)
);

-- What each register runs: its last applied release of each kind (from its journal's events).
CREATE VIEW register_releases AS
SELECT DISTINCT ON (e.store_id, e.journal_uuid, e.data->>'kind')
       e.store_id, j.terminal_id, e.journal_uuid, e.data->>'kind' AS kind,
       (e.data->>'version')::int AS version, e.at AS applied_at
FROM events e
JOIN journals j ON j.store_id = e.store_id AND j.journal_uuid = e.journal_uuid
WHERE e.kind = 'release_applied'
ORDER BY e.store_id, e.journal_uuid, e.data->>'kind', e.seq DESC;
