import type { ErrorClass } from './error-classes.ts';

/**
 * Trace ids kept of each kind, per shard and per run: a few for on-call to open in the target's own tracing
 * (X-Ray, Datadog APM, Tempo), and a bounded, small part of a stored run (about 1 KB at most).
 */
export const TRACES_KEPT = 5;

/** A successful request among the slowest, by the latency the run recorded for it. */
export interface SlowTrace {
  /** The W3C trace id it carried: 32 lowercase hex digits. */
  readonly traceId: string;
  readonly ms: number;
  /** The flow step that sent it. */
  readonly step?: string;
}

/** A failed request (transport failure or failed assertion) that reached a connection. */
export interface FailedTrace {
  readonly traceId: string;
  readonly errorClass: ErrorClass;
  readonly step?: string;
}

/** The trace ids a shard or a run kept: its slowest successful requests (slowest first) and a few failed ones. */
export interface RequestTraces {
  readonly slowest: readonly SlowTrace[];
  readonly failed: readonly FailedTrace[];
}

/** The trace id of a W3C traceparent value ("00-<32 hex trace id>-<16 hex span id>-<flags>"). */
export function traceIdOf(traceparent: string): string {
  return traceparent.slice(3, 35);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The slowest successful requests and a sample of failed ones, kept in arrays of at most TRACES_KEPT: on the
 * hot path a request that is not slower than the fastest kept one costs one comparison and allocates nothing.
 */
export class TraceSample {
  private readonly slowest: SlowTrace[] = [];
  private readonly failures: FailedTrace[] = [];
  /** The fastest kept latency once TRACES_KEPT are kept: a request must beat it to enter. */
  private floorMs = Number.NEGATIVE_INFINITY;

  /** A successful request that carried `traceparent` and took `ms`. */
  slow(traceparent: string, ms: number, step?: string): void {
    if (ms <= this.floorMs) return;
    this.addSlow(
      step === undefined
        ? { traceId: traceIdOf(traceparent), ms }
        : { traceId: traceIdOf(traceparent), ms, step },
    );
  }

  /** A failed request that carried `traceparent`. */
  failed(traceparent: string, errorClass: ErrorClass, step?: string): void {
    if (this.failures.length === TRACES_KEPT && this.keepsClass(errorClass)) return;
    this.addFailed(
      step === undefined
        ? { traceId: traceIdOf(traceparent), errorClass }
        : { traceId: traceIdOf(traceparent), errorClass, step },
    );
  }

  /** Keeps `trace` if it is among the TRACES_KEPT slowest so far (a tie keeps the one seen first). */
  addSlow(trace: SlowTrace): void {
    const kept = this.slowest;
    if (kept.length < TRACES_KEPT) kept.push(trace);
    else {
      if (trace.ms <= this.floorMs) return;
      kept[kept.findIndex((t) => t.ms === this.floorMs)] = trace;
    }
    if (kept.length === TRACES_KEPT) this.floorMs = Math.min(...kept.map((t) => t.ms));
  }

  /**
   * Keeps the first failures, then prefers variety: once full, a failure of a class not kept yet replaces the
   * newest of a class kept more than once (a run that failed in two ways shows both, however many of each).
   */
  addFailed(trace: FailedTrace): void {
    const kept = this.failures;
    if (kept.length < TRACES_KEPT) {
      kept.push(trace);
      return;
    }
    if (this.keepsClass(trace.errorClass)) return;
    const count = (cls: ErrorClass) => kept.filter((f) => f.errorClass === cls).length;
    const at = kept.findLastIndex((f) => count(f.errorClass) > 1);
    if (at >= 0) kept[at] = trace;
  }

  private keepsClass(errorClass: ErrorClass): boolean {
    for (const f of this.failures) if (f.errorClass === errorClass) return true;
    return false;
  }

  /** What was kept, slowest first (ms to 0.01); undefined when nothing was. */
  toResult(): RequestTraces | undefined {
    if (this.slowest.length === 0 && this.failures.length === 0) return undefined;
    return {
      slowest: [...this.slowest].sort((a, b) => b.ms - a.ms).map((t) => ({ ...t, ms: round2(t.ms) })),
      failed: [...this.failures],
    };
  }
}

/** A run's traces from its shards': the TRACES_KEPT slowest overall, and a failed sample chosen the same way. */
export function mergeTraces(
  shards: readonly { readonly traces?: RequestTraces | undefined }[],
): RequestTraces | undefined {
  const sample = new TraceSample();
  for (const shard of shards) {
    for (const trace of shard.traces?.slowest ?? []) sample.addSlow(trace);
    for (const trace of shard.traces?.failed ?? []) sample.addFailed(trace);
  }
  return sample.toResult();
}
