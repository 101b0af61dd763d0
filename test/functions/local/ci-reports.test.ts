import { describe, expect, it } from 'vitest';
import { junitReport, markdownReport } from '../../../functions/local/ci-reports.ts';
import { storedRun } from '../../helpers/stored-runs.ts';

const at = '2026-11-30T06:00:00.000Z';
const passing = storedRun({
  runId: 'a',
  probeId: 'health',
  startedAt: at,
  latenciesUs: [10_000, 20_000],
  sla: { p99: { critical: 50 } },
});
const breaching = storedRun({
  runId: 'b',
  probeId: 'pay|ments',
  startedAt: at,
  latenciesUs: [90_000],
  failed: 1,
  sla: { p99: { warn: 50, critical: 80 }, errorRate: { critical: 0.01 } },
});
const invalid = storedRun({ runId: 'c', probeId: 'fx', startedAt: at, latenciesUs: [1_000], valid: false });

describe('markdownReport', () => {
  it('puts probes × verdicts first, with failed checks, and escapes pipes in cells', () => {
    const md = markdownReport({ suite: 'bank', environment: 'prod', runs: [passing, breaching, invalid] });

    expect(md).toContain('## perfprobe: bank on prod');
    expect(md).toContain('| health | ✅ pass | 2 | 10.0 | 20.0 | 20.0 | 0.00% |  |');
    expect(md).toContain(
      '| pay\\|ments | ❌ breach | 2 | 90.0 | 90.0 | 90.0 | 50.00% | p99 90.0 ms (warn ≤ 50.0 ms), p99 90.0 ms (critical ≤ 80.0 ms), errorRate 50.00% (critical ≤ 1.00%) |',
    );
    expect(md).toContain('| fx | ⚠️ invalid | 1 |');
    expect(md).toContain('the generator was late');
    expect(md).toContain('| p99 (critical) | ≤ 80.0 ms | 90.0 ms | **FAIL** |');
    expect(md).toContain('| p99 (warn) | ≤ 50.0 ms | 90.0 ms | warn |');
  });
});

describe('junitReport', () => {
  it('writes one case per check and one for validity: critical misses fail, warn misses pass with figures', () => {
    const xml = junitReport({ suite: 'bank', environment: 'prod', runs: [passing, breaching] });

    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="perfprobe bank prod" tests="7" failures="2" errors="0" skipped="0">
  <testsuite name="bank.prod.health" tests="3" failures="0" errors="0" skipped="0" time="1.000" timestamp="${at}">
    <testcase classname="bank.prod.health" name="valid run"/>
    <testcase classname="bank.prod.health" name="p99 (critical)"><system-out>observed 20.0 ms, threshold ≤ 50.0 ms</system-out></testcase>
    <testcase classname="bank.prod.health" name="errorRate (critical) (default)"><system-out>observed 0.00%, threshold ≤ 1.00%</system-out></testcase>
  </testsuite>
  <testsuite name="bank.prod.pay|ments" tests="4" failures="2" errors="0" skipped="0" time="1.000" timestamp="${at}">
    <testcase classname="bank.prod.pay|ments" name="valid run"/>
    <testcase classname="bank.prod.pay|ments" name="p99 (warn)"><system-out>warn: observed 90.0 ms, threshold ≤ 50.0 ms</system-out></testcase>
    <testcase classname="bank.prod.pay|ments" name="p99 (critical)"><failure message="observed 90.0 ms, threshold ≤ 80.0 ms"/></testcase>
    <testcase classname="bank.prod.pay|ments" name="errorRate (critical)"><failure message="observed 50.00%, threshold ≤ 1.00%"/></testcase>
  </testsuite>
</testsuites>
`);
  });

  it('fails an invalid run on "valid run" with its reasons, and escapes what XML cannot hold', () => {
    const odd = { ...invalid, validity: { ...invalid.validity, reasons: ['<late> & "slow"\u0007'] } };

    const xml = junitReport({ suite: 'a&b', environment: 'prod', runs: [odd] });

    expect(xml).toContain('<testsuites name="perfprobe a&amp;b prod" tests="2" failures="1"');
    expect(xml).toContain(
      '<testcase classname="a&amp;b.prod.fx" name="valid run"><failure message="invalid run: &lt;late&gt; &amp; &quot;slow&quot;"/></testcase>',
    );
  });
});
