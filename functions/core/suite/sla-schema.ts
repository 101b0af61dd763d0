import { z } from 'zod';
import type { RegressionSpec } from '../regression.ts';
import { certDaysLeftThreshold } from './cert-days-schema.ts';
import { describeValue, fraction, positive, positiveDuration } from './fields.ts';
import { HARD_LIMITS, percentileOf } from './limits.ts';
import { regressionSchema } from './regression-schema.ts';

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

export type SlaSpec = z.output<typeof slaSchema>;
