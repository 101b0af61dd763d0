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

    // One closure per connection, so the hot loop allocates nothing of its own per request. The transport
    // reports on a microtask, outside the HTTP client's callbacks, so the next request may go out from onDone.
    const startLoop = (lane: Lane) => {
      const next = (): void => {
        if (ctx.stopping || ctx.sent >= budget) {
          done();
          return;
        }
        ctx.sent++;
        inFlight++;
        lane.send(ctx.request, onDone);
      };
      const onDone = (exchange: Exchange): void => {
        inFlight--;
        ctx.finish(exchange, exchange.startedMs, exchange.endedMs);
        next();
      };
      next();
    };

    if (load.durationMs !== undefined) timer = setTimeout(() => ctx.stop(), load.durationMs);
    else timer = setTimeout(() => ctx.stop('stopped: reached the maximum duration'), load.maxDurationMs);
    ctx.onStop(done);
    for (const lane of ctx.transport.lanes) startLoop(lane);
  });
}
