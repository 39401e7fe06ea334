CREATE TYPE "public"."count_grain" AS ENUM('minute', 'hour', 'day', 'month');--> statement-breakpoint
CREATE TABLE "event_count_deltas" (
	"sign" smallint NOT NULL,
	"first_at" timestamp (3) with time zone NOT NULL,
	"last_at" timestamp (3) with time zone NOT NULL,
	"tenant" text[] NOT NULL,
	"occurred_at" timestamp (3) with time zone[] NOT NULL,
	"status" "event_status"[] NOT NULL,
	"user_name" text[] NOT NULL,
	"task_name" text[] NOT NULL,
	"object_type" text[] NOT NULL,
	"application" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_counts" (
	"dimension" text NOT NULL,
	"grain" "count_grain" NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"tenant" text COLLATE "C" NOT NULL,
	"status" "event_status" NOT NULL,
	"value" text COLLATE "C",
	"n" bigint NOT NULL,
	CONSTRAINT "event_counts_key" UNIQUE NULLS NOT DISTINCT("dimension","grain","bucket","tenant","status","value")
);
