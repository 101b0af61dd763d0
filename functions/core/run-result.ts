import type { ErrorCounts } from './error-classes.ts';
import type { LatencySummaryMs } from './histogram.ts';
import type { RateLimitVerdict } from './rate-limit/judge-rate-limit.ts';
import type { RequestTraces } from './request-traces.ts';
import type { PhaseName } from './shard-result.ts';
import type { SlaReport } from './sla-report.ts';
import type { TlsFacts } from './transport.ts';

export interface TimelinePoint {
  /** Start of the slot, seconds since the run started. */
  readonly second: number;
  /** Width of the slot in seconds (1, wider for long runs). */
  readonly seconds: number;
  readonly requests: number;
  readonly errors: number;
  /** ms; 0 when no response completed in that second. */
  readonly p50: number;
  readonly p99: number;
}

export interface Validity {
  /** False when the generator could not deliver the planned load: such a run never counts as an SLA breach. */
  readonly valid: boolean;
  /** Planned arrival rate (open and latency models); undefined for a closed-model burst. */
  readonly intendedRps: number | undefined;
  /** Requests actually sent per second. */
  readonly achievedRps: number;
  readonly lateSends: number;
  /** Sends that waited in the generator's queue: every connection busy at the pool's cap. */
  readonly queuedSends: number;
  /** Open model: the longest an arrival waited in that queue, ms (the largest shard's). */
  readonly longestQueueWaitMs?: number | undefined;
  /** Open model: connections the pool grew to, and the most it could (caps.maxConnections), summed over shards. */
  readonly pool?: { readonly size: number; readonly cap: number } | undefined;
  readonly unsent: number;
  readonly eventLoopDelayP99Ms: number;
  /**
   * Garbage-collection pauses of the generator while the load ran, ms: the largest shard's sum, and the longest
   * single pause (each one holds every exchange in flight). Absent in runs from before it was recorded.
   */
  readonly gcPauseMs?: { readonly total: number; readonly max: number } | undefined;
  /** The largest shard's time waiting for a CPU while its load ran, ms (see GeneratorHealth.cpuWaitMs). */
  readonly cpuWaitMs?: number | undefined;
  /** The largest shard's steal time while its load ran, ms (Linux; see GeneratorHealth.stealMs). A signal, no rule. */
  readonly stealMs?: number | undefined;
  /** Open model: how late sends left after their intended time, ms, exact across shards (none queued). */
  readonly sendLatenessMs?: { readonly p50: number; readonly p99: number; readonly max: number } | undefined;
  /** Why the run is invalid, in words; empty when valid. */
  readonly reasons: readonly string[];
}

/** Everything measured in one run, before the SLA verdict. */
export interface RunMeasurement {
  readonly version: 1;
  readonly runId: string;
  readonly environment: string;
  readonly probeId: string;
  /**
   * Where the load was sent from: the AWS region of the location's stack, or what `perfprobe run --location`
   * named; absent: not said (a local run without the flag, a run stored before locations existed).
   */
  readonly location?: string | undefined;
  readonly kind: 'latency' | 'burst' | 'rate';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly requests: { readonly total: number; readonly ok: number; readonly failed: number };
  readonly throughputRps: number;
  readonly errorRate: number;
  readonly latencyMs: LatencySummaryMs;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly errors: ErrorCounts;
  readonly bytesReceived: number;
  readonly histogram: string;
  /**
   * The failed responses' part of `histogram` (merged exactly across shards); absent when none failed, and in
   * runs stored before it was kept. An SLO's latency SLI subtracts it: only successful requests can be good.
   */
  readonly failedHistogram?: string;
  readonly timeline: readonly TimelinePoint[];
  readonly coverage: { readonly planned: number; readonly reported: number };
  /** True when some shards never reported: the run is stored, flagged, and invalid (never a breach). */
  readonly partial: boolean;
  readonly validity: Validity;
  readonly stoppedEarly?: string | undefined;
  readonly sampleErrors: readonly string[];
  /** Where requests' time went, merged exactly across shards; only phases that happened. */
  readonly phasesMs?: Readonly<Partial<Record<PhaseName, PhaseSummary>>>;
  /**
   * A flow's steps, in order. The run's own latency, requests and errors are then whole iterations: end to end,
   * one per iteration, failed with the class of the step that failed.
   */
  readonly steps?: readonly StepSummary[];
  /** The verdict on the target's limiter, for a probe with `rateLimit` (a critical SLA check too). */
  readonly rateLimit?: RateLimitVerdict;
  /** TCP connections the generator started, successful or not: load on the target too. */
  readonly connectAttempts?: number;
  /** Idempotent requests sent again after the server had closed their kept-alive connection (not errors). */
  readonly staleRetries?: number;
  /**
   * TLS as the last fresh connection saw it, for a run that made one; across shards, the certificate with the
   * fewest days left (`shardsDiffer` says the shards saw different certificates).
   */
  readonly tls?: RunTls | undefined;
  /** The HTTP version the connections spoke (of the shard whose TLS is reported). */
  readonly httpVersion?: '1.1' | '2' | undefined;
  /**
   * W3C trace ids of the run's slowest successful requests (at most 5, slowest first, over all shards) and of a
   * few failed ones: what on-call looks up in the target's own tracing. Absent when no request carried one
   * (`transport.traceparent: false`).
   */
  readonly traces?: RequestTraces | undefined;
  /**
   * HTTP/2 only: the most requests (streams) one connection carried, across shards. Streams are never
   * concurrent on one connection (a lane keeps one request in flight), so a burst's `connections` are that many
   * h2 connections.
   */
  readonly maxStreamsPerConnection?: number | undefined;
}

export interface RunTls extends TlsFacts {
  /** Shards saw different certificates (a rollout behind a load balancer): this is the one expiring first. */
  readonly shardsDiffer?: true;
}

/** One step of a flow across all shards: counts added, histogram merged exactly. */
export interface StepSummary {
  readonly name: string;
  /** Runs of the step: one per iteration that reached it (an `until` step's polls are counted in `polls`). */
  readonly requests: { readonly total: number; readonly ok: number; readonly failed: number };
  readonly errorRate: number;
  readonly errors: ErrorCounts;
  /** Of the step's successful runs: for an `until` step, from its first send to the response that satisfied it. */
  readonly latencyMs: LatencySummaryMs;
  /** Encoded like RunMeasurement.histogram: stored runs merge steps again for any window. */
  readonly histogram: string;
  /** Requests an `until` step sent, the satisfying one included. */
  readonly polls?: number;
}

export interface PhaseSummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** One run of one probe: the CLI's --json output, the stored item and what alarms are built on. */
export interface RunResult extends RunMeasurement {
  readonly sla: SlaReport;
}
