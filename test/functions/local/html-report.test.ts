import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLatencyHistogram } from '../../../functions/core/histogram.ts';
import type { RunResult } from '../../../functions/core/run-result.ts';
import {
  distributionData,
  thresholdLines,
  timelineData,
  trendData,
} from '../../../functions/local/html-report/chart-data.ts';
import { jsonForScript } from '../../../functions/local/html-report/escape.ts';
import {
  DATA_ELEMENT_ID,
  renderHtmlReport,
} from '../../../functions/local/html-report/render-html-report.ts';
import { runResult } from '../../helpers/run-results.ts';
import { lognormalLatencies, storedRun } from '../../helpers/stored-runs.ts';

const samplesA = lognormalLatencies(2_000, 8_000, 1);
const samplesB = lognormalLatencies(3_000, 12_000, 2);
const older = storedRun({
  runId: 'a',
  startedAt: '2026-11-30T05:00:00.000Z',
  latenciesUs: samplesA,
  sla: {
    p50: { critical: 20 },
    'p99.9': { warn: 40, critical: 80 },
    max: { critical: 500 },
    errorRate: { critical: 0.01 },
  },
});
const newer = storedRun({
  runId: 'b',
  startedAt: '2026-11-30T06:00:00.000Z',
  latenciesUs: samplesB,
  failed: 3,
  sla: {
    p50: { critical: 20 },
    'p99.9': { warn: 40, critical: 80 },
    max: { critical: 500 },
    errorRate: { critical: 0.01 },
  },
});
const invalid = storedRun({
  runId: 'c',
  startedAt: '2026-11-30T05:30:00.000Z',
  latenciesUs: [900_000],
  valid: false,
});

/** The data element's JSON, read back as the page reads it. */
function pageData(html: string): { probes: unknown[] } {
  const match = new RegExp(
    `<script type="application/json" id="${DATA_ELEMENT_ID}">(.*?)</script>`,
    's',
  ).exec(html);
  return JSON.parse(match![1]!);
}

describe('chart data', () => {
  it("draws each valid run's own percentiles, oldest first, leaving invalid runs out", () => {
    const trend = trendData([newer, invalid, older]);

    expect(trend.per).toBe('run');
    expect(trend.x).toEqual([Date.parse(older.startedAt) / 1000, Date.parse(newer.startedAt) / 1000]);
    expect(trend.p99).toEqual([older.latencyMs.p99, newer.latencyMs.p99]);
    expect(trend.max).toEqual([older.latencyMs.max, newer.latencyMs.max]);
  });

  it("draws one point per hour past 500 runs, each hour's runs merged exactly", () => {
    const start = Date.parse('2026-11-30T00:00:00.000Z');
    // Two kinds of run, alternating: each hour merges 100 of each, so its percentiles are those of A and B.
    const kinds = [older, newer];
    const runs = Array.from({ length: 600 }, (_, i) => ({
      ...kinds[i % 2]!,
      runId: `r${i}`,
      startedAt: new Date(start + i * 18_000).toISOString(),
    })).reverse();
    const both = createLatencyHistogram();
    for (const us of [...samplesA, ...samplesB]) both.recordValue(us);

    const trend = trendData(runs);

    expect(trend.per).toBe('hour');
    expect(trend.x).toEqual([0, 1, 2].map((h) => start / 1000 + h * 3600));
    expect(trend.p99).toEqual(Array(3).fill(Math.round(both.getValueAtPercentile(99)) / 1000));
  });

  it("merges the window's valid runs exactly: the curve is one histogram of all their samples", () => {
    const all = createLatencyHistogram();
    for (const us of [...samplesA, ...samplesB]) all.recordValue(us);
    const own = createLatencyHistogram();
    for (const us of samplesB) own.recordValue(us);

    const d = distributionData(newer, [newer, invalid, older])!;

    const at = (x: number) => d.x.findIndex((v) => Math.abs(v - x) < 1e-9);
    for (const [x, q] of [
      [1, 0],
      [10, 90],
      [100, 99],
      [1000, 99.9],
    ] as const) {
      expect(d.window![at(x)]).toBe(Math.round(all.getValueAtPercentile(q)) / 1000);
      expect(d.latest[at(x)]).toBe(Math.round(own.getValueAtPercentile(q)) / 1000);
    }
    expect(d.windowRuns).toBe(2);
    // This run's curve ends at its max once 1/(1-q) passes its 3,000 samples; the window's goes on to 5,000.
    const lastOwn = d.latest.findLastIndex((v) => v !== null);
    expect(d.latest[lastOwn]).toBe(Math.round(own.getValueAtPercentile(100)) / 1000);
    expect(d.x[lastOwn]).toBeGreaterThanOrEqual(3_000);
    expect(d.x[lastOwn - 1]).toBeLessThan(3_000);
    expect(d.window!.at(-1)).toBe(Math.round(all.getValueAtPercentile(100)) / 1000);
  });

  it('has no window curve when the window holds only the run itself', () => {
    expect(distributionData(newer, [newer])!.window).toBeNull();
  });

  it('turns latency SLAs into lines at their percentile, and leaves error rates out', () => {
    expect(thresholdLines(newer)).toEqual([
      { label: 'p50 critical', severity: 'critical', ms: 20, percentile: 50 },
      { label: 'p99.9 warn', severity: 'warn', ms: 40, percentile: 99.9 },
      { label: 'p99.9 critical', severity: 'critical', ms: 80, percentile: 99.9 },
      { label: 'max critical', severity: 'critical', ms: 500, percentile: 100 },
    ]);
  });

  it('gives the timeline as rates per second of each slot, with no p99 where nothing completed', () => {
    const run: RunResult = {
      ...newer,
      timeline: [
        { second: 0, seconds: 1, requests: 10, errors: 1, p50: 3, p99: 7 },
        { second: 1, seconds: 5, requests: 50, errors: 50, p50: 0, p99: 0 },
      ],
    };

    expect(timelineData(run)).toEqual({
      durationSeconds: 1,
      x: [0, 1],
      requestsPerSecond: [10, 10],
      errorsPerSecond: [1, 10],
      p99: [7, null],
    });
    expect(timelineData(newer)).toBeNull();
  });
});

describe('renderHtmlReport', () => {
  const input = {
    suite: 'bank',
    environment: 'prod',
    generatedAt: '2026-11-30T07:00:00.000Z',
    window: { from: '2026-11-29T07:00:00.000Z', to: '2026-11-30T07:00:00.000Z' },
    probes: [
      { probeId: 'payments', runs: [newer, invalid, older], latest: newer },
      { probeId: 'fx', runs: [], latest: undefined },
    ],
  };

  it('is one page that references nothing outside itself, and lets only its own scripts run', () => {
    const html = renderHtmlReport(input).replaceAll('&#39;', "'");

    const markup = html.replace(/<script>.*?<\/script>/gs, '');
    expect(markup).not.toMatch(/\b(src|href|action)=(?!"#)/);
    expect(markup).not.toMatch(/:\/\/|url\(/);
    const scripts = [...html.matchAll(/<script>(.*?)<\/script>/gs)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
    expect(html).toContain(`script-src ${hashes.join(' ')};`);
    expect(html).toContain("default-src 'none'");
  });

  it('carries the chart data as JSON, and says which probe had no run in the window', () => {
    const html = renderHtmlReport(input);

    const data = pageData(html);
    expect(data.probes).toHaveLength(2);
    expect(data.probes[1]).toBeNull();
    expect(html).toContain('No run stored since 2026-11-29T07:00:00.000Z.');
    expect(html).toContain('1 invalid or unmeasured, not drawn');
    expect(html).toContain('<td>http_5xx</td><td class="n">3</td>');
  });

  it("says the summary's figures are the latest run's, beside the window's run count", () => {
    const html = renderHtmlReport(input);

    expect(html).toContain(
      '<thead><tr><th colspan="3" class="group"></th><th colspan="5" class="group">latest run</th></tr>',
    );
    expect(html).toContain('<th class="n">runs in window</th><th class="n">requests</th>');
    // payments: three runs in the window; the latest run's own requests (3,000 answered, 3 failed).
    expect(html).toMatch(/>payments<\/a><\/td><td>.*?<\/td><td class="n">3<\/td><td class="n">3,003<\/td>/);
  });

  it("shows how the generator fared: GC pauses, its wait for a CPU against the run's length, stale retries", () => {
    const run: RunResult = {
      ...newer,
      durationMs: 4_000,
      staleRetries: 2,
      validity: { ...newer.validity, gcPauseMs: { total: 12.5, max: 3.25 }, cpuWaitMs: 130 },
    };
    const html = renderHtmlReport({ ...input, probes: [{ probeId: 'payments', runs: [run], latest: run }] });

    expect(html).toContain('<td>GC pauses (longest)</td><td>12.5 ms (3.25 ms)</td>');
    expect(html).toContain('<td>waited for a CPU</td><td>130 ms (3.3 % of the run)</td>');
    expect(html).toContain('<td>stale-connection retries</td><td>2</td>');
  });

  it("counts a flow's iterations as iterations, with the HTTP requests they sent, and its statuses per iteration", () => {
    const step = (name: string, polls?: number) => ({
      ...newer.steps?.[0],
      name,
      requests: { total: 3, ok: 3, failed: 0 },
      errorRate: 0,
      errors: {},
      latencyMs: newer.latencyMs,
      histogram: newer.histogram,
      ...(polls === undefined ? {} : { polls }),
    });
    const flow: RunResult = {
      ...newer,
      requests: { total: 3, ok: 3, failed: 0 },
      statusCodes: { '200': 3 },
      errors: {},
      steps: [step('login'), step('create'), step('confirm'), step('settled', 17)],
    };

    const html = renderHtmlReport({ ...input, probes: [{ probeId: 'pay', runs: [flow], latest: flow }] });

    expect(html).toContain('<td class="n">3 iterations (26 HTTP)</td>');
    expect(html).toContain('3 iterations (26 HTTP requests)');
    expect(html).toContain('<th>last HTTP status</th><th class="n">iterations</th>');
    expect(html).toContain('<td class="name">settled</td>');
  });

  it('lists the trace ids of the slowest and failed requests, with their step for a flow; nothing without ids', () => {
    const traces = {
      slowest: [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', ms: 2310.4, step: 'login' }],
      failed: [{ traceId: '0af7651916cd43dd8448eb211c80319c', errorClass: 'timeout_headers' as const }],
    };
    const flow: RunResult = { ...newer, steps: [], traces };
    const single: RunResult = { ...newer, traces };
    const page = (run: RunResult) =>
      renderHtmlReport({ ...input, probes: [{ probeId: 'pay', runs: [run], latest: run }] });

    expect(page(flow)).toContain(
      '<h3>Trace ids (traceparent)</h3><table><thead><tr><th>request</th><th class="fig">trace id</th><th>ms or error</th><th class="name">step</th></tr></thead><tbody>' +
        '<tr><td>slowest</td><td class="fig"><code>4bf92f3577b34da6a3ce929d0e0e4736</code></td><td>2310 ms</td><td class="name">login</td></tr>' +
        '<tr><td>failed</td><td class="fig"><code>0af7651916cd43dd8448eb211c80319c</code></td><td>timeout_headers</td><td class="name"></td></tr>',
    );
    expect(page(single)).toContain(
      '<tr><td>slowest</td><td class="fig"><code>4bf92f3577b34da6a3ce929d0e0e4736</code></td><td>2310 ms</td></tr>',
    );
    expect(page(newer)).not.toContain('Trace ids');
  });

  it('draws no latency chart for a run where no response completed, and says why', () => {
    const failed = runResult('down', 1, '2026-11-30T06:00:00.000Z');

    const html = renderHtmlReport({
      ...input,
      probes: [{ probeId: 'down', runs: [failed], latest: failed }],
    });

    expect(html).not.toContain('data-chart=');
    expect(html).toContain(
      'No valid run with responses in the window to draw over time (1 invalid or unmeasured, not drawn).',
    );
    expect(html).toContain('<td>http_5xx</td><td class="n">1,000</td><td class="n">100.00%</td>');
  });

  it('escapes text it does not control, in the markup and in the JSON', () => {
    const id = '</script><script>alert(1)</script><!--';
    const run = { ...newer, probeId: id, sampleErrors: ['<img src=x onerror=alert(2)> & "q"'] };

    const html = renderHtmlReport({
      ...input,
      suite: "<i>'s",
      probes: [{ probeId: id, runs: [run], latest: run }],
    });

    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--');
    expect(html).toContain('<code>&lt;img src=x onerror=alert(2)&gt; &amp; &quot;q&quot;</code>');
    expect(html).toContain('<title>perfprobe: &lt;i&gt;&#39;s on prod</title>');
    expect(html).not.toContain('<img');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('writes JSON that no text can end early, and reads back unchanged', () => {
    const value = { s: '</script><!-- \u2028\u2029 </SCRIPT>' };

    const json = jsonForScript(value);

    expect(json).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
