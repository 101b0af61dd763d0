import type { TransportSpec } from './transport-schema.ts';

// Apart from the schema, so that what a run needs (the worker's bundle) does not carry zod.

/** A probe's transport: its own fields over its environment's (`tls` as a whole: a key never mixes with another cert). */
export function mergeTransport(
  environment: TransportSpec | undefined,
  probe: TransportSpec | undefined,
): TransportSpec | undefined {
  if (environment === undefined && probe === undefined) return undefined;
  const merged: TransportSpec = { ...environment, ...probe };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as TransportSpec;
}

/** A transport's value references by field ("transport.tls.key" → "secretsmanager:bank/mtls#key"). */
export function transportReferences(transport: TransportSpec | undefined): [string, string][] {
  const tls = transport?.tls;
  if (tls === undefined) return [];
  return (['ca', 'cert', 'key', 'passphrase'] as const).flatMap((field) =>
    tls[field] === undefined ? [] : [[`transport.tls.${field}`, tls[field]] as [string, string]],
  );
}

/**
 * Whether the transport adds a fresh W3C traceparent to each send of a request with these header names: on
 * unless `transport.traceparent` is false, and never over a traceparent the probe sets itself (the user's wins).
 */
export function addsTraceparent(
  transport: TransportSpec | undefined,
  headerNames: Iterable<string>,
): boolean {
  if (transport?.traceparent === false) return false;
  for (const name of headerNames) if (name.toLowerCase() === 'traceparent') return false;
  return true;
}
