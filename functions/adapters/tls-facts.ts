import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { TlsFacts } from '../core/transport.ts';

const DAY_MS = 86_400_000;

/** "CN=api.bank.example, O=Bank": a certificate name's attributes as openssl prints them. */
function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (name === undefined || name === null) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

/**
 * What a freshly negotiated TLS connection says about itself and the target's leaf certificate. A resumed
 * session carries no certificate (the client did not receive one): `previous`, the one its session began with,
 * stands for it. undefined when no certificate is known.
 */
export function tlsFacts(
  socket: TLSSocket,
  previous: TlsFacts['certificate'] | undefined,
  nowMs: number = Date.now(),
): TlsFacts | undefined {
  const peer = socket.getPeerCertificate();
  const validTo = peer?.valid_to === undefined ? undefined : new Date(peer.valid_to);
  let certificate: { subject: string; issuer: string; validTo: string } | undefined;
  if (validTo !== undefined && !Number.isNaN(validTo.getTime())) {
    certificate = {
      subject: distinguishedName(peer.subject),
      issuer: distinguishedName(peer.issuer),
      validTo: validTo.toISOString(),
    };
  } else if (socket.isSessionReused()) certificate = previous;
  if (certificate === undefined) return undefined;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
    certificate: {
      ...certificate,
      daysLeft: Math.floor((Date.parse(certificate.validTo) - nowMs) / DAY_MS),
    },
  };
}
