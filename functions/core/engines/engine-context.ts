import { performance } from 'node:perf_hooks';
import type { CompiledAssertions } from '../assertions.ts';
import { createLatencyHistogram, HIGHEST_TRACKABLE_US } from '../histogram.ts';
import { recordMicros, type ShardRecorder } from '../shard-recorder.ts';
import type { AbortSpec } from '../suite/caps-schema.ts';
import type { Exchange, PreparedRequest, Transport, Unreachable } from '../transport.ts';

/** What every engine shares: the transport, the recorder, and one way to finish a request and to stop. */
export class EngineContext {
  stopping = false;
  stopReason: string | undefined;
  lateSends = 0;
  queuedSends = 0;
  /** The longest an arrival waited in the generator's queue for a connection, ms (sent or not). */
  longestQueueWaitMs = 0;
  unsent = 0;
  sent = 0;
  /** How late each open-model send left after its intended time, µs (free connection: the generator's lag). */
  readonly sendLateness = createLatencyHistogram();
  /** Sees every finished exchange with its end time (a rate-limit probe's recorder); none by default. */
  observe: ((exchange: Exchange, nowMs: number) => void) | undefined;
  private readonly stopListeners: (() => void)[] = [];

  constructor(
    readonly transport: Transport,
    readonly request: PreparedRequest,
    readonly recorder: ShardRecorder,
    private readonly assertions: CompiledAssertions,
    private readonly abort: AbortSpec,
  ) {}

  now(): number {
    return performance.now();
  }

  /**
   * Accounts one finished exchange at `nowMs` (the caller's clock read, reused: this is the hot path);
   * latency counts from `fromMs`, the send or, in rate mode, the intended send.
   */
  finish(exchange: Exchange, fromMs: number, nowMs: number): void {
    let errorClass = exchange.errorClass;
    if (errorClass !== undefined) {
      if (exchange.errorMessage) this.recorder.sampleError(exchange.errorMessage);
    } else {
      const failure = this.assertions.check(exchange);
      if (failure !== undefined) {
        errorClass = failure.errorClass;
        this.recorder.sampleError(`${failure.errorClass}: ${failure.reason}`);
      }
    }
    this.observe?.(exchange, nowMs);
    this.recorder.recordPhases(exchange.phases);
    // A response that arrived whole has a latency, whatever its status; a broken exchange has none.
    const responded = exchange.status > 0 && exchange.errorClass === undefined;
    const traceparent = exchange.traceparent;
    if (traceparent !== undefined) {
      if (errorClass !== undefined) this.recorder.traces.failed(traceparent, errorClass);
      else if (responded) this.recorder.traces.slow(traceparent, nowMs - fromMs);
    }
    this.recorder.record(
      nowMs,
      responded ? (nowMs - fromMs) * 1000 : -1,
      exchange.status,
      errorClass,
      exchange.bytes,
    );
    this.checkAbort();
  }

  private checkAbort(): void {
    const r = this.recorder;
    if (!this.stopping && r.total >= this.abort.minRequests && r.failed / r.total > this.abort.errorRate) {
      this.stop(
        `aborted: error rate ${(100 * r.errorRate()).toFixed(1)}% above the abort limit ${100 * this.abort.errorRate}% after ${r.total} requests`,
      );
    }
  }

  /** An arrival left the generator's queue (sent, dropped, or cut by the end) after waiting `ms`. */
  waitedInQueue(ms: number): void {
    if (ms > this.longestQueueWaitMs) this.longestQueueWaitMs = ms;
  }

  recordSendLateness(ms: number): void {
    recordMicros(this.sendLateness, Math.min(Math.max(1, Math.round(ms * 1000)), HIGHEST_TRACKABLE_US));
  }

  /**
   * Records an arrival that was not sent because its connection is backing off after a connection failure: it
   * fails with that failure's class (the target is unreachable), and adds no connection attempt.
   */
  failUnreachable(unreachable: Unreachable): void {
    this.sent++;
    this.recorder.sampleError(unreachable.errorMessage);
    this.recorder.record(this.now(), -1, 0, unreachable.errorClass, 0);
    this.checkAbort();
  }

  /** Records a request that never started (no connection came free in time, or the run ended). */
  dropUnsent(reason: string): void {
    this.unsent++;
    this.recorder.sampleError(`aborted: not sent: ${reason}`);
    this.recorder.record(this.now(), -1, 0, 'aborted', 0);
  }

  stop(reason?: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.stopReason = reason;
    for (const listener of this.stopListeners.splice(0)) listener();
  }

  onStop(listener: () => void): void {
    if (this.stopping) listener();
    else this.stopListeners.push(listener);
  }
}
