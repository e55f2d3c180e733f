-- The head office's facts as documented views: the page reads them, and so can Metabase or any
-- BI tool through a read-only role (GRANT SELECT ON these views; the tables stay hidden).

-- Each journal: when its register was last heard from, what it still has to send, how far its
-- clock is from ours, and whether it is stopped (restored from a backup, or diverged).
CREATE VIEW register_freshness AS
SELECT j.store_id, j.terminal_id, j.journal_uuid, j.last_seen,
       greatest(j.register_last_seq - j.cursor, 0) AS backlog,
       j.clock_offset_s, j.refused, j.refused_at
FROM journals j;

-- Events whose register clock fell outside every daily partition (a clock in 2001): the
-- register's clock is wrong, and its events sort wrongly until it is fixed.
CREATE VIEW wrong_clock_journals AS
SELECT store_id, journal_uuid, count(*) AS events, min(at) AS earliest, max(at) AS latest
FROM events_default
GROUP BY store_id, journal_uuid;

-- Money at risk: payments whose outcome is unknown, or flagged for a person, for over 15
-- minutes (amounts in minor units of their currency).
CREATE VIEW money_at_risk AS
SELECT r.store_id, r.journal_uuid, r.data->>'id' AS payment_id, r.data->>'provider' AS provider,
       r.data->>'state' AS state, (r.data->>'amount_minor')::bigint AS amount_minor,
       r.data->>'currency' AS currency, r.created_at,
       coalesce(r.data->'attention_json', 'null'::jsonb) <> 'null'::jsonb AS flagged
FROM register_rows r
WHERE r.tbl = 'payments'
  AND (r.data->>'state' = 'UNKNOWN'
       OR coalesce(r.data->'attention_json', 'null'::jsonb) <> 'null'::jsonb)
  AND r.created_at < now() - interval '15 minutes';

-- Reconciliation differences not resolved yet, orphans (paid at the provider, unknown to the
-- journal) first.
CREATE VIEW unresolved_differences AS
SELECT r.store_id, r.journal_uuid, r.data->>'id' AS difference_id,
       r.data->>'shift_id' AS shift_id, r.data->>'provider' AS provider,
       r.data->>'kind' AS kind, r.data->>'ref' AS ref, r.created_at AS found_at
FROM register_rows r
WHERE r.tbl = 'differences' AND r.data->>'resolved_at' IS NULL
ORDER BY (r.data->>'kind' = 'orphan') DESC, r.created_at;

-- Shift discipline: shifts open for over 24 hours (a day's takings belong in one Z report).
CREATE VIEW long_open_shifts AS
SELECT r.store_id, r.journal_uuid, r.data->>'id' AS shift_id,
       (r.data->>'number')::int AS number, r.data->>'cashier' AS cashier, r.created_at AS opened_at
FROM register_rows r
WHERE r.tbl = 'shifts' AND r.data->>'closed_at' IS NULL
  AND r.created_at < now() - interval '24 hours';
