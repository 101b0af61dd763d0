import { main } from '../functions/local/cli.ts';

// `perfprobe … | head` closes the pipe early: that is the reader being done, not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
