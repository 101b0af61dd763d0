import type { CliCommand } from './cli-command.ts';
import { parseCommandLine } from './command-line.ts';
import { baselineCli } from './commands/baseline-cli.ts';
import { costCli } from './commands/cost-cli.ts';
import { demoApiCli } from './commands/demo-api-cli.ts';
import { demoCli } from './commands/demo-cli.ts';
import { drillCli } from './commands/drill-cli.ts';
import { historyCli } from './commands/history-cli.ts';
import { probeCli } from './commands/probe-cli.ts';
import { pruneCli } from './commands/prune-cli.ts';
import { reportCli } from './commands/report-cli.ts';
import { runCli } from './commands/run-cli.ts';
import { runsCli } from './commands/runs-cli.ts';
import { silenceCli } from './commands/silence-cli.ts';
import { sloCli } from './commands/slo-cli.ts';
import { validateCli } from './commands/validate-cli.ts';
import { watchCli } from './commands/watch-cli.ts';
import { topLevelHelp } from './usage.ts';
import { UsageError } from './usage-error.ts';
import { packageVersion } from './version.ts';

/** Every command, in the order `perfprobe --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  probeCli,
  runCli,
  historyCli,
  sloCli,
  baselineCli,
  reportCli,
  watchCli,
  validateCli,
  costCli,
  runsCli,
  silenceCli,
  drillCli,
  pruneCli,
  demoCli,
  demoApiCli,
];

const HELP = topLevelHelp(COMMANDS);

const commandNamed = (name: string | undefined): CliCommand | undefined =>
  COMMANDS.find((c) => c.name === name);

/**
 * Errors that are the user's to fix: a message, exit 2, never a stack trace. Imported only once something has
 * failed: their modules (the suite schema among them) cost every command's start otherwise, `--help` included.
 */
async function isUserError(error: unknown): Promise<boolean> {
  if (error instanceof UsageError) return true;
  const [secrets, transport, suite, resolve, request, plan, store, runs] = await Promise.all([
    import('../adapters/secrets.ts'),
    import('../adapters/transport-settings.ts'),
    import('../core/suite/validate-suite.ts'),
    import('../core/suite/resolve-probe.ts'),
    import('../core/prepare-request.ts'),
    import('../core/plan.ts'),
    import('../core/run-store.ts'),
    import('../adapters/runs-read-error.ts'),
  ]);
  return [
    secrets.SecretResolutionError,
    transport.TransportSettingsError,
    suite.SuiteValidationError,
    resolve.UnknownEnvironmentError,
    resolve.UnresolvedVariableError,
    request.InvalidTargetError,
    request.InvalidHeaderError,
    plan.UnshardableLoadError,
    store.RunStoreError,
    runs.RunsReadError,
  ].some((type) => error instanceof type);
}

async function dispatch(command: CliCommand, args: readonly string[], signal: AbortSignal): Promise<number> {
  const { values, positionals, help } = parseCommandLine(command.name, args, command.flags);
  if (help) {
    process.stdout.write(command.help);
    return 0;
  }
  return await command.run({ flags: values, positionals, signal });
}

/** A signal this soon after the first is the same stop delivered twice, not a second request to quit. */
export const SAME_STOP_MS = 1000;

/**
 * Runs the CLI; returns the exit code. Ctrl-C, or SIGTERM (a CI cancel or job timeout), stops sending, lets
 * in-flight requests finish, then reports and records (the run is invalid, so the code is 1); a second signal, a
 * second or more after the first, quits at once with 128 + its number (130, 143).
 */
export async function main(argv: string[]): Promise<number> {
  // The pinned AWS SDK runs on Node 20; its notice about future releases needing Node 22 would precede every
  // runs/silence message with eight lines the user cannot act on here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [command, ...rest] = argv;
  const controller = new AbortController();
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const at = performance.now();
    if (firstSignalAt !== undefined) {
      // One stop can arrive twice: GNU timeout (`timeout -s TERM 3 perfprobe run …` in CI) signals the command,
      // then its whole process group. Only a signal that comes later means "quit now".
      if (at - firstSignalAt < SAME_STOP_MS) return;
      process.exit(signal === 'SIGTERM' ? 143 : 130);
    }
    firstSignalAt = at;
    process.stderr.write(
      signal === 'SIGTERM'
        ? '\nstopping (SIGTERM): waiting for in-flight requests (a second SIGTERM quits now)\n'
        : '\nstopping: waiting for in-flight requests (Ctrl-C again to quit now)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const known = commandNamed(command);
    if (known) return await dispatch(known, rest, controller.signal);
    switch (command) {
      case '--version':
      case '-v':
      case 'version':
        process.stdout.write(`perfprobe ${packageVersion()}\n`);
        return 0;
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(commandNamed(rest[0])?.help ?? HELP);
        return 0;
      case undefined:
        process.stderr.write(HELP);
        return 2;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
    }
  } catch (error) {
    if (await isUserError(error)) {
      process.stderr.write(`perfprobe: ${(error as Error).message}\n`);
      return 2;
    }
    // Not the user's doing: say so, and keep the stack for a bug report rather than for every user.
    const debug = Boolean(process.env.PERFPROBE_DEBUG);
    const text =
      error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
    process.stderr.write(
      `perfprobe: internal error: ${text}\n${debug ? '' : '(set PERFPROBE_DEBUG=1 for the stack trace)\n'}`,
    );
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
