CREATE SEQUENCE "public"."deliveries_queue_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "queue_position" bigint DEFAULT nextval('deliveries_queue_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "throttled_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "custom_headers" jsonb;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "rate_limit_per_second" integer;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "next_send_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "throttle_queue_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "fifo" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "program_ids" text[];--> statement-breakpoint
CREATE INDEX "deliveries_webhook_queue_idx" ON "deliveries" USING btree ("webhook_id","queue_position") WHERE "deliveries"."status" = 'pending';--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_rate_limit_check" CHECK ("webhooks"."rate_limit_per_second" is null or "webhooks"."rate_limit_per_second" between 1 and 1000);