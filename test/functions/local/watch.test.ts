import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileRunStore } from '../../../functions/adapters/file-run-store.ts';
import { perfprobe, repoRoot, spawnPerfprobe } from '../../helpers/cli-process.ts';
import { httpServer, type Running, refusedPort } from '../../helpers/servers.ts';

// Inside the repository (git-ignored) so the suite can `import { defineSuite } from 'perfprobe'`.
const work = join(repoRoot, '.perfprobe', `watch-test-${process.pid}`);
const storeDir = join(work, 'store');
const suitePath = join(work, 'suite.ts');

/** /api answers 503 until healthy; /slow answers at once (its probe is slow by its own pacing). */
let healthy = false;
let target: Running;
let webhook: Running;
const posted: { kind: string; probeId: string; dedupKey: string; text: string }[] = [];

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  const down = await refusedPort();
  target = await httpServer((req, res) => {
    res.statusCode = req.url === '/api' && !healthy ? 503 : 200;
    res.end('{}');
  });
  webhook = await httpServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      posted.push(JSON.parse(body));
      res.end();
    });
  });
  writeFileSync(
    suitePath,
    `import { defineSuite } from 'perfprobe';

export default defineSuite({
  name: 'watched',
  environments: { local: { baseUrl: '${target.url}' } },
  probes: [
    // The default alert policy: a critical SLA broken in 2 of the last 3 valid runs pages.
    { id: 'api', request: { url: '/api' }, load: { kind: 'latency', requests: 2, interval: '10ms' } },
    // A run takes 1.5 s, so every other 1 s tick comes while it is still going.
    { id: 'slow', request: { url: '/slow' }, load: { kind: 'latency', requests: 2, interval: '1500ms' } },
    // Nothing listens there: every request refused, on loopback.
    { id: 'down', request: { url: 'http://127.0.0.1:${down}/' }, load: { kind: 'latency', requests: 2, interval: '10ms' } },
  ],
});
`,
  );
});

afterAll(async () => {
  await target.close();
  await webhook.close();
  rmSync(work, { recursive: true, force: true });
});

describe('perfprobe watch', () => {
  it('runs on schedule, alerts BREACH then RECOVERED as deployed, records every run, serves its page, and stops on SIGINT', async () => {
    const watch = spawnPerfprobe([
      'watch',
      suitePath,
      '--every',
      '1s',
      '--port',
      '0',
      '--webhook',
      webhook.url,
      '--store',
      storeDir,
    ]);
    const [, page] = await watch.waitFor(/live page (http:\/\/127\.0\.0\.1:\d+\/)/, 15_000);

    const breach = await watch.waitFor(/ALERT BREACH local\/api: .*/, 15_000);
    expect(breach[0]).toBe(
      'ALERT BREACH local/api: 2 of the last 2 valid runs breached (alarms at 2 of 3); latest run: errorRate 100 % > 0 % (default SLA), http_5xx 2',
    );
    // A target that is down: its alert names the error, and a hint says what is not listening, once.
    await watch.waitFor(/ALERT BREACH local\/down: .*, connection_refused 2\n/, 15_000);
    // The run line names what failed, as the alert does.
    expect(watch.stdout()).toMatch(
      / api +breach .* 2 requests {2}valid: errorRate 100 % > 0 % \(default SLA\), http_5xx 2\n/,
    );
    healthy = true;
    const recovered = await watch.waitFor(/ALERT RECOVERED local\/api after \d+ s: .*/, 15_000);
    expect(recovered[0]).toMatch(
      /: [01] of the last 3 valid runs breached \(alarms at 2 of 3\); 2 passing runs since \(alert\.recoverAfter 2\); latest run: errorRate 0 % <= 0 % \(default SLA\)$/,
    );
    await watch.waitFor(/slow +tick skipped: the previous run is still going/, 10_000);

    // The live page and the runs, from the store, on loopback.
    const html = await fetch(page!);
    expect(html.headers.get('content-type')).toContain('text/html');
    const text = await html.text();
    expect(text).toContain('perfprobe watch: watched / local');
    expect(text).toContain('RECOVERED local/api');
    const runs = (await (await fetch(`${page}runs.json`)).json()) as {
      runs: { probeId: string; sla: { verdict: string } }[];
    };
    expect(runs.runs.some((r) => r.probeId === 'api' && r.sla.verdict === 'breach')).toBe(true);
    expect(runs.runs.some((r) => r.probeId === 'api' && r.sla.verdict === 'pass')).toBe(true);
    // The chart page is the HTML report of the stored runs (tested in Chromium elsewhere), reloading itself.
    const report = await (await fetch(`${page}report`)).text();
    expect(report).toContain('perfprobe: watched on local');
    expect(report).toContain('<meta http-equiv="refresh" content="30">');
    expect(report).toMatch(/<h2[^>]*>api\b/);

    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    expect(watch.stdout()).toMatch(/stopped\n$/);
    expect(watch.stdout().match(/^hint: nothing is listening on 127\.0\.0\.1:\d+ .*$/gm)).toHaveLength(1);
    // The page is gone with the process.
    await expect(fetch(page!)).rejects.toThrow();

    // Every finished run is in the store, as `perfprobe run` records it, in the order printed.
    const printed = [...watch.stdout().matchAll(/ api +(pass|breach|warn|invalid) /g)].map((m) => m[1]);
    const store = createFileRunStore({ dir: storeDir, suite: 'watched', retentionDays: 90 });
    const stored = await store.runsBetween('local', 'api', new Date(Date.now() - 60_000), new Date(), 1_000);
    expect(stored.map((r) => r.sla.verdict).reverse()).toEqual(printed);

    // One run at a time: every tick of api came while slow's 1.5 s runs were going half the time, yet no two
    // stored runs overlap (each starts after the one before has ended).
    const slow = await store.runsBetween('local', 'slow', new Date(Date.now() - 60_000), new Date(), 1_000);
    expect(slow.length).toBeGreaterThanOrEqual(2);
    const spans = [...stored, ...slow]
      .map((r) => ({
        id: r.probeId,
        from: Date.parse(r.startedAt),
        to: Date.parse(r.startedAt) + r.durationMs,
      }))
      .sort((a, b) => a.from - b.from);
    for (const [i, span] of spans.entries()) {
      if (i > 0)
        expect(span.from, `${span.id} started before ${spans[i - 1]!.id} ended`).toBeGreaterThanOrEqual(
          spans[i - 1]!.to,
        );
    }

    // The webhook got the same alerts, in order, as one incident.
    const api = posted.filter((a) => a.probeId === 'api');
    expect(api.map((a) => a.kind)).toEqual(['breach', 'recovery']);
    expect(api[0]!.text).toBe(breach[0]!.replace('ALERT ', ''));
    expect(api[1]!.dedupKey).toBe(api[0]!.dedupKey);
    expect(api[0]!.dedupKey).toMatch(/^perfprobe\.watched\.local\.probe\.api\.sla@/);
  }, 60_000);

  it('stops on SIGINT while a run waits on a target that hangs, within the request timeout, and records nothing half-measured', async () => {
    const hang = await httpServer(() => {});
    const hangDir = join(work, 'hang');
    const hangSuite = join(work, 'hang.ts');
    writeFileSync(
      hangSuite,
      `import { defineSuite } from 'perfprobe';
export default defineSuite({
  name: 'hung',
  environments: { local: { baseUrl: '${hang.url}' } },
  probes: [{ id: 'stuck', request: { url: '/', timeout: '3s' }, load: { kind: 'latency', requests: 1, interval: 0 } }],
});
`,
    );
    try {
      const watch = spawnPerfprobe(['watch', hangSuite, '--every', '1s', '--port', '0', '--store', hangDir]);
      await watch.waitFor(/live page /, 15_000);
      // Let the first request reach the target and hang there.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const stoppedAt = Date.now();
      watch.child.kill('SIGINT');

      expect(await watch.exited).toBe(0);
      // In-flight requests may end (as in \`perfprobe run\`), bounded by their timeout, well inside the 10 s grace.
      expect(Date.now() - stoppedAt).toBeLessThan(6_000);
      expect(watch.stdout()).toContain('run interrupted by the stop: not recorded');
      const stored = await createFileRunStore({ dir: hangDir, suite: 'hung', retentionDays: 90 }).runsBetween(
        'local',
        'stuck',
        new Date(Date.now() - 60_000),
        new Date(),
      );
      expect(stored).toEqual([]);
    } finally {
      await hang.close();
    }
  }, 30_000);

  it('keeps watching a target whose JSON body nests 6,000 levels: its assertion and capture fail with a reason, runs are recorded', async () => {
    const deep = `${'{"a":'.repeat(6_000)}1${'}'.repeat(6_000)}`;
    const target = await httpServer((_, res) => res.end(deep));
    const deepDir = join(work, 'deep');
    const deepSuite = join(work, 'deep.ts');
    writeFileSync(
      deepSuite,
      `import { defineSuite } from 'perfprobe';
export default defineSuite({
  name: 'deep',
  environments: { local: { baseUrl: '${target.url}' } },
  probes: [
    { id: 'equals', request: { url: '/' }, load: { kind: 'latency', requests: 1, interval: 0 }, assert: { json: { '$.a': { equals: 1 } } } },
    { id: 'capture', load: { kind: 'latency', requests: 1, interval: 0 }, steps: [
      { name: 'get', request: { url: '/' }, capture: { v: { json: '$.a' } } },
      { name: 'use', request: { url: '/\${v}' } },
    ] },
  ],
});
`,
    );
    try {
      const watch = spawnPerfprobe(['watch', deepSuite, '--every', '1s', '--port', '0', '--store', deepDir]);
      // Two rounds of both probes: the process outlived the first.
      await watch.waitFor(/( equals +breach [^\n]*\n[\s\S]*){2}/, 20_000);
      await watch.waitFor(/( capture +breach [^\n]*\n[\s\S]*){2}/, 20_000);
      watch.child.kill('SIGINT');

      expect(await watch.exited).toBe(0);
      expect(watch.stdout()).toMatch(/ equals +breach .*assertion 1/);
      expect(watch.stdout()).toMatch(/ capture +breach .*capture 1/);
      expect(watch.stderr()).not.toMatch(/RangeError|internal error/);
      const store = createFileRunStore({ dir: deepDir, suite: 'deep', retentionDays: 90 });
      const since = new Date(Date.now() - 60_000);
      const [equals] = await store.runsBetween('local', 'equals', since, new Date());
      expect(equals?.sampleErrors.join()).toMatch(/\$\.a is not 1/);
      const [capture] = await store.runsBetween('local', 'capture', since, new Date());
      expect(capture?.sampleErrors.join()).toMatch(/\$\.a nests deeper than 256 levels/);
    } finally {
      await target.close();
    }
  }, 45_000);

  it('names every bad flag at once, before anything runs', async () => {
    const { code, stdout, stderr } = await perfprobe([
      'watch',
      suitePath,
      '--every',
      '500ms',
      '--webhook',
      'ftp://example.com',
      '--port',
      '99999',
      '--store',
      storeDir,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        'perfprobe: --port: expected a whole TCP port number (0 for any free port) from 0 to 65535, got "99999"',
        '--every: expected a duration of at least 1s, like "1s" or "30s", got "500ms"',
        '--webhook: expected an http(s) URL to POST alerts to, got "ftp://example.com"',
        '',
      ].join('\n'),
    );
  });
});
