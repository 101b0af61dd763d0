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
};

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_)/;

/** Maps an undici / Node error to exactly one class, by `code` (never by message text). */
export function classifyError(error: unknown): ErrorClass {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const known = BY_CODE[code];
    if (known) return known;
    if (code.startsWith('HPE_')) return 'protocol';
    if (TLS_CODE.test(code)) return 'tls';
  }
  if ((error as { name?: unknown } | null)?.name === 'AbortError') return 'aborted';
  return 'protocol';
}
