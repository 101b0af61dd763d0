import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { createFileRunStore } from '../../../functions/adapters/file-run-store.ts';
import type { RunStore } from '../../../functions/core/run-store.ts';
import { storedRun } from '../../helpers/stored-runs.ts';
import { type LocalRunsTable, localRunsTable } from '../handlers/runs-table.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const run = (runId: string, startedAt: string, probeId = 'health') =>
  storedRun({ runId, startedAt, probeId, latenciesUs: [1_000, 2_000, 3_000] });

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
  ['file', async () => createFileRunStore({ dir: await tempDir(), retentionDays: 90, now: () => NOW })],
  // A fresh environment name per store keeps the shared dynalite table's partitions apart.
  ['dynamo', async () => createRunStore(table.dynamo, table.tableName, 90)],
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
      pk: `${env}#health`,
      sk: '2026-11-29T23:59:00.000Z#a',
      expiresAt: Date.parse('2026-11-29T23:59:00Z') / 1000 + 90 * 86_400,
    });
  });
});

describe('the file run store', () => {
  it('keeps every earlier run when a write was torn off mid-line, and appends after it', async () => {
    const dir = await tempDir();
    const store = createFileRunStore({ dir, retentionDays: 90, now: () => NOW });
    await store.save(run('a', '2026-11-30T01:00:00.000Z'));
    const file = join(dir, 'runs', encodeURIComponent('local#health'), '2026-11-30.jsonl');
    // What a process killed inside write() leaves: the start of a record and no newline.
    const whole = await readFile(file, 'utf8');
    await appendFile(file, whole.slice(0, whole.length / 2));

    const afterCrash = await store.runsBetween('local', 'health', new Date(0), NOW);
    await store.save(run('b', '2026-11-30T02:00:00.000Z'));
    const afterNext = await store.runsBetween('local', 'health', new Date(0), NOW);

    expect(afterCrash.map((r) => r.runId)).toEqual(['a']);
    expect(afterNext.map((r) => r.runId)).toEqual(['b', 'a']);
  });

  it('drops runs past their retention: never returned, and their day files deleted on the next save', async () => {
    const dir = await tempDir();
    let now = new Date('2026-11-01T12:00:00Z');
    const store = createFileRunStore({ dir, retentionDays: 7, now: () => now });
    await store.save(run('old', '2026-11-01T10:00:00.000Z'));
    await store.save(run('edge', '2026-11-02T10:00:00.000Z'));

    now = new Date('2026-11-09T09:00:00Z');
    const visible = await store.runsBetween('local', 'health', new Date(0), now);
    await store.save(run('new', '2026-11-09T08:00:00.000Z'));
    const files = await readdir(join(dir, 'runs', encodeURIComponent('local#health')));

    expect(visible.map((r) => r.runId)).toEqual(['edge']);
    expect(files.sort()).toEqual(['2026-11-02.jsonl', '2026-11-09.jsonl']);
  });

  it('answers nothing, not an error, before the first run is stored', async () => {
    const store = createFileRunStore({ dir: await tempDir(), retentionDays: 90 });

    expect(await store.runsBetween('local', 'health', new Date(0), new Date())).toEqual([]);
  });
});
