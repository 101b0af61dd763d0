import { DEFAULT_STORE_DIR } from '../adapters/file-run-store.ts';
import { RunsReadError } from '../adapters/runs-read-error.ts';
import { SecretResolutionError } from '../adapters/secrets.ts';
import { TransportSettingsError } from '../adapters/transport-settings.ts';
import { UnshardableLoadError } from '../core/plan.ts';
import { InvalidHeaderError, InvalidTargetError } from '../core/prepare-request.ts';
import { RunStoreError } from '../core/run-store.ts';
import { UnknownEnvironmentError, UnresolvedVariableError } from '../core/suite/resolve-probe.ts';
import { SuiteValidationError } from '../core/suite/validate-suite.ts';
import { noPositionals, type OptionSpecs, onePositional, parseCommandLine } from './command-line.ts';
import { baselineSaveCommand } from './commands/baseline-command.ts';
import { costCommand } from './commands/cost-command.ts';
import { demoApiCommand } from './commands/demo-api-command.ts';
import { demoCommand } from './commands/demo-command.ts';
import { historyCommand } from './commands/history-command.ts';
import { probeCommand } from './commands/probe-command.ts';
import { reportCommand } from './commands/report-command.ts';
import { runCommand } from './commands/run-command.ts';
import { runsCommand } from './commands/runs-command.ts';
import { silenceCommand } from './commands/silence-command.ts';
import { validateCommand } from './commands/validate-command.ts';
import { watchCommand } from './commands/watch-command.ts';
import { historyFlags } from './history-flags.ts';
import { assertWritable } from './json-output.ts';
import { storeDirFlag } from './store-dir.ts';
import { COMMAND_USAGE, type CommandName, HELP } from './usage.ts';
import { UsageError } from './usage-error.ts';
import { packageVersion } from './version.ts';

const OPTIONS = {
  probe: {
    method: { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true },
    body: { type: 'string' },
    connections: { type: 'string', short: 'c' },
    rate: { type: 'string', short: 'R' },
    duration: { type: 'string', short: 'd' },
    requests: { type: 'string', short: 'n' },
    timeout: { type: 'string', short: 't' },
    sla: { type: 'string', multiple: true },
    json: { type: 'string' },
    cacert: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    pass: { type: 'string' },
    proxy: { type: 'string' },
    http2: { type: 'boolean' },
  },
  run: {
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    json: { type: 'string' },
    shards: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    store: { type: 'string' },
    'no-store': { type: 'boolean' },
    baseline: { type: 'string' },
    md: { type: 'string' },
    junit: { type: 'string' },
    html: { type: 'string' },
  },
  history: {
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    since: { type: 'string' },
    by: { type: 'string' },
    json: { type: 'string' },
    store: { type: 'string' },
    deployed: { type: 'boolean' },
    table: { type: 'string' },
    region: { type: 'string' },
  },
  report: {
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    since: { type: 'string' },
    md: { type: 'string' },
    junit: { type: 'string' },
    html: { type: 'string' },
    store: { type: 'string' },
    deployed: { type: 'boolean' },
    table: { type: 'string' },
    region: { type: 'string' },
  },
  baseline: {
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    since: { type: 'string' },
    out: { type: 'string', short: 'o' },
    store: { type: 'string' },
    deployed: { type: 'boolean' },
    table: { type: 'string' },
    region: { type: 'string' },
  },
  runs: {
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    since: { type: 'string' },
    run: { type: 'string' },
    store: { type: 'string' },
    table: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    json: { type: 'string' },
  },
  silence: {
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p' },
    for: { type: 'string' },
    reason: { type: 'string' },
    list: { type: 'boolean' },
    end: { type: 'string' },
    table: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
  },
  watch: {
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    port: { type: 'string' },
    webhook: { type: 'string' },
    every: { type: 'string' },
    store: { type: 'string' },
  },
  validate: {},
  cost: { env: { type: 'string', short: 'e' }, json: { type: 'string' } },
  demo: { json: { type: 'string' }, store: { type: 'string' }, 'no-store': { type: 'boolean' } },
  'demo-api': { port: { type: 'string' }, latency: { type: 'string' }, 'error-rate': { type: 'string' } },
} as const satisfies Record<CommandName, OptionSpecs>;

/** Errors that are the user's to fix: a message, exit 2, never a stack trace. */
const USER_ERRORS = [
  UsageError,
  SecretResolutionError,
  TransportSettingsError,
  SuiteValidationError,
  UnknownEnvironmentError,
  UnresolvedVariableError,
  InvalidTargetError,
  InvalidHeaderError,
  UnshardableLoadError,
  RunStoreError,
  RunsReadError,
];

const isCommand = (name: string | undefined): name is CommandName =>
  name !== undefined && Object.hasOwn(COMMAND_USAGE, name);

type Values = Record<string, string | boolean | string[] | undefined>;

const storeDir = (values: Values) =>
  storeDirFlag(
    { store: values.store as string | undefined, noStore: values['no-store'] === true },
    DEFAULT_STORE_DIR,
  );

async function dispatch(command: CommandName, args: string[], signal: AbortSignal): Promise<number> {
  const { values: raw, positionals, help } = parseCommandLine(command, args, OPTIONS[command]);
  if (help) {
    process.stdout.write(COMMAND_USAGE[command]);
    return 0;
  }
  const values = raw as Values;
  const str = (name: string) => values[name] as string | undefined;
  switch (command) {
    case 'probe': {
      const { code } = await probeCommand({
        url: onePositional(positionals, '<url>', 'one URL like https://api.example.com/health'),
        method: str('method'),
        headers: values.header as string[] | undefined,
        body: str('body'),
        connections: str('connections'),
        rate: str('rate'),
        duration: str('duration'),
        requests: str('requests'),
        timeout: str('timeout'),
        sla: values.sla as string[] | undefined,
        json: str('json'),
        cacert: str('cacert'),
        cert: str('cert'),
        key: str('key'),
        pass: str('pass'),
        proxy: str('proxy'),
        http2: values.http2 === true,
        signal,
      });
      return code;
    }
    case 'run': {
      const suitePath = onePositional(positionals, '<suite.ts>', 'one suite file');
      const shards = values.shards === undefined ? undefined : Number(values.shards);
      if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1 && shards <= 64)) {
        throw new UsageError(`--shards: expected a whole number between 1 and 64, got "${values.shards}"`);
      }
      const { code } = await runCommand({
        suitePath,
        env: str('env'),
        probes: values.probe as string[] | undefined,
        json: str('json'),
        shards,
        quiet: values.quiet === true,
        store: storeDir(values),
        baseline: str('baseline'),
        md: str('md'),
        junit: str('junit'),
        html: str('html'),
        signal,
      });
      return code;
    }
    case 'history': {
      const suitePath = onePositional(positionals, '<suite.ts>', 'one suite file');
      const flags = historyFlags({
        since: str('since'),
        by: str('by'),
        store: str('store'),
        table: str('table'),
        deployed: values.deployed === true,
        region: str('region'),
      });
      const json = str('json');
      if (json) await assertWritable('--json', json);
      await historyCommand({
        suitePath,
        env: str('env'),
        probes: values.probe as string[] | undefined,
        json,
        ...flags,
      });
      return 0;
    }
    case 'report': {
      const suitePath = onePositional(positionals, '<suite.ts>', 'one suite file');
      const flags = historyFlags({
        since: str('since') ?? '24h',
        store: str('store'),
        table: str('table'),
        deployed: values.deployed === true,
        region: str('region'),
      });
      const md = str('md');
      const junit = str('junit');
      const html = str('html');
      if (md) await assertWritable('--md', md);
      if (junit) await assertWritable('--junit', junit);
      if (html) await assertWritable('--html', html);
      await reportCommand({
        suitePath,
        env: str('env'),
        probes: values.probe as string[] | undefined,
        sinceMs: flags.sinceMs,
        md,
        junit,
        html,
        store: flags.store,
      });
      return 0;
    }
    case 'baseline': {
      const [action, suitePath, ...extra] = positionals;
      if (action !== 'save') {
        throw new UsageError(
          `baseline: expected "save", got ${action === undefined ? 'nothing' : `"${action}"`}`,
        );
      }
      onePositional(suitePath === undefined ? [] : [suitePath, ...extra], '<suite.ts>', 'one suite file');
      const out = str('out');
      if (out === undefined) throw new UsageError('--out: expected the baseline file to write, got nothing');
      const flags = historyFlags({
        since: str('since'),
        store: str('store'),
        table: str('table'),
        deployed: values.deployed === true,
        region: str('region'),
      });
      await assertWritable('--out', out);
      await baselineSaveCommand({
        suitePath: suitePath!,
        env: str('env'),
        probes: values.probe as string[] | undefined,
        sinceMs: flags.sinceMs,
        outFile: out,
        store: flags.store,
      });
      return 0;
    }
    case 'runs': {
      const json = str('json');
      if (json) await assertWritable('--json', json);
      return await runsCommand({
        suitePath: onePositional(positionals, '<suite.ts>', 'one suite file'),
        env: str('env'),
        probes: values.probe as string[] | undefined,
        since: str('since'),
        run: str('run'),
        store: str('store'),
        table: str('table'),
        region: str('region'),
        endpoint: str('endpoint'),
        json,
      });
    }
    case 'silence':
      return await silenceCommand({
        suitePath: onePositional(positionals, '<suite.ts>', 'one suite file'),
        env: str('env'),
        probe: str('probe'),
        for: str('for'),
        reason: str('reason'),
        list: values.list === true,
        end: str('end'),
        table: str('table'),
        region: str('region'),
        endpoint: str('endpoint'),
      });
    case 'watch':
      return await watchCommand({
        suitePath: onePositional(positionals, '<suite.ts>', 'one suite file'),
        env: str('env'),
        probes: values.probe as string[] | undefined,
        port: str('port'),
        webhook: str('webhook'),
        every: str('every'),
        store: storeDir(values)!,
        signal,
      });
    case 'validate':
      return await validateCommand(onePositional(positionals, '<suite.ts>', 'one suite file'));
    case 'cost': {
      const suitePath = onePositional(positionals, '<suite.ts>', 'one suite file');
      const json = str('json');
      if (json) await assertWritable('--json', json);
      return await costCommand({ suitePath, env: str('env'), json });
    }
    case 'demo': {
      noPositionals(positionals, command);
      const json = str('json');
      if (json) await assertWritable('--json', json);
      return await demoCommand({ json, store: storeDir(values), signal });
    }
    case 'demo-api':
      noPositionals(positionals, command);
      return await demoApiCommand(
        { port: str('port'), latency: str('latency'), errorRate: str('error-rate') },
        signal,
      );
  }
}

/**
 * Runs the CLI; returns the exit code. Ctrl-C stops sending, lets in-flight requests finish, then reports (the
 * run is invalid, so the code is 1); a second Ctrl-C quits with 130.
 */
export async function main(argv: string[]): Promise<number> {
  // The pinned AWS SDK runs on Node 20; its notice about future releases needing Node 22 would precede every
  // runs/silence message with eight lines the user cannot act on here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [command, ...rest] = argv;
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: waiting for in-flight requests (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    if (isCommand(command)) return await dispatch(command, rest, controller.signal);
    switch (command) {
      case '--version':
      case '-v':
      case 'version':
        process.stdout.write(`perfprobe ${packageVersion()}\n`);
        return 0;
      case 'help':
      case '--help':
      case '-h':
        if (isCommand(rest[0])) process.stdout.write(COMMAND_USAGE[rest[0]]);
        else process.stdout.write(HELP);
        return 0;
      case undefined:
        process.stderr.write(HELP);
        return 2;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
    }
  } catch (error) {
    if (USER_ERRORS.some((type) => error instanceof type)) {
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
    process.off('SIGINT', onSigint);
  }
}
