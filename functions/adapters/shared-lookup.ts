import { type LookupAddress, type LookupOptions, lookup } from 'node:dns';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** How long a resolved address serves new connections of one run: short, so a DNS failover is seen quickly. */
const CACHE_MS = 1_000;

/**
 * A `lookup` for net.connect that resolves each host once for many connections: a load opening 50 connections
 * at once would otherwise queue 50 getaddrinfo calls on libuv's 4 threads (seen: a rate run against a slow
 * resolver timing out every connect). Concurrent lookups share one call; a result serves for a second.
 */
export function createSharedLookup(): typeof lookup {
  const cache = new Map<string, { at: number; done: Promise<LookupAddress[]> }>();
  const shared = (hostname: string, options: LookupOptions | LookupCallback, callback?: LookupCallback) => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts = typeof options === 'function' ? {} : options;
    const key = `${hostname}|${opts.family ?? 0}`;
    let entry = cache.get(key);
    if (entry === undefined || performance.now() - entry.at > CACHE_MS) {
      const done = new Promise<LookupAddress[]>((resolve, reject) =>
        lookup(hostname, { family: opts.family ?? 0, all: true }, (err, addresses) =>
          err ? reject(err) : resolve(addresses),
        ),
      );
      entry = { at: performance.now(), done };
      cache.set(key, entry);
      // A failure is shared by the lookups waiting on it, never cached for later ones.
      done.catch(() => cache.delete(key));
    }
    entry.done.then(
      (addresses) => {
        if (opts.all) cb(null, addresses);
        else cb(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => cb(err, ''),
    );
  };
  return shared as unknown as typeof lookup;
}
