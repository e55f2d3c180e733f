-- Takings per store, provider and day (UTC) of the payment or refund: what the page compares,
-- today against the same weekday a week before.  The same rules as shift_takings.
CREATE VIEW takings_by_day AS
WITH moves AS (
    SELECT store_id, data->>'provider' AS provider, data->>'currency' AS currency,
           created_at::date AS day,
           CASE WHEN data->>'kind' = 'withdrawal' THEN -1 ELSE 1 END * coalesce(
               (data->>'paid_minor')::bigint, (data->>'amount_minor')::bigint) AS minor
    FROM register_rows
    WHERE tbl = 'payments'
      AND data->>'state' IN ('PAID', 'REFUNDING', 'PARTIALLY_REFUNDED', 'REFUNDED')
    UNION ALL
    SELECT o.store_id, p.data->>'provider', p.data->>'currency', o.created_at::date,
           -(o.data->>'amount_minor')::bigint
    FROM register_rows o
    JOIN register_rows p ON p.store_id = o.store_id AND p.journal_uuid = o.journal_uuid
                        AND p.tbl = 'payments' AND p.id = o.data->>'payment_id'
    WHERE o.tbl = 'operations' AND o.data->>'kind' = 'refund' AND o.data->>'state' = 'DONE'
)
SELECT store_id, provider, currency, day, sum(minor)::bigint AS net_minor, count(*) AS moves
FROM moves
GROUP BY 1, 2, 3, 4;
