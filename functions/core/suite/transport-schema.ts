import { z } from 'zod';
import { parseValueReference, VALUE_REFERENCE_EXPECTED } from '../value-reference.ts';
import { failWith, patterned } from './fields.ts';

const valueReference = () =>
  z
    .unknown()
    .transform((input, ctx) =>
      typeof input === 'string' && parseValueReference(input) !== undefined
        ? input
        : failWith(ctx, input, VALUE_REFERENCE_EXPECTED),
    );

/**
 * TLS material, each a reference resolved where the load runs (the values never enter the plan, state, logs,
 * the store or a report). There is deliberately no way to skip verification: a private CA is named instead.
 */
const tlsSchema = z
  .strictObject({
    /** PEM: the CAs that may sign the target's certificate (a private CA), instead of Node's public list. */
    ca: valueReference().optional(),
    /** PEM: the client certificate presented to a server that asks for one (mTLS), with `key`. */
    cert: valueReference().optional(),
    /** PEM: the client certificate's private key. */
    key: valueReference().optional(),
    /** The key's passphrase, when the key is encrypted. */
    passphrase: valueReference().optional(),
    /** The name sent in SNI and checked against the certificate, when it is not the URL's host. */
    serverName: patterned(
      /^(?=.{1,253}$)[A-Za-z0-9*]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
      'a host name like "api.bank.example"',
    ).optional(),
  })
  .superRefine((tls, ctx) => {
    if ((tls.cert === undefined) !== (tls.key === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [tls.cert === undefined ? 'cert' : 'key'],
        message: 'expected cert and key together (a client certificate is presented with its private key)',
      });
    }
    if (tls.passphrase !== undefined && tls.key === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['passphrase'],
        message: 'expected a key for the passphrase to open',
      });
    }
  });

/**
 * How requests reach the target, per environment and overridable per probe (a flow's steps use their probe's).
 */
export const transportSchema = z.strictObject({
  tls: tlsSchema.optional(),
  /**
   * An http(s) forward proxy URL (CONNECT tunnels), or '' for none; undefined: HTTPS_PROXY / HTTP_PROXY /
   * NO_PROXY of the process that sends the requests.
   */
  proxy: z
    .unknown()
    .transform((input, ctx) =>
      input === '' || (typeof input === 'string' && /^https?:\/\/[^\s/]+\/?$/.test(input))
        ? input
        : failWith(ctx, input, 'a proxy URL like "http://proxy.corp:3128", or "" for none'),
    )
    .optional(),
  /** Offer HTTP/2 by ALPN (falls back to HTTP/1.1 when the server does not choose it). @default false */
  http2: z.boolean().optional(),
  /**
   * Send a W3C `traceparent` (a new trace id per request) so the target's tracing can find the slowest and the
   * failed requests a run names; a `traceparent` set in the probe's headers is sent as written. @default true
   */
  traceparent: z.boolean().optional(),
});

export type TransportSpec = z.output<typeof transportSchema>;
export type TlsSpec = NonNullable<TransportSpec['tls']>;
