import { LATE_SEND_TOLERANCE_MS } from '../merge-shards.ts';
import { ArrivalSchedule } from '../pacing.ts';
import type { ResolvedLoad } from '../plan.ts';
import type { Exchange, Lane } from '../transport.ts';
import type { EngineContext } from './engine-context.ts';

type RateLoad = Extract<ResolvedLoad, { kind: 'rate' }>;

/**
 * A timer fires up to a few ms late (libuv counts whole ms, and the loop may be busy when it is due): the engine
 * wakes this much before an arrival and waits the rest precisely, so sends leave on time (see README, rate mode).
 */
const EARLY_WAKE_MS = 1.5;
/**
 * The last stretch is waited in short exact sleeps (a futex wait: microsecond timers, no allocation, no CPU),
 * yielding to the event loop between them so responses are still read within about 0.1 ms. Polling the clock
 * instead (setImmediate, or a tight loop) allocates on every read (an Immediate, a boxed number): tens to hundreds
 * of MB a second while waiting, and the young-generation collections that follow pause every request in flight.
 */
const SLEEP_SLICE_MS = 0.05;
/** A sleep overshoots by about this much (the kernel's timer slack): the last bit is spun. */
const SLEEP_SLACK_MS = 0.07;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/**
 * undici writes a request on a kept-alive connection one event-loop turn after it is handed over (it first reads
 * what the idle socket may hold: GHSA-35p6-xmwp-9g52), about 0.1 ms here. The engine hands each arrival over
 * that much early, learned from the writes it sees, so the write leaves on time; one that leaves early counts
 * its latency from the write.
 */
const MAX_LEAD_MS = 0.5;
/** The first writes set the hold at once; then it moves by a sixteenth of each new one. */
const LEAD_WEIGHT = 1 / 16;

interface LaneState {
  readonly lane: Lane;
  intended: number;
  /** When it was handed to the transport. */
  dispatchedMs: number;
  /** It waited for a free connection: its lateness is the target's doing, not the generator's. */
  queued: boolean;
  readonly onDone: (exchange: Exchange) => void;
}

/**
 * Open model: arrivals follow the schedule whatever the target does. Latency counts from each request's
 * intended send time, so a target that stalls shows the stall in the percentiles instead of hiding it
 * (coordinated omission). When every connection is busy, the pool opens another, as a new client would, up to
 * the load's maxConnections; only there do arrivals queue (counted, with the longest wait). One that waits
 * longer than the request timeout is dropped and counted, never silently skipped.
 */
export function runRate(ctx: EngineContext, load: RateLoad, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => new RateRun(ctx, load, timeoutMs, resolve).start());
}

/**
 * One rate run's state. Everything the hot path uses is made once here (the lanes' callbacks, `tick`): a send
 * or a response allocates nothing of the engine's own.
 */
class RateRun {
  private readonly ctx: EngineContext;
  private readonly timeoutMs: number;
  private readonly resolve: () => void;
  private readonly schedule: ArrivalSchedule;
  private readonly origin: number;
  private readonly maxConnections: number;
  private readonly free: LaneState[] = [];
  /** Intended times of arrivals waiting for a connection, from `head` on. */
  private queue: number[] = [];
  private head = 0;
  /** The next arrival of the schedule to send. */
  private next = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Immediate | undefined;
  private finished = false;
  /** How early an arrival is handed to the transport: see MAX_LEAD_MS. */
  private leadMs = 0;
  private leadSamples = 0;

  constructor(ctx: EngineContext, load: RateLoad, timeoutMs: number, resolve: () => void) {
    this.ctx = ctx;
    this.timeoutMs = timeoutMs;
    this.resolve = resolve;
    this.schedule = new ArrivalSchedule(load.stages, load.stride);
    this.origin = ctx.now();
    this.maxConnections = load.maxConnections;
    for (const lane of ctx.transport.lanes) this.free.push(this.laneState(lane));
  }

  start(): void {
    this.ctx.onStop(() => {
      // Stopped early: arrivals still waiting will never be sent.
      const now = this.ctx.now();
      while (this.head < this.queue.length) {
        this.ctx.waitedInQueue(now - this.queue[this.head++]!);
        this.ctx.dropUnsent('the run stopped while it waited for a connection');
      }
      this.finishIfDone();
    });
    this.tick();
  }

  private laneState(lane: Lane): LaneState {
    const state: LaneState = {
      lane,
      intended: 0,
      dispatchedMs: 0,
      queued: false,
      onDone: (exchange) => this.done(state, exchange),
    };
    return state;
  }

  private dispatch(state: LaneState, intended: number, queued: boolean): void {
    const ctx = this.ctx;
    ctx.sent++;
    this.inFlight++;
    state.intended = intended;
    state.queued = queued;
    state.dispatchedMs = ctx.now();
    state.lane.send(ctx.request, state.onDone);
  }

  /**
   * A free connection for an arrival due now: one that may connect, if any. When every free one is backing
   * off after a connection failure, the arrival fails at once with that failure (the target is unreachable)
   * rather than queueing behind the backoff or adding a connection attempt; undefined then.
   */
  private takeFree(): LaneState | undefined {
    const free = this.free;
    const top = free.pop();
    if (top === undefined) return undefined;
    const unreachable = top.lane.unreachable();
    if (unreachable === undefined) return top;
    for (let i = free.length - 1; i >= 0; i--) {
      if (free[i]!.lane.unreachable() === undefined) {
        const state = free[i]!;
        free[i] = top;
        return state;
      }
    }
    free.push(top);
    this.ctx.failUnreachable(unreachable);
    return undefined;
  }

  /**
   * A new connection for an arrival that found every one busy; undefined at the cap. An idle connection that is
   * backing off is not busy (see takeFree), so a target that refuses connections gets no extra attempts.
   */
  private grow(): LaneState | undefined {
    const transport = this.ctx.transport;
    return transport.lanes.length < this.maxConnections ? this.laneState(transport.addLane()) : undefined;
  }

  private dropStale(now: number): void {
    while (this.head < this.queue.length && now - this.queue[this.head]! > this.timeoutMs) {
      this.ctx.waitedInQueue(now - this.queue[this.head]!);
      this.head++;
      this.ctx.dropUnsent(
        `no connection came free within the ${this.timeoutMs} ms timeout (all ${this.ctx.transport.lanes.length} were busy: the pool's cap)`,
      );
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private finishIfDone(): void {
    if (this.finished || this.inFlight > 0) return;
    if (this.ctx.stopping || (this.next >= this.schedule.total && this.head >= this.queue.length)) {
      this.finished = true;
      clearTimeout(this.timer);
      clearImmediate(this.poll);
      this.ctx.stop();
      this.resolve();
    }
  }

  /** A lane's exchange ended: record it, then give the lane the oldest queued arrival, or free it. */
  private done(state: LaneState, exchange: Exchange): void {
    const ctx = this.ctx;
    this.inFlight--;
    const now = exchange.endedMs;
    // A stale retry's write is a second one, after the server closed the first connection: the target's
    // doing, neither the generator's lateness nor undici's hold.
    if (!state.queued && !exchange.staleRetried) this.recordWrite(state, exchange);
    ctx.finish(exchange, Math.min(state.intended, exchange.startedMs), now);
    if (!ctx.stopping && this.sendQueued(state, now)) return;
    this.free.push(state);
    this.finishIfDone();
  }

  /** Learns undici's write hold from this write, and records the send's own lateness at the write. */
  private recordWrite(state: LaneState, exchange: Exchange): void {
    const ctx = this.ctx;
    const writeDelay = exchange.startedMs - state.dispatchedMs;
    if (writeDelay >= 0) {
      this.leadSamples++;
      this.leadMs +=
        (Math.min(writeDelay, MAX_LEAD_MS) - this.leadMs) * Math.max(LEAD_WEIGHT, 1 / this.leadSamples);
    }
    // The send's own lateness, at the write: the distribution a run reports, and what counts as late.
    const lateMs = exchange.startedMs - state.intended;
    ctx.recordSendLateness(lateMs);
    if (lateMs > LATE_SEND_TOLERANCE_MS) ctx.lateSends++;
  }

  /** Sends the oldest queued arrival still in time on this lane; false when none was sent. */
  private sendQueued(state: LaneState, now: number): boolean {
    const ctx = this.ctx;
    this.dropStale(now);
    while (this.head < this.queue.length && !ctx.stopping) {
      const unreachable = state.lane.unreachable();
      if (unreachable === undefined) {
        const intended = this.queue[this.head++]!;
        ctx.queuedSends++;
        ctx.waitedInQueue(now - intended);
        this.dispatch(state, intended, true);
        return true;
      }
      this.head++;
      ctx.failUnreachable(unreachable);
    }
    return false;
  }

  /** Sends every arrival due by now (less the lead), then waits for the next one. Made once: see the class. */
  private readonly tick = (): void => {
    const ctx = this.ctx;
    const now = ctx.now();
    this.sendDue(now - this.origin);
    this.dropStale(now);
    if (ctx.stopping || this.next >= this.schedule.total) {
      this.finishIfDone();
      // Draining: keep expiring queued arrivals while the last responses come in.
      if (!this.finished) this.timer = setTimeout(this.tick, Math.min(50, Math.max(1, this.timeoutMs / 10)));
      return;
    }
    this.waitForNext();
  };

  private sendDue(elapsed: number): void {
    const schedule = this.schedule;
    while (!this.ctx.stopping && this.next < schedule.total) {
      const due = schedule.timeOf(this.next);
      if (due - this.leadMs > elapsed) break;
      this.next++;
      const intended = this.origin + due;
      if (this.free.length > 0) {
        const state = this.takeFree();
        if (state !== undefined) this.dispatch(state, intended, false);
        continue;
      }
      const grown = this.grow();
      if (grown !== undefined) this.dispatch(grown, intended, false);
      // At the cap: the generator's own queue, reported as such (see merge-shards).
      else this.queue.push(intended);
    }
  }

  /** A timer until just before the next arrival, then exact short sleeps, then a spin (see EARLY_WAKE_MS). */
  private waitForNext(): void {
    const ctx = this.ctx;
    const due = this.origin + this.schedule.timeOf(this.next) - this.leadMs;
    const wait = due - ctx.now();
    if (wait > EARLY_WAKE_MS) {
      this.timer = setTimeout(this.tick, wait - EARLY_WAKE_MS);
      return;
    }
    if (wait > SLEEP_SLACK_MS) Atomics.wait(sleeper, 0, 0, Math.min(SLEEP_SLICE_MS, wait - SLEEP_SLACK_MS));
    else {
      while (ctx.now() < due) {
        // The last few tens of µs, spun: see SLEEP_SLACK_MS.
      }
    }
    this.poll = setImmediate(this.tick);
  }
}
