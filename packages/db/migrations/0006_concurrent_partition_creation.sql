-- Hand-written: two transactions storing events of the same new month at once. The second
-- waited for the first's advisory lock, then did not see the partition the first had just
-- committed (an advisory lock does not refresh the catalog cache) and failed with
-- "relation events_pYYYYMM already exists" (found by the event counts' property test,
-- issue 12). Creating it now treats "already exists" as found.
CREATE OR REPLACE FUNCTION audit_ensure_event_partition(ts timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  -- Month boundaries in UTC whatever the session's TimeZone.
  month_start timestamp := date_trunc('month', ts AT TIME ZONE 'UTC');
  part text := 'events_p' || to_char(month_start, 'YYYYMM');
BEGIN
  IF month_start < timestamp '0001-01-01' THEN
    RAISE EXCEPTION 'occurred_at % is before year 1', ts USING ERRCODE = '22008';
  END IF;
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN part;
  END IF;
  -- Two sessions creating the same month: the second waits here, then finds it.
  PERFORM pg_advisory_xact_lock(hashtext('audit_ensure_event_partition'));
  BEGIN
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
      part,
      month_start AT TIME ZONE 'UTC',
      (month_start + interval '1 month') AT TIME ZONE 'UTC'
    );
    -- Row triggers are inherited from the parent; a TRUNCATE trigger is not.
    EXECUTE format(
      'CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON %I
         FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard()',
      part
    );
  EXCEPTION WHEN duplicate_table THEN
    -- Created by the session whose lock we waited for.
    NULL;
  END;
  RETURN part;
END $$;
