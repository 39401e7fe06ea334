-- Hand-written: counts of the events stored before event_counts existed (what
-- src/event-counts.ts countEventsOfTableSql('events') rendered when this was written).
-- One pass over events; from here on every change keeps the counts up to date.
INSERT INTO event_counts (dimension, grain, bucket, tenant, status, value, n)
SELECT f.dimension, g.grain, g.bucket, f.tenant, f.status, f.value, sum(f.n)
FROM (SELECT d.dimension, d.bucket, r."tenant"::text COLLATE "C" AS tenant,
       r."status" AS status, d.value, sum(r.sign)::bigint AS n
FROM (SELECT 1 AS sign, "tenant", "occurred_at", "status", "user_name", "task_name", "object_type", "application" FROM "events") AS r
CROSS JOIN LATERAL (VALUES ('*', date_trunc('minute', r."occurred_at", 'UTC'), NULL::text COLLATE "C"), ('userName', date_trunc('hour', r."occurred_at", 'UTC'), r."user_name"::text COLLATE "C"), ('taskName', date_trunc('hour', r."occurred_at", 'UTC'), r."task_name"::text COLLATE "C"), ('objectType', date_trunc('hour', r."occurred_at", 'UTC'), r."object_type"::text COLLATE "C"), ('application', date_trunc('hour', r."occurred_at", 'UTC'), r."application"::text COLLATE "C")) AS d(dimension, bucket, value)
GROUP BY 1, 2, 3, 4, 5) AS f
CROSS JOIN LATERAL (VALUES ('minute'::count_grain, 0, date_trunc('minute', f.bucket, 'UTC')), ('hour'::count_grain, 1, date_trunc('hour', f.bucket, 'UTC')), ('day'::count_grain, 2, date_trunc('day', f.bucket, 'UTC')), ('month'::count_grain, 3, date_trunc('month', f.bucket, 'UTC'))) AS g(grain, rank, bucket)
WHERE g.rank >= CASE f.dimension WHEN '*' THEN 0 WHEN 'userName' THEN 1 WHEN 'taskName' THEN 1 WHEN 'objectType' THEN 1 WHEN 'application' THEN 1 END
GROUP BY 1, 2, 3, 4, 5, 6
HAVING sum(f.n) <> 0
-- One order for every writer: upserts lock rows in it, so they cannot deadlock.
ORDER BY 1, 2, 3, 4, 5, 6
ON CONFLICT ON CONSTRAINT event_counts_key
DO UPDATE SET n = event_counts.n + excluded.n;
