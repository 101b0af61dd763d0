import { z } from 'zod';
import { parseDurationMs } from '../durations.ts';
import { HIGHEST_TRACKABLE_US } from '../histogram.ts';
import { DAY_MS, FASTEST_PAGED_BURN, SLO_WINDOW_DAYS, type SloSpec } from '../slo/slo-spec.ts';
import { describeValue } from './fields.ts';

/**
 * The lowest target anything can page on: below it, even every request failing burns the budget slower than the
 * fastest paged burn (14.4 × a budget of 7 % is over 100 %), and the objective would never page.
 */
const MIN_TARGET = 1 - 1 / FASTEST_PAGED_BURN;

type Issue = (path: (string | number)[], message: string) => void;

/** "99.9%" (or 0.999) → 0.999; a target of 100 % has no budget at all, so every bad request would be an outage. */
function target(input: unknown, path: (string | number)[], issue: Issue): number | undefined {
  let n: number | undefined;
  if (typeof input === 'number') n = input;
  else if (typeof input === 'string' && /^\d+(\.\d+)?%$/.test(input.trim()))
    // "99.9e-2" parses to the literal 0.999; dividing by 100 gives 0.9990000000000001.
    n = Number.parseFloat(`${input.trim().slice(0, -1)}e-2`);
  if (n === undefined || !Number.isFinite(n) || n >= 1 || n <= MIN_TARGET) {
    issue(
      path,
      `expected a target below 100 % and above ${(100 * MIN_TARGET).toFixed(2)} % like "99.9%" (100 % leaves no error budget; at or below ${(100 * MIN_TARGET).toFixed(2)} % no burn rate could ever page), got ${describeValue(input)}`,
    );
    return undefined;
  }
  return n;
}

function windowDays(input: unknown, issue: Issue): number | undefined {
  const ms = typeof input === 'string' || typeof input === 'number' ? parseDurationMs(input) : undefined;
  const days = ms === undefined ? undefined : ms / DAY_MS;
  if (
    days === undefined ||
    !Number.isInteger(days) ||
    days < SLO_WINDOW_DAYS.min ||
    days > SLO_WINDOW_DAYS.max
  ) {
    issue(
      ['window'],
      `expected a rolling window of whole days from ${SLO_WINDOW_DAYS.min}d to ${SLO_WINDOW_DAYS.max}d like "30d", got ${describeValue(input)}`,
    );
    return undefined;
  }
  return days;
}

/** A threshold the histogram resolves: above 0, in whole microseconds (its unit), at most its highest value. */
function thresholdMs(input: unknown, issue: Issue): number | undefined {
  const ms = typeof input === 'string' || typeof input === 'number' ? parseDurationMs(input) : undefined;
  const us = ms === undefined ? undefined : ms * 1000;
  if (us === undefined || us < 1 || us > HIGHEST_TRACKABLE_US || Math.abs(us - Math.round(us)) > 1e-6) {
    issue(
      ['latency', 'threshold'],
      `expected a latency like "300ms", from 1µs (the histogram's unit, in whole microseconds) to 1h (the slowest it tracks), got ${describeValue(input)}`,
    );
    return undefined;
  }
  return Math.round(us) / 1000;
}

const KEYS = ['window', 'availability', 'latency'];

/**
 * `slo: { window: '30d', availability: '99.9%', latency: { threshold: '300ms', target: '99%' } }`: a probe's
 * service-level objectives over a rolling window (see functions/core/slo/). The window defaults to 30 days.
 */
export const sloSchema = z.unknown().transform((input, ctx): SloSpec => {
  const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    issue(
      [],
      `expected { window, availability, latency: { threshold, target } }, got ${describeValue(input)}`,
    );
    return z.NEVER;
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KEYS.includes(key)) issue([key], `unknown field (expected ${KEYS.join(', ')})`);
  }
  const days = windowDays(raw.window ?? '30d', issue);
  const availability =
    raw.availability === undefined ? undefined : target(raw.availability, ['availability'], issue);
  let latency: SloSpec['latency'];
  if (raw.latency !== undefined) {
    const l = raw.latency as Record<string, unknown>;
    if (l === null || typeof l !== 'object' || Array.isArray(l)) {
      issue(['latency'], `expected { threshold: '300ms', target: '99%' }, got ${describeValue(raw.latency)}`);
    } else {
      for (const key of Object.keys(l)) {
        if (key !== 'threshold' && key !== 'target') {
          issue(['latency', key], 'unknown field (expected threshold, target)');
        }
      }
      const ms = thresholdMs(l.threshold, issue);
      const t = target(l.target, ['latency', 'target'], issue);
      if (ms !== undefined && t !== undefined) latency = { thresholdMs: ms, target: t };
    }
  }
  if (raw.availability === undefined && raw.latency === undefined) {
    issue([], "expected at least one objective: availability: '99.9%' or latency: { threshold, target }");
  }
  if (days === undefined) return z.NEVER;
  return { windowDays: days, availability, latency };
});
