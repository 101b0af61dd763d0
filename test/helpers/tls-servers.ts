import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { MtlsCertificates } from './tls-certificates.ts';

export interface TlsTarget {
  /** `https://localhost:PORT` (the certificates name localhost and 127.0.0.1). */
  readonly url: string;
  readonly port: number;
  /** Requests answered, with the client certificate's subject CN each presented (undefined: none). */
  readonly clients: (string | undefined)[];
  /** Each request's headers as received. */
  readonly headers: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}

/**
 * A Node HTTPS server on 127.0.0.1 signed by the test CA that requires a client certificate of that CA
 * (`requestCert`, `rejectUnauthorized`), answering 200 "ok"; `options` override (e.g. the expiring server pair).
 */
export async function mtlsServer(certs: MtlsCertificates, options: ServerOptions = {}): Promise<TlsTarget> {
  const clients: (string | undefined)[] = [];
  const headers: TlsTarget['headers'] = [];
  const server = createServer(
    {
      key: certs.server.key,
      cert: certs.server.cert,
      ca: certs.ca,
      requestCert: true,
      rejectUnauthorized: true,
      ...options,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      clients.push(typeof peer?.subject?.CN === 'string' ? peer.subject.CN : undefined);
      headers.push(req.headers);
      res.end('ok');
    },
  );
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    port,
    clients,
    headers,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `openssl s_server` requiring a client certificate of the test CA, as an OpenSSL-based server (nginx,
 * HAProxy, most gateways) does: it answers a missing, expired or unknown-CA certificate with the TLS alert
 * that says so, where Node's own server just closes the connection. `-www` answers each request with a
 * status page over HTTP/1.0; one connection at a time.
 */
export async function opensslServer(
  certs: MtlsCertificates,
  extra: readonly string[] = [],
): Promise<TlsTarget> {
  const child = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      '127.0.0.1:0',
      '-Verify',
      '1',
      '-verify_return_error',
      '-CAfile',
      certs.path('ca.pem'),
      '-cert',
      certs.path('server.pem'),
      '-key',
      certs.path('server.key'),
      '-www',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  while (!/ACCEPT \S+:\d+/.test(out)) {
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    out += chunk.toString();
  }
  child.stdout.resume();
  const port = Number(/ACCEPT \S+:(\d+)/.exec(out)![1]);
  return {
    url: `https://localhost:${port}`,
    port,
    clients: [],
    headers: [],
    close: async () => {
      child.kill();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** A Node HTTPS server (no client certificate asked) with `options`: old protocol versions, narrow ciphers. */
export async function tlsServerWith(certs: MtlsCertificates, options: ServerOptions): Promise<TlsTarget> {
  return mtlsServer(certs, { requestCert: false, rejectUnauthorized: false, ...options });
}
