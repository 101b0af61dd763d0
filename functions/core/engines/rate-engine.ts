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
 * (coordinated omission). When every connection is busy, arrivals queue; one that waits longer than the
 * request timeout is dropped and counted, never silently skipped.
 */
export function runRate(ctx: EngineContext, load: RateLoad, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const schedule = new ArrivalSchedule(load.stages, load.stride);
    const origin = ctx.now();
    const free: LaneState[] = [];
    let queue: number[] = [];
    let head = 0;
    let next = 0;
    let inFlight = 0;
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Immediate | undefined;
    let finished = false;
    let leadMs = 0;
    let leadSamples = 0;

    const dispatch = (state: LaneState, intended: number, queued: boolean) => {
      ctx.sent++;
      inFlight++;
      state.intended = intended;
      state.queued = queued;
      state.dispatchedMs = ctx.now();
      state.lane.send(ctx.request, state.onDone);
    };

    /**
     * A free connection for an arrival due now: one that may connect, if any. When every free one is backing
     * off after a connection failure, the arrival fails at once with that failure (the target is unreachable)
     * rather than queueing behind the backoff or adding a connection attempt; undefined then.
     */
    const takeFree = (): LaneState | undefined => {
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
      ctx.failUnreachable(unreachable);
      return undefined;
    };

    const dropStale = (now: number) => {
      while (head < queue.length && now - queue[head]! > timeoutMs) {
        head++;
        ctx.dropUnsent(
          `no connection came free within the ${timeoutMs} ms timeout (all ${ctx.transport.lanes.length} were busy with the target)`,
        );
      }
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
    };

    const finishIfDone = () => {
      if (finished || inFlight > 0) return;
      if (ctx.stopping || (next >= schedule.total && head >= queue.length)) {
        finished = true;
        clearTimeout(timer);
        clearImmediate(poll);
        ctx.stop();
        resolve();
      }
    };

    for (const lane of ctx.transport.lanes) {
      const state: LaneState = {
        lane,
        intended: 0,
        dispatchedMs: 0,
        queued: false,
        onDone: (exchange) => {
          inFlight--;
          const now = exchange.endedMs;
          // A stale retry's write is a second one, after the server closed the first connection: the target's
          // doing, neither the generator's lateness nor undici's hold.
          if (!state.queued && !exchange.staleRetried) {
            const writeDelay = exchange.startedMs - state.dispatchedMs;
            if (writeDelay >= 0) {
              leadSamples++;
              leadMs += (Math.min(writeDelay, MAX_LEAD_MS) - leadMs) * Math.max(LEAD_WEIGHT, 1 / leadSamples);
            }
            // The send's own lateness, at the write: the distribution a run reports, and what counts as late.
            const lateMs = exchange.startedMs - state.intended;
            ctx.recordSendLateness(lateMs);
            if (lateMs > LATE_SEND_TOLERANCE_MS) ctx.lateSends++;
          }
          ctx.finish(exchange, Math.min(state.intended, exchange.startedMs), now);
          if (!ctx.stopping) {
            dropStale(now);
            while (head < queue.length && !ctx.stopping) {
              const unreachable = state.lane.unreachable();
              if (unreachable === undefined) {
                ctx.queuedSends++;
                dispatch(state, queue[head++]!, true);
                return;
              }
              head++;
              ctx.failUnreachable(unreachable);
            }
          }
          free.push(state);
          finishIfDone();
        },
      };
      free.push(state);
    }

    const tick = () => {
      const now = ctx.now();
      const elapsed = now - origin;
      while (!ctx.stopping && next < schedule.total) {
        const due = schedule.timeOf(next);
        if (due - leadMs > elapsed) break;
        next++;
        const intended = origin + due;
        if (free.length === 0) {
          queue.push(intended);
          continue;
        }
        const state = takeFree();
        if (state !== undefined) {
          dispatch(state, intended, false);
        }
      }
      dropStale(now);
      if (ctx.stopping || next >= schedule.total) {
        finishIfDone();
        // Draining: keep expiring queued arrivals while the last responses come in.
        if (!finished) timer = setTimeout(tick, Math.min(50, Math.max(1, timeoutMs / 10)));
        return;
      }
      const due = origin + schedule.timeOf(next) - leadMs;
      const wait = due - ctx.now();
      if (wait > EARLY_WAKE_MS) {
        timer = setTimeout(tick, wait - EARLY_WAKE_MS);
        return;
      }
      if (wait > SLEEP_SLACK_MS) Atomics.wait(sleeper, 0, 0, Math.min(SLEEP_SLICE_MS, wait - SLEEP_SLACK_MS));
      else {
        while (ctx.now() < due) {
          // The last few tens of µs, spun: see SLEEP_SLACK_MS.
        }
      }
      poll = setImmediate(tick);
    };

    ctx.onStop(() => {
      // Stopped early: arrivals still waiting will never be sent.
      while (head < queue.length) {
        head++;
        ctx.dropUnsent('the run stopped while it waited for a connection');
      }
      finishIfDone();
    });
    tick();
  });
}
