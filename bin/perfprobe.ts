import { main } from '../functions/local/cli.ts';
import { dropWritesAfterClose } from '../functions/local/closed-pipe.ts';

// `perfprobe … | head` closes the pipe early: output stops, the run and its exit code do not.
dropWritesAfterClose(process.stdout);
dropWritesAfterClose(process.stderr);

process.exitCode = await main(process.argv.slice(2));
