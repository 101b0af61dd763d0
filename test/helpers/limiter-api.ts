import { httpServer, type Running } from './servers.ts';

/** How the limiter misbehaves, if it does. */
export type LimiterFault =
  | 'none'
  | 'no-retry-after'
  | '503-instead-of-429'
  | 'limits-below-its-policy'
  /** Lets through 2.45 times its declared limit a window: a partner quota not enforced. */
  | 'admits-above-its-policy';

/**
 * A fixed-window limiter on GET /limited: `limit` requests per `windowMs` window of the server's clock, 429 with
 * `Retry-After` (whole seconds until the window ends) above it, unless `fault` says otherwise.
 */
export async function limiterApi(
  limit: number,
  windowMs: number,
  fault: LimiterFault = 'none',
): Promise<Running> {
  let window = -1;
  let count = 0;
  const enforced =
    fault === 'limits-below-its-policy'
      ? Math.floor(limit / 2)
      : fault === 'admits-above-its-policy'
        ? Math.round(limit * 2.45)
        : limit;
  return httpServer((_req, res) => {
    const now = Date.now();
    const current = Math.floor(now / windowMs);
    if (current !== window) {
      window = current;
      count = 0;
    }
    if (++count <= enforced) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    if (fault === '503-instead-of-429') {
      res.writeHead(503);
      res.end();
      return;
    }
    const headers: Record<string, string> = {};
    if (fault !== 'no-retry-after')
      headers['retry-after'] = String(Math.ceil(((current + 1) * windowMs - now) / 1000));
    res.writeHead(429, headers);
    res.end('{"error":"rate limited"}');
  });
}
