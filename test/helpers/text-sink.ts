import { Writable } from 'node:stream';

/** An output stream for a command under test that keeps what it was written, as `text()`. */
export function textSink(): NodeJS.WriteStream & { text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk, _encoding, done) {
      text += chunk;
      done();
    },
  });
  return Object.assign(out, { text: () => text }) as unknown as NodeJS.WriteStream & { text: () => string };
}
