import type { ResolvedLoad } from '../plan.ts';
import type { Exchange, Lane } from '../transport.ts';
import type { EngineContext } from './engine-context.ts';

type BurstLoad = Extract<ResolvedLoad, { kind: 'burst' }>;

/**
 * Closed model: every connection sends its next request as soon as the previous response ends. Latency counts
 * from the request's own start (see Exchange.startedMs): in a closed model the send waits for the response by
 * design.
 */
export function runBurst(ctx: EngineContext, load: BurstLoad): Promise<void> {
  return new Promise((resolve) => {
    const budget = load.requests ?? Number.POSITIVE_INFINITY;
    let inFlight = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      if (inFlight === 0 && (ctx.stopping || ctx.sent >= budget)) {
        clearTimeout(timer);
        ctx.stop();
        resolve();
      }
    };

    // One small state object per connection, so the hot loop allocates nothing of its own per request.
    const startLoop = (lane: Lane) => {
      let sending = false;
      let completedDuringSend = false;
      const next = (): void => {
        if (ctx.stopping || ctx.sent >= budget) {
          done();
          return;
        }
        ctx.sent++;
        inFlight++;
        sending = true;
        completedDuringSend = false;
        lane.send(ctx.request, onDone);
        sending = false;
        // A transport that failed synchronously must not recurse: continue on the next turn.
        if (completedDuringSend) setImmediate(next);
      };
      // The next request goes out from inside this callback. Deferring sends (one setImmediate per request, or
      // one flush per event-loop turn) timestamps responses that arrive together ~0.3 ms closer to the server's
      // own service times at 8 connections, but cost 3-10 % of throughput against a generator-bound target.
      // Latency probes (one connection) are unaffected; bursts are where throughput matters.
      const onDone = (exchange: Exchange): void => {
        inFlight--;
        ctx.finish(exchange, exchange.startedMs, ctx.now());
        if (sending) completedDuringSend = true;
        else next();
      };
      next();
    };

    if (load.durationMs !== undefined) timer = setTimeout(() => ctx.stop(), load.durationMs);
    else timer = setTimeout(() => ctx.stop('stopped: reached the maximum duration'), load.maxDurationMs);
    ctx.onStop(done);
    for (const lane of ctx.transport.lanes) startLoop(lane);
  });
}
