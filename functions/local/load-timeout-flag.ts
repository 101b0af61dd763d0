import { durationFlag, FlagProblems } from './flag-values.ts';
import { UsageError } from './usage-error.ts';

/** `--load-timeout`, for every command that loads a suite. */
export const LOAD_TIMEOUT_FLAG = { 'load-timeout': { type: 'string' } } as const;

export const LOAD_TIMEOUT_HELP =
  '      --load-timeout T    how long the suite may take to import and validate (default 10s)\n';

/** A suite that needs longer than this to load is waiting on something it should not. */
const MAX_LOAD_TIMEOUT_MS = 10 * 60_000;

/** The load limit in milliseconds, or undefined for the default; a bad value is a UsageError naming the flag. */
export function loadTimeoutFlag(value: string | undefined): number | undefined {
  const problems = new FlagProblems();
  const ms = durationFlag(problems, '--load-timeout', value, MAX_LOAD_TIMEOUT_MS);
  if (problems.messages.length > 0) throw new UsageError(problems.messages.join('\n'));
  return ms;
}
