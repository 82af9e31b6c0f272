import ms from "ms";
import { disableReason, type DisableReasonCause, type FailureCause } from "./failure-causes";
import type { NextStep } from "./retry-policy";

// The pure endpoint rule, beside the delivery rule (retry-policy.ts): what finished deliveries,
// the clock and the owner's actions do to an endpoint's health, and which notices that is due.
// No I/O here; the attempt recorder applies it to the endpoint rows it has locked, the notice
// timer to quiet endpoints, and the webhook API to enabling and disabling.
//
//   healthy --exhausted delivery--> failing (failingSince = then)          notice "failing"
//   failing --exhausted, halfway through WEBHOOK_DISABLE_AFTER--> warned   notice "disabling"
//   failing --exhausted, WEBHOOK_DISABLE_AFTER after failingSince--> disabled   notice "disabled"
//   any --410 Gone--> disabled at once                                     notice "disabled"
//   failing --any success--> healthy                                       notice "recovered"
//   disabled: outcomes change nothing until the owner re-enables it (which starts healthy).
//
// A delivery that is still being retried says nothing yet: only a delivery that exhausted its
// budget counts as a failure, and any success ends the failing stretch.

export interface EndpointHealth {
  enabled: boolean;
  disabledReason: string | null;
  /** disabledReason as a code and its parameters (failure-causes.ts). */
  disabledReasonCause: DisableReasonCause | null;
  /** The first exhausted delivery after the last success; null while healthy. */
  failingSince: Date | null;
  /** The newest exhausted delivery's error. */
  lastError: string | null;
  /** lastError as a code and its parameters; null for errors written before codes existed. */
  lastErrorCause: FailureCause | null;
  /** When the "about to be disabled" notice was due for this failing stretch. */
  disableWarnedAt: Date | null;
}

export type NoticeKind = "failing" | "disabling" | "disabled" | "recovered";

/** What a finished delivery says about its endpoint. */
export type EndpointOutcome =
  | { kind: "succeeded"; at: Date }
  | { kind: "exhausted" | "gone"; at: Date; error: string; cause: FailureCause | null };

export interface EndpointPolicy {
  /** WEBHOOK_DISABLE_AFTER in milliseconds. */
  disableAfterMs: number;
}

export interface EndpointDecision {
  next: EndpointHealth;
  /** Notices due, in order; each is one change of state, so it is sent once. */
  notices: { kind: NoticeKind; at: Date }[];
  /** False when nothing changed: nothing to write. */
  changed: boolean;
}

/** What the delivery rule's step means for the endpoint: null when the delivery goes on. */
export function endpointOutcomeKind(step: NextStep): EndpointOutcome["kind"] | null {
  if (step.kind === "succeeded") return "succeeded";
  if (step.kind === "failed") return step.gone ? "gone" : "exhausted";
  return null;
}

/** Apply finished deliveries, in the order they finished, to the endpoint as it is now. */
export function decideEndpoint(state: EndpointHealth, outcomes: EndpointOutcome[], policy: EndpointPolicy): EndpointDecision {
  let next = { ...state };
  const notices: EndpointDecision["notices"] = [];
  for (const outcome of outcomes) {
    // A disabled endpoint is the owner's to re-enable; late outcomes of deliveries already in
    // flight when it was disabled do not move it.
    if (!next.enabled) break;
    if (outcome.kind === "succeeded") {
      if (next.failingSince) {
        next = { ...next, failingSince: null, disableWarnedAt: null };
        notices.push({ kind: "recovered", at: outcome.at });
      }
      continue;
    }
    next.lastError = outcome.error;
    next.lastErrorCause = outcome.cause;
    if (outcome.kind === "gone") {
      next = { ...next, enabled: false, ...disabledWith(goneReason(outcome.at)) };
      notices.push({ kind: "disabled", at: outcome.at });
      continue;
    }
    if (!next.failingSince) {
      next.failingSince = outcome.at;
      notices.push({ kind: "failing", at: outcome.at });
    }
    if (outcome.at.getTime() >= disablesAt(next.failingSince, policy).getTime()) {
      next = { ...next, enabled: false, ...disabledWith(failingReason(next.failingSince, policy)) };
      notices.push({ kind: "disabled", at: outcome.at });
      continue;
    }
    const warning = warnIfDue(next, outcome.at, policy);
    if (warning) {
      next = warning.next;
      notices.push(...warning.notices);
    }
  }
  return { next, notices, changed: !sameHealth(state, next) };
}

/**
 * The clock's part: an endpoint failing for half the window gets its "about to be disabled"
 * notice even when no delivery finishes meanwhile (checked periodically by both engines).
 */
export function decideOnTimer(state: EndpointHealth, now: Date, policy: EndpointPolicy): EndpointDecision {
  const warning = warnIfDue(state, now, policy);
  return warning ? { ...warning, changed: true } : { next: state, notices: [], changed: false };
}

function warnIfDue(state: EndpointHealth, now: Date, policy: EndpointPolicy) {
  if (!state.enabled || !state.failingSince || state.disableWarnedAt) return null;
  if (now.getTime() < warnsAt(state.failingSince, policy).getTime()) return null;
  return { next: { ...state, disableWarnedAt: now }, notices: [{ kind: "disabling" as const, at: now }] };
}

/** The owner enables the endpoint: it starts healthy, with no failing stretch carried over. */
export function enabledHealth(): Pick<EndpointHealth, "enabled" | "disabledReason" | "disabledReasonCause" | "failingSince" | "disableWarnedAt"> {
  return { enabled: true, disabledReason: null, disabledReasonCause: null, failingSince: null, disableWarnedAt: null };
}

const MANUALLY_DISABLED = disableReason("manual", {});
export const MANUALLY_DISABLED_REASON = MANUALLY_DISABLED.text;

/** The owner disables it (or creates it disabled). */
export function manuallyDisabledHealth(): Pick<EndpointHealth, "enabled" | "disabledReason" | "disabledReasonCause"> {
  return { enabled: false, ...disabledWith(MANUALLY_DISABLED) };
}

function disabledWith(reason: ReturnType<typeof disableReason>): Pick<EndpointHealth, "disabledReason" | "disabledReasonCause"> {
  return { disabledReason: reason.text, disabledReasonCause: reason.cause };
}

/** When an endpoint failing since `failingSince` is disabled, if nothing succeeds before. */
export function disablesAt(failingSince: Date, policy: EndpointPolicy): Date {
  return new Date(failingSince.getTime() + policy.disableAfterMs);
}

/** Halfway through the window: when the "about to be disabled" notice is due. */
export function warnsAt(failingSince: Date, policy: EndpointPolicy): Date {
  return new Date(failingSince.getTime() + Math.floor(policy.disableAfterMs / 2));
}

/** "3 days", "12 hours", "90 ms": the window in words, for reasons, mail and docs. */
export function describeDuration(durationMs: number): string {
  return ms(durationMs, { long: true });
}

function failingReason(failingSince: Date, policy: EndpointPolicy) {
  return disableReason("failing_too_long", { windowMs: policy.disableAfterMs, since: failingSince.toISOString() });
}

function goneReason(at: Date) {
  return disableReason("gone", { at: at.toISOString() });
}

function sameHealth(a: EndpointHealth, b: EndpointHealth) {
  return (
    a.enabled === b.enabled &&
    a.disabledReason === b.disabledReason &&
    a.failingSince?.getTime() === b.failingSince?.getTime() &&
    a.lastError === b.lastError &&
    a.lastErrorCause?.code === b.lastErrorCause?.code &&
    a.disabledReasonCause?.code === b.disabledReasonCause?.code &&
    a.disableWarnedAt?.getTime() === b.disableWarnedAt?.getTime()
  );
}
