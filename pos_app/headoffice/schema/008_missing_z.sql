-- Shift discipline, the other half: a shift closed without its Z report (a journal from
-- before Z reports were kept with the shift, or a Z the register has not sent).  With
-- long_open_shifts (open over 24 hours: its Z is overdue) these are the missing Z reports.
CREATE VIEW shifts_without_z AS
SELECT r.store_id, r.journal_uuid, r.data->>'id' AS shift_id,
       (r.data->>'number')::int AS number, r.data->>'cashier' AS cashier,
       r.created_at AS opened_at, (r.data->>'closed_at')::timestamptz AS closed_at
FROM register_rows r
WHERE r.tbl = 'shifts' AND r.data->>'closed_at' IS NOT NULL
  AND (r.data->'z_report_json' IS NULL OR r.data->'z_report_json' = 'null'::jsonb);

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'office_reader') THEN
        GRANT SELECT ON shifts_without_z TO office_reader;
    END IF;
END $$;
