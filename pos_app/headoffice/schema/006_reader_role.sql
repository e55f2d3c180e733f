-- The read-only role for BI tools (Metabase, Superset, a spreadsheet): the documented views,
-- nothing else — not the events, the rows, the terminals' credential hashes or the releases.
-- Give a person or a tool a login in it:
--   CREATE ROLE metabase LOGIN PASSWORD '…' IN ROLE office_reader;
-- A role is the cluster's, so it is made once; the grants are this database's.  Without the
-- right to create roles (a managed PostgreSQL), an administrator creates office_reader and
-- runs the grants below by hand; the service starts either way.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'office_reader') THEN
        BEGIN
            CREATE ROLE office_reader NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'the role office_reader was not created (no CREATEROLE): '
                          'BI tools cannot read the views until an administrator makes it';
            RETURN;
        END;
    END IF;
    GRANT USAGE ON SCHEMA public TO office_reader;
    GRANT SELECT ON register_freshness, wrong_clock_journals, money_at_risk,
        unresolved_differences, long_open_shifts, shift_takings, store_day_takings,
        store_day_z_reports, takings_by_day, register_releases TO office_reader;
END $$;
