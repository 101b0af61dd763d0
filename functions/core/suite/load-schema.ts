import { z } from 'zod';
import { formatMs } from '../durations.ts';
import { plannedArrivals, type RateStage } from '../pacing.ts';
import { describeValue, failWith, millis, positive, positiveDuration } from './fields.ts';
import { HARD_LIMITS } from './limits.ts';
import { rateStages } from './rate-stages.ts';

/** How long a load runs: above 0, at most the hard limit (caps may hold it lower). */
export const loadDuration = () =>
  positiveDuration({ max: HARD_LIMITS.durationMs, limit: 'the hard limit of a run' });

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

export type LoadSpec = z.output<typeof loadSchema>;
