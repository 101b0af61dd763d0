import { z } from 'zod';
import { formatMs } from '../durations.ts';
import { plannedArrivals, type RateStage } from '../pacing.ts';
import type { RegressionSpec } from '../regression.ts';
import { parseSecretReference, SECRET_REFERENCE_EXPECTED } from '../secret-reference.ts';
import { certDaysLeftThreshold } from './cert-days-schema.ts';
import {
  bytes,
  describeValue,
  failWith,
  fraction,
  millis,
  patterned,
  positive,
  positiveDuration,
} from './fields.ts';
import { HEADER_NAME, headerNameProblem, headerValueProblem } from './headers.ts';
import {
  DEFAULT_ABORT,
  DEFAULT_ALERT,
  DEFAULT_CAPS,
  DEFAULT_RETENTION_DAYS,
  HARD_LIMITS,
  percentileOf,
} from './limits.ts';
import { rateStages } from './rate-stages.ts';
import { regressionSchema } from './regression-schema.ts';
import { isTimeZone, scheduleSchema } from './schedule.ts';
import { cronProblem } from './schedule-expression.ts';
import { transportSchema } from './transport-schema.ts';
import { baseUrlSchema, requestUrlSchema } from './url-credentials.ts';

/** A request timeout: above 0, at most the hard limit. */
const timeoutSchema = () =>
  positiveDuration({ max: HARD_LIMITS.timeoutMs, limit: 'the hard limit of a request timeout' });

/** How long a load runs: above 0, at most the hard limit (caps may hold it lower). */
const loadDuration = () =>
  positiveDuration({ max: HARD_LIMITS.durationMs, limit: 'the hard limit of a run' });

/** `'fresh'` or `'reuse'`: see ResolvedProbe.request.connection. */
const connectionSchema = z
  .unknown()
  .transform((input, ctx) =>
    input === 'fresh' || input === 'reuse'
      ? input
      : failWith(ctx, input, '"fresh" (a new connection per request) or "reuse" (keep-alive)'),
  );

/** Request headers: names and values as HTTP defines them, each problem at the header's own path. */
export const headersSchema = z.record(z.string(), z.unknown()).transform((input, ctx) => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    const nameProblem = headerNameProblem(name);
    if (nameProblem !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: nameProblem });
    if (typeof value !== 'string') {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `expected a string, got ${describeValue(value)}`,
      });
      continue;
    }
    const valueProblem = headerValueProblem(value);
    if (valueProblem !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: valueProblem });
    out[name] = value;
  }
  return out;
});

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const statusSchema = z.unknown().transform((input, ctx) => {
  const expected =
    'a status code (200), a class ("2xx"), a list ([200, 201]) or a range ({ min: 200, max: 299 })';
  const isCode = (v: unknown): v is number =>
    Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599;
  if (isCode(input)) return { min: input, max: input, codes: [input] };
  if (typeof input === 'string' && /^[1-5]xx$/.test(input)) {
    const base = Number(input[0]) * 100;
    return { min: base, max: base + 99, codes: undefined };
  }
  if (Array.isArray(input) && input.length > 0 && input.every(isCode)) {
    return { min: Math.min(...input), max: Math.max(...input), codes: input };
  }
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const { min, max } = input as { min?: unknown; max?: unknown };
    if (isCode(min) && isCode(max) && min <= max && Object.keys(input).length === 2) {
      return { min, max, codes: undefined };
    }
  }
  return failWith(ctx, input, expected);
});

const headerAssertion = z.union([
  z.literal(true),
  z.string(),
  z.strictObject({ equals: z.string().optional(), contains: z.string().optional() }),
]);

const jsonAssertion = z.unknown().transform((input, ctx) => {
  if (input === null || ['string', 'number', 'boolean'].includes(typeof input)) return { equals: input };
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const keys = Object.keys(input);
    if (keys.length === 1 && keys[0] === 'equals') return { equals: (input as { equals: unknown }).equals };
    if (
      keys.length === 1 &&
      keys[0] === 'exists' &&
      typeof (input as { exists: unknown }).exists === 'boolean'
    ) {
      return { exists: (input as { exists: boolean }).exists };
    }
  }
  return failWith(ctx, input, 'a value to equal, { equals: value } or { exists: true | false }');
});

const JSON_PATH = /^\$(\.[A-Za-z_$][\w$-]*|\[\d+\])*$/;

export const assertionsSchema = z.strictObject({
  status: statusSchema.optional(),
  headers: z.record(patterned(HEADER_NAME, 'a header name (RFC 9110 token)'), headerAssertion).optional(),
  json: z.record(patterned(JSON_PATH, 'a JSON path like "$.data.items[0].id"'), jsonAssertion).optional(),
  bodyContains: z.union([z.string(), z.array(z.string())]).optional(),
  maxBodyBytes: bytes().optional(),
});

const requestSchema = z.strictObject({
  method: z
    .unknown()
    .transform((input, ctx) => {
      const upper = typeof input === 'string' ? input.toUpperCase() : input;
      return METHODS.includes(upper as (typeof METHODS)[number])
        ? (upper as (typeof METHODS)[number])
        : failWith(ctx, input, `one of ${METHODS.join(', ')}`);
    })
    .optional(),
  url: requestUrlSchema,
  headers: headersSchema.optional(),
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  timeout: timeoutSchema().optional(),
  /**
   * `fresh`: a new connection for every request (DNS, connect and TLS in each latency, as a first visit);
   * `reuse`: keep-alive connections. Default: fresh for latency checks, reuse for burst and rate loads.
   */
  connection: connectionSchema.optional(),
});

const latencyLoad = z
  .strictObject({
    kind: z.literal('latency'),
    requests: positive('requests', 1_000, true).optional().default(10),
    // 0 is allowed: back to back.
    interval: millis().optional().default(1_000),
  })
  .superRefine((load, ctx) => {
    const span = load.requests * load.interval;
    if (span > HARD_LIMITS.durationMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['interval'],
        message: `expected requests × interval of at most ${formatMs(HARD_LIMITS.durationMs)} (the hard limit of a run), got ${load.requests} × ${formatMs(load.interval)} = ${formatMs(span)}`,
      });
    }
  });

const burstLoad = z
  .strictObject({
    kind: z.literal('burst'),
    connections: positive('connections', HARD_LIMITS.connections, true),
    duration: loadDuration().optional(),
    requests: positive('requests', HARD_LIMITS.requests, true).optional(),
  })
  .superRefine((load, ctx) => {
    if ((load.duration === undefined) === (load.requests === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: 'expected exactly one of duration ("30s") or requests (a count), got '.concat(
          load.duration === undefined ? 'neither' : 'both',
        ),
      });
    }
  });

const stageSchema = z.strictObject({
  to: z
    .unknown()
    .transform((input, ctx) =>
      typeof input === 'number' && input >= 0 && input <= HARD_LIMITS.rate
        ? input
        : failWith(ctx, input, `a target rate in requests per second between 0 and ${HARD_LIMITS.rate}`),
    ),
  over: loadDuration(),
});

const rateLoad = z
  .strictObject({
    kind: z.literal('rate'),
    rate: positive('requests per second', HARD_LIMITS.rate).optional(),
    duration: loadDuration().optional(),
    from: z
      .unknown()
      .transform((input, ctx) =>
        typeof input === 'number' && input >= 0 && input <= HARD_LIMITS.rate
          ? input
          : failWith(ctx, input, `a start rate in requests per second between 0 and ${HARD_LIMITS.rate}`),
      )
      .optional(),
    stages: z.array(stageSchema).min(1).optional(),
    /** Connections opened in advance. @default defaultRateConnections(peak rate, caps.maxConnections) */
    connections: positive('connections', HARD_LIMITS.connections, true).optional(),
  })
  .superRefine((load, ctx) => {
    const constant = load.rate !== undefined || load.duration !== undefined;
    if (constant === (load.stages !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['rate'],
        message: `expected either rate and duration (constant) or stages (ramping), got ${constant ? 'both' : 'neither'}`,
      });
    } else if (constant && (load.rate === undefined || load.duration === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [load.rate === undefined ? 'rate' : 'duration'],
        message: `expected ${load.rate === undefined ? 'requests per second as a number' : 'a duration like "60s"'} for a constant rate, got nothing`,
      });
    } else {
      const problem = rateLoadSizeProblem(rateStages(load)!);
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', path: [constant ? 'rate' : 'stages'], message: problem });
      }
    }
  });

/** A complete rate load that runs too long, sends too much, or sends nothing at all. */
function rateLoadSizeProblem(stages: readonly RateStage[]): string | undefined {
  const durationMs = stages.reduce((sum, s) => sum + s.durationMs, 0);
  if (durationMs > HARD_LIMITS.durationMs) {
    return `expected stages lasting at most ${formatMs(HARD_LIMITS.durationMs)} in all (the hard limit of a run), got ${formatMs(durationMs)}`;
  }
  const arrivals = plannedArrivals(stages);
  if (arrivals > HARD_LIMITS.requests) {
    return `expected at most ${HARD_LIMITS.requests.toLocaleString('en-US')} requests in a run (the hard limit), got ${arrivals.toLocaleString('en-US')} planned arrivals`;
  }
  if (arrivals < 1)
    return 'expected a load that plans at least one arrival, got none (the rate × duration is below 1)';
  return undefined;
}

export const loadSchema = z.discriminatedUnion('kind', [latencyLoad, burstLoad, rateLoad], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `expected kind to be "latency", "burst" or "rate", got ${describeValue((issue.input as { kind?: unknown })?.kind)}`
      : undefined,
});

export interface Threshold {
  readonly warn?: number | undefined;
  readonly critical?: number | undefined;
}

/** Threshold of one SLA: a hard maximum (critical), or a target (warn) and a hard maximum (critical). */
const threshold = (value: z.ZodType<number, unknown>) =>
  z.unknown().transform((input, ctx): Threshold => {
    if (input && typeof input === 'object' && !Array.isArray(input)) {
      const out: { warn?: number; critical?: number } = {};
      for (const [key, raw] of Object.entries(input)) {
        if (key !== 'warn' && key !== 'critical') {
          ctx.addIssue({ code: 'custom', path: [key], message: 'unknown field (expected warn, critical)' });
          continue;
        }
        const parsed = value.safeParse(raw);
        if (parsed.success) out[key] = parsed.data;
        else for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [key] } as never);
      }
      if (out.warn === undefined && out.critical === undefined) {
        ctx.addIssue({ code: 'custom', message: 'expected warn, critical or both' });
      }
      return out;
    }
    const parsed = value.safeParse(input);
    if (parsed.success) return { critical: parsed.data };
    for (const issue of parsed.error.issues) ctx.addIssue(issue as never);
    return z.NEVER;
  });

const latencyThreshold = threshold(positiveDuration(undefined, 'milliseconds as a number'));

/** The schema of one SLA key, or undefined when the key is not an SLA. */
function slaKeySchema(key: string): z.ZodType<Threshold, unknown> | undefined {
  if (key === 'max' || key === 'mean' || percentileOf(key) !== undefined) return latencyThreshold;
  if (key === 'errorRate') return threshold(fraction());
  if (key === 'minThroughput') return threshold(positive('requests per second', HARD_LIMITS.rate));
  if (key === 'certDaysLeft') return certDaysLeftThreshold;
  return undefined;
}

/** Key of a per-step SLA in SlaSpec: `sla: { steps: { settled: { p95 } } }` becomes `"steps.settled.p95"`. */
export const stepSlaKey = (step: string, key: string) => `steps.${step}.${key}`;

function addThresholds(
  input: Record<string, unknown>,
  out: Record<string, Threshold | RegressionSpec>,
  ctx: z.RefinementCtx,
  at: readonly string[],
  step: string | undefined,
): void {
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'steps' && step === undefined) {
      addStepThresholds(raw, out, ctx);
      continue;
    }
    if (key === 'regression' && step === undefined) {
      const parsed = regressionSchema.safeParse(raw);
      if (parsed.success) out.regression = parsed.data;
      else
        for (const issue of parsed.error.issues)
          ctx.addIssue({ ...issue, path: [key, ...issue.path] } as never);
      continue;
    }
    const runWide = key === 'minThroughput' || key === 'certDaysLeft';
    const schema = runWide && step !== undefined ? undefined : slaKeySchema(key);
    if (!schema) {
      ctx.addIssue({
        code: 'custom',
        path: [...at, key],
        message:
          step === undefined
            ? 'unknown SLA (expected p50 … p99.9, max, mean, errorRate, minThroughput, certDaysLeft, regression or steps)'
            : 'unknown step SLA (expected p50 … p99.9, max, mean or errorRate)',
      });
      continue;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) out[step === undefined ? key : stepSlaKey(step, key)] = parsed.data as Threshold;
    else
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue, path: [...at, key, ...issue.path] } as never);
  }
}

/** `steps: { <step name>: { p95: 1500, errorRate: 0 } }`: the step names are checked against the probe's steps. */
function addStepThresholds(
  raw: unknown,
  out: Record<string, Threshold | RegressionSpec>,
  ctx: z.RefinementCtx,
): void {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.addIssue({
      code: 'custom',
      path: ['steps'],
      message: `expected SLAs per step name ({ settled: { p95: 1500 } }), got ${describeValue(raw)}`,
    });
    return;
  }
  for (const [step, spec] of Object.entries(raw)) {
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps', step],
        message: `expected SLAs like { p95: 1500 }, got ${describeValue(spec)}`,
      });
      continue;
    }
    addThresholds(spec as Record<string, unknown>, out, ctx, ['steps', step], step);
  }
}

/**
 * SLAs by key. Per-step SLAs (`steps: { <name>: {...} }`) are flattened to `steps.<name>.<key>` keys, so every
 * consumer of an SLA (checks, alarms, reports) reads one flat map.
 */
export const slaSchema = z.record(z.string(), z.unknown()).transform((input, ctx) => {
  const out: Record<string, Threshold | RegressionSpec> = {};
  addThresholds(input, out, ctx, [], undefined);
  return out;
});

const abortSchema = z.strictObject({
  // Above 90 % the rule would never fire on a target that is merely very sick: keep it meaningful.
  errorRate: fraction()
    .refine((v) => v > 0 && v <= 0.9, 'expected an error rate above 0 and at most 0.9')
    .optional()
    .default(DEFAULT_ABORT.errorRate),
  minRequests: positive('requests', 100_000, true).optional().default(DEFAULT_ABORT.minRequests),
});

/** Runs of M out of the last N that breached a critical SLA, before on-call is paged. */
const breachedRunsSchema = z
  .strictObject({
    atLeast: positive('runs', 100, true),
    of: positive('runs', 100, true),
  })
  .refine((v) => v.atLeast <= v.of, { message: 'expected atLeast to be at most of', path: ['atLeast'] });

export const alertSchema = z.strictObject({
  breachedRuns: breachedRunsSchema.optional().default(DEFAULT_ALERT.breachedRuns),
  /** Consecutive schedule intervals without a run before the heartbeat alarm pages. */
  missedRuns: positive('runs', 100, true).optional().default(DEFAULT_ALERT.missedRuns),
  /** Consecutive intervals of invalid runs (nothing measured) before "cannot measure" pages; default missedRuns. */
  invalidRuns: positive('runs', 100, true).optional(),
  /**
   * Runs after a recovery within which a new breach continues the same incident (same dedupKey, said to be
   * flapping) instead of opening a new one.
   */
  recoverAfter: positive('runs', 100, true).optional().default(DEFAULT_ALERT.recoverAfter),
  /**
   * While an incident stays open, remind on-call this often (same dedupKey, how long it has been open, the
   * latest figures); absent: no reminders. At least 5 minutes: the notifier re-checks every 5 minutes.
   */
  remind: positiveDuration(undefined, 'a duration like "1h" or "30m"')
    .refine(
      (ms) => ms >= 300_000,
      'expected at least 5m: the notifier re-checks open incidents every 5 minutes',
    )
    .optional(),
  /** The time between runs: derived from rate() schedules, required for cron(). */
  interval: positiveDuration().optional(),
  /** Alarms on CloudWatch's own percentile of the raw latency distribution, per interval: { p99: "800ms" }. */
  latency: z
    .record(patterned(/^p(\d{1,2}(\.\d+)?)$/, 'a percentile key like "p99" or "p99.9"'), positiveDuration())
    .optional(),
  /**
   * A flow's per-step alarms, like `latency` for one step: { settled: { p95: "1500ms" } }. Each step named here
   * publishes its latency with a `Step` dimension (one more custom metric, $0.30 a month) and gets its alarm.
   */
  steps: z
    .record(
      z.string(),
      z.record(
        patterned(/^p(\d{1,2}(\.\d+)?)$/, 'a percentile key like "p99" or "p99.9"'),
        positiveDuration(),
      ),
    )
    .optional(),
});

/** Names a flow may use without declaring them: fresh values per use (see functions/core/flows/flow-template.ts). */
export const BUILT_IN_VALUES = ['uuid', 'now', 'nowMs', 'randomInt', 'pick'] as const;

/** Where a capture reads its value: a JSON path, a response header (lower-cased), or a regex over the body. */
export type CaptureRule = { readonly secret: boolean } & (
  | { readonly json: string }
  | { readonly header: string }
  | { readonly regex: string }
);

const captureSchema = z.unknown().transform((input, ctx): CaptureRule => {
  const expected =
    'one of { json: "$.path" }, { header: "name" } or { regex: "pattern" }, with optional secret: true';
  if (!input || typeof input !== 'object' || Array.isArray(input)) return failWith(ctx, input, expected);
  const { json, header, regex, secret, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    for (const key of unknown) ctx.addIssue({ code: 'custom', path: [key], message: 'unknown field' });
    return z.NEVER;
  }
  if (secret !== undefined && typeof secret !== 'boolean') {
    ctx.addIssue({
      code: 'custom',
      path: ['secret'],
      message: `expected true or false, got ${describeValue(secret)}`,
    });
    return z.NEVER;
  }
  const given = [json, header, regex].filter((v) => v !== undefined).length;
  if (given !== 1) return failWith(ctx, input, expected);
  const isSecret = secret === true;
  if (json !== undefined) {
    if (typeof json === 'string' && JSON_PATH.test(json)) return { json, secret: isSecret };
    ctx.addIssue({
      code: 'custom',
      path: ['json'],
      message: `expected a JSON path like "$.data.items[0].id", got ${describeValue(json)}`,
    });
    return z.NEVER;
  }
  if (header !== undefined) {
    if (typeof header === 'string' && HEADER_NAME.test(header)) {
      return { header: header.toLowerCase(), secret: isSecret };
    }
    ctx.addIssue({
      code: 'custom',
      path: ['header'],
      message: `expected a header name (RFC 9110 token), got ${describeValue(header)}`,
    });
    return z.NEVER;
  }
  let problem: string | undefined;
  if (typeof regex !== 'string' || regex.length === 0) problem = `got ${describeValue(regex)}`;
  else {
    try {
      new RegExp(regex);
    } catch (error) {
      problem = `got ${describeValue(regex)} (${(error as Error).message})`;
    }
  }
  if (problem === undefined) return { regex: regex as string, secret: isSecret };
  ctx.addIssue({
    code: 'custom',
    path: ['regex'],
    message: `expected a regular expression over the body (its first group, else the whole match, is captured), ${problem}`,
  });
  return z.NEVER;
});

/** Repeat the step's request every `every` until its response passes these assertions or `timeout` passes. */
const untilSchema = assertionsSchema
  .extend({
    every: positiveDuration({ max: HARD_LIMITS.timeoutMs, limit: 'the hard limit of a request timeout' })
      .optional()
      .default(1_000),
    timeout: positiveDuration({ max: HARD_LIMITS.durationMs, limit: 'the hard limit of a run' }),
  })
  .superRefine((until, ctx) => {
    const conditions = ['status', 'headers', 'json', 'bodyContains', 'maxBodyBytes'] as const;
    if (!conditions.some((key) => until[key] !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a condition to wait for (${conditions.join(', ')}), got none`,
      });
    }
    if (until.every >= until.timeout) {
      ctx.addIssue({
        code: 'custom',
        path: ['every'],
        message: `expected every below timeout (${formatMs(until.timeout)}), got ${formatMs(until.every)}`,
      });
    }
  });

const STEP_NAME = /^[A-Za-z][\w-]{0,62}$/;
const CAPTURE_NAME = /^[A-Za-z_]\w*$/;

export const stepSchema = z.strictObject({
  /** Names the step in results, reports and `sla.steps`. */
  name: patterned(STEP_NAME, 'a step name of letters, digits, "-" or "_", starting with a letter'),
  request: requestSchema,
  /** Values taken from this step's response, for `${name}` in later steps. */
  capture: z
    .record(
      patterned(CAPTURE_NAME, 'a capture name of letters, digits and "_" (used as ${name})'),
      captureSchema,
    )
    .optional(),
  assert: assertionsSchema.optional(),
  until: untilSchema.optional(),
});

/**
 * The target's declared rate limit: at most `limit` requests per `window`. The run then judges the limiter
 * (see functions/core/rate-limit/judge-rate-limit.ts) and a 429 is not a failure of the request.
 */
const rateLimitSchema = z.strictObject({
  limit: positive('requests', HARD_LIMITS.requests, true),
  window: positiveDuration({ max: HARD_LIMITS.durationMs, limit: 'the hard limit of a run' }),
});

/** Steps a flow may have at most: a flow is a scenario, not a crawler. */
export const MAX_STEPS = 20;

export const probeSchema = z
  .strictObject({
    id: patterned(
      /^[a-z0-9][a-z0-9_-]{0,62}$/,
      'a stable id of lowercase letters, digits, "-" or "_" (it becomes a metric dimension and a storage key)',
    ),
    description: z.string().optional(),
    /** What on-call opens when this probe pages: named in every notification about it. */
    runbook: patterned(/^https?:\/\/\S+$/, 'an http(s) URL of the runbook').optional(),
    /** One request per unit of load; or `steps`, a flow. */
    request: requestSchema.optional(),
    steps: z.array(stepSchema).min(1).max(MAX_STEPS).optional(),
    schedule: scheduleSchema.optional(),
    load: loadSchema.optional(),
    assert: assertionsSchema.optional(),
    sla: slaSchema.optional(),
    abort: abortSchema.optional(),
    bodyCap: bytes().optional(),
    /** Load generators (worker Lambdas) that share the load; defaults from the load's size. */
    shards: positive('shards', 1_000, true).optional(),
    alert: alertSchema.optional(),
    rateLimit: rateLimitSchema.optional(),
    /** Over its environment's transport, field by field. */
    transport: transportSchema.optional(),
  })
  .superRefine((probe, ctx) => {
    if (probe.rateLimit !== undefined && probe.steps !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rateLimit'],
        message:
          'expected rateLimit on a probe with one request (its limiter is judged per request), got a flow',
      });
    }
    if (probe.rateLimit !== undefined && probe.shards !== undefined && probe.shards > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['shards'],
        message: `expected 1 shard with rateLimit (a limiter is judged on every request it saw, in order), got ${probe.shards}`,
      });
    }
    if ((probe.request === undefined) === (probe.steps === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['request'],
        message: `expected exactly one of request (one request) or steps (a flow), got ${probe.request === undefined ? 'neither' : 'both'}`,
      });
    }
    if (probe.steps === undefined) {
      for (const key of Object.keys(probe.sla ?? {})) {
        if (key.startsWith('steps.')) {
          ctx.addIssue({
            code: 'custom',
            path: ['sla', 'steps'],
            message: 'expected per-step SLAs only on a probe with steps, got a probe with one request',
          });
          break;
        }
      }
      if (probe.alert?.steps !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['alert', 'steps'],
          message: 'expected per-step alarms only on a probe with steps, got a probe with one request',
        });
      }
      return;
    }
    if (probe.assert !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['assert'],
        message: 'expected assertions on each step (steps[i].assert) in a flow, got a probe-level assert',
      });
    }
    const names = new Map<string, number>();
    const captures = new Map<string, number>();
    probe.steps.forEach((step, index) => {
      const first = names.get(step.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'name'],
          message: `duplicate step name "${step.name}" (also steps[${first}])`,
        });
      } else names.set(step.name, index);
      for (const capture of Object.keys(step.capture ?? {})) {
        const at = ['steps', index, 'capture', capture];
        const earlier = captures.get(capture);
        if ((BUILT_IN_VALUES as readonly string[]).includes(capture)) {
          ctx.addIssue({
            code: 'custom',
            path: at,
            message: `expected a name other than the built-ins (${BUILT_IN_VALUES.join(', ')}), got "${capture}"`,
          });
        } else if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: at,
            message: `expected each capture name once in a flow, got "${capture}" again (also steps[${earlier}])`,
          });
        } else captures.set(capture, index);
      }
    });
    for (const key of Object.keys(probe.sla ?? {})) {
      const step = /^steps\.([^.]+)\./.exec(key)?.[1];
      if (step !== undefined && !names.has(step)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sla', 'steps', step],
          message: `unknown step "${step}" (the flow's steps: ${[...names.keys()].join(', ')})`,
        });
      }
    }
    for (const step of Object.keys(probe.alert?.steps ?? {})) {
      if (!names.has(step)) {
        ctx.addIssue({
          code: 'custom',
          path: ['alert', 'steps', step],
          message: `unknown step "${step}" (the flow's steps: ${[...names.keys()].join(', ')})`,
        });
      }
    }
  });

const variableSchema = z.union([
  z.string(),
  /** A list for `${pick(name)}` in flows (test accounts): one item at random per use. */
  z.array(z.string()).min(1, 'expected a list of at least one value'),
  z.strictObject({
    secret: z
      .unknown()
      .transform((input, ctx) =>
        typeof input === 'string' && parseSecretReference(input) !== undefined
          ? input
          : failWith(ctx, input, SECRET_REFERENCE_EXPECTED),
      ),
  }),
]);

const capsSchema = z.strictObject({
  maxRate: positive('requests per second', HARD_LIMITS.rate).optional().default(DEFAULT_CAPS.maxRate),
  maxConnections: positive('connections', HARD_LIMITS.connections, true)
    .optional()
    .default(DEFAULT_CAPS.maxConnections),
  maxDuration: loadDuration().optional().default(DEFAULT_CAPS.maxDurationMs),
  /** Worker Lambdas of this environment running at once, at most (deployed: their reserved concurrency). */
  maxShards: positive('shards', 10_000, true).optional(),
});

/**
 * A recurring maintenance window: pages are held from each time `cron` fires (in `timezone`) for `duration`,
 * as a silence would; measuring goes on.
 */
const maintenanceSchema = z.strictObject({
  cron: z.unknown().transform((input, ctx) => {
    const problem =
      typeof input === 'string' ? cronProblem(input) : `expected "cron(…)", got ${describeValue(input)}`;
    if (problem === undefined) return input as string;
    ctx.addIssue({ code: 'custom', message: problem, input });
    return z.NEVER;
  }),
  timezone: z
    .unknown()
    .transform((input, ctx) => {
      if (typeof input === 'string' && isTimeZone(input)) return input;
      ctx.addIssue({
        code: 'custom',
        message: `expected an IANA time zone like "UTC" or "Europe/Paris", got ${describeValue(input)}`,
        input,
      });
      return z.NEVER;
    })
    .optional()
    .default('UTC'),
  duration: positiveDuration({ max: 7 * 86_400_000, limit: '168h (a week)' }),
});

/** A topic's subscriptions: email addresses and https endpoints. */
const subscriptionFields = {
  email: z
    .array(patterned(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address'))
    .optional()
    .default([]),
  https: z
    .array(patterned(/^https:\/\/\S+$/, 'an https:// endpoint URL'))
    .optional()
    .default([]),
};

export const environmentSchema = z.strictObject({
  baseUrl: baseUrlSchema,
  /** Referenced as `${name}`; `baseUrl` is the environment's own. */
  variables: z
    .record(
      patterned(
        /^(?!baseUrl$)[A-Za-z_]\w*$/,
        'a variable name of letters, digits and "_" (used as ${name}), other than baseUrl',
      ),
      variableSchema,
    )
    .optional()
    .default({}),
  /** Recurring windows in which pages are held (measuring goes on). */
  maintenance: z.array(maintenanceSchema).optional().default([]),
  /** Who hears about breaches and recoveries of this environment's probes. */
  notify: z
    .strictObject({
      ...subscriptionFields,
      /** Who hears, batched hourly, about warn-level SLA breaches (a topic of their own; nothing pages). */
      warn: z.strictObject(subscriptionFields).optional().default({ email: [], https: [] }),
    })
    .optional()
    .default({ email: [], https: [], warn: { email: [], https: [] } }),
  caps: capsSchema.optional().default({
    maxRate: DEFAULT_CAPS.maxRate,
    maxConnections: DEFAULT_CAPS.maxConnections,
    maxDuration: DEFAULT_CAPS.maxDurationMs,
  }),
  /** TLS material, proxy and HTTP/2 for this environment's probes. */
  transport: transportSchema.optional(),
});

export const defaultsSchema = z.strictObject({
  timeout: timeoutSchema().optional(),
  headers: headersSchema.optional(),
  /** For every probe that names none; else fresh for latency checks, reuse for loads. */
  connection: connectionSchema.optional(),
  schedule: scheduleSchema.optional(),
  abort: abortSchema.optional(),
  bodyCap: bytes().optional(),
});

export const suiteSchema = z.strictObject({
  name: patterned(/^[A-Za-z0-9][\w-]{0,63}$/, 'a suite name of letters, digits, "-" or "_"'),
  environments: z
    .record(
      patterned(/^[a-z0-9][a-z0-9-]{0,31}$/, 'an environment name like "prod" or "staging"'),
      environmentSchema,
    )
    .refine((envs) => Object.keys(envs).length > 0, 'expected at least one environment'),
  defaults: defaultsSchema.optional().default({}),
  probes: z.array(probeSchema).min(1, 'expected at least one probe'),
  /** Days a run stays in the results table before DynamoDB's TTL removes it. */
  retentionDays: positive('days', 3_650, true).optional().default(DEFAULT_RETENTION_DAYS),
});

export type SuiteInput = z.input<typeof suiteSchema>;
export type Suite = z.output<typeof suiteSchema>;
export type ProbeSpec = z.output<typeof probeSchema>;
export type LoadSpec = z.output<typeof loadSchema>;
export type AssertionsSpec = z.output<typeof assertionsSchema>;
export type StepSpec = z.output<typeof stepSchema>;
export type RequestSpec = z.output<typeof requestSchema>;
export type CaptureSpec = z.output<typeof captureSchema>;
export type UntilSpec = z.output<typeof untilSchema>;
export type SlaSpec = z.output<typeof slaSchema>;
export type EnvironmentSpec = z.output<typeof environmentSchema>;
export type AbortSpec = z.output<typeof abortSchema>;
export type AlertSpec = z.output<typeof alertSchema>;
export type RateLimitSpec = z.output<typeof rateLimitSchema>;
