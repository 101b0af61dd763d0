/** The longest sane wait a 429 may advertise for a limit of this window: ten windows, at least a minute. */
export function maxAdvisedWaitMs(windowMs: number): number {
  return Math.max(60_000, 10 * windowMs);
}

/** How long a 429 asks the client to wait, or why it does not say so usably. */
export type RetryAdvice = { readonly waitMs: number } | { readonly problem: string };

const SECONDS = /^\s*(\d{1,9})\s*$/;

/**
 * Reads the wait a 429 advertises: `Retry-After` (delta-seconds or an HTTP date, RFC 9110 §10.2.3), else
 * `RateLimit-Reset: <seconds>` or `RateLimit: …, reset=<seconds>` / `t=<seconds>` (the IETF RateLimit header
 * drafts). A value longer than `maxMs` is not a sane answer to a limit of this window.
 */
export function retryAdvice(
  headers: Readonly<Record<string, string>> | undefined,
  nowEpochMs: number,
  maxMs: number,
): RetryAdvice {
  const quoted = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  const bounded = (waitMs: number, what: string): RetryAdvice =>
    waitMs <= maxMs
      ? { waitMs }
      : {
          problem: `${what} asks for ${Math.round(waitMs / 1000)} s, more than ${Math.round(maxMs / 1000)} s`,
        };
  const retryAfter = headers?.['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = SECONDS.exec(retryAfter);
    if (seconds) return bounded(Number(seconds[1]) * 1000, 'Retry-After');
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date) && /[a-z]/i.test(retryAfter))
      return bounded(Math.max(0, date - nowEpochMs), 'Retry-After');
    return { problem: `Retry-After ${quoted(retryAfter)} is neither seconds nor an HTTP date` };
  }
  const reset =
    headers?.['ratelimit-reset'] ?? /(?:^|[;,\s])(?:reset|t)=(\d+)/.exec(headers?.ratelimit ?? '')?.[1];
  if (reset !== undefined) {
    const seconds = SECONDS.exec(reset);
    if (seconds) return bounded(Number(seconds[1]) * 1000, 'RateLimit reset');
    return { problem: `RateLimit-Reset ${quoted(reset)} is not a number of seconds` };
  }
  return { problem: 'no Retry-After or RateLimit reset header' };
}
