import { ArrivalSchedule, type RateStage } from './pacing.ts';
import type { Schedule } from './suite/schedule.ts';
import type { AbortSpec, AssertionsSpec, SlaSpec } from './suite/schema.ts';

export type ResolvedLoad =
  | { readonly kind: 'latency'; readonly requests: number; readonly intervalMs: number }
  | {
      readonly kind: 'burst';
      readonly connections: number;
      /** Stop after this long... */
      readonly durationMs: number | undefined;
      /** ...or after this many requests; the environment's maxDuration bounds it either way. */
      readonly requests: number | undefined;
      readonly maxDurationMs: number;
    }
  | { readonly kind: 'rate'; readonly stages: readonly RateStage[]; readonly connections: number };

/** A probe bound to one environment: everything a worker needs, with secrets still as references. */
export interface ResolvedProbe {
  readonly suite: string;
  readonly environment: string;
  readonly id: string;
  readonly description: string | undefined;
  readonly request: {
    readonly method: string;
    /** Absolute URL; `${name}` placeholders remain only for secrets. */
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string | undefined;
    readonly timeoutMs: number;
  };
  /** Variable name → secret reference ("env:API_TOKEN"), resolved where the load runs. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly load: ResolvedLoad;
  readonly assert: AssertionsSpec | undefined;
  readonly sla: SlaSpec | undefined;
  readonly abort: AbortSpec;
  readonly bodyCap: number;
  readonly schedule: Schedule;
  /** Worker Lambdas that share the load in the cloud (local runs use one process). */
  readonly shards: number;
  readonly alert: ResolvedAlert;
}

export interface ResolvedAlert {
  readonly breachedRuns: { readonly atLeast: number; readonly of: number };
  readonly missedRuns: number;
  /** Time between runs: from a rate() schedule or the suite; undefined for a cron schedule without one. */
  readonly intervalMs: number | undefined;
  /** Percentile key ("p99") → alarm threshold, ms. */
  readonly latency: Readonly<Record<string, number>>;
}

export interface ShardPlan {
  readonly index: number;
  /** This shard's share of the load. */
  readonly load: ResolvedLoad;
}

/** What Plan hands to the workers: small, and free of secrets and request bodies' secret values. */
export interface RunPlan {
  readonly version: 1;
  readonly runId: string;
  readonly probe: ResolvedProbe;
  /** Epoch ms at which every shard starts, so shards overlap in time. */
  readonly startAt: number;
  readonly shards: readonly ShardPlan[];
}

/** Splits n into k near-equal whole parts (the first ones get the remainder). */
export function splitEvenly(n: number, k: number): number[] {
  const base = Math.floor(n / k);
  return Array.from({ length: k }, (_, i) => base + (i < n % k ? 1 : 0));
}

/** Planned requests per second of a whole run, or undefined for a closed model. */
export function intendedRps(load: ResolvedLoad): number | undefined {
  switch (load.kind) {
    case 'latency':
      return load.intervalMs > 0 ? 1000 / load.intervalMs : undefined;
    case 'burst':
      return undefined;
    case 'rate': {
      const schedule = new ArrivalSchedule(load.stages);
      return schedule.durationMs > 0
        ? Math.round((schedule.total * 100_000) / schedule.durationMs) / 100
        : undefined;
    }
  }
}

/** Divides a load into `count` shards that together send what the whole would. */
export function shardLoads(load: ResolvedLoad, count: number): ResolvedLoad[] {
  switch (load.kind) {
    case 'latency':
      // A handful of sequential requests: splitting would only change what is measured.
      return [load];
    case 'burst': {
      const k = Math.max(1, Math.min(count, load.connections));
      const connections = splitEvenly(load.connections, k);
      const requests = load.requests === undefined ? undefined : splitEvenly(load.requests, k);
      return connections.map((c, i) => ({ ...load, connections: c, requests: requests?.[i] }));
    }
    case 'rate': {
      const k = Math.max(1, Math.min(count, load.connections));
      const connections = splitEvenly(load.connections, k);
      return connections.map((c) => ({
        kind: 'rate',
        connections: c,
        stages: load.stages.map((s) => ({ ...s, fromRate: s.fromRate / k, toRate: s.toRate / k })),
      }));
    }
  }
}

export function planRun(
  probe: ResolvedProbe,
  options: { runId: string; startAt: number; shards: number },
): RunPlan {
  const loads = shardLoads(probe.load, options.shards);
  return {
    version: 1,
    runId: options.runId,
    probe,
    startAt: options.startAt,
    shards: loads.map((load, index) => ({ index, load })),
  };
}
