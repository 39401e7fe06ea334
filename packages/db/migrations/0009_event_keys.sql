CREATE TABLE "event_keys" (
	"tenant" text COLLATE "C" NOT NULL,
	"event_id" uuid NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "event_keys_pkey" PRIMARY KEY("tenant","event_id")
);
--> statement-breakpoint
-- Hand-written from here. Every stored eventId gets its key. Where an eventId was stored
-- more than once before this migration (a retry without occurredAt, or with another one),
-- the earliest copy holds the key; the others stay, as events are never deleted here.
INSERT INTO "event_keys" ("tenant", "event_id", "occurred_at")
SELECT DISTINCT ON ("tenant", "event_id") "tenant", "event_id", "occurred_at"
FROM "events"
ORDER BY "tenant", "event_id", "occurred_at", "id";
--> statement-breakpoint
-- Append-only like events: keys leave only with their events, in a purge.
CREATE TRIGGER event_keys_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "event_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();
