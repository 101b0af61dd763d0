import { describe, expect, it } from 'vitest';
import {
  createLatencyHistogram,
  encodeHistogram,
  summarizeLatency,
} from '../../../functions/core/histogram.ts';
import { mergeShards } from '../../../functions/core/merge-shards.ts';
import type { RunMeasurement, StepSummary } from '../../../functions/core/run-result.ts';
import { ShardRecorder } from '../../../functions/core/shard-recorder.ts';
import { evaluateSla } from '../../../functions/core/sla.ts';
import { slaSchema } from '../../../functions/core/suite/sla-schema.ts';

const sla = (spec: Record<string, unknown>) => slaSchema.parse(spec);

/** A run of 1,000 requests: latency i ms for i = 1..1000, the last `failed` failing with 503. */
function run(failed = 20, kind: 'latency' | 'burst' | 'rate' = 'burst') {
  return recorded(kind, (recorder) => {
    for (let i = 1; i <= 1_000; i++) {
      const fails = i > 1_000 - failed;
      recorder.record(i, i * 1000, fails ? 503 : 200, fails ? 'http_5xx' : undefined, 10);
    }
  });
}

/** One shard's run of 10 s, merged: what `record` fed its recorder. */
function recorded(kind: 'latency' | 'burst' | 'rate', record: (recorder: ShardRecorder) => void) {
  const recorder = new ShardRecorder(0);
  record(recorder);
  const shard = recorder.toResult({
    probeId: 'p',
    shard: 0,
    kind,
    startedAt: '2026-11-22T00:00:00.000Z',
    durationMs: 10_000,
    generator: {
      intendedRequests: undefined,
      sent: recorder.total,
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

/** 10 requests refused before any response: nothing to read a latency from. */
const unanswered = () =>
  recorded('burst', (recorder) => {
    for (let i = 1; i <= 10; i++) recorder.record(i, -1, 0, 'connection_refused', 0);
  });

/** A flow step that succeeded with these latencies (ms) and failed `failed` more times. */
function step(name: string, latenciesMs: readonly number[], failed = 0): StepSummary {
  const histogram = createLatencyHistogram();
  for (const ms of latenciesMs) histogram.recordValue(ms * 1000);
  const total = latenciesMs.length + failed;
  return {
    name,
    requests: { total, ok: latenciesMs.length, failed },
    errorRate: total > 0 ? failed / total : 0,
    errors: failed > 0 ? { http_5xx: failed } : {},
    latencyMs: summarizeLatency(histogram),
    histogram: encodeHistogram(histogram),
  };
}

const judged = (report: ReturnType<typeof evaluateSla>) =>
  report.checks.map((c) => [c.name, c.severity, c.metric, c.observed, c.passed]);

describe('each SLA rule, on both sides of its boundary', () => {
  it('breaches a minThroughput floor above the achieved rate, and passes one exactly at it', () => {
    // 1,000 requests in 10 s: 100 requests per second.
    const below = evaluateSla(sla({ minThroughput: 101 }), run(0));
    const at = evaluateSla(sla({ minThroughput: 100 }), run(0));

    expect(below).toMatchObject({ verdict: 'breach', passed: false });
    expect(below.checks[0]).toEqual({
      name: 'minThroughput',
      severity: 'critical',
      metric: 'throughputRps',
      threshold: 101,
      observed: 100,
      passed: false,
    });
    expect(at).toMatchObject({ verdict: 'pass', passed: true });
    expect(at.checks[0]).toMatchObject({ observed: 100, passed: true });
  });

  it('passes a latency or error rate exactly at its limit, and breaches just above it', () => {
    // p95 of 1..1000 ms is 950.271 ms as the histogram reads it; 20 of 1,000 failed.
    expect(evaluateSla(sla({ p95: 950.271, errorRate: 0.02 }), run()).verdict).toBe('pass');
    expect(evaluateSla(sla({ p95: 950.27, errorRate: 0.02 }), run()).verdict).toBe('breach');
    expect(evaluateSla(sla({ p95: 950.271, errorRate: 0.0199 }), run()).verdict).toBe('breach');
  });

  it('reports pass, not warn, when every warn target holds', () => {
    const report = evaluateSla(
      sla({ p95: { warn: 960, critical: 1_000 }, errorRate: { warn: '3%', critical: '5%' } }),
      run(),
    );

    expect(report.checks.map((c) => [c.severity, c.passed])).toEqual([
      ['warn', true],
      ['critical', true],
      ['warn', true],
      ['critical', true],
    ]);
    expect(report).toMatchObject({ verdict: 'pass', passed: true });
  });

  it('never passes a latency SLA of a run with no response: nothing measured is no evidence', () => {
    const report = evaluateSla(
      sla({ p95: 900, 'p99.9': 900, max: 900, mean: 900, errorRate: '100%' }),
      unanswered(),
    );

    expect(judged(report)).toEqual([
      ['p95', 'critical', 'latency.p95', null, false],
      ['p99.9', 'critical', 'latency.p999', null, false],
      ['max', 'critical', 'latency.max', null, false],
      ['mean', 'critical', 'latency.mean', null, false],
      ['errorRate', 'critical', 'errorRate', 1, true],
    ]);
    expect(report).toMatchObject({ verdict: 'breach', passed: false });
  });

  it('reads max and mean from the whole run, each on both sides of its limit', () => {
    // 1..1000 ms as the histogram reads them: the longest 1000.447 ms, the mean 500.505 ms.
    const at = evaluateSla(sla({ max: 1_000.447, mean: 500.505 }), run(0));
    const above = evaluateSla(sla({ max: 1_000.446, mean: 500.504 }), run(0));

    expect(judged(at)).toEqual([
      ['max', 'critical', 'latency.max', 1_000.447, true],
      ['mean', 'critical', 'latency.mean', 500.505, true],
      ['errorRate', 'critical', 'errorRate', 0, true],
    ]);
    expect(judged(above).slice(0, 2)).toEqual([
      ['max', 'critical', 'latency.max', 1_000.447, false],
      ['mean', 'critical', 'latency.mean', 500.505, false],
    ]);
  });

  it("judges a step's SLAs on that step alone; a step without samples, or never run, never passes on latency", () => {
    const flow: RunMeasurement = {
      ...run(0),
      steps: [step('login', [100, 200, 300]), step('settle', [], 2)],
    };

    const report = evaluateSla(
      sla({
        steps: {
          login: { p95: 250, 'p99.9': 400, max: 300, mean: 200, errorRate: 0 },
          settle: { p95: 1_000, max: 1_000, mean: 1_000, errorRate: '100%' },
          missing: { p95: 1_000, errorRate: '100%' },
        },
      }),
      flow,
    );

    expect(judged(report)).toEqual([
      ['steps.login.p95', 'critical', 'steps.login.latency.p95', 300.031, false],
      ['steps.login.p99.9', 'critical', 'steps.login.latency.p999', 300.031, true],
      ['steps.login.max', 'critical', 'steps.login.latency.max', 300, true],
      ['steps.login.mean', 'critical', 'steps.login.latency.mean', expect.closeTo(200, 0), true],
      ['steps.login.errorRate', 'critical', 'steps.login.errorRate', 0, true],
      ['steps.settle.p95', 'critical', 'steps.settle.latency.p95', null, false],
      ['steps.settle.max', 'critical', 'steps.settle.latency.max', null, false],
      ['steps.settle.mean', 'critical', 'steps.settle.latency.mean', null, false],
      ['steps.settle.errorRate', 'critical', 'steps.settle.errorRate', 1, true],
      ['steps.missing.p95', 'critical', 'steps.missing.latency.p95', null, false],
      ['steps.missing.errorRate', 'critical', 'steps.missing.errorRate', null, false],
      ['errorRate', 'critical', 'errorRate', 0, true],
    ]);
  });

  it("adds the limiter's verdict as a critical check: 1 when compliant, 0 (a breach) when not", () => {
    const limited = (passed: boolean): RunMeasurement => ({
      ...run(0),
      rateLimit: {
        limit: 20,
        windowMs: 1_000,
        observed429Share: 0.3,
        expected429Share: 0.3,
        withinLimit429s: passed ? 0 : 2,
        retryAfterValid: true,
        passed,
        reasons: passed ? [] : ['2 429s for requests within the limit of 20'],
      },
    });

    const compliant = evaluateSla(undefined, limited(true));
    const broken = evaluateSla(undefined, limited(false));

    expect(compliant.checks.at(-1)).toEqual({
      name: 'rateLimit',
      severity: 'critical',
      metric: 'rateLimit.compliant',
      threshold: 1,
      observed: 1,
      passed: true,
    });
    expect(compliant.verdict).toBe('pass');
    expect(broken.checks.at(-1)).toMatchObject({ observed: 0, passed: false });
    expect(broken.verdict).toBe('breach');
  });

  it("judges the suite's own regression rule as critical checks, and a caller's rule in its place", () => {
    const own = evaluateSla(sla({ p95: 1_000, regression: { p95: '+20%' } }), run(0));
    const callers = evaluateSla(sla({ p95: 1_000 }), run(0), {
      spec: { percentiles: { p50: 0.1 }, minDeltaMs: 0, baselineMs: 86_400_000, minRuns: 1, alpha: 0.01 },
      baseline: undefined,
    });

    expect(own.checks.map((c) => [c.name, c.severity, c.passed])).toEqual([
      ['p95', 'critical', true],
      ['errorRate', 'critical', true],
      ['regression.p95', 'critical', true],
    ]);
    expect(own.checks[2]?.regression?.unjudged).toBe('no baseline was read');
    expect(callers.checks.map((c) => c.name)).toEqual(['p95', 'errorRate', 'regression.p50']);
  });
});

describe('step SLAs at the edges', () => {
  it('never passes a step SLA of a run without steps, and names a percentile step metric without its dot', () => {
    const report = evaluateSla(sla({ steps: { login: { 'p99.9': 1_000, errorRate: '100%' } } }), run(0));

    expect(judged(report).slice(0, 2)).toEqual([
      ['steps.login.p99.9', 'critical', 'steps.login.latency.p999', null, false],
      ['steps.login.errorRate', 'critical', 'steps.login.errorRate', null, false],
    ]);
  });

  it("holds a step's error rate to a maximum: 1 failure in 4 passes 25 % and breaches 24 %", () => {
    const flow: RunMeasurement = { ...run(0), steps: [step('pay', [100, 200, 300], 1)] };
    const at = (limit: string) =>
      evaluateSla(sla({ steps: { pay: { errorRate: limit } } }), flow).checks[0]?.passed;

    expect(at('25%')).toBe(true);
    expect(at('24%')).toBe(false);
  });
});

describe("the limiter's check", () => {
  it('gives every reason of a broken limiter, joined, and none for a compliant one', () => {
    const limited = (passed: boolean): RunMeasurement => ({
      ...run(0),
      rateLimit: {
        limit: 20,
        windowMs: 1_000,
        observed429Share: 0.3,
        expected429Share: 0.3,
        withinLimit429s: passed ? 0 : 2,
        retryAfterValid: passed,
        passed,
        reasons: passed ? [] : ['2 429s for requests within the limit of 20', 'Retry-After missing'],
      },
    });

    expect(evaluateSla(undefined, limited(false)).checks.at(-1)?.reason).toBe(
      '2 429s for requests within the limit of 20; Retry-After missing',
    );
    expect('reason' in evaluateSla(undefined, limited(true)).checks.at(-1)!).toBe(false);
  });
});
