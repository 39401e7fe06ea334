CREATE TYPE "public"."seal_entry_kind" AS ENUM('checkpoint', 'purge');--> statement-breakpoint
CREATE SEQUENCE "public"."legal_holds_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "legal_holds" (
	"id" bigint PRIMARY KEY DEFAULT nextval('legal_holds_id_seq'::regclass) NOT NULL,
	"name" text NOT NULL,
	"reason" text NOT NULL,
	"filter" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"released_by" text,
	"released_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "seal_entries" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"kind" "seal_entry_kind" NOT NULL,
	"statement" text NOT NULL,
	"signature" text NOT NULL,
	"after_id" bigint,
	"through_id" bigint,
	"leaves" "bytea",
	"sealed_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "seal_purge_covers" (
	"receipt_seq" bigint NOT NULL,
	"checkpoint_seq" bigint NOT NULL,
	"removed" "bytea" NOT NULL,
	"removed_count" integer NOT NULL,
	CONSTRAINT "seal_purge_covers_pkey" PRIMARY KEY("receipt_seq","checkpoint_seq")
);
--> statement-breakpoint
ALTER TABLE "seal_purge_covers" ADD CONSTRAINT "seal_purge_covers_receipt_seq_seal_entries_seq_fk" FOREIGN KEY ("receipt_seq") REFERENCES "public"."seal_entries"("seq") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seal_purge_covers" ADD CONSTRAINT "seal_purge_covers_checkpoint_seq_seal_entries_seq_fk" FOREIGN KEY ("checkpoint_seq") REFERENCES "public"."seal_entries"("seq") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "seal_entries_through_id_idx" ON "seal_entries" USING btree ("through_id");--> statement-breakpoint
CREATE INDEX "seal_entries_sealed_at_idx" ON "seal_entries" USING btree ("sealed_at");--> statement-breakpoint
CREATE INDEX "seal_purge_covers_checkpoint_idx" ON "seal_purge_covers" USING btree ("checkpoint_seq");--> statement-breakpoint
-- Hand-written from here. The seal chain is never changed nor shortened by the application:
-- purges add receipts instead. (A superuser can still disable this; verification finds that.)
CREATE FUNCTION audit_seal_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the seal chain is append-only: % is not allowed', TG_OP
    USING ERRCODE = '55000', HINT = 'Purges add receipts to the chain; nothing is removed from it.';
END $$;
--> statement-breakpoint
CREATE TRIGGER seal_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "seal_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_seal_guard();
--> statement-breakpoint
CREATE TRIGGER seal_purge_covers_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "seal_purge_covers"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_seal_guard();
