import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { publishPausedHeartbeat, publishRunMetrics } from '../adapters/cloudwatch-publisher.ts';
import { createRunStore, type RunStore } from '../adapters/dynamo-run-store.ts';
import { collectRun } from '../core/cloud/collect-run.ts';
import { type DeployedSuite, deployedProbe } from '../core/cloud/deployed-suite.ts';
import type { CollectedRun } from '../core/cloud/run-messages.ts';
import { bundledSuite } from './bundled-suite.ts';

export interface AggregateDependencies {
  readonly store: RunStore;
  readonly cloudWatch: CloudWatchClient;
}

/** What the execution ends with: enough to read the run's outcome in the console without opening the table. */
export interface RunSummary {
  readonly runId: string;
  readonly probeId: string;
  readonly verdict: string;
  readonly valid: boolean;
  readonly partial: boolean;
  readonly coverage: { readonly planned: number; readonly reported: number };
  readonly requests: number;
  readonly p99Ms: number;
}

/**
 * Merges the shards, then stores the run and publishes its metrics independently: a failing table must not
 * silence the heartbeat, and a failing CloudWatch must not lose the run. Either failure still fails the step.
 */
export function createAggregateHandler(
  suite: () => DeployedSuite,
  dependencies: () => AggregateDependencies,
) {
  return middy(async (collected: CollectedRun): Promise<RunSummary> => {
    const probe = deployedProbe(suite(), collected?.probeId);
    const { store, cloudWatch } = dependencies();
    if (collected.paused) {
      // Paused on purpose, the pipeline is alive: it beats, with no run to store or judge. An unreadable switch
      // does not beat, so the heartbeat alarm tells on-call that nothing is being watched.
      if (collected.paused === 'kill switch on') {
        await publishPausedHeartbeat(cloudWatch, probe.environment, probe.id);
      }
      return {
        runId: collected.runId,
        probeId: probe.id,
        verdict: collected.paused,
        valid: false,
        partial: false,
        coverage: { planned: 0, reported: 0 },
        requests: 0,
        p99Ms: 0,
      };
    }
    const run = collectRun(probe, collected);
    const outcomes = await Promise.allSettled([store.save(run), publishRunMetrics(cloudWatch, run)]);
    const summary: RunSummary = {
      runId: run.runId,
      probeId: run.probeId,
      verdict: run.sla.verdict,
      valid: run.validity.valid,
      partial: run.partial,
      coverage: run.coverage,
      requests: run.requests.total,
      p99Ms: run.latencyMs.p99,
    };
    console.log(JSON.stringify({ message: 'run aggregated', ...summary, reasons: run.validity.reasons }));
    const failures = outcomes.flatMap((o, i) =>
      o.status === 'rejected' ? [`${i === 0 ? 'store' : 'publish'}: ${String(o.reason)}`] : [],
    );
    if (failures.length > 0) throw new Error(`run ${run.runId} aggregated but ${failures.join('; ')}`);
    return summary;
  });
}

let dependencies: AggregateDependencies | undefined;

export const handler = createAggregateHandler(bundledSuite, () => {
  dependencies ??= {
    store: createRunStore(new DynamoDBClient({}), requiredEnv('RUNS_TABLE'), bundledSuite().retentionDays),
    cloudWatch: new CloudWatchClient({}),
  };
  return dependencies;
});

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
