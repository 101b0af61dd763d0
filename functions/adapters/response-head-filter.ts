import type { Socket } from 'node:net';

/** "HTTP/1.1 1xx" with x not "01" (101 is an upgrade, a final answer of its own). */
const INTERIM = /^HTTP\/1\.[01] 1(?!01)\d\d[ \r]/;
const STATUS_LINE_PREFIX = 'HTTP/1.1 100 '.length;
const HEADER_END = Buffer.from('\r\n\r\n');
const DIGIT_ONE = 0x31;
/**
 * Longest response head held back while looking for its end. undici refuses a head above 16 KiB (its maxHeaderSize)
 * anyway; past this it is handed on as it is, for undici to refuse, instead of growing in memory until the timeout.
 */
const MAX_HELD_HEAD = 64 * 1024;

/**
 * Filters the head of each response on an HTTP/1.1 socket before undici's parser reads it. undici reads the socket
 * only through `read()`, so that is where the bytes are filtered (and timed, see pollTime). `expectResponse()` is
 * called as each request is written (pipelining is 1).
 * - Interim responses (1xx) are removed. RFC 9110 §15.2: a client must parse 1xx responses even when it did not
 *   expect one; undici 7 destroys the connection on a 100 (a deliberate limitation, nodejs/undici#201), so a valid
 *   `100 Continue` followed by a 200 would read as a reset.
 * - A response without content (to a HEAD, or a 204 or 304: RFC 9112 §6.3) ends at its head whatever its framing
 *   headers say (see endAtHead).
 */
export class ResponseHeadFilter {
  private atResponseStart = false;
  private headRequest = false;
  private held: Buffer | undefined;
  interimResponses = 0;

  /** @param onRead called with each chunk undici reads, before it parses it (the reads are timed there too). */
  constructor(socket: Socket, onRead: () => void) {
    const read = socket.read.bind(socket);
    socket.read = (size?: number) => {
      if (!this.atResponseStart && this.held === undefined) {
        const chunk = read(size);
        if (chunk !== null) onRead();
        return chunk;
      }
      const chunk = read();
      if (chunk === null) return null;
      onRead();
      return this.filter(chunk as Buffer);
    };
  }

  /** @param headRequest the request just written is a HEAD: its response has no content, whatever it says. */
  expectResponse(headRequest: boolean): void {
    this.atResponseStart = true;
    this.headRequest = headRequest;
  }

  private filter(incoming: Buffer): Buffer | null {
    let chunk = this.held === undefined ? incoming : Buffer.concat([this.held, incoming]);
    this.held = undefined;
    while (this.atResponseStart) {
      if (chunk.length < STATUS_LINE_PREFIX) {
        // Too short to tell: keep it if it could still become a status line this filter acts on.
        if (couldBeStatusLine(chunk)) {
          this.held = chunk;
          return null;
        }
        break;
      }
      // The status code's first digit (after "HTTP/1.x "): a 1 may be interim; else usually nothing to do.
      const interim = chunk[9] === DIGIT_ONE && INTERIM.test(chunk.toString('latin1', 0, STATUS_LINE_PREFIX));
      if (!interim && !this.headRequest && !isNoContentStatus(chunk)) break;
      const end = chunk.indexOf(HEADER_END);
      if (end < 0) {
        if (chunk.length > MAX_HELD_HEAD) break;
        this.held = chunk;
        return null;
      }
      if (!interim) {
        this.atResponseStart = false;
        return endAtHead(chunk, end);
      }
      this.interimResponses++;
      chunk = chunk.subarray(end + HEADER_END.length);
      if (chunk.length === 0) return null;
    }
    this.atResponseStart = false;
    return chunk;
  }
}

/** "HTTP/1.x 204 " or "HTTP/1.x 304 " (or with "\r" for an empty reason phrase). */
function isNoContentStatus(chunk: Buffer): boolean {
  return (
    (chunk[9] === 0x32 || chunk[9] === 0x33) &&
    chunk[10] === 0x30 &&
    chunk[11] === 0x34 &&
    (chunk[12] === 0x20 || chunk[12] === 0x0d)
  );
}

/**
 * A response without content, as undici should read it: its message ends at the head.
 * - Content-Length is dropped from a 204 or 304: undici checks it against the empty body and fails a valid 304
 *   (whose Content-Length is the size of the representation, RFC 9110 §8.6) with UND_ERR_RES_CONTENT_LENGTH_MISMATCH.
 *   undici already skips that check for a HEAD.
 * - Bytes after the head (a body the response must not have), or a 204 that announces a body (Content-Length above
 *   0 or Transfer-Encoding, which RFC 9110 forbids on a 204), mean the connection's next bytes are not the next
 *   response: they would be parsed as one, and the next request on the connection would fail for this one's fault.
 *   The bytes are dropped and the head gets `connection: close`, so undici closes the connection after it.
 */
function endAtHead(chunk: Buffer, end: number): Buffer {
  const lines = chunk.toString('latin1', 0, end).split('\r\n');
  const noContent = isNoContentStatus(chunk);
  const is204 = noContent && chunk[9] === 0x32;
  let announced = false;
  const kept = lines.filter((line, i) => {
    if (i === 0) return true;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'transfer-encoding') announced = true;
    if (name === 'content-length' && value !== '0') announced = true;
    return !(noContent && name === 'content-length');
  });
  const close = chunk.length > end + HEADER_END.length || (is204 && announced);
  if (!close && kept.length === lines.length) return chunk;
  const head = close ? [...kept.filter((line) => !/^connection\s*:/i.test(line)), 'connection: close'] : kept;
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1');
}

function couldBeStatusLine(chunk: Buffer): boolean {
  const text = chunk.toString('latin1');
  return 'HTTP/1.1 '.startsWith(text.slice(0, 9)) || 'HTTP/1.0 '.startsWith(text.slice(0, 9));
}
