import { z } from 'zod';
import { DEFAULT_REGRESSION, type RegressionSpec } from '../regression.ts';
import { describeValue, millis, positive } from './fields.ts';
import { percentileOf } from './limits.ts';

const RELATIVE = /^\+?(\d+(?:\.\d+)?)%$/;
const WINDOW = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/;
const WINDOW_UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** The longest retention a suite may declare: no baseline can reach further back. */
const MAX_WINDOW_MS = 3_650 * 86_400_000;

/** "+20%" or 0.2: the allowed relative increase, above 0 and at most +1000 %. */
export function parseRelative(input: unknown): number | undefined {
  const n =
    typeof input === 'number'
      ? input
      : typeof input === 'string' && RELATIVE.test(input.trim())
        ? Number(RELATIVE.exec(input.trim())![1]) / 100
        : Number.NaN;
  return Number.isFinite(n) && n > 0 && n <= 10 ? n : undefined;
}

/** "7d", "24h", "2w", "90m": a window back in time. */
export function parseWindowMs(input: unknown): number | undefined {
  if (typeof input !== 'string') return undefined;
  const match = WINDOW.exec(input.trim());
  const ms = match ? Number(match[1]) * WINDOW_UNIT_MS[match[2]!]! : Number.NaN;
  return ms > 0 && ms <= MAX_WINDOW_MS ? ms : undefined;
}

/**
 * `sla.regression`: `{ p95: '+20%', p99: '+25%', minDelta: '10ms', baseline: '7d', minRuns: 20, alpha: 0.01 }`.
 * At least one percentile; the rest default (DEFAULT_REGRESSION).
 */
export const regressionSchema = z.unknown().transform((input, ctx): RegressionSpec => {
  const issue = (path: string, expected: string, got: unknown) => {
    ctx.addIssue({
      code: 'custom',
      path: [path],
      message: `expected ${expected}, got ${describeValue(got)}`,
    });
  };
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    ctx.addIssue({
      code: 'custom',
      message: `expected an object like { p95: '+20%', minDelta: '10ms', baseline: '7d' }, got ${describeValue(input)}`,
    });
    return z.NEVER;
  }
  const percentiles: Record<string, number> = {};
  let out: Omit<RegressionSpec, 'percentiles'> = DEFAULT_REGRESSION;
  for (const [key, raw] of Object.entries(input)) {
    if (percentileOf(key) !== undefined) {
      const relative = parseRelative(raw);
      if (relative === undefined)
        issue(key, 'an allowed increase like "+20%" (or 0.2), above 0 and at most +1000%', raw);
      else percentiles[key] = relative;
    } else if (key === 'minDelta') {
      const parsed = millis('a duration like "10ms" or milliseconds as a number').safeParse(raw);
      if (parsed.success) out = { ...out, minDeltaMs: parsed.data };
      else issue(key, 'a duration like "10ms" or milliseconds as a number', raw);
    } else if (key === 'baseline') {
      const ms = parseWindowMs(raw);
      if (ms === undefined) issue(key, 'a window back like "7d", "24h" or "2w", at most 3650d', raw);
      else out = { ...out, baselineMs: ms };
    } else if (key === 'minRuns') {
      const parsed = positive('runs', 100_000, true).safeParse(raw);
      if (parsed.success) out = { ...out, minRuns: parsed.data };
      else issue(key, 'a whole number of runs between 1 and 100000', raw);
    } else if (key === 'alpha') {
      if (typeof raw === 'number' && raw > 0 && raw <= 0.5) out = { ...out, alpha: raw };
      else issue(key, 'a significance level above 0 and at most 0.5, like 0.01', raw);
    } else {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'unknown field (expected p50 … p99.9, minDelta, baseline, minRuns or alpha)',
      });
    }
  }
  if (Object.keys(percentiles).length === 0) {
    ctx.addIssue({ code: 'custom', message: "expected at least one percentile to watch, like p95: '+20%'" });
  }
  return { ...out, percentiles };
});
