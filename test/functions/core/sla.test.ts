import { describe, expect, it } from 'vitest';
import { mergeShards } from '../../../functions/core/merge-shards.ts';
import { ShardRecorder } from '../../../functions/core/shard-recorder.ts';
import { evaluateSla } from '../../../functions/core/sla.ts';
import { slaSchema } from '../../../functions/core/suite/schema.ts';

const sla = (spec: Record<string, unknown>) => slaSchema.parse(spec);

/** A run of 1,000 requests: latency i ms for i = 1..1000, the last 20 failing with 503. */
function run() {
  const recorder = new ShardRecorder(0);
  for (let i = 1; i <= 1_000; i++)
    recorder.record(i, i * 1000, i > 980 ? 503 : 200, i > 980 ? 'http_5xx' : undefined, 10);
  const shard = recorder.toResult({
    probeId: 'p',
    shard: 0,
    kind: 'burst',
    startedAt: '2026-11-22T00:00:00.000Z',
    durationMs: 10_000,
    generator: {
      intendedRequests: undefined,
      sent: 1_000,
      lateSends: 0,
      queuedSends: 0,
      unsent: 0,
      eventLoopDelayP99Ms: 1,
    },
  });
  return mergeShards(
    { runId: 'r', environment: 'e', probeId: 'p', kind: 'burst', plannedShards: 1, intendedRps: undefined },
    [shard],
  );
}

describe('evaluateSla', () => {
  it('passes with a warn when only a target is missed, and names observed against threshold', () => {
    const report = evaluateSla(sla({ p95: { warn: 900, critical: 1_000 } }), run());

    expect(report.verdict).toBe('warn');
    expect(report.passed).toBe(true);
    expect(report.checks).toEqual([
      {
        name: 'p95',
        severity: 'warn',
        metric: 'latency.p95',
        threshold: 900,
        observed: 950.271,
        passed: false,
      },
      {
        name: 'p95',
        severity: 'critical',
        metric: 'latency.p95',
        threshold: 1_000,
        observed: 950.271,
        passed: true,
      },
    ]);
  });

  it('breaches on a critical error rate, and reads p99.9 from the histogram', () => {
    const report = evaluateSla(sla({ errorRate: '1%', 'p99.9': 1_500, minThroughput: 50 }), run());

    expect(report.verdict).toBe('breach');
    expect(report.checks.map((c) => [c.name, c.observed, c.passed])).toEqual([
      ['errorRate', 0.02, false],
      ['p99.9', 999.423, true],
      ['minThroughput', 100, true],
    ]);
  });

  it('marks an invalid run invalid, never breach', () => {
    const invalid = { ...run(), validity: { ...run().validity, valid: false, reasons: ['generator late'] } };

    const report = evaluateSla(sla({ errorRate: 0.01 }), invalid);

    expect(report.verdict).toBe('invalid');
  });
});
