-- Takings as the head office computes them from the registers' rows, by the same rules as the
-- registers' X and Z reports (pos_app/core/reports.py): a payment counts in the shift it
-- started in, under the state it has now (what arrived, when the provider said); a refund in
-- the shift it was made in; payouts are money out.  Amounts in minor units of the currency.

-- Per shift, provider and currency: paid, refunded, paid out, and what stayed (net).
CREATE VIEW shift_takings AS
WITH paid AS (
    SELECT store_id, journal_uuid, data->>'shift_id' AS shift_id,
           data->>'provider' AS provider, data->>'currency' AS currency,
           sum(CASE WHEN data->>'kind' = 'payment' THEN coalesce(
               (data->>'paid_minor')::bigint, (data->>'amount_minor')::bigint) ELSE 0 END)
               AS paid_minor,
           sum(CASE WHEN data->>'kind' = 'withdrawal' THEN coalesce(
               (data->>'paid_minor')::bigint, (data->>'amount_minor')::bigint) ELSE 0 END)
               AS payouts_minor
    FROM register_rows
    WHERE tbl = 'payments' AND data->>'shift_id' IS NOT NULL
      AND data->>'state' IN ('PAID', 'REFUNDING', 'PARTIALLY_REFUNDED', 'REFUNDED')
    GROUP BY 1, 2, 3, 4, 5
), refunded AS (
    SELECT o.store_id, o.journal_uuid, o.data->>'shift_id' AS shift_id,
           p.data->>'provider' AS provider, p.data->>'currency' AS currency,
           sum((o.data->>'amount_minor')::bigint) AS refunded_minor
    FROM register_rows o
    JOIN register_rows p ON p.store_id = o.store_id AND p.journal_uuid = o.journal_uuid
                        AND p.tbl = 'payments' AND p.id = o.data->>'payment_id'
    WHERE o.tbl = 'operations' AND o.data->>'kind' = 'refund' AND o.data->>'state' = 'DONE'
      AND o.data->>'shift_id' IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
)
SELECT coalesce(paid.store_id, refunded.store_id) AS store_id,
       coalesce(paid.journal_uuid, refunded.journal_uuid) AS journal_uuid,
       coalesce(paid.shift_id, refunded.shift_id) AS shift_id,
       coalesce(paid.provider, refunded.provider) AS provider,
       coalesce(paid.currency, refunded.currency) AS currency,
       coalesce(paid.paid_minor, 0) AS paid_minor,
       coalesce(refunded.refunded_minor, 0) AS refunded_minor,
       coalesce(paid.payouts_minor, 0) AS payouts_minor,
       coalesce(paid.paid_minor, 0) - coalesce(refunded.refunded_minor, 0)
           - coalesce(paid.payouts_minor, 0) AS net_minor
FROM paid FULL JOIN refunded
  ON (paid.store_id, paid.journal_uuid, paid.shift_id, paid.provider, paid.currency)
   = (refunded.store_id, refunded.journal_uuid, refunded.shift_id, refunded.provider,
      refunded.currency);

-- Per store and day of the closed shifts (UTC), computed from the rows...
CREATE VIEW store_day_takings AS
SELECT t.store_id, (s.data->>'closed_at')::timestamptz::date AS day, t.currency,
       sum(t.net_minor)::bigint AS net_minor
FROM shift_takings t
JOIN register_rows s ON s.store_id = t.store_id AND s.journal_uuid = t.journal_uuid
                    AND s.tbl = 'shifts' AND s.id = t.shift_id
WHERE s.data->>'closed_at' IS NOT NULL
GROUP BY 1, 2, 3;

-- ...and as the registers' Z reports printed them: the two agree, or a register's rows are
-- missing at the head office.
CREATE VIEW store_day_z_reports AS
SELECT s.store_id, (s.data->>'closed_at')::timestamptz::date AS day, total->>'currency' AS currency,
       sum((total->>'net_minor')::bigint)::bigint AS net_minor, count(DISTINCT s.id) AS z_reports
FROM register_rows s, jsonb_array_elements(s.data->'z_report_json'->'totals') AS total
WHERE s.tbl = 'shifts' AND s.data->>'closed_at' IS NOT NULL
GROUP BY 1, 2, 3;
