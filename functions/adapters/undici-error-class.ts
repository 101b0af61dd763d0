import type { ErrorClass } from '../core/error-classes.ts';

const BY_CODE: Record<string, ErrorClass> = {
  UND_ERR_CONNECT_TIMEOUT: 'timeout_connect',
  ETIMEDOUT: 'timeout_connect',
  UND_ERR_HEADERS_TIMEOUT: 'timeout_headers',
  UND_ERR_BODY_TIMEOUT: 'timeout_body',
  ECONNREFUSED: 'connection_refused',
  EHOSTUNREACH: 'connection_refused',
  ENETUNREACH: 'connection_refused',
  ECONNRESET: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_CLOSED: 'connection_reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'protocol',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'protocol',
  UND_ERR_RESPONSE_EXCEEDED_MAX_SIZE: 'protocol',
  // A header block beyond undici's 16 KiB limit: the peer is not speaking sane HTTP.
  UND_ERR_HEADERS_OVERFLOW: 'protocol',
  UND_ERR_INFO: 'protocol',
  UND_ERR_ABORTED: 'aborted',
  UND_ERR_ABORT: 'aborted',
  ABORT_ERR: 'aborted',
  UND_ERR_DESTROYED: 'aborted',
  // The forward proxy would not open a tunnel (403, 407, 502…): the target was never reached.
  PERFPROBE_PROXY_TUNNEL: 'connection_refused',
  // HTTP/2: the server reset this one stream (RST_STREAM) and kept the connection: not the network's doing, as
  // connection_reset would say, but the target's answer in HTTP/2's own terms.
  ERR_HTTP2_STREAM_ERROR: 'protocol',
};

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_)/;

/** An error the TLS layer raised (an alert from the peer, a failed verification): its code says why. */
export function isTlsAlert(error: unknown): error is Error {
  const code = codeOf(error);
  return code !== undefined && TLS_CODE.test(code);
}

/**
 * undici raises one code, UND_ERR_SOCKET, both for a closed connection and for a peer that broke HTTP (a 101 to
 * a plain request, a response nobody asked for): only these fixed messages of its own tell them apart.
 */
const SOCKET_PROTOCOL_MESSAGES = new Set(['bad upgrade', 'bad response']);

/** Maps an undici / Node error to exactly one class, by `code` (message text only where undici shares a code). */
export function classifyError(error: unknown): ErrorClass {
  const code = codeOf(error);
  if (code === 'UND_ERR_SOCKET' && SOCKET_PROTOCOL_MESSAGES.has(String((error as Error).message))) {
    return 'protocol';
  }
  if (code !== undefined) {
    const known = BY_CODE[code];
    if (known) return known;
    if (code.startsWith('HPE_')) return 'protocol';
    if (TLS_CODE.test(code)) return 'tls';
  }
  if ((error as { name?: unknown } | null)?.name === 'AbortError') return 'aborted';
  return 'protocol';
}

/** Where in its life a request failed. */
export type RequestPhase = 'connect' | 'request' | 'headers' | 'body';

const PHASE_WORDS: Record<RequestPhase, string> = {
  connect: 'while connecting',
  request: 'while sending the request',
  headers: 'while waiting for response headers',
  body: 'while reading the response body',
};

/**
 * Words for codes whose own messages carry the host, an address or a port (ENOTFOUND names the host, which
 * may hold a secret; ECONNREFUSED names address and port; the TLS altname error names both host and certificate).
 */
const DETAIL_BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'the target refused the connection',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the DNS lookup failed temporarily',
  EAI_FAIL: 'the DNS lookup failed',
  EAI_NONAME: 'the host name does not resolve',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while writing',
  ETIMEDOUT: 'the connection attempt timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection attempt timed out',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'a self-signed certificate is in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate chain cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate issuer is unknown',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the peer does not speak TLS (plain HTTP on this port?)',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'the peer does not speak TLS (plain HTTP on this port?)',
  // Alerts from the server, by what they mean to whoever holds the client certificate.
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    'certificate required: the server requires a client certificate and none was sent (transport.tls.cert/key)',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA:
    "certificate rejected: the server does not trust the client certificate's CA (unknown CA)",
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'certificate rejected: the client certificate has expired',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'certificate rejected: the server refused the client certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'certificate rejected: the server refused the client certificate',
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    'certificate rejected: the server does not accept this kind of client certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: 'certificate rejected: the client certificate is revoked',
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 'certificate rejected: access denied for this client certificate',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'handshake failure: a signature did not verify (key and certificate?)',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE:
    'handshake failure: no cipher or protocol both sides accept, or a client certificate the server requires (TLS 1.2)',
  ERR_SSL_NO_SHARED_CIPHER: 'handshake failure: no cipher both sides accept',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'protocol version: no TLS version both sides accept',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'protocol version: the server offers only TLS versions below 1.2',
  ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR: 'the server failed the handshake (internal error alert)',
};

/** undici's own messages for these are fixed words (no address): safe to keep. */
const OWN_MESSAGE = /^(UND_ERR_|HPE_|PERFPROBE_)/;
const ADDRESS = /(\[[0-9a-f:.]+\]|\d{1,3}(\.\d{1,3}){3})(:\d+)?|[a-z0-9-]+(\.[a-z0-9-]+)+:\d+/gi;

/**
 * One line for a failed request: its class, code and phase, in words that never carry a URL, host, address or
 * port (a secret can live in a host name, and the README promises no target details in samples).
 */
export function describeError(errorClass: ErrorClass, error: unknown, phase: RequestPhase): string {
  const code = codeOf(error) ?? (error as { name?: string } | null)?.name ?? 'Error';
  let detail = code === 'ERR_HTTP2_STREAM_ERROR' ? streamReset(error) : DETAIL_BY_CODE[code];
  if (detail === undefined && OWN_MESSAGE.test(code)) {
    detail = String((error as { message?: unknown } | null)?.message ?? '').replace(ADDRESS, '<address>');
  }
  const text = `${errorClass}: ${code} ${PHASE_WORDS[phase]}${detail ? ` (${detail})` : ''}`;
  return text.slice(0, 200);
}

/** Node's "Stream closed with error code NGHTTP2_REFUSED_STREAM", in words: which code the server reset with. */
function streamReset(error: unknown): string {
  const name = /NGHTTP2_([A-Z_]+)/.exec(String((error as { message?: unknown } | null)?.message))?.[1];
  if (name === undefined) return 'the server reset the stream (RST_STREAM)';
  // REFUSED_STREAM promises the request was not processed (RFC 9113 §8.7): safe to send again.
  const unprocessed = name === 'REFUSED_STREAM' ? ': the request was not processed' : '';
  return `the server reset the stream (RST_STREAM ${name})${unprocessed}`;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
