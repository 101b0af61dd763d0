import { describe, expect, it } from 'vitest';
import { mergeShards } from '../../../functions/core/merge-shards.ts';
import { ShardRecorder } from '../../../functions/core/shard-recorder.ts';
import { evaluateSla } from '../../../functions/core/sla.ts';
import { slaSchema } from '../../../functions/core/suite/sla-schema.ts';

const sla = (spec: Record<string, unknown>) => slaSchema.parse(spec);

/** A run of 1,000 requests: latency i ms for i = 1..1000, the last `failed` failing with 503. */
function run(failed = 20, kind: 'latency' | 'burst' | 'rate' = 'burst') {
  const recorder = new ShardRecorder(0);
  for (let i = 1; i <= 1_000; i++) {
    const fails = i > 1_000 - failed;
    recorder.record(i, i * 1000, fails ? 503 : 200, fails ? 'http_5xx' : undefined, 10);
  }
  const shard = recorder.toResult({
    probeId: 'p',
    shard: 0,
    kind,
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
    { runId: 'r', environment: 'e', probeId: 'p', kind, plannedShards: 1, intendedRps: undefined },
    [shard],
  );
}

describe('evaluateSla', () => {
  it('passes with a warn when only a target is missed, and names observed against threshold', () => {
    const report = evaluateSla(sla({ p95: { warn: 900, critical: 1_000 }, errorRate: '5%' }), run());

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
      {
        name: 'errorRate',
        severity: 'critical',
        metric: 'errorRate',
        threshold: 0.05,
        observed: 0.02,
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

  it('never passes an invalid run, even when every check holds', () => {
    const clean = run(0);
    const invalid = { ...clean, validity: { ...clean.validity, valid: false, reasons: ['generator late'] } };

    const report = evaluateSla(sla({ p99: 5_000 }), invalid);

    expect(report.checks.every((c) => c.passed)).toBe(true);
    expect(report).toMatchObject({ verdict: 'invalid', passed: false });
  });
});

describe('the default errorRate SLA', () => {
  it('fails a latency check on a single failed request when the suite names no errorRate', () => {
    const report = evaluateSla(sla({ p99: 5_000 }), run(1, 'latency'));

    expect(report.verdict).toBe('breach');
    expect(report.passed).toBe(false);
    expect(report.checks.at(-1)).toEqual({
      name: 'errorRate',
      severity: 'critical',
      metric: 'errorRate',
      threshold: 0,
      observed: 0.001,
      passed: false,
      isDefault: true,
    });
  });

  it.each(['burst', 'rate'] as const)('lets a %s load through 1 %% of failures, and no more', (kind) => {
    expect(evaluateSla(undefined, run(10, kind))).toMatchObject({ verdict: 'pass', passed: true });
    expect(evaluateSla(undefined, run(11, kind))).toMatchObject({ verdict: 'breach', passed: false });
  });

  it('fails a run whose every request failed even without any SLA', () => {
    const report = evaluateSla(undefined, run(1_000, 'rate'));

    expect(report.checks).toEqual([
      expect.objectContaining({ name: 'errorRate', observed: 1, isDefault: true }),
    ]);
    expect(report.passed).toBe(false);
  });

  it('is replaced by an explicit errorRate, which carries no default mark', () => {
    const report = evaluateSla(sla({ errorRate: { warn: 0, critical: '5%' } }), run(20, 'latency'));

    expect(report.checks.filter((c) => c.name === 'errorRate')).toEqual([
      {
        name: 'errorRate',
        severity: 'warn',
        metric: 'errorRate',
        threshold: 0,
        observed: 0.02,
        passed: false,
      },
      {
        name: 'errorRate',
        severity: 'critical',
        metric: 'errorRate',
        threshold: 0.05,
        observed: 0.02,
        passed: true,
      },
    ]);
    expect(report.verdict).toBe('warn');
  });
});
