-- register_freshness also says when the terminal's credential was revoked: a revoked register
-- was shown "fine" while it had stopped sending (a walk).
CREATE OR REPLACE VIEW register_freshness AS
SELECT j.store_id, j.terminal_id, j.journal_uuid, j.last_seen,
       greatest(j.register_last_seq - j.cursor, 0) AS backlog,
       j.clock_offset_s, j.refused, j.refused_at, t.revoked_at
FROM journals j
JOIN terminals t ON t.store_id = j.store_id AND t.terminal_id = j.terminal_id;
