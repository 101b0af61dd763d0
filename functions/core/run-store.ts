import type { RunRecord } from './cloud/run-record.ts';
import type { RunResult } from './run-result.ts';

/**
 * Where runs are kept: the runs table deployed (functions/adapters/dynamo-run-store.ts), files under `.perfprobe/`
 * locally (functions/adapters/file-run-store.ts). Both key a run as runRecord does, so history, baselines and
 * reports read either through this one interface.
 */
export interface RunStore {
  save(run: RunResult): Promise<RunRecord>;
  /**
   * Runs of one probe in one environment between two times (inclusive), newest first, at most `limit`
   * (default 100; `Number.POSITIVE_INFINITY` for all of them).
   */
  runsBetween(
    environment: string,
    probeId: string,
    from: Date,
    to: Date,
    limit?: number,
  ): Promise<RunRecord[]>;
}

/** A store that could not be read or written: the message names the store (path or table) and why. */
export class RunStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RunStoreError';
  }
}
