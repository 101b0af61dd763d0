import { randomUUID } from 'node:crypto';
import { resolveSecrets } from '../adapters/secrets.ts';
import { createUndiciTransport } from '../adapters/undici-transport.ts';
import { warmUpGenerator } from '../adapters/warm-up.ts';
import { aggregateRun } from '../core/aggregate-run.ts';
import { runShard } from '../core/engines/run-shard.ts';
import { planRun, type ResolvedProbe } from '../core/plan.ts';
import { prepareRequest } from '../core/prepare-request.ts';
import type { RunResult } from '../core/run-result.ts';
import type { ShardRecorder } from '../core/shard-recorder.ts';
import type { TransportFactory } from '../core/transport.ts';

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
  const request = prepareRequest(probe, resolveSecrets(probe.secrets, options.env));
  await warmUpGenerator();
  const plan = planRun(probe, { runId: randomUUID(), startAt: Date.now(), shards: options.shards ?? 1 });
  const recorders: ShardRecorder[] = [];
  const results = await Promise.all(
    plan.shards.map((shard) =>
      runShard({
        probe,
        shard: shard.index,
        load: shard.load,
        request,
        transport: options.transport ?? createUndiciTransport,
        startAt: plan.startAt,
        signal: options.signal,
        onStart: (recorder) => {
          recorders.push(recorder);
          if (recorders.length === plan.shards.length) options.onStart?.(recorders);
        },
      }),
    ),
  );
  return aggregateRun(plan, results);
}
