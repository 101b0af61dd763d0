import type { Socket } from 'node:net';

/** "HTTP/1.1 1xx" with x not "01" (101 is an upgrade, a final answer of its own). */
const INTERIM = /^HTTP\/1\.[01] 1(?!01)\d\d[ \r]/;
const STATUS_LINE_PREFIX = 'HTTP/1.1 100 '.length;
const HEADER_END = Buffer.from('\r\n\r\n');
const DIGIT_ONE = 0x31;

/**
 * Removes interim (1xx) responses from the head of each response on an HTTP/1.1 socket, before undici's parser
 * reads them. RFC 9110 §15.2: a client must parse 1xx responses even when it did not expect one; undici 7
 * destroys the connection on a 100 (a deliberate limitation, nodejs/undici#201), so a valid `100 Continue`
 * followed by a 200 would read as a reset. undici reads the socket only through `read()`, so that is where the
 * bytes are filtered (and timed, see pollTime). `expectResponse()` is called as each request is written
 * (pipelining is 1).
 */
export class InterimResponseFilter {
  private atResponseStart = false;
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

  expectResponse(): void {
    this.atResponseStart = true;
  }

  private filter(incoming: Buffer): Buffer | null {
    let chunk = this.held === undefined ? incoming : Buffer.concat([this.held, incoming]);
    this.held = undefined;
    while (this.atResponseStart) {
      if (chunk.length < STATUS_LINE_PREFIX) {
        // Too short to tell: keep it if it could still become an interim status line.
        if (couldBeInterim(chunk)) {
          this.held = chunk;
          return null;
        }
        break;
      }
      // The status code's first digit (after "HTTP/1.x "): anything but 1 is a final response, the usual case.
      if (chunk[9] !== DIGIT_ONE || !INTERIM.test(chunk.toString('latin1', 0, STATUS_LINE_PREFIX))) break;
      const end = chunk.indexOf(HEADER_END);
      if (end < 0) {
        this.held = chunk;
        return null;
      }
      this.interimResponses++;
      chunk = chunk.subarray(end + HEADER_END.length);
      if (chunk.length === 0) return null;
    }
    this.atResponseStart = false;
    return chunk;
  }
}

function couldBeInterim(chunk: Buffer): boolean {
  const text = chunk.toString('latin1');
  return 'HTTP/1.1 1'.startsWith(text.slice(0, 10)) || 'HTTP/1.0 1'.startsWith(text.slice(0, 10));
}
