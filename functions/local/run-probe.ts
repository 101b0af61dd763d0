import { randomUUID } from 'node:crypto';
import { generateShardLoad } from '../adapters/generate-load.ts';
import { resolveSecrets } from '../adapters/secrets.ts';
import { resolveConnection } from '../adapters/transport-settings.ts';
import { aggregateRun } from '../core/aggregate-run.ts';
import { planRun, type ResolvedProbe, UnshardableLoadError } from '../core/plan.ts';
import { prepareWork } from '../core/prepare-work.ts';
import type { RunResult } from '../core/run-result.ts';
import type { ShardRecorder } from '../core/shard-recorder.ts';
import type { TransportFactory } from '../core/transport.ts';
import { UsageError } from './usage-error.ts';

export interface LocalRunOptions {
  /** Shards run side by side in this process; the result merges them exactly as the cloud does. @default 1 */
  readonly shards?: number;
  readonly signal?: AbortSignal;
  readonly transport?: TransportFactory;
  readonly env?: NodeJS.ProcessEnv;
  readonly onStart?: (recorders: ShardRecorder[]) => void;
}

/** Plan → shards → aggregate, in one process: the same steps the state machine runs in the cloud. */
export async function runProbeLocally(
  probe: ResolvedProbe,
  options: LocalRunOptions = {},
): Promise<RunResult> {
  const plan = planRun(probe, { runId: randomUUID(), startAt: Date.now(), shards: options.shards ?? 1 });
  const recorders: ShardRecorder[] = [];
  const results = await Promise.all(
    plan.shards.map((shard) =>
      generateShardLoad(plan, shard.index, {
        signal: options.signal,
        env: options.env,
        transport: options.transport,
        onStart: (recorder) => {
          recorders.push(recorder);
          if (recorders.length === plan.shards.length) options.onStart?.(recorders);
        },
      }),
    ),
  );
  return aggregateRun(plan, results);
}

/**
 * What each shard does before its first request (resolve secrets, build the request), done for every probe of a
 * command before any load: an unresolvable secret in the last probe is exit 2 before the first probe sends,
 * not after it. The values are dropped here; the shards resolve them again (cached for SSM / Secrets Manager).
 * @throws SecretResolutionError, InvalidTargetError or TransportSettingsError
 */
export async function checkBeforeRun(
  probes: readonly ResolvedProbe[],
  env: NodeJS.ProcessEnv = process.env,
  shards?: number,
): Promise<void> {
  for (const probe of probes) {
    if (shards !== undefined) {
      try {
        planRun(probe, { runId: 'check', startAt: 0, shards });
      } catch (error) {
        if (error instanceof UnshardableLoadError)
          throw new UsageError(`--shards ${shards}: ${error.message}`);
        throw error;
      }
    }
    prepareWork(probe, await resolveSecrets(probe.secrets, { env }));
    await resolveConnection(probe.transport, { env }, { expiry: true });
  }
}
