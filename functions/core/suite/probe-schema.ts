import { z } from 'zod';
import { alertSchema } from './alert-schema.ts';
import { assertionsSchema } from './assertions-schema.ts';
import { abortSchema } from './caps-schema.ts';
import { bytes, patterned, positive, positiveDuration } from './fields.ts';
import { BUILT_IN_VALUES, MAX_STEPS, stepSchema } from './flow-schema.ts';
import { HARD_LIMITS } from './limits.ts';
import { loadSchema } from './load-schema.ts';
import { locationsSchema } from './locations-schema.ts';
import { requestSchema } from './request-schema.ts';
import { scheduleSchema } from './schedule.ts';
import { slaSchema } from './sla-schema.ts';
import { sloSchema } from './slo-schema.ts';
import { transportSchema } from './transport-schema.ts';

/**
 * The target's declared rate limit: at most `limit` requests per `window`. The run then judges the limiter
 * (see functions/core/rate-limit/judge-rate-limit.ts) and a 429 is not a failure of the request.
 */
const rateLimitSchema = z.strictObject({
  limit: positive('requests', HARD_LIMITS.requests, true),
  window: positiveDuration({ max: HARD_LIMITS.durationMs, limit: 'the hard limit of a run' }),
});

const probeFields = z.strictObject({
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
  /** Service-level objectives over a rolling window: the SLI, the error budget left and burn-rate pages. */
  slo: sloSchema.optional(),
  abort: abortSchema.optional(),
  bodyCap: bytes().optional(),
  /** Load generators (worker Lambdas) that share the load; defaults from the load's size. */
  shards: positive('shards', 1_000, true).optional(),
  alert: alertSchema.optional(),
  /** Narrows the environment's locations (each must be one of them). */
  locations: locationsSchema.optional(),
  /** Spread the locations' runs over the interval (more samples of time); absent or false: all start at the scheduled time. */
  stagger: z.boolean().optional(),
  rateLimit: rateLimitSchema.optional(),
  /** Over its environment's transport, field by field. */
  transport: transportSchema.optional(),
});

type ProbeFields = z.output<typeof probeFields>;

/** A limiter is judged per request, in order: one request, one shard. */
function checkRateLimit(probe: ProbeFields, ctx: z.RefinementCtx): void {
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
}

/** Per-step SLAs and alarms name steps a probe with one request does not have. */
function checkOneRequest(probe: ProbeFields, ctx: z.RefinementCtx): void {
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
}

/** Step names and capture names, each once in a flow; the names of the steps, by their first index. */
function flowNames(steps: NonNullable<ProbeFields['steps']>, ctx: z.RefinementCtx): Map<string, number> {
  const names = new Map<string, number>();
  const captures = new Map<string, number>();
  steps.forEach((step, index) => {
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
  return names;
}

/** `sla.steps` and `alert.steps` name steps of the flow. */
function checkStepReferences(
  probe: ProbeFields,
  names: ReadonlyMap<string, number>,
  ctx: z.RefinementCtx,
): void {
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
}

export const probeSchema = probeFields.superRefine((probe, ctx) => {
  checkRateLimit(probe, ctx);
  if ((probe.request === undefined) === (probe.steps === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['request'],
      message: `expected exactly one of request (one request) or steps (a flow), got ${probe.request === undefined ? 'neither' : 'both'}`,
    });
  }
  if (probe.steps === undefined) {
    checkOneRequest(probe, ctx);
    return;
  }
  if (probe.assert !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['assert'],
      message: 'expected assertions on each step (steps[i].assert) in a flow, got a probe-level assert',
    });
  }
  checkStepReferences(probe, flowNames(probe.steps, ctx), ctx);
});

export type ProbeSpec = z.output<typeof probeSchema>;
export type RateLimitSpec = z.output<typeof rateLimitSchema>;
