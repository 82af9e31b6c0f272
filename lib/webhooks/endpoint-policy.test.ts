import { describe, expect, test } from "vitest";
import {
  decideEndpoint,
  decideOnTimer,
  disablesAt,
  endpointOutcomeKind,
  warnsAt,
  type EndpointHealth,
  type EndpointOutcome,
} from "./endpoint-policy";
import { failure } from "./failure-causes";

// The endpoint rule as a table: a state, outcomes in the order their deliveries finished, and
// what the endpoint becomes with the notices that are due. Times are hours after T0.

const DAY = 24;
const policy = { disableAfterMs: 3 * DAY * 3_600_000 }; // the default 3 days
const T0 = Date.parse("2026-01-10T00:00:00.000Z");
const at = (hours: number) => new Date(T0 + hours * 3_600_000);

const healthy: EndpointHealth = {
  enabled: true,
  disabledReason: null,
  disabledReasonCause: null,
  failingSince: null,
  lastError: null,
  lastErrorCause: null,
  disableWarnedAt: null,
};
const failing = (sinceHours: number, extra: Partial<EndpointHealth> = {}): EndpointHealth => ({
  ...healthy,
  failingSince: at(sinceHours),
  lastError: "Receiver answered HTTP 500",
  ...extra,
});
const disabled: EndpointHealth = { ...healthy, enabled: false, disabledReason: "Disabled from the dashboard." };

const ok = (hours: number): EndpointOutcome => ({ kind: "succeeded", at: at(hours) });
const exhausted = (hours: number, status = 503): EndpointOutcome => ({ kind: "exhausted", at: at(hours), ...httpFailure(status) });
const gone = (hours: number): EndpointOutcome => ({ kind: "gone", at: at(hours), ...httpFailure(410) });
function httpFailure(status: number) {
  const { cause, text } = failure("http_status", { status });
  return { cause, error: text };
}

type Case = [
  name: string,
  state: EndpointHealth,
  outcomes: EndpointOutcome[],
  expected: Partial<EndpointHealth> & { reason?: RegExp },
  notices: string[],
];

const cases: Case[] = [
  ["a success to a healthy endpoint changes nothing", healthy, [ok(1)], { ...healthy }, []],
  [
    "the first exhausted delivery starts the failing stretch",
    healthy,
    [exhausted(1)],
    { enabled: true, failingSince: at(1), lastError: "Receiver answered HTTP 503", lastErrorCause: { code: "http_status", params: { status: 503 } } },
    ["failing"],
  ],
  [
    "more failures inside the window only update the last error",
    failing(0),
    [exhausted(1, 504), exhausted(30)],
    { enabled: true, failingSince: at(0), lastError: "Receiver answered HTTP 503", disableWarnedAt: null },
    [],
  ],
  [
    "a failure past halfway warns that the endpoint is about to be disabled",
    failing(0),
    [exhausted(36)],
    { enabled: true, failingSince: at(0), disableWarnedAt: at(36) },
    ["disabling"],
  ],
  ["the warning goes out once per failing stretch", failing(0, { disableWarnedAt: at(36) }), [exhausted(40), exhausted(50)], { enabled: true, disableWarnedAt: at(36) }, []],
  [
    "a failure a full window after the stretch began disables it",
    failing(0, { disableWarnedAt: at(36) }),
    [exhausted(3 * DAY)],
    {
      enabled: false,
      failingSince: at(0),
      reason: /every delivery failed for 3 days \(since 2026-01-10T00:00:00.000Z\)/,
      disabledReasonCause: { code: "failing_too_long", params: { windowMs: 3 * DAY * 3_600_000, since: "2026-01-10T00:00:00.000Z" } },
    },
    ["disabled"],
  ],
  [
    "a failure past the window that was never warned disables it without a warning first",
    failing(0),
    [exhausted(100)],
    { enabled: false },
    ["disabled"],
  ],
  [
    "410 Gone disables a healthy endpoint at once",
    healthy,
    [gone(1)],
    {
      enabled: false,
      failingSince: null,
      lastError: "Receiver answered HTTP 410",
      lastErrorCause: { code: "http_status", params: { status: 410 } },
      reason: /410 Gone on 2026-01-10T01:00:00.000Z/,
      disabledReasonCause: { code: "gone", params: { at: "2026-01-10T01:00:00.000Z" } },
    },
    ["disabled"],
  ],
  ["a success ends the failing stretch: recovered", failing(0, { disableWarnedAt: at(40) }), [ok(50)], { enabled: true, failingSince: null, disableWarnedAt: null }, ["recovered"]],
  [
    "a success between failures starts the window again",
    failing(0),
    [exhausted(60), ok(61), exhausted(80)],
    { enabled: true, failingSince: at(80) },
    ["disabling", "recovered", "failing"],
  ],
  [
    "a success after the endpoint was disabled in the same batch does not re-enable it",
    failing(0),
    [exhausted(72), ok(73)],
    { enabled: false, failingSince: at(0) },
    ["disabled"],
  ],
  ["a disabled endpoint is left as it is", disabled, [exhausted(1), ok(2), gone(3)], { ...disabled }, []],
  ["a delivery still being retried says nothing (no outcomes)", failing(0), [], { ...failing(0) }, []],
];

describe("decideEndpoint", () => {
  test.each(cases)("%s", (_, state, outcomes, expected, notices) => {
    const decision = decideEndpoint(state, outcomes, policy);
    const { reason, ...fields } = expected;
    expect(decision.next).toMatchObject(fields);
    if (reason) expect(decision.next.disabledReason).toMatch(reason);
    expect(decision.notices.map((n) => n.kind)).toEqual(notices);
    expect(decision.changed).toBe(JSON.stringify(decision.next) !== JSON.stringify(state));
  });

  test("a notice carries the time of the outcome that caused it", () => {
    const { notices } = decideEndpoint(healthy, [exhausted(5), ok(7)], policy);
    expect(notices).toEqual([
      { kind: "failing", at: at(5) },
      { kind: "recovered", at: at(7) },
    ]);
  });
});

describe("decideOnTimer", () => {
  test.each<[string, EndpointHealth, number, string[]]>([
    ["nothing for a healthy endpoint", healthy, 100, []],
    ["nothing before halfway", failing(0), 35, []],
    ["the warning at halfway", failing(0), 36, ["disabling"]],
    ["nothing once warned", failing(0, { disableWarnedAt: at(36) }), 60, []],
    ["nothing for a disabled endpoint", { ...failing(0), enabled: false }, 60, []],
  ])("%s", (_, state, hours, notices) => {
    const decision = decideOnTimer(state, at(hours), policy);
    expect(decision.notices.map((n) => n.kind)).toEqual(notices);
    expect(decision.changed).toBe(notices.length > 0);
    if (notices.length) expect(decision.next.disableWarnedAt).toEqual(at(hours));
  });
});

describe("the window", () => {
  test("disables at failingSince + WEBHOOK_DISABLE_AFTER and warns halfway", () => {
    expect(disablesAt(at(0), policy)).toEqual(at(72));
    expect(warnsAt(at(0), policy)).toEqual(at(36));
  });

  test.each([
    [{ kind: "succeeded" } as const, "succeeded"],
    [{ kind: "retry", delayMs: 1 } as const, null],
    [{ kind: "failed", gone: false } as const, "exhausted"],
    [{ kind: "failed", gone: true } as const, "gone"],
  ])("the delivery rule's step %j is %s for the endpoint", (step, kind) => {
    expect(endpointOutcomeKind(step)).toBe(kind);
  });
});
