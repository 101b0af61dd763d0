import { performance } from 'node:perf_hooks';

/**
 * A response is readable from the moment the event loop's poll returns its socket, but JS sees it only when the
 * loop gets to that socket: behind every other socket the same poll returned (their parsing, their callbacks).
 * With many connections answered together, the last one waits for all the others, and a clock read there counts
 * the generator's own queueing as the target's latency.
 *
 * So sockets read in one poll share one time: the first read of the poll takes it, and every other socket the
 * same poll returned was readable by then too. It expires at the check phase that follows the poll (where undici
 * writes the next requests), and after MAX_SHARE_MS in any case: data read outside the poll phase is rare, and
 * then the time is never shared across a wait for the next poll by more than that.
 */
const MAX_SHARE_MS = 1;

let shared = -1;
const expire = () => {
  shared = -1;
};

/** The time the current poll's sockets became readable (monotonic ms); call as a socket's data is read. */
export function pollTime(): number {
  const now = performance.now();
  if (shared >= 0 && now - shared <= MAX_SHARE_MS) return shared;
  shared = now;
  setImmediate(expire);
  return now;
}
