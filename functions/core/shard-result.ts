import type { ErrorCounts } from './error-classes.ts';
import type { RequestTraces } from './request-traces.ts';
import type { TlsFacts } from './transport.ts';

/** One slot of a shard's timeline (timelineSlotSeconds wide): additive counts and a mergeable histogram. */
export interface TimelineSlot {
  /** Start of the slot, seconds since the run's shared start. */
  readonly second: number;
  readonly requests: number;
  readonly errors: number;
  /** Compressed base64 HDR histogram, µs, 1 significant digit (~6 %): enough for a chart, and small. */
  readonly histogram: string;
}

/** What one load generator measured. Plain JSON, small (< 8 KB for a minute-long run). */
export interface ShardResult {
  readonly version: 1;
  readonly probeId: string;
  readonly shard: number;
  readonly kind: 'latency' | 'burst' | 'rate';
  /** Wall clock at the shard's first send (ISO 8601). */
  readonly startedAt: string;
  readonly durationMs: number;
  /** Compressed base64 HDR histogram of response latencies, µs, 3 significant digits. */
  readonly histogram: string;
  /** The failed responses' part of `histogram`, encoded the same; absent when no timed response failed. */
  readonly failedHistogram?: string;
  readonly requests: { readonly total: number; readonly ok: number; readonly failed: number };
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly errors: ErrorCounts;
  readonly bytesReceived: number;
  readonly timeline: readonly TimelineSlot[];
  /** Width of a timeline slot: 1 s, wider for long runs so a shard result stays under 8 KB. */
  readonly timelineSlotSeconds: number;
  readonly generator: GeneratorHealth;
  /** Why the shard stopped before its plan, if it did. */
  readonly stoppedEarly?: string | undefined;
  /**
   * The target refused the credentials and a secret's value had changed since the worker cached it: the shard
   * measured a stale secret, not the target (the run is invalid, never a breach).
   */
  readonly staleSecrets?: string | undefined;
  /** TLS as this shard's last new connection saw it (https targets that connected). */
  readonly tls?: TlsFacts | undefined;
  readonly httpVersion?: '1.1' | '2' | undefined;
  /** HTTP/2 only: the most requests one of this shard's connections carried (see ConnectionFacts). */
  readonly maxStreamsPerConnection?: number | undefined;
  /** A few distinct failure messages, for the human reading the report (secrets already redacted). */
  readonly sampleErrors: readonly string[];
  /** Per-phase histograms (same encoding as `histogram`), for the phases that happened at least once. */
  readonly phases?: Readonly<Partial<Record<PhaseName, string>>>;
  /**
   * A flow's steps, in order. The shard's own histogram and counters are then whole iterations (end to end);
   * each step has its own, merged exactly like the run's.
   */
  readonly steps?: readonly StepShardResult[];
  /** What the shard saw of the target's limiter, for a probe with `rateLimit`. */
  readonly rateLimit?: RateLimitShardResult;
  /** Trace ids of its slowest successful requests and of a few failed ones (requests that carried a traceparent). */
  readonly traces?: RequestTraces;
}

/** A limiter as one shard saw it (see RateLimitRecorder). */
export interface RateLimitShardResult {
  readonly limit: number;
  readonly windowMs: number;
  /** Responses judged (transport failures are not the limiter's). */
  readonly responses: number;
  /** 429 answers. */
  readonly rejected: number;
  /** 429s a limiter of exactly `limit` per sliding window would have sent for the same sends. */
  readonly expectedRejected: number;
  /**
   * The time the judged sends covered, ms: first to last send, plus one average gap (n sends at a steady pace
   * cover n gaps). Absent in results from before it was recorded.
   */
  readonly sendSpanMs?: number;
  /** 429s for requests sent when fewer than `limit` had been accepted in the window before. */
  readonly withinLimit429s: number;
  /** 429s without a usable Retry-After or RateLimit reset, or with an insane one. */
  readonly adviceProblems: number;
  readonly http5xx: number;
  /** A few of the advice problems, in words. */
  readonly samples: readonly string[];
  /** The request sent after the last 429's advertised wait: how long after that 429 it succeeded, or why not. */
  readonly recovery?: { readonly afterMs: number } | { readonly failed: string };
}

/** One step of a flow, as one shard measured it. */
export interface StepShardResult {
  readonly name: string;
  /** Latencies of the step's successful runs, µs, encoded like ShardResult.histogram. */
  readonly histogram: string;
  /** Runs of the step (one per iteration that reached it), whatever number of requests an `until` took. */
  readonly requests: { readonly total: number; readonly ok: number; readonly failed: number };
  readonly errors: ErrorCounts;
  /** Requests an `until` step sent, the satisfying one included; absent for other steps. */
  readonly polls?: number;
}

/** Where a request's time went: new-connection setup, then the exchange itself. */
export const PHASE_NAMES = ['dns', 'connect', 'tls', 'ttfb', 'download'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

/** Whether the generator itself kept up: the basis of a run's validity. */
export interface GeneratorHealth {
  /** Requests the plan asked this shard to send (open and latency models); undefined for a closed model. */
  readonly intendedRequests: number | undefined;
  /** Requests actually sent. */
  readonly sent: number;
  /** Sends that left more than the lateness tolerance after their intended time while a connection was free. */
  readonly lateSends: number;
  /** Sends that waited in the generator's queue for a connection, every one busy at the pool's cap. */
  readonly queuedSends: number;
  /** Open model: the longest an arrival waited in that queue, sent or not, ms (absent in older results). */
  readonly longestQueueWaitMs?: number;
  /** Open model: connections the pool had at its largest (pre-opened, then grown while all were busy). */
  readonly poolSize?: number;
  /** Open model: the most it could grow to (this shard's share of caps.maxConnections). */
  readonly poolCap?: number;
  /** Sends that never started: still waiting for a connection after the request timeout, or cut by the end. */
  readonly unsent: number;
  /** Event-loop delay p99 while the load ran, ms: a busy generator inflates every latency it measures. */
  readonly eventLoopDelayP99Ms: number;
  /** Garbage-collection pauses while the load ran, ms: their sum and the longest (absent in older results). */
  readonly gcPauseMs?: number;
  readonly gcPauseMaxMs?: number;
  /**
   * How long the main thread was ready to run but waited for a CPU while the load ran, ms (Linux; absent elsewhere
   * and in older results): every exchange in flight waited with it.
   */
  readonly cpuWaitMs?: number;
  /**
   * Steal time of the machine while the load ran, ms over all its CPUs in 10 ms ticks (Linux /proc/stat; absent
   * elsewhere and in older results): the hypervisor ran something else while this machine wanted a CPU.
   */
  readonly stealMs?: number;
  /** TCP connections started, successful or not (absent in results from before it was counted). */
  readonly connectAttempts?: number;
  /** Idempotent requests sent again because the server had closed their kept-alive connection. */
  readonly staleRetries?: number;
  /** Open model: how late each send left after its intended time with a connection free (encoded histogram, µs). */
  readonly sendLateness?: string;
}

/** Bytes of a shard result as stored (JSON): the runs table holds at most 400 KB an item. */
export function encodedSize(result: ShardResult): number {
  return Buffer.byteLength(JSON.stringify(result));
}
