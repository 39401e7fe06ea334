-- Hand-written: what drizzle-kit cannot express for the events table.
--
-- 1. Monthly partitions, created on demand. The insert path (insertEvents) calls
--    audit_ensure_event_partition for every month of a batch it has not seen yet, and start-up
--    creates the months around "now" ahead of time. There is deliberately no DEFAULT partition:
--    once it holds a row of some month, creating that month's partition fails until the rows
--    are moved, and every partition creation must scan it.
-- 2. Append-only: UPDATE is refused, DELETE/TRUNCATE only inside a transaction that ran
--    `SET LOCAL audit.allow_delete = 'on'` (the purge and retention path).

CREATE FUNCTION audit_ensure_event_partition(ts timestamptz) RETURNS text
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
  IF to_regclass(quote_ident(part)) IS NULL THEN
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
  END IF;
  RETURN part;
END $$;
--> statement-breakpoint

-- Every month from `from_ts` to `to_ts`, both included.
CREATE FUNCTION audit_ensure_event_partitions(from_ts timestamptz, to_ts timestamptz)
RETURNS SETOF text
LANGUAGE sql AS $$
  SELECT audit_ensure_event_partition(month AT TIME ZONE 'UTC')
  FROM generate_series(
    date_trunc('month', from_ts AT TIME ZONE 'UTC'),
    date_trunc('month', to_ts AT TIME ZONE 'UTC'),
    interval '1 month'
  ) AS month
$$;
--> statement-breakpoint

CREATE FUNCTION audit_events_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('audit.allow_delete', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit events are append-only: % is not allowed', TG_OP
    USING ERRCODE = '55000', HINT = 'Events are removed only by purge and retention.';
END $$;
--> statement-breakpoint

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
--> statement-breakpoint

CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();
