import type { ResolvedLoad } from '../plan.ts';
import type { EngineContext } from './engine-context.ts';

type LatencyLoad = Extract<ResolvedLoad, { kind: 'latency' }>;

/** A few sequential requests, one every `intervalMs` (or right after the previous one when it ran long). */
export function runLatency(ctx: EngineContext, load: LatencyLoad): Promise<void> {
  return new Promise((resolve) => {
    const lane = ctx.transport.lanes[0]!;
    const origin = ctx.now();
    let timer: NodeJS.Timeout | undefined;
    let inFlight = false;
    const finishIfIdle = () => {
      if (!inFlight) {
        clearTimeout(timer);
        resolve();
      }
    };
    ctx.onStop(finishIfIdle);

    const sendAt = (k: number) => {
      if (ctx.stopping || k >= load.requests) {
        ctx.stop();
        return finishIfIdle();
      }
      const wait = origin + k * load.intervalMs - ctx.now();
      if (wait > 1) {
        timer = setTimeout(() => sendAt(k), wait);
        return;
      }
      ctx.sent++;
      inFlight = true;
      lane.send(ctx.request, (exchange) => {
        inFlight = false;
        ctx.finish(exchange, exchange.startedMs, exchange.endedMs);
        sendAt(k + 1);
      });
    };
    sendAt(0);
  });
}
