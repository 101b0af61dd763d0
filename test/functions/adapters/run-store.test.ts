import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsTableDocuments } from '../../../functions/adapters/dynamo-documents.ts';
import { createRunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { createFileRunStore, type FileRunStoreOptions } from '../../../functions/adapters/file-run-store.ts';
import { runRecord } from '../../../functions/core/cloud/run-record.ts';
import type { RunStore } from '../../../functions/core/run-store.ts';
import { storedRun } from '../../helpers/stored-runs.ts';
import { type LocalRunsTable, localRunsTable } from '../handlers/runs-table.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const run = (runId: string, startedAt: string, probeId = 'health') =>
  storedRun({ runId, startedAt, probeId, latenciesUs: [1_000, 2_000, 3_000] });

const fileOptions = (dir: string, suite = 'shop'): FileRunStoreOptions => ({
  dir,
  suite,
  retentionDays: 90,
  now: () => NOW,
  warn: () => {},
});

let table: LocalRunsTable;
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perfprobe-store-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  table = await localRunsTable();
});
afterAll(async () => {
  await table.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const backends: [string, () => Promise<RunStore>][] = [
  [
    'file',
    async () =>
      createFileRunStore({ dir: await tempDir(), suite: 'shop', retentionDays: 90, now: () => NOW }),
  ],
  // A fresh environment name per store keeps the shared dynalite table's partitions apart.
  ['dynamo', async () => createRunStore(table.dynamo, table.tableName, 90, 'shop')],
];

describe.each(backends)('the %s run store', (_name, makeStore) => {
  it('answers runs of a probe in an environment between two times, newest first, as stored', async () => {
    const store = await makeStore();
    const env = `e${Math.random().toString(36).slice(2, 8)}`;
    const saved = [
      { ...run('a', '2026-11-29T23:59:00.000Z'), environment: env },
      { ...run('b', '2026-11-30T00:01:00.000Z'), environment: env },
      { ...run('c', '2026-11-30T00:01:00.000Z'), environment: env },
      { ...run('d', '2026-11-30T03:00:00.000Z'), environment: env },
      { ...run('x', '2026-11-30T00:02:00.000Z', 'other'), environment: env },
    ];
    for (const r of saved) await store.save(r);

    const all = await store.runsBetween(env, 'health', new Date('2026-11-29T00:00:00Z'), NOW);
    const window = await store.runsBetween(
      env,
      'health',
      new Date('2026-11-29T23:59:00Z'),
      new Date('2026-11-30T00:01:00Z'),
    );
    const newestTwo = await store.runsBetween(env, 'health', new Date(0), NOW, 2);

    expect(all.map((r) => r.runId)).toEqual(['d', 'c', 'b', 'a']);
    expect(window.map((r) => r.runId)).toEqual(['c', 'b', 'a']);
    expect(newestTwo.map((r) => r.runId)).toEqual(['d', 'c']);
    expect(all[3]).toEqual({
      ...saved[0],
      suite: 'shop',
      pk: `${env}#health`,
      sk: '2026-11-29T23:59:00.000Z#a',
      expiresAt: Date.parse('2026-11-29T23:59:00Z') / 1000 + 90 * 86_400,
    });
  });

  it("keeps a run's trace ids, for the notifier to page them", async () => {
    const store = await makeStore();
    const env = `e${Math.random().toString(36).slice(2, 8)}`;
    const traces = {
      slowest: [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', ms: 2310.4, step: 'login' }],
      failed: [{ traceId: '0af7651916cd43dd8448eb211c80319c', errorClass: 'timeout_headers' as const }],
    };
    await store.save({ ...run('t', '2026-11-30T01:00:00.000Z'), environment: env, traces });

    const [stored] = await store.runsBetween(env, 'health', new Date(0), NOW);

    expect(stored?.traces).toEqual(traces);
  });
});

describe('the file run store', () => {
  it('keeps every earlier run when a write was torn off mid-line, and appends after it', async () => {
    const dir = await tempDir();
    const warnings: string[] = [];
    const store = createFileRunStore({ ...fileOptions(dir), warn: (m) => warnings.push(m) });
    await store.save(run('a', '2026-11-30T01:00:00.000Z'));
    const file = join(dir, 'runs', 'shop', encodeURIComponent('local#health'), '2026-11-30.jsonl');
    // What a process killed inside write() leaves: the start of a record and no newline.
    const whole = await readFile(file, 'utf8');
    await appendFile(file, whole.slice(0, whole.length / 2));

    const afterCrash = await store.runsBetween('local', 'health', new Date(0), NOW);
    await store.save(run('b', '2026-11-30T02:00:00.000Z'));
    const afterNext = await store.runsBetween('local', 'health', new Date(0), NOW);

    expect(afterCrash.map((r) => r.runId)).toEqual(['a']);
    expect(afterNext.map((r) => r.runId)).toEqual(['b', 'a']);
    // One warning for the line, first unfinished, then torn once the next run follows it.
    expect(warnings).toEqual([
      `skipped the run record at ${file}:2: an unfinished line (a write that was cut off)`,
    ]);
  });

  it('drops runs past their retention: never returned, and their day files deleted on the next save', async () => {
    const dir = await tempDir();
    let now = new Date('2026-11-01T12:00:00Z');
    const store = createFileRunStore({ dir, suite: 'shop', retentionDays: 7, now: () => now });
    await store.save(run('old', '2026-11-01T10:00:00.000Z'));
    await store.save(run('edge', '2026-11-02T10:00:00.000Z'));

    now = new Date('2026-11-09T09:00:00Z');
    const visible = await store.runsBetween('local', 'health', new Date(0), now);
    await store.save(run('new', '2026-11-09T08:00:00.000Z'));
    const files = await readdir(join(dir, 'runs', 'shop', encodeURIComponent('local#health')));

    expect(visible.map((r) => r.runId)).toEqual(['edge']);
    expect(files.sort()).toEqual(['2026-11-02.jsonl', '2026-11-09.jsonl']);
  });

  it('answers nothing, not an error, before the first run is stored', async () => {
    const store = createFileRunStore({ dir: await tempDir(), suite: 'shop', retentionDays: 90 });

    expect(await store.runsBetween('local', 'health', new Date(0), new Date())).toEqual([]);
  });
});

describe('the file run store, per suite', () => {
  it("keeps two suites' runs of a same-named probe apart in one directory, each record naming its suite", async () => {
    const dir = await tempDir();
    const a = createFileRunStore(fileOptions(dir, 'alpha'));
    const b = createFileRunStore(fileOptions(dir, 'beta'));
    await a.save(run('a1', '2026-11-30T01:00:00.000Z'));
    await b.save(run('b1', '2026-11-30T02:00:00.000Z'));

    const ofA = await a.runsBetween('local', 'health', new Date(0), NOW);
    const ofB = await b.runsBetween('local', 'health', new Date(0), NOW);

    expect(ofA.map((r) => [r.runId, r.suite])).toEqual([['a1', 'alpha']]);
    expect(ofB.map((r) => [r.runId, r.suite])).toEqual([['b1', 'beta']]);
    expect((await readdir(join(dir, 'runs'))).sort()).toEqual(['alpha', 'beta']);
  });

  it('gives the runs stored before suites were kept to the first suite that reads them, and only to it', async () => {
    const dir = await tempDir();
    const legacy = join(dir, 'runs', encodeURIComponent('local#health'));
    await mkdir(legacy, { recursive: true });
    const { suite: _, ...old } = runRecord(run('old', '2026-11-30T00:30:00.000Z'), 'unused', 90);
    await writeFile(join(legacy, '2026-11-30.jsonl'), `${JSON.stringify(old)}\n`);
    const a = createFileRunStore(fileOptions(dir, 'alpha'));
    await a.save(run('new', '2026-11-30T01:00:00.000Z'));

    const ofA = await a.runsBetween('local', 'health', new Date(0), NOW);
    const ofB = await createFileRunStore(fileOptions(dir, 'beta')).runsBetween(
      'local',
      'health',
      new Date(0),
      NOW,
    );
    const ofAlater = await createFileRunStore(fileOptions(dir, 'alpha')).runsBetween(
      'local',
      'health',
      new Date(0),
      NOW,
    );

    expect(ofA.map((r) => [r.runId, r.suite])).toEqual([
      ['new', 'alpha'],
      ['old', 'alpha'],
    ]);
    expect(ofB).toEqual([]);
    expect(ofAlater.map((r) => r.runId)).toEqual(['new', 'old']);
    expect(await readFile(join(legacy, '.suite'), 'utf8')).toBe('alpha\n');
  });

  it('leaves unclaimed old runs alone while a suite only reads other probes', async () => {
    const dir = await tempDir();
    const legacy = join(dir, 'runs', encodeURIComponent('local#health'));
    await mkdir(legacy, { recursive: true });
    const { suite: _, ...old } = runRecord(run('old', '2026-11-30T00:30:00.000Z'), 'unused', 90);
    await writeFile(join(legacy, '2026-11-30.jsonl'), `${JSON.stringify(old)}\n`);

    await createFileRunStore(fileOptions(dir, 'alpha')).runsBetween('local', 'other', new Date(0), NOW);
    const ofB = await createFileRunStore(fileOptions(dir, 'beta')).runsBetween(
      'local',
      'health',
      new Date(0),
      NOW,
    );

    expect(ofB.map((r) => [r.runId, r.suite])).toEqual([['old', 'beta']]);
  });
});

describe('the file run store, with damaged records', () => {
  async function storeWith(lines: (dir: string, good: string[]) => string[]) {
    const dir = await tempDir();
    const setup = createFileRunStore(fileOptions(dir));
    for (const [i, id] of ['a', 'b', 'c'].entries())
      await setup.save(run(id, `2026-11-30T0${i + 1}:00:00.000Z`));
    const file = join(dir, 'runs', 'shop', encodeURIComponent('local#health'), '2026-11-30.jsonl');
    const good = (await readFile(file, 'utf8')).trim().split('\n');
    await writeFile(file, `${lines(dir, good).join('\n')}\n`);
    const warnings: string[] = [];
    const store = createFileRunStore({ ...fileOptions(dir), warn: (m) => warnings.push(m) });
    return { store, file, warnings };
  }
  const damage = (line: string, change: (record: Record<string, unknown>) => void) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    change(record);
    return JSON.stringify(record);
  };

  it.each([
    [
      'one character of its histogram flipped',
      (line: string) => {
        const { histogram } = JSON.parse(line) as { histogram: string };
        const at = 20;
        const flipped = `${histogram.slice(0, at)}${histogram[at] === 'A' ? 'B' : 'A'}${histogram.slice(at + 1)}`;
        return line.replace(histogram, flipped);
      },
      'damaged or incomplete (histogram: does not decode (damaged))',
    ],
    [
      'latencyMs: null',
      (line: string) => damage(line, (r) => (r.latencyMs = null)),
      'damaged or incomplete (latencyMs: expected the latency summary)',
    ],
    [
      'a field missing',
      (line: string) => damage(line, (r) => delete r.validity),
      'damaged or incomplete (validity: expected { valid, reasons })',
    ],
    ['garbage', () => '{"sk": "2026-11-30T02', 'not a JSON record (a torn or damaged line)'],
  ])(
    'skips a record with %s, warning once with its file and line, and answers the others',
    async (_what, broken, why) => {
      const { store, file, warnings } = await storeWith((_dir, [a, b, c]) => [a!, broken(b!), c!]);

      const first = await store.runsBetween('local', 'health', new Date(0), NOW);
      const again = await store.runsBetween('local', 'health', new Date(0), NOW);

      expect(first.map((r) => r.runId)).toEqual(['c', 'a']);
      expect(again.map((r) => r.runId)).toEqual(['c', 'a']);
      expect(warnings).toEqual([`skipped the run record at ${file}:2: ${why}`]);
    },
  );

  it('answers a run whose line was written twice once', async () => {
    const { store, warnings } = await storeWith((_dir, [a, b, c]) => [a!, b!, b!, c!, a!]);

    const runs = await store.runsBetween('local', 'health', new Date(0), NOW);

    expect(runs.map((r) => r.runId)).toEqual(['c', 'b', 'a']);
    expect(warnings).toEqual([]);
  });

  it('counts a record one byte away from whole as absent, not as an error', async () => {
    const { store, warnings } = await storeWith((_dir, [a, b, c]) => [a!, b!.slice(0, -1), c!]);

    await expect(store.runsBetween('local', 'health', new Date(0), NOW)).resolves.toHaveLength(2);
    expect(warnings).toHaveLength(1);
  });
});

describe('the dynamo run store, with items written before suites or damaged', () => {
  it("attributes an item without a suite to the table's suite and skips a damaged one with one warning", async () => {
    const env = `e${Math.random().toString(36).slice(2, 8)}`;
    const documents = runsTableDocuments(table.dynamo);
    const { suite: _, ...old } = runRecord(
      { ...run('old', '2026-11-30T01:00:00.000Z'), environment: env },
      'x',
      90,
    );
    const broken = {
      ...runRecord({ ...run('bad', '2026-11-30T02:00:00.000Z'), environment: env }, 'shop', 90),
      latencyMs: null,
    };
    await documents.send(new PutCommand({ TableName: table.tableName, Item: old }));
    await documents.send(new PutCommand({ TableName: table.tableName, Item: broken }));
    const warnings: string[] = [];
    const store = createRunStore(table.dynamo, table.tableName, 90, 'shop', {
      warn: (m) => warnings.push(m),
    });

    const runs = await store.runsBetween(env, 'health', new Date(0), NOW);
    await store.runsBetween(env, 'health', new Date(0), NOW);

    expect(runs.map((r) => [r.runId, r.suite])).toEqual([['old', 'shop']]);
    expect(warnings).toEqual([
      `skipped the run item ${env}#health / 2026-11-30T02:00:00.000Z#bad of table ${table.tableName}: damaged or incomplete (latencyMs: expected the latency summary)`,
    ]);
  });
});
