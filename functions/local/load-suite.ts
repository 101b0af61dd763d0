import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { formatMs } from '../core/durations.ts';
import type { Suite } from '../core/suite/schema.ts';
import type { SuiteReply } from './import-suite.ts';
import { UsageError } from './usage-error.ts';

/** How long a suite may take to import and validate before the command gives up (`--load-timeout`). */
export const DEFAULT_LOAD_TIMEOUT_MS = 10_000;

export interface LoadSuiteOptions {
  /** @default DEFAULT_LOAD_TIMEOUT_MS */
  readonly timeoutMs?: number | undefined;
}

/**
 * Imports and validates a suite file in a worker thread, within a time limit. A suite is code: a busy loop or a
 * top-level await that never settles at import would hang the command, and a timer or client it opens would keep
 * the process alive after the last probe. In a worker, the limit can stop even a busy loop, and what the import
 * left running ends with the worker; only the validated suite (plain data) comes back.
 */
export async function loadSuite(path: string, options: LoadSuiteOptions = {}): Promise<Suite> {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`suite file not found: ${path}`);
  if (!statSync(file).isFile()) {
    throw new UsageError(`${path}: expected a suite file (suites/payments.ts), got a directory`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
  const worker = new Worker(new URL('./suite-worker.js', import.meta.url), { workerData: { path } });
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await new Promise<SuiteReply>((settle, fail) => {
      worker.once('message', settle);
      // An error the suite throws later, from a timer or a rejected promise of its own, while it still loads.
      worker.once('error', (error) =>
        fail(new UsageError(`could not load suite ${path}: ${error.message}`, { cause: error })),
      );
      worker.once('exit', () =>
        fail(
          new UsageError(
            `could not load suite ${path}: its import ended without finishing (a top-level await that never settles?)`,
          ),
        ),
      );
      timer = setTimeout(
        () =>
          fail(
            new UsageError(
              `could not load suite ${path}: it did not finish loading within ${formatMs(timeoutMs)} (a loop or an await at import that never ends?); --load-timeout changes the limit`,
            ),
          ),
        timeoutMs,
      );
    });
    if ('suite' in reply) return reply.suite;
    if (reply.usage) throw new UsageError(reply.problem);
    // Not the user's doing: the CLI reports it as an internal error, with the worker's stack for a bug report.
    throw Object.assign(new Error(reply.problem), { stack: reply.stack });
  } finally {
    clearTimeout(timer);
    // Whatever the suite left running (a timer, an SDK client) goes with it.
    await worker.terminate();
  }
}
