import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunRecord, runRecord, runSortRange } from '../core/cloud/run-record.ts';
import { type RunStore, RunStoreError } from '../core/run-store.ts';

/** Where `perfprobe run` keeps its runs unless told otherwise (`--store DIR`, `--no-store`). */
export const DEFAULT_STORE_DIR = '.perfprobe';

const DAY_MS = 86_400_000;
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

export interface FileRunStoreOptions {
  /** The store's root; runs go to `<dir>/runs/<environment#probe>/<YYYY-MM-DD>.jsonl`. */
  readonly dir: string;
  /** Days a run is kept, as the deployed table's TTL (the suite's `retentionDays`). */
  readonly retentionDays: number;
  /** The clock retention is measured against. @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * The local run store: one append-only JSON Lines file per partition key (environment#probe) and UTC day,
 * holding the same RunRecords, keys and expiry as the runs table. Appends only, one line per run, synced before
 * returning: an interrupted write can leave at most a torn last line, which readers skip and the next append
 * starts after, so earlier runs are never lost. A day file whose every run has expired is deleted on save;
 * expired runs are never returned (DynamoDB's TTL deletes within days, this is exact).
 */
export function createFileRunStore(options: FileRunStoreOptions): RunStore {
  const now = options.now ?? (() => new Date());
  const partitionDir = (pk: string) => join(options.dir, 'runs', encodeURIComponent(pk));

  async function dayFiles(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir)).filter((name) => DAY_FILE.test(name)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new RunStoreError(`could not read the run store at ${dir}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async function dropExpired(dir: string): Promise<void> {
    // A file holds runs started that day: past its last run's expiry, nothing in it can be returned.
    const cutoff = now().getTime() - options.retentionDays * DAY_MS;
    for (const name of await dayFiles(dir)) {
      const dayEnd = Date.parse(`${name.slice(0, 10)}T00:00:00Z`) + DAY_MS;
      if (dayEnd <= cutoff) await rm(join(dir, name), { force: true });
    }
  }

  return {
    async save(run) {
      const record = runRecord(run, options.retentionDays);
      const dir = partitionDir(record.pk);
      const file = join(dir, `${run.startedAt.slice(0, 10)}.jsonl`);
      try {
        await mkdir(dir, { recursive: true });
        const handle = await open(file, 'a+');
        try {
          const { size } = await handle.stat();
          let lead = '';
          if (size > 0) {
            const last = Buffer.alloc(1);
            await handle.read(last, 0, 1, size - 1);
            // A torn line from an interrupted write: start on a line of our own rather than extend it.
            if (last[0] !== 0x0a) lead = '\n';
          }
          await handle.write(`${lead}${JSON.stringify(record)}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await dropExpired(dir);
      } catch (error) {
        if (error instanceof RunStoreError) throw error;
        throw new RunStoreError(`could not record the run in ${file}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      return record;
    },

    async runsBetween(environment, probeId, from, to, limit = 100) {
      const { low, high } = runSortRange(from, to);
      const dir = partitionDir(`${environment}#${probeId}`);
      const firstDay = low.slice(0, 10);
      const lastDay = high.slice(0, 10);
      const nowSeconds = now().getTime() / 1000;
      const runs: RunRecord[] = [];
      for (const name of await dayFiles(dir)) {
        const day = name.slice(0, 10);
        if (day < firstDay || day > lastDay) continue;
        let text: string;
        try {
          text = await readFile(join(dir, name), 'utf8');
        } catch (error) {
          throw new RunStoreError(`could not read ${join(dir, name)}: ${(error as Error).message}`, {
            cause: error,
          });
        }
        const lines = text.split('\n');
        // What follows the last newline is a write that never finished.
        lines.pop();
        for (const line of lines) {
          const record = parseRecord(line);
          if (record && record.sk >= low && record.sk <= high && record.expiresAt > nowSeconds) {
            runs.push(record);
          }
        }
      }
      runs.sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0));
      return runs.slice(0, limit);
    },
  };
}

function parseRecord(line: string): RunRecord | undefined {
  if (line.length === 0) return undefined;
  try {
    const value = JSON.parse(line) as RunRecord;
    return typeof value?.sk === 'string' && typeof value.expiresAt === 'number' ? value : undefined;
  } catch {
    // A torn line that a later append moved off the end: skipped, as the runs around it are intact.
    return undefined;
  }
}
