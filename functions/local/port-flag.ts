import { UsageError } from './usage-error.ts';

/**
 * A listen that failed because of the port the user chose is theirs to fix (exit 2, naming --port); any other
 * failure is returned as it came.
 */
export function portError(error: unknown, port: number | undefined): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return error;
  return new UsageError(
    `--port: expected a free port this user may listen on, got ${port} (${code === 'EADDRINUSE' ? 'already in use' : 'permission denied'})`,
    { cause: error },
  );
}
