CREATE TABLE "producer_gaps" (
	"tenant" text COLLATE "C" NOT NULL,
	"producer_id" text COLLATE "C" NOT NULL,
	"first_seq" bigint NOT NULL,
	"last_seq" bigint NOT NULL,
	"missing" bigint NOT NULL,
	"since" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "producer_gaps_pkey" PRIMARY KEY("tenant","producer_id","first_seq")
);
--> statement-breakpoint
CREATE TABLE "producer_seq_deltas" (
	"tenant" text COLLATE "C" NOT NULL,
	"producer_id" text COLLATE "C" NOT NULL,
	"seqs" bigint[] NOT NULL,
	"seen_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "producers" (
	"tenant" text COLLATE "C" NOT NULL,
	"producer_id" text COLLATE "C" NOT NULL,
	"high_seq" bigint NOT NULL,
	"first_seen_at" timestamp (3) with time zone NOT NULL,
	"last_seen_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "producers_pkey" PRIMARY KEY("tenant","producer_id")
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "producer_id" text COLLATE "C";--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "producer_seq" bigint;--> statement-breakpoint
CREATE INDEX "producer_gaps_since_idx" ON "producer_gaps" USING btree ("since");--> statement-breakpoint
CREATE INDEX "events_producer_id_idx" ON "events" USING btree ("producer_id","occurred_at","event_id");