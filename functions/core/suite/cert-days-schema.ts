import { z } from 'zod';
import { describeValue } from './fields.ts';

/** A certificate's days left are at most this many in any SLA: 10 years (public certificates last 398 days). */
const MAX_DAYS = 3_650;

export { DEFAULT_CERT_WARN_DAYS } from './limits.ts';

function days(input: unknown, ctx: z.RefinementCtx, path: (string | number)[]): number | undefined {
  if (typeof input === 'number' && Number.isInteger(input) && input >= 0 && input <= MAX_DAYS) return input;
  ctx.addIssue({
    code: 'custom',
    path,
    message: `expected whole days between 0 and ${MAX_DAYS}, got ${describeValue(input)}`,
  });
  return undefined;
}

/**
 * `certDaysLeft`: the fewest days the target's certificate may have left, a minimum (unlike the latency maxima).
 * A number is critical; `{ warn: 30, critical: 7 }` warns first. A warn below critical could never fire first.
 */
export const certDaysLeftThreshold = z
  .unknown()
  .transform((input, ctx): { warn?: number; critical?: number } => {
    if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
      const out: { warn?: number; critical?: number } = {};
      for (const [key, raw] of Object.entries(input)) {
        if (key !== 'warn' && key !== 'critical') {
          ctx.addIssue({ code: 'custom', path: [key], message: 'unknown field (expected warn, critical)' });
          continue;
        }
        const value = days(raw, ctx, [key]);
        if (value !== undefined) out[key] = value;
      }
      if (!('warn' in input) && !('critical' in input)) {
        ctx.addIssue({ code: 'custom', message: 'expected warn, critical or both' });
      }
      if (out.warn !== undefined && out.critical !== undefined && out.warn < out.critical) {
        ctx.addIssue({
          code: 'custom',
          path: ['warn'],
          message: `expected warn at or above critical (${out.critical} days): certDaysLeft is a minimum, the warning comes first`,
        });
      }
      return out;
    }
    const value = days(input, ctx, []);
    return value === undefined ? z.NEVER : { critical: value };
  });
