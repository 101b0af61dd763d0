import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perfprobe, repoRoot } from '../../helpers/cli-process.ts';
import { httpServer, type Running } from '../../helpers/servers.ts';

// Inside the repo (git-ignored) so suites can `import { defineSuite } from 'perfprobe'`.
const work = join(repoRoot, '.perfprobe', `suite-store-test-${process.pid}`);
const store = join(work, 'store');
let api: Running;

/** A suite with one `health` probe, as two teams would each write one in the same repository. */
function healthSuite(name: string): string {
  const file = join(work, `${name}.ts`);
  writeFileSync(
    file,
    `import { defineSuite } from 'perfprobe';

export default defineSuite({
  name: '${name}',
  environments: { local: { baseUrl: '${api.url}' } },
  probes: [{ id: 'health', request: { url: '/health' }, load: { kind: 'latency', requests: 3, interval: 0 } }],
});
`,
  );
  return file;
}

/** `perfprobe run`, recording in the test's store; the run's id from its --json. */
async function runOnce(suite: string, tag: string): Promise<string> {
  const json = join(work, `${tag}.json`);
  const { stderr } = await perfprobe([
    'run',
    suite,
    '--env',
    'local',
    '--store',
    store,
    '--json',
    json,
    '--quiet',
  ]);
  const [result] = JSON.parse(readFileSync(json, 'utf8')) as { runId: string }[];
  if (!result) throw new Error(`no run recorded: ${stderr}`);
  return result.runId;
}

const runIdsIn = (json: string) =>
  (JSON.parse(readFileSync(json, 'utf8')) as { runId: string }[]).map((r) => r.runId);

let a: string;
let b: string;
const aRuns: string[] = [];
let bRun: string;

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  api = await httpServer((_req, res) => res.end('ok'));
  a = healthSuite('team-a');
  b = healthSuite('team-b');
  aRuns.push(await runOnce(a, 'a1'));
  bRun = await runOnce(b, 'b1');
  aRuns.push(await runOnce(a, 'a2'));
}, 120_000);

afterAll(async () => {
  await api?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('two suites with a health probe each, in one run store', () => {
  it("lists, charts and baselines only the suite's own runs", async () => {
    const [runs, history, report, baseline] = await Promise.all([
      perfprobe(['runs', a, '--env', 'local', '--store', store, '--json', join(work, 'runs-a.json')]),
      perfprobe(['history', a, '--env', 'local', '--store', store, '--json', join(work, 'history-a.json')]),
      perfprobe(['report', a, '--env', 'local', '--store', store, '--md', join(work, 'a.md')]),
      perfprobe([
        'baseline',
        'save',
        a,
        '--env',
        'local',
        '--store',
        store,
        '--out',
        join(work, 'base-a.json'),
      ]),
    ]);

    expect([runs.code, history.code, report.code, baseline.code]).toEqual([0, 0, 0, 0]);
    expect(runIdsIn(join(work, 'runs-a.json')).sort()).toEqual([...aRuns].sort());
    expect(runs.stdout).not.toContain(bRun);
    const [health] = JSON.parse(readFileSync(join(work, 'history-a.json'), 'utf8')).probes;
    expect(health.total.runs.total).toBe(2);
    expect(readFileSync(join(work, 'a.md'), 'utf8')).not.toContain(bRun);
    // The baseline merges valid runs only (a run of this loaded machine may be invalid): team-a's, as history counts them.
    expect(JSON.parse(readFileSync(join(work, 'base-a.json'), 'utf8')).probes.health.runs).toBe(
      health.total.runs.valid,
    );
  }, 120_000);

  it('skips a run whose stored histogram lost one character, with one warning naming its file, and shows the rest', async () => {
    const dir = join(store, 'runs', 'team-a', encodeURIComponent('local#health'));
    const [day] = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
    const file = join(dir, day!);
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((line) => line.includes(aRuns[0]!));
    const { histogram } = JSON.parse(lines[at]!) as { histogram: string };
    const flipped = `${histogram.slice(0, 20)}${histogram[20] === 'A' ? 'B' : 'A'}${histogram.slice(21)}`;
    lines[at] = lines[at]!.replace(histogram, flipped);
    writeFileSync(file, lines.join('\n'));

    const [history, report, runs] = await Promise.all([
      perfprobe([
        'history',
        a,
        '--env',
        'local',
        '--store',
        store,
        '--json',
        join(work, 'history-flip.json'),
      ]),
      perfprobe(['report', a, '--env', 'local', '--store', store, '--html', join(work, 'flip.html')]),
      perfprobe(['runs', a, '--env', 'local', '--store', store, '--json', join(work, 'runs-flip.json')]),
    ]);

    const warning = `perfprobe: warning: skipped the run record at ${file}:${at + 1}: damaged or incomplete (histogram: does not decode (damaged))\n`;
    for (const command of [history, report, runs]) {
      expect(command.code).toBe(0);
      expect(command.stderr).toBe(warning);
    }
    const [health] = JSON.parse(readFileSync(join(work, 'history-flip.json'), 'utf8')).probes;
    expect(health.total.runs.total).toBe(1);
    expect(readFileSync(join(work, 'flip.html'), 'utf8')).toContain(aRuns[1]);
    expect(runIdsIn(join(work, 'runs-flip.json'))).toEqual([aRuns[1]]);
    // After the reads: its own append would race them. The regression baseline and the page read the store too.
    const run = await perfprobe([
      'run',
      a,
      '--env',
      'local',
      '--store',
      store,
      '--baseline',
      'store',
      '--html',
      join(work, 'run.html'),
      '--quiet',
    ]);
    expect(run.stderr).toBe(warning);
    expect([0, 1]).toContain(run.code);
    expect(readFileSync(join(work, 'run.html'), 'utf8')).toContain('team-a');
  }, 120_000);
});
