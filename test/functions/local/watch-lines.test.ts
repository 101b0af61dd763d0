import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../functions/core/run-result.ts';
import { loopbackRefused, unreachableHint } from '../../../functions/local/report.ts';
import { runLine, topError } from '../../../functions/local/watch/run-line.ts';
import { renderStatusPage } from '../../../functions/local/watch/status-page.ts';
import type { WatchSnapshot } from '../../../functions/local/watch/watch-suite.ts';
import { probeFor } from '../../helpers/probes.ts';
import { runResult } from '../../helpers/run-results.ts';

const at = '2026-11-30T09:41:07.123Z';

/** A run of 4,481 requests that all failed with `errors`, nothing measured. */
function refusedRun(errors: RunResult['errors']): RunResult {
  const r = runResult('api', 1, at);
  const failed = Object.values(errors).reduce((a, b) => a + (b ?? 0), 0);
  return { ...r, requests: { total: failed, ok: 0, failed }, errors };
}

describe('a watch run line', () => {
  it('names the failed critical checks and the top error class, counts with thousands separators', () => {
    const run = refusedRun({ http_5xx: 4000, connection_refused: 481 });
    expect(topError(run)).toBe('http_5xx 4,000');
    expect(runLine(run)).toBe(
      'breach  no response completed  errors 100 %  4,481 requests  valid: errorRate 100 % > 1 %, http_5xx 4,000',
    );
  });

  it('says nothing more of a passing run', () => {
    expect(runLine(runResult('api', 0, at))).toBe(
      'pass    no response completed  errors 0 %  1,000 requests  valid',
    );
  });
});

describe('the hint for a local service not started', () => {
  const local = probeFor('http://127.0.0.1:8080', { id: 'api' });

  it('names the loopback address that refused every request', () => {
    expect(loopbackRefused(local, refusedRun({ connection_refused: 12 }))).toBe('127.0.0.1:8080');
    expect(
      loopbackRefused(probeFor('http://localhost', { id: 'api' }), refusedRun({ connection_refused: 1 })),
    ).toBe('localhost:80');
    expect(unreachableHint(['127.0.0.1:8080'])).toBe(
      "hint: nothing is listening on 127.0.0.1:8080 (every request: connection refused): start the service there first (the demo suite's API: `perfprobe demo-api`, or `npm start` for the whole demo)",
    );
  });

  it('stays quiet for a remote host, other errors, or a run that got answers', () => {
    const refused = refusedRun({ connection_refused: 12 });
    expect(loopbackRefused(probeFor('http://10.0.0.8:8080', { id: 'api' }), refused)).toBeUndefined();
    expect(
      loopbackRefused(local, refusedRun({ connection_refused: 11, timeout_connect: 1 })),
    ).toBeUndefined();
    expect(loopbackRefused(local, runResult('api', 0.5, at))).toBeUndefined();
  });
});

describe("the watch's live page", () => {
  it('says a state, an invalid verdict once, and times as HH:MM:SS', () => {
    const run = runResult('api', 0, at);
    const invalid: RunResult = {
      ...run,
      validity: { ...run.validity, valid: false, reasons: ['generator could not keep up'] },
      sla: { ...run.sla, passed: false, verdict: 'invalid' },
    };
    const snapshot: WatchSnapshot = {
      suite: 's',
      environment: 'local',
      startedAt: at,
      probes: [
        {
          id: 'api',
          schedule: 'rate(1 minute)',
          state: 'queued',
          runs: 1,
          skipped: 0,
          nextRunAt: '2026-11-30T09:42:07.123Z',
          lastRun: invalid,
          alarms: {},
        },
      ],
      alerts: [],
    };
    const html = renderStatusPage(snapshot);
    expect(html).toContain('<td>queued</td>');
    expect(html).toContain('<td class="invalid" title="generator could not keep up">invalid</td>');
    expect(html).not.toContain('(invalid)');
    expect(html).toContain('<time datetime="2026-11-30T09:42:07.123Z">09:42:07</time>');
    expect(html).toContain(
      'Watching since 2026-11-30 <time datetime="2026-11-30T09:41:07.123Z">09:41:07</time>',
    );
    expect(html).not.toMatch(/>\d{4}-\d\d-\d\dT/);
  });
});
