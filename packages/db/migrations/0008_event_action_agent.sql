CREATE TYPE "public"."event_action" AS ENUM('create', 'read', 'update', 'delete', 'login', 'logout', 'execute', 'other');--> statement-breakpoint
-- Edited: deltas pending at upgrade get empty arrays of the new fields (unnest pads them with
-- NULLs: their events have neither field); the default goes once they have them.
ALTER TABLE "event_count_deltas" ADD COLUMN "agent" text[] NOT NULL DEFAULT '{}';--> statement-breakpoint
ALTER TABLE "event_count_deltas" ALTER COLUMN "agent" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "event_count_deltas" ADD COLUMN "action" text[] NOT NULL DEFAULT '{}';--> statement-breakpoint
ALTER TABLE "event_count_deltas" ALTER COLUMN "action" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "agent" text COLLATE "C";--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "action" "event_action";--> statement-breakpoint
CREATE INDEX "events_action_idx" ON "events" USING btree ("action","occurred_at","event_id");--> statement-breakpoint
CREATE INDEX "events_agent_idx" ON "events" USING btree ("agent","occurred_at","event_id");--> statement-breakpoint
-- Added: the events already counted have no action and no agent; count them as NULL values of
-- both, at the grains fields are counted at, so facets of the new fields are exact from the start.
INSERT INTO "event_counts" ("dimension", "grain", "bucket", "tenant", "status", "value", "n")
SELECT d.dimension, c.grain, c.bucket, c.tenant, c.status, NULL, c.n
FROM "event_counts" c CROSS JOIN (VALUES ('action'), ('agent')) AS d(dimension)
WHERE c.dimension = '*' AND c.grain <> 'minute';
