/**
 * `perfprobe run … | head -1`: the reader leaving is not a reason to stop measuring, nor to exit 0. After EPIPE
 * the stream's writes are dropped; every probe still runs, `--json` is still written, and the exit code stays
 * the run's.
 */
export function dropWritesAfterClose(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    // The stream is destroyed now: each further write would only raise ERR_STREAM_DESTROYED.
    stream.write = (() => true) as typeof stream.write;
  });
}
