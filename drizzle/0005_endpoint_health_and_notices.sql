CREATE TYPE "public"."endpoint_notice_kind" AS ENUM('failing', 'disabling', 'disabled', 'recovered');--> statement-breakpoint
CREATE TABLE "endpoint_notices" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"webhook_id" text NOT NULL,
	"kind" "endpoint_notice_kind" NOT NULL,
	"details" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"event_id" text,
	"mailed_at" timestamp with time zone,
	"send_attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_send_error" text,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "disable_warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "endpoint_notices" ADD CONSTRAINT "endpoint_notices_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_notices" ADD CONSTRAINT "endpoint_notices_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "endpoint_notices_due_idx" ON "endpoint_notices" USING btree ("next_attempt_at") WHERE "endpoint_notices"."completed_at" is null;--> statement-breakpoint
ALTER TABLE "webhooks" DROP COLUMN "consecutive_failures";