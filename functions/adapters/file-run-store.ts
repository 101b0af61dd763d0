import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunRecord, runRecord, runSortRange } from '../core/cloud/run-record.ts';
import { storedRunProblem } from '../core/cloud/stored-run-problem.ts';
import { type RunStore, RunStoreError } from '../core/run-store.ts';

/** Where `perfprobe run` keeps its runs unless told otherwise (`--store DIR`, `--no-store`). */
export const DEFAULT_STORE_DIR = '.perfprobe';

const DAY_MS = 86_400_000;
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
/** In a partition directory written before runs were kept per suite: the suite that took its runs. */
const CLAIM_FILE = '.suite';

export interface FileRunStoreOptions {
  /** The store's root; runs go to `<dir>/runs/<suite>/<environment#probe>/<YYYY-MM-DD>.jsonl`. */
  readonly dir: string;
  /** The suite whose runs these are: its name keys the store, as a deployed suite has its own table. */
  readonly suite: string;
  /** Days a run is kept, as the deployed table's TTL (the suite's `retentionDays`). */
  readonly retentionDays: number;
  /** The clock retention is measured against. @default () => new Date() */
  readonly now?: () => Date;
  /**
   * Told once per damaged, incomplete or torn line a read skipped, naming the file and line.
   * @default a "perfprobe: warning: …" line on stderr
   */
  readonly warn?: (message: string) => void;
}

/** How the CLI tells of a skipped record: on stderr, beside the output it still prints. */
export const warnOnStderr = (message: string) => process.stderr.write(`perfprobe: warning: ${message}\n`);

/**
 * The local run store: one append-only JSON Lines file per suite, partition key (environment#probe) and UTC day,
 * holding the same RunRecords, keys and expiry as the suite's runs table. Appends only, one line per run, synced
 * before returning: an interrupted write can leave at most a torn last line, which the next append starts after,
 * so earlier runs are never lost. A day file whose every run has expired is deleted on save; expired runs are
 * never returned (DynamoDB's TTL deletes within days, this is exact).
 *
 * Damage stays local: a line that is not a whole, usable record (torn, garbage, a field missing, a histogram
 * that does not decode) is skipped with one warning naming its file and line, and the runs around it are
 * answered. A run found twice (a line copied or appended again) is answered once, by run id.
 *
 * Runs stored before the store was kept per suite sit in `<dir>/runs/<environment#probe>/`, where every suite
 * with that probe saw them. The first suite to use that partition afterwards (a run, or any read) takes it: it
 * writes its name into the directory's `.suite` file (created exclusively, so two processes cannot both take
 * it), and from then on those runs are that suite's, read where they are and attributed to it; no run is moved.
 */
export function createFileRunStore(options: FileRunStoreOptions): RunStore {
  const now = options.now ?? (() => new Date());
  const warn = options.warn ?? warnOnStderr;
  const warned = new Set<string>();
  const runsDir = join(options.dir, 'runs');
  const partitionDir = (pk: string) => join(runsDir, options.suite, encodeURIComponent(pk));
  const unsuitedDir = (pk: string) => join(runsDir, encodeURIComponent(pk));
  const claims = new Map<string, Promise<boolean>>();

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

  /** Whether the partition's runs from before suites were kept are this suite's, taking them if nobody has. */
  function ownsUnsuited(pk: string): Promise<boolean> {
    let claim = claims.get(pk);
    if (!claim) {
      claim = claimUnsuited(unsuitedDir(pk), options.suite, dayFiles);
      claims.set(pk, claim);
    }
    return claim;
  }

  async function dropExpired(dir: string): Promise<void> {
    // A file holds runs started that day: past its last run's expiry, nothing in it can be returned.
    const cutoff = now().getTime() - options.retentionDays * DAY_MS;
    for (const name of await dayFiles(dir)) {
      const dayEnd = Date.parse(`${name.slice(0, 10)}T00:00:00Z`) + DAY_MS;
      if (dayEnd <= cutoff) await rm(join(dir, name), { force: true });
    }
  }

  function skipped(file: string, line: number, why: string): void {
    const at = `${file}:${line}`;
    if (warned.has(at)) return;
    warned.add(at);
    warn(`skipped the run record at ${at}: ${why}`);
  }

  return {
    async save(run) {
      const record = runRecord(run, options.suite, options.retentionDays);
      const dir = partitionDir(record.pk);
      const file = join(dir, `${run.startedAt.slice(0, 10)}.jsonl`);
      try {
        const unsuited = await ownsUnsuited(record.pk);
        await mkdir(dir, { recursive: true });
        await appendLine(file, JSON.stringify(record));
        await dropExpired(dir);
        if (unsuited) await dropExpired(unsuitedDir(record.pk));
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
      const pk = `${environment}#${probeId}`;
      const dirs = [partitionDir(pk), ...((await ownsUnsuited(pk)) ? [unsuitedDir(pk)] : [])];
      const firstDay = low.slice(0, 10);
      const lastDay = high.slice(0, 10);
      const nowSeconds = now().getTime() / 1000;
      const runs = new Map<string, RunRecord>();
      for (const dir of dirs) {
        for (const name of await dayFiles(dir)) {
          const day = name.slice(0, 10);
          if (day < firstDay || day > lastDay) continue;
          const file = join(dir, name);
          const lines = (await readDayFile(file)).split('\n');
          // What follows the last newline is a write that never finished (or is finishing right now).
          const unfinished = lines.pop() ?? '';
          if (unfinished !== '')
            skipped(file, lines.length + 1, 'an unfinished line (a write that was cut off)');
          lines.forEach((line, index) => {
            if (line === '') return;
            const record = parseRecord(line);
            if (typeof record === 'string') {
              skipped(file, index + 1, record);
              return;
            }
            if (record.suite !== undefined && record.suite !== options.suite) {
              skipped(file, index + 1, `a run of suite "${record.suite}", not "${options.suite}"`);
              return;
            }
            if (record.sk >= low && record.sk <= high && record.expiresAt > nowSeconds) {
              if (!runs.has(record.runId)) runs.set(record.runId, { ...record, suite: options.suite });
            }
          });
        }
      }
      return [...runs.values()].sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0)).slice(0, limit);
    },
  };
}

/** Appends one line and syncs it: an interrupted write can tear only this line, never an earlier one. */
async function appendLine(file: string, line: string): Promise<void> {
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
    await handle.write(`${lead}${line}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readDayFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new RunStoreError(`could not read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** A usable record (its `suite` absent when written before suites were kept), or why the line is not one. */
function parseRecord(line: string): (Omit<RunRecord, 'suite'> & { suite?: string }) | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not a JSON record (a torn or damaged line)';
  }
  const problem = storedRunProblem(value);
  if (problem) return `damaged or incomplete (${problem})`;
  const suite = (value as { suite?: unknown }).suite;
  if (suite !== undefined && typeof suite !== 'string')
    return 'damaged or incomplete (suite: expected a string)';
  return value as RunRecord;
}

/**
 * Takes the runs a partition held before suites were kept, for `suite`, unless another suite has: the claim file
 * is created exclusively, so of two processes only one takes them. Nothing to take is not a claim.
 */
async function claimUnsuited(
  dir: string,
  suite: string,
  dayFiles: (dir: string) => Promise<string[]>,
): Promise<boolean> {
  if ((await dayFiles(dir)).length === 0) return false;
  const file = join(dir, CLAIM_FILE);
  try {
    await writeFile(file, `${suite}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      // A store that cannot be written (read-only): its old runs are shown as before, to whichever suite reads.
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return true;
      throw new RunStoreError(`could not attribute the runs in ${dir}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return (await readFile(file, 'utf8').catch(() => '')).trim() === suite;
}
