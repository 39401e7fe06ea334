ALTER TABLE "jobs" ALTER COLUMN "tenant" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "jobs" ALTER COLUMN "tenant" DROP NOT NULL;--> statement-breakpoint
-- Hand-written: the installation's own jobs were filed under tenant 'default', where that
-- tenant's tokens saw them (names, filters, results of every tenant's exports and purges).
-- A service's reported job has an external key; a token's export names its tenant scope.
UPDATE "jobs" SET "tenant" = NULL
WHERE "external_key" IS NULL
  AND ("type" IN ('retention', 'purge') OR ("type" = 'export' AND "params"->>'tenantScope' IS NULL));
