CREATE TABLE "webhook_hourly_stats" (
	"webhook_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"account_id" text NOT NULL,
	"pending" integer DEFAULT 0 NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"latency" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "webhook_hourly_stats_webhook_id_hour_pk" PRIMARY KEY("webhook_id","hour")
);
--> statement-breakpoint
CREATE TABLE "webhook_stat_deltas" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"webhook_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"account_id" text NOT NULL,
	"pending" integer DEFAULT 0 NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"latency" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_hourly_stats" ADD CONSTRAINT "webhook_hourly_stats_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_hourly_stats" ADD CONSTRAINT "webhook_hourly_stats_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_hourly_stats_account_hour_idx" ON "webhook_hourly_stats" USING btree ("account_id","hour");--> statement-breakpoint
CREATE INDEX "webhook_stat_deltas_webhook_hour_idx" ON "webhook_stat_deltas" USING btree ("webhook_id","hour");--> statement-breakpoint
CREATE INDEX "webhook_stat_deltas_account_hour_idx" ON "webhook_stat_deltas" USING btree ("account_id","hour");--> statement-breakpoint
-- ===== BEGIN hand-written SQL (issue 15 rollups; drizzle-kit does not generate it: carry over verbatim when regenerating) =====
-- The rollups of 0008, without the hot row that made 0010 withdraw them: the triggers no longer
-- upsert webhook_hourly_stats (concurrent writers of one endpoint queued and deadlocked on its
-- row for the hour); they append to webhook_stat_deltas, which nobody updates, and
-- foldStatDeltas() (lib/webhooks/rollups.ts) moves committed deltas into webhook_hourly_stats,
-- one folder at a time.
-- The latency histogram's bucket of a duration in ms: 0 for 0, else 1 + ceil(log_γ(ms)) with
-- γ = 1.02 / 0.98, so a bucket's midpoint 2γ^(k-1)/(γ+1) is within 2 % of every duration in it
-- (DDSketch's mapping). The constant is ln γ.
CREATE OR REPLACE FUNCTION "webhook_latency_bucket"(ms integer) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ms <= 0 THEN 0 ELSE 1 + ceil(ln(ms::float8) / 0.040005334613699206)::integer END
$$;--> statement-breakpoint
-- Two histograms added bucket by bucket (empty buckets left out).
CREATE OR REPLACE FUNCTION "webhook_latency_merge"(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb) FROM (
    SELECT k, sum(v::integer) AS n
    FROM (SELECT key AS k, value AS v FROM jsonb_each_text(a) UNION ALL SELECT key, value FROM jsonb_each_text(b)) x
    GROUP BY k HAVING sum(v::integer) <> 0
  ) y
$$;--> statement-breakpoint
-- Deliveries: +1 for each row as it is now, -1 for each row as it was, per (endpoint, hour created,
-- status), one delta row per (endpoint, hour) the statement touched; changes that net to nothing
-- (a lease taken, a retry scheduled) write nothing. A transition table exists only for the
-- operations that have it, hence a branch per operation.
CREATE OR REPLACE FUNCTION "webhook_stats_count_deliveries"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO webhook_stat_deltas (webhook_id, hour, account_id, pending, succeeded, failed)
    SELECT webhook_id, hour, account_id,
      coalesce(sum(n) FILTER (WHERE status = 'pending'), 0),
      coalesce(sum(n) FILTER (WHERE status = 'succeeded'), 0),
      coalesce(sum(n) FILTER (WHERE status = 'failed'), 0)
    FROM (SELECT webhook_id, account_id, date_trunc('hour', created_at, 'UTC') AS hour, status, 1 AS n FROM new_rows) c
    GROUP BY webhook_id, hour, account_id
    HAVING coalesce(sum(n) FILTER (WHERE status = 'pending'), 0) <> 0
      OR coalesce(sum(n) FILTER (WHERE status = 'succeeded'), 0) <> 0
      OR coalesce(sum(n) FILTER (WHERE status = 'failed'), 0) <> 0;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO webhook_stat_deltas (webhook_id, hour, account_id, pending, succeeded, failed)
    SELECT webhook_id, hour, account_id,
      coalesce(sum(n) FILTER (WHERE status = 'pending'), 0),
      coalesce(sum(n) FILTER (WHERE status = 'succeeded'), 0),
      coalesce(sum(n) FILTER (WHERE status = 'failed'), 0)
    FROM (SELECT webhook_id, account_id, date_trunc('hour', created_at, 'UTC') AS hour, status, 1 AS n FROM new_rows
      UNION ALL
      SELECT webhook_id, account_id, date_trunc('hour', created_at, 'UTC') AS hour, status, -1 AS n FROM old_rows) c
    GROUP BY webhook_id, hour, account_id
    HAVING coalesce(sum(n) FILTER (WHERE status = 'pending'), 0) <> 0
      OR coalesce(sum(n) FILTER (WHERE status = 'succeeded'), 0) <> 0
      OR coalesce(sum(n) FILTER (WHERE status = 'failed'), 0) <> 0;
  ELSE
    INSERT INTO webhook_stat_deltas (webhook_id, hour, account_id, pending, succeeded, failed)
    SELECT webhook_id, hour, account_id,
      coalesce(sum(n) FILTER (WHERE status = 'pending'), 0),
      coalesce(sum(n) FILTER (WHERE status = 'succeeded'), 0),
      coalesce(sum(n) FILTER (WHERE status = 'failed'), 0)
    FROM (SELECT webhook_id, account_id, date_trunc('hour', created_at, 'UTC') AS hour, status, -1 AS n FROM old_rows) c
    GROUP BY webhook_id, hour, account_id
    HAVING coalesce(sum(n) FILTER (WHERE status = 'pending'), 0) <> 0
      OR coalesce(sum(n) FILTER (WHERE status = 'succeeded'), 0) <> 0
      OR coalesce(sum(n) FILTER (WHERE status = 'failed'), 0) <> 0;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "deliveries_stats_insert" AFTER INSERT ON "deliveries" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_stats_count_deliveries();--> statement-breakpoint
CREATE TRIGGER "deliveries_stats_update" AFTER UPDATE ON "deliveries" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_stats_count_deliveries();--> statement-breakpoint
CREATE TRIGGER "deliveries_stats_delete" AFTER DELETE ON "deliveries" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_stats_count_deliveries();--> statement-breakpoint
-- Attempts: each added (or moved) attempt into its endpoint's histogram for the hour it started.
-- Attempts are only deleted with their delivery, by retention or an endpoint's deletion; retention
-- never deletes an attempt started after its cut-off, and clears older hours' histograms itself.
CREATE OR REPLACE FUNCTION "webhook_stats_add_attempts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO webhook_stat_deltas (webhook_id, hour, account_id, latency)
    SELECT webhook_id, hour, account_id, jsonb_object_agg(bucket::text, n) FROM (
      SELECT d.webhook_id, d.account_id, date_trunc('hour', a.started_at, 'UTC') AS hour,
        webhook_latency_bucket(a.duration_ms) AS bucket, count(*) AS n
      FROM new_rows a JOIN deliveries d ON d.id = a.delivery_id
      GROUP BY 1, 2, 3, 4) b
    GROUP BY webhook_id, hour, account_id;
  ELSE
    INSERT INTO webhook_stat_deltas (webhook_id, hour, account_id, latency)
    SELECT webhook_id, hour, account_id, jsonb_object_agg(bucket::text, n) FROM (
      SELECT d.webhook_id, d.account_id, date_trunc('hour', a.started_at, 'UTC') AS hour,
        webhook_latency_bucket(a.duration_ms) AS bucket, sum(a.n) AS n
      FROM (
        SELECT delivery_id, started_at, duration_ms, 1 AS n FROM new_rows
        UNION ALL
        SELECT delivery_id, started_at, duration_ms, -1 FROM old_rows
      ) a JOIN deliveries d ON d.id = a.delivery_id
      GROUP BY 1, 2, 3, 4 HAVING sum(a.n) <> 0) b
    GROUP BY webhook_id, hour, account_id;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "delivery_attempts_stats_insert" AFTER INSERT ON "delivery_attempts" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_stats_add_attempts();--> statement-breakpoint
CREATE TRIGGER "delivery_attempts_stats_update" AFTER UPDATE ON "delivery_attempts" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_stats_add_attempts();--> statement-breakpoint
-- Recompute every rollup from raw rows (`npm run rollups:rebuild`; histograms only of attempts
-- started from latency_from on, null = all). Writers wait on the table locks meanwhile, then add
-- their deltas on top, so nothing is counted twice or missed.
CREATE OR REPLACE FUNCTION "webhook_stats_rebuild"(latency_from timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE webhook_hourly_stats, webhook_stat_deltas IN EXCLUSIVE MODE;
  DELETE FROM webhook_stat_deltas;
  DELETE FROM webhook_hourly_stats;
  -- One insert (counts and histograms joined), so each row is written once.
  INSERT INTO webhook_hourly_stats (webhook_id, hour, account_id, pending, succeeded, failed, latency)
  SELECT coalesce(c.webhook_id, l.webhook_id), coalesce(c.hour, l.hour), coalesce(c.account_id, l.account_id),
    coalesce(c.pending, 0), coalesce(c.succeeded, 0), coalesce(c.failed, 0), coalesce(l.latency, '{}'::jsonb)
  FROM (
    SELECT webhook_id, date_trunc('hour', created_at, 'UTC') AS hour, account_id,
      count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
      count(*) FILTER (WHERE status = 'failed') AS failed
    FROM deliveries GROUP BY 1, 2, 3
  ) c
  FULL JOIN (
    SELECT webhook_id, hour, account_id, jsonb_object_agg(bucket::text, n) AS latency FROM (
      SELECT d.webhook_id, d.account_id, date_trunc('hour', a.started_at, 'UTC') AS hour,
        webhook_latency_bucket(a.duration_ms) AS bucket, count(*) AS n
      FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
      WHERE a.started_at >= coalesce(latency_from, '-infinity'::timestamptz)
      GROUP BY 1, 2, 3, 4) b
    GROUP BY webhook_id, hour, account_id
  ) l ON l.webhook_id = c.webhook_id AND l.hour = c.hour;
END $$;--> statement-breakpoint
SELECT webhook_stats_rebuild(NULL);
-- ===== END hand-written SQL =====
