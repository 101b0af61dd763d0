import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitShardResult } from '../shard-result.ts';
import type { Exchange, Lane, PreparedRequest } from '../transport.ts';

/**
 * After the load: waits what the last 429 advertised (from when it arrived), and until the declared policy has room
 * again (`roomAtMs`: the load's requests admitted after that 429 used the next window's quota), then sends one
 * request, which a correct limiter must let through. Called once the engine has finished, never from a transport
 * callback.
 */
export async function recoverAfterRejection(
  lane: Lane,
  request: PreparedRequest,
  last: { readonly atMs: number; readonly waitMs: number },
  now: () => number,
  signal?: AbortSignal,
  roomAtMs = Number.NEGATIVE_INFINITY,
): Promise<NonNullable<RateLimitShardResult['recovery']>> {
  const wait = Math.max(last.atMs + last.waitMs, roomAtMs) - now();
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a sleep of 0 ms or less returns at once
  if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => {});
  if (signal?.aborted) return { failed: 'the run stopped before the request after the advertised wait' };
  const exchange = await new Promise<Exchange>((resolve) => lane.send(request, resolve));
  const after = `a request sent after the advertised ${last.waitMs} ms wait`;
  if (exchange.errorClass !== undefined) return { failed: `${after} failed (${exchange.errorClass})` };
  if (exchange.status === 429 || exchange.status >= 500) {
    return { failed: `${after} still got ${exchange.status}` };
  }
  return { afterMs: Math.round(now() - last.atMs) };
}
