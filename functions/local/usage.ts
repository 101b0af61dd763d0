import type { CliCommand, CommandSummary } from './cli-command.ts';

/** The exit codes of the commands that send load (`probe`, `run`), said in their help and in `perfprobe --help`. */
export const EXIT_CODES =
  'Exit codes: 0 every critical SLA passed on a valid run, 1 an SLA breached or a run was invalid\n' +
  '(an interrupted run is invalid), 2 bad usage, a bad suite or a secret that cannot be resolved.\n';

/** Where a summary starts in `perfprobe --help`; a usage too long for it puts the summary below. */
const SUMMARY_COLUMN = 42;
/** A usage's second line continues under the first one's arguments. */
const CONTINUATION = ' '.repeat(16);
const DETAIL = ' '.repeat(6);

/** One entry of `perfprobe --help`: the usage, the summary beside it (or below), then any detail lines. */
export function helpEntry({ usage, summary, details = [] }: CommandSummary): string {
  const lines = usage.map((line, i) => (i === 0 ? `  perfprobe ${line}` : `${CONTINUATION}${line}`));
  const rest = [...summary];
  const last = lines.length - 1;
  if (rest.length > 0 && lines[last]!.length < SUMMARY_COLUMN) {
    lines[last] = lines[last]!.padEnd(SUMMARY_COLUMN) + rest.shift();
  }
  lines.push(...rest.map((line) => ' '.repeat(SUMMARY_COLUMN) + line), ...details.map((d) => DETAIL + d));
  return lines.map((line) => `${line}\n`).join('');
}

/** `perfprobe --help`: every command of the table in its order, then how to get more. */
export function topLevelHelp(commands: readonly CliCommand[]): string {
  return (
    'perfprobe: performance probes for HTTP APIs\n\nUsage:\n' +
    commands.map((c) => helpEntry(c.overview)).join('') +
    helpEntry({ usage: ['<command> --help'], summary: ["a command's own options"] }) +
    helpEntry({ usage: ['--version'], summary: [] }) +
    `\n${EXIT_CODES}`
  );
}
