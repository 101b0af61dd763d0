import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileRunStore } from '../../../../functions/adapters/file-run-store.ts';
import { baselineSaveCommand } from '../../../../functions/local/commands/baseline-command.ts';
import { runCommand } from '../../../../functions/local/commands/run-command.ts';
import { httpServer, type Running } from '../../../helpers/servers.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
// Inside the repo (git-ignored) so the suite can `import { defineSuite } from 'perfprobe'`.
const work = join(root, '.perfprobe', `regression-test-${process.pid}`);
const storeDir = join(work, 'store');
const suitePath = join(work, 'suite.ts');

const quiet = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  }) as unknown as NodeJS.WriteStream;

/** The target answers after `delayMs`: 20 ms as usual, 26 ms when 30 % slower. */
let delayMs = 20;
let target: Running;

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  target = await httpServer((_req, res) => {
    setTimeout(() => res.end('ok'), delayMs);
  });
  writeFileSync(
    suitePath,
    `import { defineSuite } from 'perfprobe';

export default defineSuite({
  name: 'regression',
  environments: { local: { baseUrl: '${target.url}' } },
  probes: [
    {
      id: 'api',
      request: { url: '/' },
      load: { kind: 'burst', connections: 4, requests: 200 },
      sla: { regression: { p50: '+20%', p95: '+20%', minDelta: '2ms', baseline: '1h', minRuns: 3 } },
    },
  ],
});
`,
  );
  // The baseline: three runs of the usual target, recorded in the store.
  for (let i = 0; i < 3; i++) await runCommand({ suitePath, store: storeDir, out: quiet() });
}, 60_000);

afterAll(async () => {
  await target.close();
  rmSync(work, { recursive: true, force: true });
});

const regressionChecks = (checks: readonly { name: string }[]) =>
  checks.filter((c) => c.name.startsWith('regression.'));

describe('regression against a baseline', () => {
  it('does not flag repeated runs of the same target, judged from the store', async () => {
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      const { code, results } = await runCommand({ suitePath, store: storeDir, out: quiet() });
      outcomes.push({ code, checks: regressionChecks(results[0]!.sla.checks) });
    }

    for (const { code, checks } of outcomes) {
      expect(checks).toHaveLength(2);
      expect(checks.every((c) => 'passed' in c && c.passed)).toBe(true);
      expect(code).toBe(0);
    }
  });

  it('flags a 30 % slower target against a saved baseline file, and exits 1 (a CI gate)', async () => {
    const file = join(work, 'baseline.json');
    const saved = await baselineSaveCommand({
      suitePath,
      sinceMs: 3_600_000,
      outFile: file,
      store: (suite) =>
        createFileRunStore({ dir: storeDir, suite: suite.name, retentionDays: suite.retentionDays }),
      out: quiet(),
    });
    delayMs = 26;

    const { code, results } = await runCommand({ suitePath, baseline: file, out: quiet() }).finally(() => {
      delayMs = 20;
    });

    expect(saved.probes.api?.runs).toBeGreaterThanOrEqual(3);
    const checks = results[0]!.sla.checks.filter((c) => c.name.startsWith('regression.'));
    // The median moves by the whole 6 ms; a 200-request run's p95 is also the host's jitter, so it is reported
    // with its figures but not asserted here.
    expect(checks.map((c) => c.name)).toEqual(['regression.p50', 'regression.p95']);
    expect(checks[0]?.passed).toBe(false);
    expect(checks[0]?.regression?.source).toBe(file);
    expect(checks[0]?.regression?.relative).toBeGreaterThan(0.2);
    expect(checks[0]?.regression?.test?.pValue).toBeLessThan(0.01);
    expect(results[0]?.sla.verdict).toBe('breach');
    expect(code).toBe(1);
  });

  it('refuses --baseline store together with --no-store, before sending anything', async () => {
    await expect(runCommand({ suitePath, baseline: 'store', out: quiet() })).rejects.toThrow(
      '--baseline store: expected the run store to read, got --no-store',
    );
  });

  it('refuses a baseline file that is missing, naming the flag', async () => {
    await expect(runCommand({ suitePath, baseline: join(work, 'nope.json'), out: quiet() })).rejects.toThrow(
      `--baseline: expected "store" or a baseline file from perfprobe baseline save, got "${join(work, 'nope.json')}" (no such file)`,
    );
  });

  it('refuses a baseline file whose histogram does not decode, before sending anything', async () => {
    const file = join(work, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({
        kind: 'perfprobe-baseline',
        version: 1,
        suite: 'regression',
        environment: 'local',
        createdAt: '',
        from: '',
        to: '',
        probes: { api: { runs: 3, histogram: 'bm90IGEgaGlzdG9ncmFt' } },
      }),
    );

    await expect(runCommand({ suitePath, baseline: file, out: quiet() })).rejects.toThrow(
      `--baseline ${file}: probes.api: expected { runs, histogram } as baseline save writes them`,
    );
  });
});
