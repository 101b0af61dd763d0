import { z } from 'zod';
import { formatMs, parseBytes, parseDurationMs } from '../durations.ts';

/** Describes a received value for error messages: `"fast"`, `true`, `an object`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function fail(ctx: z.RefinementCtx, input: unknown, expected: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${describeValue(input)}`, input });
  return z.NEVER;
}

/** A duration: a number of milliseconds or a string with a unit ("250ms", "2s", "1m"). */
export const millis = (what = 'milliseconds as a number or a duration like "250ms" or "2s"') =>
  z.unknown().transform((input, ctx) => {
    const ms = typeof input === 'number' || typeof input === 'string' ? parseDurationMs(input) : undefined;
    return ms === undefined ? fail(ctx, input, what) : ms;
  });

/**
 * A duration above 0 (a timeout or length of 0 would measure nothing, or fail every request "within 0 ms"), at
 * most `max` when given: the hard limit or the cap it is held to, named in the message.
 */
export const positiveDuration = (
  bound?: { readonly max: number; readonly limit: string },
  what = 'a duration like "250ms", "2s" or "1m", or milliseconds as a number',
) =>
  z.unknown().transform((input, ctx) => {
    const ms = typeof input === 'number' || typeof input === 'string' ? parseDurationMs(input) : undefined;
    if (ms === undefined) return fail(ctx, input, what);
    if (ms <= 0) return fail(ctx, input, 'a duration above 0');
    if (bound !== undefined && ms > bound.max) {
      return fail(ctx, input, `at most ${formatMs(bound.max)} (${bound.limit})`);
    }
    return ms;
  });

/** A byte size: a whole number of bytes or a string with a unit ("512KiB", "1MiB"). */
export const bytes = () =>
  z.unknown().transform((input, ctx) => {
    const n = typeof input === 'number' || typeof input === 'string' ? parseBytes(input) : undefined;
    return n === undefined ? fail(ctx, input, 'bytes as a whole number or a size like "1MiB"') : n;
  });

/** A positive number with bounds, with a message that says the unit. */
export const positive = (unit: string, max: number, integer = false) =>
  z.unknown().transform((input, ctx) => {
    const ok = typeof input === 'number' && Number.isFinite(input) && input > 0 && input <= max;
    if (!ok || (integer && !Number.isInteger(input))) {
      const expected = integer
        ? `a whole number of ${unit} between 1 and ${max}`
        : `a positive number of ${unit}, at most ${max}`;
      return fail(ctx, input, expected);
    }
    return input as number;
  });

/** A fraction in [0, 1], also written as a percentage string ("0.5%"). */
export const fraction = () =>
  z.unknown().transform((input, ctx) => {
    let n: number | undefined;
    if (typeof input === 'number') n = input;
    else if (typeof input === 'string' && /^\d+(\.\d+)?%$/.test(input.trim()))
      n = Number.parseFloat(input) / 100;
    if (n === undefined || !Number.isFinite(n) || n < 0 || n > 1) {
      return fail(ctx, input, 'a fraction between 0 and 1 or a percentage like "1%"');
    }
    return n;
  });

/** A string matching a pattern, with a message that shows an example. */
export const patterned = (pattern: RegExp, expected: string) =>
  z
    .unknown()
    .transform((input, ctx) =>
      typeof input === 'string' && pattern.test(input) ? input : fail(ctx, input, expected),
    );

export const nonEmptyString = (expected = 'a non-empty string') =>
  z
    .unknown()
    .transform((input, ctx) =>
      typeof input === 'string' && input.length > 0 ? input : fail(ctx, input, expected),
    );

export { fail as failWith };
