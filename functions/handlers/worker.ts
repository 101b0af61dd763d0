import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createShardStore, type ShardStore } from '../adapters/dynamo-shard-store.ts';
import { generateShardLoad, type ShardLoadOptions } from '../adapters/generate-load.ts';
import { resolveSecrets, type SecretSources } from '../adapters/secrets.ts';
import { checkStartOffsetMs } from '../core/cloud/check-groups.ts';
import { planFromMessage } from '../core/cloud/collect-run.ts';
import { type DeployedSuite, deployedProbe } from '../core/cloud/deployed-suite.ts';
import {
  type CheckBatch,
  checkRunOf,
  isCheckBatch,
  isLostBatch,
  isLostShard,
  type LostBatch,
  type LostShard,
  type ShardPointer,
  type ShardTask,
} from '../core/cloud/run-messages.ts';
import { lostShardNote, shardRecord } from '../core/cloud/shard-record.ts';
import { unitTimeoutMs } from '../core/plan.ts';
import type { ShardResult } from '../core/shard-result.ts';
import { bundledSuite } from './bundled-suite.ts';
import { requiredEnv } from './environment.ts';
import { correlate, logger as defaultLogger, type RunLog, runLog } from './logger.ts';

/** Time kept, after the last request may end, to write the result before Lambda's deadline. */
export const RETURN_MARGIN_MS = 2_000;

/** A failure message kept in the shard item and the run's words: enough to act on, bounded. */
const MAX_FAILURE_MESSAGE = 500;

/** The target refused the credentials: a secret may have been rotated since this worker cached it. */
function refused(result: ShardResult): boolean {
  return (result.statusCodes['401'] ?? 0) > 0 || (result.statusCodes['403'] ?? 0) > 0;
}

/**
 * After a refused run: the variables whose secret changed since this worker cached it (a rotation inside the
 * cache window). The re-read refreshes the cache, so the next run sends the new value. A re-read that fails
 * proves nothing: the next run reads past the cache instead.
 */
async function rotatedSecrets(
  references: Readonly<Record<string, string>>,
  sources: SecretSources,
): Promise<string[] | undefined> {
  try {
    const cached = await resolveSecrets(references, sources);
    const fresh = await resolveSecrets(references, { ...sources, forceFetch: true });
    return Object.keys(references).filter((variable) => cached[variable] !== fresh[variable]);
  } catch {
    return undefined;
  }
}

/**
 * The state machine hands back a shard its task lost (timeout, crash, throttling): its cause goes to the table,
 * so the run says why it could not measure; a note the worker wrote itself is kept.
 */
async function recordLostShard(
  store: ShardStore,
  environment: string,
  task: LostShard,
  now: () => number,
  logger: Pick<RunLog, 'warn'>,
): Promise<void> {
  const failure = lostShardNote(task.failure);
  const recorded = await store.writeIfAbsent(
    shardRecord(environment, task.runId, task.shard, { failure }, now()),
  );
  logger.warn('shard lost', { error: failure.error, reason: failure.message, recorded });
}

/** A failed shard's error in words for its item: its name and a bounded message. */
function shardFailure(error: unknown): { error: string; message: string } {
  return {
    error: (error as Error).name ?? 'Error',
    message: String((error as Error).message ?? error).slice(0, MAX_FAILURE_MESSAGE),
  };
}

/** A refused run whose secrets rotated meanwhile says so: it measured a stale secret, not a broken target. */
function withStaleSecrets(
  result: ShardResult,
  rotated: readonly string[],
  logger: Pick<RunLog, 'warn'>,
): ShardResult {
  const names = rotated.map((v) => `\${${v}}`).join(', ');
  logger.warn('secret rotated during the cache window: the shard measured a stale secret', { rotated });
  return {
    ...result,
    staleSecrets: `the target refused the credentials (401/403) and ${names} changed since this worker cached ${rotated.length === 1 ? 'it' : 'them'} (rotated): measured with a stale secret; the next run sends the new value`,
  };
}

/**
 * One shard of a run. The load stops early enough before the Lambda deadline that every in-flight request can
 * still end within its timeout. The result goes to the runs table and only a pointer comes back; a failure is
 * recorded there too (its error in words, never a secret value), then rethrown so the task shows it. Called
 * with a lost shard (the state machine's Catch), it records the loss instead.
 */
export function createWorkerHandler(
  suite: () => DeployedSuite,
  options: Pick<ShardLoadOptions, 'transport' | 'env' | 'secrets'> & {
    readonly shards?: () => ShardStore;
    readonly now?: () => number;
    readonly logger?: Logger;
  } = {},
) {
  const {
    shards = () => {
      throw new Error('no shard store configured');
    },
    now = Date.now,
    logger = defaultLogger,
  } = options;
  // Probes whose last run in this worker was refused with 401/403: their secrets are read past the cache on the
  // next run, so a rotated secret costs at most one refused run per warm worker instead of five minutes of them.
  const refreshNext = new Set<string>();
  /** One shard of one run: measured, written to the table, or its failure written and rethrown. */
  const measure = async (
    task: ShardTask,
    context: Context,
    store: ShardStore,
    log: RunLog,
  ): Promise<void> => {
    const probe = deployedProbe(suite(), task.probeId);
    const plan = planFromMessage(probe, task);
    const write = (outcome: Parameters<typeof shardRecord>[3]) =>
      store.write(shardRecord(probe.environment, task.runId, task.shard, outcome, now()));
    // A flow's iteration may take all its steps' timeouts: it must end before the deadline too.
    const stopAfter = context.getRemainingTimeInMillis() - unitTimeoutMs(probe) - RETURN_MARGIN_MS;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), Math.max(0, stopAfter));
    let result: ShardResult;
    const forceFetch = refreshNext.delete(probe.id);
    const secretSources: SecretSources = { env: options.env ?? process.env, ...options.secrets };
    try {
      if (forceFetch) log.info('reading secrets past the cache: the last run was refused (401/403)', {});
      result = await generateShardLoad(plan, task.shard, {
        signal: deadline.signal,
        env: options.env ?? process.env,
        secrets: { ...secretSources, forceFetch },
        transport: options.transport,
      });
    } catch (error) {
      const failure = shardFailure(error);
      // `reason`, not `message`: Powertools keeps `message` for the line's own text.
      log.error('shard failed', { error: failure.error, reason: failure.message });
      // The original error is what the task must show; a failed write only loses the words (the shard still
      // counts as missing).
      await write({ failure }).catch((writeError: unknown) =>
        log.error('shard failure not recorded', { error: String(writeError) }),
      );
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (refused(result) && Object.keys(probe.secrets).length > 0 && !forceFetch) {
      const rotated = await rotatedSecrets(probe.secrets, secretSources);
      if (rotated === undefined) refreshNext.add(probe.id);
      else if (rotated.length > 0) result = withStaleSecrets(result, rotated, log);
    }
    await write({ result });
    log.info('shard measured', {
      requests: result.requests.total,
      failed: result.requests.failed,
      stoppedEarly: result.stoppedEarly,
    });
  };

  /**
   * A batch of checks, side by side: each its own one-shard run. One check's failure is written to its own item
   * and does not stop the others; the batch then fails with every failure named, and the Catch that records
   * lost shards keeps the notes and results already written.
   */
  const measureBatch = async (batch: CheckBatch, context: Context, store: ShardStore): Promise<void> => {
    // Staggered, so twenty first requests (each on a fresh connection) do not contend for the CPU at once.
    const start = Math.max(batch.startAt, now());
    const tasks = batch.runs.map((run, index) => ({
      ...checkRunOf({ startAt: start + checkStartOffsetMs(index) }, run),
      shard: 0,
    }));
    const outcomes = await Promise.allSettled(
      tasks.map((task) => measure(task, context, store, runLog(logger, task))),
    );
    const failed = outcomes.flatMap((o, i) =>
      o.status === 'rejected' ? [`${tasks[i]!.probeId}: ${shardFailure(o.reason).message}`] : [],
    );
    if (failed.length > 0) {
      throw new BatchFailedError(`${failed.length} of ${tasks.length} checks failed: ${failed.join('; ')}`);
    }
  };

  return middy(
    async (
      task: ShardTask | LostShard | CheckBatch | LostBatch,
      context: Context,
    ): Promise<ShardPointer | { readonly checks: number }> => {
      if (isCheckBatch(task)) {
        const store = shards();
        if (isLostBatch(task)) await recordLostBatch(store, suite().environment, task, now, logger);
        else await measureBatch(task, context, store);
        return { checks: task.runs.length };
      }
      const probe = deployedProbe(suite(), task?.probeId);
      correlate(logger, { runId: task.runId, probeId: probe.id, shard: task.shard });
      const store = shards();
      if (isLostShard(task)) {
        await recordLostShard(store, probe.environment, task, now, runLog(logger));
        return { runId: task.runId, shard: task.shard };
      }
      await measure(task, context, store, runLog(logger));
      return { runId: task.runId, shard: task.shard };
    },
  ).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** A lost batch: each of its checks' one shard recorded lost, with the batch's failure. */
async function recordLostBatch(
  store: ShardStore,
  environment: string,
  task: LostBatch,
  now: () => number,
  logger: Logger,
): Promise<void> {
  await Promise.all(
    task.runs.map((run) =>
      recordLostShard(
        store,
        environment,
        { ...checkRunOf(task, run), shard: 0, failure: task.failure },
        now,
        runLog(logger, { ...run, shard: 0 }),
      ),
    ),
  );
}

/** Some checks of a batch failed (each recorded in its own item); the others were measured and written. */
export class BatchFailedError extends Error {
  constructor(message: string) {
    super(message.slice(0, MAX_FAILURE_MESSAGE * 4));
    this.name = 'BatchFailedError';
  }
}

let shardStore: ShardStore | undefined;

export const handler = createWorkerHandler(bundledSuite, {
  shards: () => {
    shardStore ??= createShardStore(new DynamoDBClient({}), requiredEnv('RUNS_TABLE'));
    return shardStore;
  },
});
