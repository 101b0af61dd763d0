import { connectionsOf, runShard } from '../core/engines/run-shard.ts';
import type { RunPlan } from '../core/plan.ts';
import { prepareWork } from '../core/prepare-work.ts';
import { createRedactor } from '../core/redact.ts';
import type { ShardRecorder } from '../core/shard-recorder.ts';
import type { ShardResult } from '../core/shard-result.ts';
import type { TransportFactory } from '../core/transport.ts';
import { resolveSecrets, type SecretSources } from './secrets.ts';
import { resolveConnection } from './transport-settings.ts';
import { createUndiciTransport } from './undici-transport.ts';
import { warmUpGenerator } from './warm-up.ts';

export interface ShardLoadOptions {
  /** Stops sending (Ctrl-C, or the worker Lambda's deadline); in-flight requests finish within their timeout. */
  readonly signal?: AbortSignal | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Where secret references resolve; by default `env:` from `env` and the AWS SDK's defaults otherwise. */
  readonly secrets?: SecretSources | undefined;
  readonly transport?: TransportFactory | undefined;
  readonly onStart?: ((recorder: ShardRecorder) => void) | undefined;
}

/**
 * Drives one shard of a planned run: secrets resolved here and nowhere else, the generator warmed, then the load.
 * The worker Lambda and the local runner both call this.
 */
export async function generateShardLoad(
  plan: RunPlan,
  shard: number,
  options: ShardLoadOptions = {},
): Promise<ShardResult> {
  const shardPlan = plan.shards[shard];
  if (shardPlan === undefined) {
    throw new RangeError(`shard ${shard} is not in run ${plan.runId} (it has ${plan.shards.length})`);
  }
  const sources = options.secrets ?? { env: options.env };
  const secretValues = await resolveSecrets(plan.probe.secrets, sources);
  const connection = await resolveConnection(plan.probe.transport, sources);
  const work = prepareWork(plan.probe, secretValues);
  const factory = options.transport ?? createUndiciTransport;
  await warmUpGenerator(connectionsOf(shardPlan.load), plan.probe.request.connection);
  return runShard({
    probe: plan.probe,
    shard,
    load: shardPlan.load,
    ...work,
    transport: (transportOptions) =>
      factory({ ...transportOptions, settings: connection.settingsFor(transportOptions.origin) }),
    startAt: plan.startAt,
    signal: options.signal,
    onStart: options.onStart,
    redact: createRedactor([...Object.values(secretValues), ...connection.secretValues]),
  });
}
