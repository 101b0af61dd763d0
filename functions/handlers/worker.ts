import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { generateShardLoad, type ShardLoadOptions } from '../adapters/generate-load.ts';
import { planFromMessage } from '../core/cloud/collect-run.ts';
import { type DeployedSuite, deployedProbe } from '../core/cloud/deployed-suite.ts';
import type { ShardTask } from '../core/cloud/run-messages.ts';
import { compactShardResult, shardResultBudget } from '../core/compact-shard-result.ts';
import type { ShardResult } from '../core/shard-result.ts';
import { bundledSuite } from './bundled-suite.ts';

/** Time kept, after the last request may end, to merge and return the result before Lambda's deadline. */
export const RETURN_MARGIN_MS = 2_000;

/**
 * One shard of a run. The load stops early enough before the Lambda deadline that every in-flight request can
 * still end within its timeout and the shard returns what it measured (flagged interrupted) instead of dying.
 */
export function createWorkerHandler(
  suite: () => DeployedSuite,
  options: Pick<ShardLoadOptions, 'transport' | 'env' | 'secrets'> = {},
) {
  return middy(async (task: ShardTask, context: Context): Promise<ShardResult> => {
    const probe = deployedProbe(suite(), task?.probeId);
    const plan = planFromMessage(probe, task);
    const stopAfter = context.getRemainingTimeInMillis() - probe.request.timeoutMs - RETURN_MARGIN_MS;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), Math.max(0, stopAfter));
    try {
      const result = await generateShardLoad(plan, task.shard, {
        signal: deadline.signal,
        env: options.env ?? process.env,
        secrets: options.secrets,
        transport: options.transport,
      });
      // All shards' results come back through one Map state: each keeps to its share of the payload limit.
      return compactShardResult(result, shardResultBudget(task.shards));
    } finally {
      clearTimeout(timer);
    }
  });
}

export const handler = createWorkerHandler(bundledSuite);
