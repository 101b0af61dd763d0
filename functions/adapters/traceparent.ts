import { randomFillSync } from 'node:crypto';

/** A trace id (16 bytes) and a span id (8 bytes) per header. */
const ID_BYTES = 24;
/** Ids drawn per refill: one call into OpenSSL for 256 requests, not one each. */
const IDS_PER_FILL = 256;

const pool = Buffer.allocUnsafe(ID_BYTES * IDS_PER_FILL);
let next = pool.length;

/**
 * A new W3C traceparent value (https://www.w3.org/TR/trace-context/#traceparent-header): version 00, a random
 * trace id and parent span id, flags 01 (sampled, so the target's tracing keeps the trace on-call will look up).
 * An all-zero id, which the standard makes invalid, has a chance of 2^-64 at most: not worth a branch.
 */
export function newTraceparent(): string {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const at = next;
  next += ID_BYTES;
  // One conversion for both ids (each toString is a call into C++).
  const hex = pool.toString('hex', at, at + ID_BYTES);
  return `00-${hex.slice(0, 32)}-${hex.slice(32)}-01`;
}
