-- The hourly rollups of 0008 are withdrawn: their statement-level triggers made concurrent writers
-- of one endpoint queue (and deadlock) on the same webhook_hourly_stats row, and the reliability
-- suite's 400 events/s stream stalled. The log's indexes of 0008 stay. Branch `scale-log` keeps
-- the rollup work for another try.
DROP TRIGGER IF EXISTS "deliveries_stats_insert" ON "deliveries";--> statement-breakpoint
DROP TRIGGER IF EXISTS "deliveries_stats_update" ON "deliveries";--> statement-breakpoint
DROP TRIGGER IF EXISTS "deliveries_stats_delete" ON "deliveries";--> statement-breakpoint
DROP TRIGGER IF EXISTS "delivery_attempts_stats_insert" ON "delivery_attempts";--> statement-breakpoint
DROP TRIGGER IF EXISTS "delivery_attempts_stats_update" ON "delivery_attempts";--> statement-breakpoint
DROP FUNCTION IF EXISTS "webhook_stats_count_deliveries"();--> statement-breakpoint
DROP FUNCTION IF EXISTS "webhook_stats_add_attempts"();--> statement-breakpoint
DROP FUNCTION IF EXISTS "webhook_stats_rebuild"(timestamptz);--> statement-breakpoint
DROP FUNCTION IF EXISTS "webhook_latency_merge"(jsonb, jsonb);--> statement-breakpoint
DROP FUNCTION IF EXISTS "webhook_latency_bucket"(integer);--> statement-breakpoint
DROP TABLE "webhook_hourly_stats" CASCADE;
