CREATE TABLE "account_events" (
	"event_id" text NOT NULL,
	"account_id" text NOT NULL,
	"event_type" text NOT NULL,
	"subject_id" text,
	"external_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"txid" bigint DEFAULT (pg_current_xact_id()::text)::bigint NOT NULL,
	CONSTRAINT "account_events_event_id_account_id_pk" PRIMARY KEY("event_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "cli_listeners" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"api_key_id" text NOT NULL,
	"events" text[],
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "deliveries_event_webhook_key";--> statement-breakpoint
ALTER TABLE "account_events" ADD CONSTRAINT "account_events_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_events" ADD CONSTRAINT "account_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cli_listeners" ADD CONSTRAINT "cli_listeners_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cli_listeners" ADD CONSTRAINT "cli_listeners_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_events_account_txid_idx" ON "account_events" USING btree ("account_id","txid","event_id");--> statement-breakpoint
CREATE INDEX "account_events_account_created_idx" ON "account_events" USING btree ("account_id","created_at" DESC NULLS LAST,"event_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "account_events_account_type_created_idx" ON "account_events" USING btree ("account_id","event_type","created_at" DESC NULLS LAST,"event_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "account_events_account_subject_idx" ON "account_events" USING btree ("account_id","subject_id");--> statement-breakpoint
CREATE INDEX "account_events_account_external_idx" ON "account_events" USING btree ("account_id","external_id") WHERE "account_events"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "cli_listeners_account_seen_idx" ON "cli_listeners" USING btree ("account_id","last_seen_at");--> statement-breakpoint
CREATE INDEX "deliveries_event_webhook_idx" ON "deliveries" USING btree ("event_id","webhook_id");--> statement-breakpoint
-- >>> hand-written (carry over when regenerating) >>>
-- Backfill account_events: an event that existed before this migration belongs to the accounts
-- whose endpoints got a delivery of it (the only record of its recipients). Its txid is this
-- migration's transaction, which is older than any event written after it.
INSERT INTO "account_events" ("event_id", "account_id", "event_type", "subject_id", "external_id", "created_at")
SELECT DISTINCT d."event_id", d."account_id", e."type", (e."body"::jsonb)->'data'->>'id', (e."body"::jsonb)->'data'->>'externalId', e."created_at"
FROM "deliveries" d JOIN "events" e ON e."id" = d."event_id"
ON CONFLICT DO NOTHING;
-- <<< hand-written <<<
