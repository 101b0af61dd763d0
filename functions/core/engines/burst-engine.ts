import type { ResolvedLoad } from '../plan.ts';
import type { Exchange, Lane } from '../transport.ts';
import type { EngineContext } from './engine-context.ts';

type BurstLoad = Extract<ResolvedLoad, { kind: 'burst' }>;

/**
 * Closed model: every connection sends its next request as soon as the previous response ends. Latency counts
 * from the actual send: in a closed model the send waits for the response by design.
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

    // One small closure per connection, so the hot loop allocates nothing of its own per request.
    const startLoop = (lane: Lane) => {
      let sentAt = 0;
      const next = (): void => {
        if (ctx.stopping || ctx.sent >= budget) {
          done();
          return;
        }
        ctx.sent++;
        inFlight++;
        sentAt = ctx.now();
        lane.send(ctx.request, onDone);
      };
      // The next send waits for the check phase: responses that arrived together are all timestamped before
      // any connection spends time writing its next request, so one response's write never inflates
      // another's latency. It also means a transport that fails synchronously cannot recurse.
      const onDone = (exchange: Exchange): void => {
        inFlight--;
        ctx.finish(exchange, sentAt, ctx.now());
        setImmediate(next);
      };
      next();
    };

    if (load.durationMs !== undefined) timer = setTimeout(() => ctx.stop(), load.durationMs);
    else timer = setTimeout(() => ctx.stop('stopped: reached the maximum duration'), load.maxDurationMs);
    ctx.onStop(done);
    for (const lane of ctx.transport.lanes) startLoop(lane);
  });
}
