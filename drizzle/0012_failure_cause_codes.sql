ALTER TABLE "deliveries" ADD COLUMN "last_error_cause" jsonb;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "error_cause" jsonb;--> statement-breakpoint
ALTER TABLE "endpoint_notices" ADD COLUMN "mailed_locales" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "disabled_reason_cause" jsonb;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "last_error_cause" jsonb;--> statement-breakpoint
-- >>> hand-written (carry over when regenerating) >>>
-- Best-effort backfill of the cause codes (lib/webhooks/failure-causes.ts) from the English text
-- the engine wrote before codes existed. Text it does not recognise keeps a null cause: the
-- dashboard and mails then show a generic sentence in the reader's language.
CREATE FUNCTION pg_temp.failure_cause(t text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN t IS NULL THEN NULL
    WHEN t ~ '^Receiver answered HTTP \d+$'
      THEN jsonb_build_object('code', 'http_status', 'params', jsonb_build_object('status', substring(t from '(\d+)$')::int))
    WHEN t ~ '^Timed out after \d+ ms$'
      THEN jsonb_build_object('code', 'timeout', 'params', jsonb_build_object('seconds', substring(t from '(\d+) ms$')::float8 / 1000))
    WHEN m.ct IS NOT NULL
      THEN jsonb_build_object('code', 'connect_timeout', 'params', jsonb_build_object('host', m.ct[1], 'seconds', m.ct[2]::float8 / 1000))
    WHEN m.fb IS NOT NULL
      THEN jsonb_build_object('code', 'first_byte_timeout', 'params', jsonb_build_object('host', m.fb[1], 'seconds', m.fb[2]::float8 / 1000))
    WHEN t ~ '^Connection refused by .+$'
      THEN jsonb_build_object('code', 'connection_refused', 'params', jsonb_build_object('host', substring(t from '^Connection refused by (.+)$')))
    WHEN t ~ '^Connection reset by .+ before it answered$'
      THEN jsonb_build_object('code', 'connection_reset', 'params', jsonb_build_object('host', substring(t from '^Connection reset by (.+) before it answered$')))
    WHEN t ~ '^Connection closed by .+ before it answered$'
      THEN jsonb_build_object('code', 'connection_closed', 'params', jsonb_build_object('host', substring(t from '^Connection closed by (.+) before it answered$')))
    WHEN t ~ '^Could not resolve \S+$'
      THEN jsonb_build_object('code', 'dns_failure', 'params', jsonb_build_object('host', substring(t from '^Could not resolve (\S+)$')))
    WHEN t ~ '^\S+ is unreachable$'
      THEN jsonb_build_object('code', 'unreachable', 'params', jsonb_build_object('host', substring(t from '^(\S+) is unreachable$')))
    WHEN t ~ '^Refused to connect: '
      THEN jsonb_build_object('code', 'blocked_address', 'params', jsonb_build_object('host',
        coalesce(substring(t from ' \((\S+) resolved to it\); private targets are not allowed$'), substring(t from '^Refused to connect: (\S+) is '), '')))
    WHEN t ~ '^Redirect to .* not followed; answer 2xx at the configured URL$'
      THEN jsonb_build_object('code', 'redirect_not_followed', 'params', jsonb_build_object('location', substring(t from '^Redirect to (.*) not followed; answer 2xx')))
    WHEN t ~ '^Unsupported URL scheme \S+$'
      THEN jsonb_build_object('code', 'unsupported_scheme', 'params', jsonb_build_object('scheme', substring(t from '^Unsupported URL scheme (\S+)$')))
    WHEN t ~ '^Invalid URL: ' THEN jsonb_build_object('code', 'invalid_url', 'params', '{}'::jsonb)
    WHEN t = 'No answer' THEN jsonb_build_object('code', 'no_answer', 'params', '{}'::jsonb)
    WHEN t ~ '^Not sent: the endpoint''s signing secret could not be decrypted' THEN jsonb_build_object('code', 'secret_unreadable', 'params', '{}'::jsonb)
    WHEN t ~ '^Not sent: the endpoint''s custom header values could not be decrypted' THEN jsonb_build_object('code', 'headers_unreadable', 'params', '{}'::jsonb)
    WHEN t ~ '^Not sent: held while the endpoint was disabled and discarded' THEN jsonb_build_object('code', 'discarded_held', 'params', '{}'::jsonb)
  END
  FROM (SELECT
    regexp_match(t, '^Could not connect to (.+) within (\d+) ms \(connect timeout\)$') AS ct,
    regexp_match(t, '^No answer from (.+) within (\d+) ms of connecting \(first-byte timeout\)$') AS fb) m
$$;
--> statement-breakpoint
CREATE FUNCTION pg_temp.disable_reason_cause(t text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN t IS NULL THEN NULL
    WHEN m.failing IS NOT NULL
      THEN jsonb_build_object('code', 'failing_too_long', 'params', jsonb_build_object(
        'windowMs', m.failing[1]::bigint * CASE regexp_replace(m.failing[2], 's$', '')
          WHEN 'day' THEN 86400000 WHEN 'hour' THEN 3600000 WHEN 'minute' THEN 60000 WHEN 'second' THEN 1000 ELSE 1 END,
        'since', m.failing[3]))
    WHEN m.gone IS NOT NULL THEN jsonb_build_object('code', 'gone', 'params', jsonb_build_object('at', m.gone[1]))
    WHEN t = 'Disabled from the dashboard.' THEN jsonb_build_object('code', 'manual', 'params', '{}'::jsonb)
  END
  FROM (SELECT
    regexp_match(t, '^Disabled automatically: every delivery failed for (\d+) (\w+) \(since ([^)]+)\)') AS failing,
    regexp_match(t, '^Disabled automatically: the endpoint answered 410 Gone on (\S+)\. ') AS gone) m
$$;
--> statement-breakpoint
UPDATE "webhooks" SET
  "last_error_cause" = pg_temp.failure_cause("last_error"),
  "disabled_reason_cause" = pg_temp.disable_reason_cause("disabled_reason")
WHERE "last_error" IS NOT NULL OR "disabled_reason" IS NOT NULL;
--> statement-breakpoint
UPDATE "deliveries" SET "last_error_cause" = pg_temp.failure_cause("last_error") WHERE "last_error" IS NOT NULL;
--> statement-breakpoint
UPDATE "delivery_attempts" SET "error_cause" = pg_temp.failure_cause("error") WHERE "error" IS NOT NULL;
--> statement-breakpoint
-- Notices still to be mailed word their error and reason from these too.
UPDATE "endpoint_notices" SET "details" = "details"
  || jsonb_build_object('lastErrorCause', pg_temp.failure_cause("details"->>'lastError'))
  || jsonb_build_object('disabledReasonCause', pg_temp.disable_reason_cause("details"->>'disabledReason'))
WHERE "completed_at" IS NULL;
--> statement-breakpoint
DROP FUNCTION pg_temp.failure_cause(text);
--> statement-breakpoint
DROP FUNCTION pg_temp.disable_reason_cause(text);
-- <<< hand-written <<<
