import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';

/** A proxy that would not open the tunnel: its status, never its host or the target's. */
export class ProxyTunnelError extends Error {
  readonly code = 'PERFPROBE_PROXY_TUNNEL';
  constructor(reason: string) {
    super(reason);
    this.name = 'ProxyTunnelError';
  }
}

/** The proxy's answer head is bounded: a proxy that streams garbage cannot grow memory. */
const MAX_HEAD_BYTES = 16 * 1024;

/** How the tunnel came up, ms since the attempt started (-1 when not seen: an IP-literal proxy has no lookup). */
export interface TunnelTiming {
  readonly lookedUpMs: number;
  /** TCP (and TLS, to an https proxy) up, and the proxy's 200 read. */
  readonly openMs: number;
}

/**
 * Opens a CONNECT tunnel to `host:port` through a forward proxy, as curl and undici's ProxyAgent do for every
 * target (https and http alike): one TCP connection to the proxy per connection to the target, so the phases
 * stay per connection (dns and connect are the proxy's, tls the target's, through the tunnel). Credentials in
 * the proxy URL go in Proxy-Authorization. The timeout is the caller's (undici's connect timeout covers it).
 */
export function openTunnel(
  proxy: URL,
  host: string,
  port: number,
  callback: (err: Error | null, socket: Socket | null, timing?: TunnelTiming) => void,
  lookup?: typeof import('node:dns').lookup,
): Socket {
  const start = performance.now();
  let lookedUp = -1;
  const proxyHost = proxy.hostname.startsWith('[') ? proxy.hostname.slice(1, -1) : proxy.hostname;
  const secure = proxy.protocol === 'https:';
  const proxyPort = Number(proxy.port) || (secure ? 443 : 80);
  const socket: Socket = secure
    ? tlsConnect({
        host: proxyHost,
        port: proxyPort,
        servername: proxyHost,
        ALPNProtocols: ['http/1.1'],
        ...(lookup ? { lookup } : {}),
      })
    : netConnect({ host: proxyHost, port: proxyPort, ...(lookup ? { lookup } : {}) });
  socket.once('lookup', () => {
    lookedUp = performance.now() - start;
  });
  let done = false;
  const finish = (err: Error | null) => {
    if (done) return;
    done = true;
    socket.removeListener('data', onData);
    // Back to paused: the next reader (undici, or TLS to the target) takes the bytes from here on.
    socket.pause();
    if (err) {
      socket.destroy();
      callback(err, null);
      return;
    }
    callback(null, socket, { lookedUpMs: lookedUp, openMs: performance.now() - start });
  };
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > MAX_HEAD_BYTES)
        finish(new ProxyTunnelError('the proxy answered CONNECT with no end of headers'));
      return;
    }
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1', 0, Math.min(end, 64)))?.[1];
    if (status !== '200') {
      finish(
        new ProxyTunnelError(
          `the proxy refused the tunnel (${status === undefined ? 'not an HTTP answer' : `HTTP ${status}`})`,
        ),
      );
      return;
    }
    const rest = head.subarray(end + 4);
    // Bytes past the proxy's answer are the target's: put back for whoever reads next.
    if (rest.length > 0) socket.unshift(rest);
    finish(null);
  };
  socket.on('data', onData);
  socket.once('error', (err) => finish(err));
  socket.once('close', () =>
    finish(new ProxyTunnelError('the proxy closed the connection before opening the tunnel')),
  );
  socket.once(secure ? 'secureConnect' : 'connect', () => {
    const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    let request = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
    if (proxy.username !== '') {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      request += `Proxy-Authorization: Basic ${Buffer.from(credentials).toString('base64')}\r\n`;
    }
    socket.write(`${request}\r\n`);
  });
  return socket;
}
