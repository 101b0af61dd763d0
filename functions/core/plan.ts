import { ArrivalSchedule, plannedArrivals, type RateStage, type Stride } from './pacing.ts';
import { maxAdvisedWaitMs } from './rate-limit/retry-advice.ts';
import type { SloSpec } from './slo/slo-spec.ts';
import type { AssertionsSpec } from './suite/assertions-schema.ts';
import type { AbortSpec } from './suite/caps-schema.ts';
import type { CaptureSpec, UntilSpec } from './suite/flow-schema.ts';
import type { Schedule } from './suite/schedule.ts';
import type { SlaSpec } from './suite/sla-schema.ts';
import type { TransportSpec } from './suite/transport-schema.ts';

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
  | {
      readonly kind: 'rate';
      /** The whole run's schedule, also in each shard's load: a shard sends only its stride of it. */
      readonly stages: readonly RateStage[];
      /** Connections opened before the first arrival. */
      readonly connections: number;
      /**
       * The most connections the pool grows to when every one is busy (the environment's caps.maxConnections,
       * this shard's share): arrivals wait in the generator's queue only at this cap.
       */
      readonly maxConnections: number;
      /** This shard's arrivals of the whole schedule (see ArrivalSchedule); absent when unsharded. */
      readonly stride?: Stride;
    };

/** One step of a flow, bound to an environment: `${name}` placeholders remain for secrets, captures and built-ins. */
export interface ResolvedStep {
  readonly name: string;
  readonly request: {
    readonly method: string;
    /** Absolute URL; its origin is the probe's (one connection pool per shard). */
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string | undefined;
    /** The body is JSON: a value filled into it is escaped as JSON string content. */
    readonly bodyIsJson: boolean;
    readonly timeoutMs: number;
  };
  readonly capture: Readonly<Record<string, CaptureSpec>>;
  readonly assert: AssertionsSpec | undefined;
  readonly until: UntilSpec | undefined;
}

/** A probe bound to one environment: everything a worker needs, with secrets still as references. */
export interface ResolvedProbe {
  readonly suite: string;
  readonly environment: string;
  readonly id: string;
  readonly description: string | undefined;
  /** The runbook URL notifications link to. */
  readonly runbook?: string | undefined;
  readonly request: {
    readonly method: string;
    /** Absolute URL; `${name}` placeholders remain only for secrets. */
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string | undefined;
    readonly timeoutMs: number;
    /**
     * `fresh`: a new connection for every request, so each one pays DNS, connect and TLS as a first visit does
     * and a server's idle-timeout close can never touch it (the default of latency checks); `reuse`: keep-alive
     * connections (the default of burst and rate loads, which measure the server, not the handshake).
     */
    readonly connection: 'fresh' | 'reuse';
  };
  /**
   * A flow: its steps run in order per unit of load (an iteration), and `request` is its first step's request
   * (its timeout and connection mode stand for the flow's where one request's are asked for).
   */
  readonly steps?: readonly ResolvedStep[] | undefined;
  /** The environment's list variables, for `${pick(name)}` in steps. */
  readonly lists?: Readonly<Record<string, readonly string[]>> | undefined;
  /** The target's declared limit (at most `limit` requests per `windowMs`): the run judges its limiter. */
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number } | undefined;
  /** Variable name → secret reference ("env:API_TOKEN"), resolved where the load runs. */
  readonly secrets: Readonly<Record<string, string>>;
  /** TLS material (as references, resolved where the load runs), proxy and HTTP/2; absent: the defaults. */
  readonly transport?: TransportSpec | undefined;
  readonly load: ResolvedLoad;
  readonly assert: AssertionsSpec | undefined;
  readonly sla: SlaSpec | undefined;
  /** Objectives over a rolling window (SLI, error budget, burn-rate alarms); undefined: none. */
  readonly slo?: SloSpec | undefined;
  readonly abort: AbortSpec;
  readonly bodyCap: number;
  readonly schedule: Schedule;
  /** Worker Lambdas that share the load in the cloud (local runs use one process). */
  readonly shards: number;
  readonly alert: ResolvedAlert;
  /** Where it runs, when its environment names locations (see suite/locations.ts); absent: one region. */
  readonly located?: ResolvedLocations | undefined;
}

export interface ResolvedLocations {
  /** The probe's locations (AWS regions), in the environment's order, home first when home runs it. */
  readonly locations: readonly string[];
  /** The environment's home location (its notifier, topics, dashboard and incidents). */
  readonly home: string;
  /** Locations that must breach at once before on-call is paged (alert.minLocations or its default). */
  readonly quorum: number;
  /** Whether the locations' runs spread over the interval (see staggerOffsetMs). */
  readonly stagger: boolean;
}

export interface ResolvedAlert {
  readonly breachedRuns: { readonly atLeast: number; readonly of: number };
  readonly missedRuns: number;
  /** Consecutive invalid runs before "cannot measure" pages; undefined: as many as missedRuns. */
  readonly invalidRuns?: number | undefined;
  /** Runs after a recovery within which a new breach continues the incident (flapping). @default 2 */
  readonly recoverAfter?: number | undefined;
  /** Reminders while an incident stays open, every this many ms; undefined: none. */
  readonly remindMs?: number | undefined;
  /** Time between runs: from a rate() schedule or the suite; undefined for a cron schedule without one. */
  readonly intervalMs: number | undefined;
  /** Percentile key ("p99") → alarm threshold, ms. */
  readonly latency: Readonly<Record<string, number>>;
  /** A flow's step name → percentile key → alarm threshold, ms: those steps publish a `Step` latency. */
  readonly steps: Readonly<Record<string, Readonly<Record<string, number>>>>;
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

/**
 * Longest one unit of load may take, ms: a request's timeout, or for a flow the sum of its steps' timeouts, each
 * `until` step's wait included. Run lengths and deadlines are planned with it.
 */
export function unitTimeoutMs(probe: Pick<ResolvedProbe, 'request' | 'steps'>): number {
  if (probe.steps === undefined) return probe.request.timeoutMs;
  return probe.steps.reduce(
    (sum, step) => sum + step.request.timeoutMs + (step.until === undefined ? 0 : step.until.timeout),
    0,
  );
}

/**
 * Time a rate-limit probe may take after its load: the last 429's longest sane advised wait, then one request.
 * 0 for other probes. Worker deadlines include it, so a limiter is never judged on a recovery the deadline cut.
 */
export function recoveryBudgetMs(probe: Pick<ResolvedProbe, 'request' | 'rateLimit'>): number {
  return probe.rateLimit === undefined
    ? 0
    : maxAdvisedWaitMs(probe.rateLimit.windowMs) + probe.request.timeoutMs;
}

/** Splits n into k near-equal whole parts (the first ones get the remainder). */
export function splitEvenly(n: number, k: number): number[] {
  const base = Math.floor(n / k);
  return Array.from({ length: k }, (_, i) => base + (i < n % k ? 1 : 0));
}

/** Planned requests per second of a run (of one shard, for a shard's load), or undefined for a closed model. */
export function intendedRps(load: ResolvedLoad): number | undefined {
  switch (load.kind) {
    case 'latency':
      return load.intervalMs > 0 ? 1000 / load.intervalMs : undefined;
    case 'burst':
      return undefined;
    case 'rate': {
      const schedule = new ArrivalSchedule(load.stages, load.stride);
      return schedule.durationMs > 0
        ? Math.round((schedule.total * 100_000) / schedule.durationMs) / 100
        : undefined;
    }
  }
}

/** Peak planned requests per second of a rate load (of the whole run); undefined for other loads. */
export function peakRps(load: ResolvedLoad): number | undefined {
  return load.kind === 'rate'
    ? Math.max(...load.stages.map((s) => Math.max(s.fromRate, s.toRate)))
    : undefined;
}

/**
 * A shard count the load cannot be divided into: some shard would get no arrival, connection or request, and
 * would either send nothing while counted as planned or hold connections nobody asked for.
 */
export class UnshardableLoadError extends Error {
  constructor(
    readonly probeId: string | undefined,
    readonly shards: number,
    /** What the load plans, in words: "75 arrivals over 10 connections". */
    readonly planned: string,
    readonly maxShards: number,
    /** What each shard needs, in words: "an arrival and a connection". */
    need: string,
  ) {
    const who = probeId === undefined ? 'the load' : `probe "${probeId}"`;
    super(
      `${who}: ${shards} shards cannot each get ${need}: the load plans ${planned}; ` +
        `expected at most ${maxShards} shard${maxShards === 1 ? '' : 's'}`,
    );
    this.name = 'UnshardableLoadError';
  }
}

/** The most shards a load can carry, and what it plans, in words for the error. */
function shardLimit(load: ResolvedLoad): { max: number; planned: string; need: string } {
  switch (load.kind) {
    case 'latency':
      return { max: Number.POSITIVE_INFINITY, planned: `${load.requests} sequential requests`, need: '' };
    case 'burst':
      return load.requests === undefined
        ? { max: load.connections, planned: `${load.connections} connections`, need: 'a connection' }
        : {
            max: Math.min(load.connections, load.requests),
            planned: `${load.requests} requests over ${load.connections} connections`,
            need: 'a connection and a request',
          };
    case 'rate': {
      // Each shard needs an arrival to send and a connection to send it on.
      const arrivals = plannedArrivals(load.stages);
      return {
        max: Math.min(arrivals, load.connections),
        planned: `${arrivals} arrivals over ${load.connections} connections`,
        need: 'an arrival and a connection',
      };
    }
  }
}

/**
 * The most shards a load can be divided into, each with at least one arrival (rate) or request (request-count
 * burst) and one connection. A latency check is never divided: any count gives one shard.
 */
export function maxShards(load: ResolvedLoad): number {
  return shardLimit(load).max;
}

/**
 * Divides a load into `count` shards that together send exactly what the whole would: a rate load's shards
 * take the whole schedule's arrivals round-robin (shard i: arrivals i, i + k, i + 2k, …), a burst's connections
 * and requests are split into whole near-equal parts.
 * @throws UnshardableLoadError when some shard would get no arrival, request or connection.
 */
export function shardLoads(load: ResolvedLoad, count: number, probeId?: string): ResolvedLoad[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`shards: expected a whole number of at least 1, got ${count}`);
  }
  if (load.kind === 'latency') {
    // A handful of sequential requests: splitting would only change what is measured.
    return [load];
  }
  const limit = shardLimit(load);
  if (count > limit.max) throw new UnshardableLoadError(probeId, count, limit.planned, limit.max, limit.need);
  const connections = splitEvenly(load.connections, count);
  if (load.kind === 'burst') {
    const requests = load.requests === undefined ? undefined : splitEvenly(load.requests, count);
    return connections.map((c, i) => ({ ...load, connections: c, requests: requests?.[i] }));
  }
  if (count === 1) return [load];
  const caps = splitEvenly(load.maxConnections, count);
  return connections.map((c, index) => ({
    kind: 'rate',
    stages: load.stages,
    connections: c,
    // At least its pre-opened share: splitting a cap equal to the pool can only round the same way.
    maxConnections: Math.max(c, caps[index]!),
    stride: { index, of: count },
  }));
}

/**
 * Plans one run: the probe and each shard's part of its load.
 * @throws UnshardableLoadError when `shards` cannot each carry part of the load.
 */
export function planRun(
  probe: ResolvedProbe,
  options: { runId: string; startAt: number; shards: number },
): RunPlan {
  const loads = shardLoads(probe.load, options.shards, probe.id);
  return {
    version: 1,
    runId: options.runId,
    probe,
    startAt: options.startAt,
    shards: loads.map((load, index) => ({ index, load })),
  };
}
