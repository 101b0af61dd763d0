import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../functions/core/run-result.ts';
import { resolveProbe } from '../../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../../functions/core/suite/validate-suite.ts';
import {
  formatElapsed,
  formatRun,
  formatSuiteTable,
  plannedRequests,
} from '../../../functions/local/report.ts';
import { runProbeLocally } from '../../../functions/local/run-probe.ts';
import { createStyle } from '../../../functions/local/style.ts';
import { runResult } from '../../helpers/run-results.ts';

const plain = createStyle({ isTTY: false });

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** A latency check bound to `url`, run for real against it. */
async function latencyCheck(url: string, requests: number, interval: number, sla?: Record<string, unknown>) {
  const suite = validateSuite({
    name: 'report',
    environments: { local: { baseUrl: url } },
    probes: [{ id: 'check', request: { url: '/' }, load: { kind: 'latency', requests, interval }, sla }],
  });
  const probe = resolveProbe(suite, suite.probes[0]!, 'local');
  return { probe, result: await runProbeLocally(probe) };
}

describe('formatRun', () => {
  it('compares a latency check by requests sent against requests planned, not by an n/(n-1) rate', async () => {
    const { probe, result } = await latencyCheck(baseUrl, 3, 40);

    const text = formatRun(result, plain, { plannedRequests: plannedRequests(probe) });

    expect(text).toMatch(/check \(latency, env local\) {2}3 requests in \d+ ms, /);
    expect(text).toContain('valid, sent 3 of 3 requests planned');
    expect(text).not.toContain('req/s planned');
  });

  it('prints – for every percentile when no response completed, and says "1 request"', async () => {
    // Port 1 on loopback: nothing listens, every connect is refused.
    const { probe, result } = await latencyCheck('http://127.0.0.1:1', 1, 0);

    const text = formatRun(result, plain, { plannedRequests: plannedRequests(probe) });

    expect(result.requests.total).toBe(1);
    expect(text).toContain(' 1 request in ');
    const latencyRow = text.split('\n')[2];
    expect(latencyRow).toMatch(/^\s+(–\s+){7}–$/);
    expect(formatSuiteTable([result], plain)).toMatch(/check\s+latency\s+1\s+–\s+–\s+100\.00%/);
  });

  it('shows the phases that happened, and none of those that did not', async () => {
    const { result } = await latencyCheck(baseUrl, 1, 0);
    const phase = (p50: number, count: number) => ({ p50, p95: p50 * 2, p99: p50 * 3, count });
    const withPhases = {
      ...result,
      phasesMs: { dns: phase(0, 0), connect: phase(0.2, 1), ttfb: phase(1.5, 1), download: phase(0.05, 1) },
    } as RunResult;

    const text = formatRun(withPhases, plain);

    expect(text).toMatch(
      /phase ms\s+p50\s+p95\s+p99\n\s+connect\s+0\.20\s+0\.40\s+0\.60\n\s+ttfb\s+1\.50\s+3\.00\s+4\.50\n\s+download\s+0\.05\s+0\.10\s+0\.15/,
    );
    expect(text).not.toMatch(/\bdns\b|\btls\b/);
    // A run without phase data (the transport measures them once issue 8 lands; older stored runs never will).
    const { phasesMs: _none, ...withoutPhases } = result as RunResult & { phasesMs?: unknown };
    expect(formatRun(withoutPhases as RunResult, plain)).not.toContain('phase ms');
  });

  it('marks an SLA the probe did not declare as (default), in the summary and in the verdict table', async () => {
    const { result } = await latencyCheck('http://127.0.0.1:1', 1, 0, { errorRate: 0 });
    // The check as evaluateSla marks a default one (issue 8: isDefault on SlaCheck).
    const defaulted = {
      ...result,
      sla: { ...result.sla, checks: result.sla.checks.map((c) => ({ ...c, isDefault: true })) },
    } as RunResult;

    expect(formatRun(defaulted, plain)).toMatch(
      /errorRate \(critical\) \(default\)\s+≤ 0\.00%\s+100\.00%\s+FAIL/,
    );
    expect(formatSuiteTable([defaulted], plain)).toContain('errorRate 100.00% (critical ≤ 0.00%) (default)');
    expect(formatRun(result, plain)).toMatch(/errorRate \(critical\)\s+≤ 0\.00%/);
    expect(formatRun(result, plain)).not.toContain('(default)');
  });
});

describe("the generator's queue in a rate run's summary", () => {
  const queued: RunResult = {
    ...runResult('pay', 0, '2026-12-01T00:00:00.000Z'),
    kind: 'rate',
  };
  const withQueue = (queuedSends: number, unsent: number): RunResult => ({
    ...queued,
    validity: { ...queued.validity, queuedSends, unsent, longestQueueWaitMs: 1_212 },
  });

  it("puts the arrivals that waited, their share and the longest wait in the run's first line and its table row", () => {
    const run = withQueue(460, 3);

    expect(formatRun(run, plain).split('\n')[0]).toMatch(
      /; 463 of 1,000 arrivals \(46\.3 %\) waited in perfprobe's queue, longest 1,212 ms$/,
    );
    expect(formatSuiteTable([run], plain)).toContain(
      "463 of 1,000 arrivals (46.3 %) waited in perfprobe's queue",
    );
  });

  it('says nothing of a queue when no arrival waited', () => {
    const run = withQueue(0, 0);

    expect(formatRun(run, plain)).not.toContain("perfprobe's queue");
    expect(formatSuiteTable([run], plain)).not.toContain("perfprobe's queue");
  });
});

describe('formatElapsed', () => {
  it('prints milliseconds below one second and seconds with one decimal above', () => {
    expect([
      formatElapsed(0),
      formatElapsed(42.4),
      formatElapsed(999),
      formatElapsed(1_000),
      formatElapsed(12_345),
    ]).toEqual(['0 ms', '42 ms', '999 ms', '1.0 s', '12.3 s']);
  });
});
