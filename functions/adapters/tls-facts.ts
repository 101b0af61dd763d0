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

/** What a freshly negotiated TLS connection says about itself and the target's leaf certificate. */
export function tlsFacts(socket: TLSSocket, nowMs: number = Date.now()): TlsFacts | undefined {
  const certificate = socket.getPeerCertificate();
  if (certificate === null || certificate === undefined || certificate.valid_to === undefined)
    return undefined;
  const validTo = new Date(certificate.valid_to);
  if (Number.isNaN(validTo.getTime())) return undefined;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
    certificate: {
      subject: distinguishedName(certificate.subject),
      issuer: distinguishedName(certificate.issuer),
      validTo: validTo.toISOString(),
      daysLeft: Math.floor((validTo.getTime() - nowMs) / DAY_MS),
    },
  };
}
