import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

export type OptionSpecs = Record<
  string,
  { readonly type: 'string' | 'boolean'; readonly short?: string; readonly multiple?: boolean }
>;

export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  /** `--help` / `-h` was given: print the command's usage and run nothing. */
  readonly help: boolean;
}

const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity)/;

/**
 * `-d -1` would otherwise be "ambiguous" to parseArgs (is -1 a flag?). A negative number after a flag that takes
 * a value is that value, so the range check can say what is wrong with it.
 */
function joinNegativeValues(args: readonly string[], options: OptionSpecs): string[] {
  const takesValue = new Set<string>();
  for (const [name, spec] of Object.entries(options)) {
    if (spec.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (spec.short) takesValue.add(`-${spec.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (takesValue.has(arg) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg.startsWith('--') ? arg : longName(arg, options)}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function longName(short: string, options: OptionSpecs): string {
  const entry = Object.entries(options).find(([, spec]) => `-${spec.short}` === short);
  return entry ? `--${entry[0]}` : short;
}

/** Parses one command's arguments strictly; every mistake is a UsageError naming the flag. */
export function parseCommandLine(
  command: string,
  args: readonly string[],
  options: OptionSpecs,
): ParsedCommandLine {
  const all: OptionSpecs = { ...options, help: { type: 'boolean', short: 'h' } };
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(args, all),
      options: all,
      allowPositionals: true,
      strict: true,
    });
    const { help, ...rest } = values as Record<string, string | boolean | string[] | undefined>;
    return { values: rest, positionals, help: help === true };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const flag = /'(-{1,2}[^',\s]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const known = [...Object.keys(options), 'help'].map((o) => `--${o}`).join(', ');
      throw new UsageError(
        `${flag}: unknown option for perfprobe ${command} (expected one of ${known}; see perfprobe ${command} --help)`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const long = flag.startsWith('--') ? flag : longName(flag, all);
      const spec = all[long.replace(/^--/, '')];
      throw new UsageError(
        spec?.type === 'boolean'
          ? `${long}: expected no value (it is a switch), got one`
          : `${long}: expected a value after it, got ${/missing/.test(message) ? 'nothing' : 'another option'}`,
      );
    }
    throw new UsageError(message, { cause: error });
  }
}

/** Exactly one positional argument, e.g. `<url>` or `<suite.ts>`; otherwise a UsageError naming it. */
export function onePositional(positionals: readonly string[], name: string, what: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      `${name}: expected ${what}, got ${positionals.length ? positionals.map((p) => `"${p}"`).join(' ') : 'nothing'}`,
    );
  }
  return positionals[0]!;
}

/** Exactly one positional argument, the suite file. */
export const oneSuitePath = (positionals: readonly string[]): string =>
  onePositional(positionals, '<suite.ts>', 'one suite file');

/** No positional arguments at all. */
export function noPositionals(positionals: readonly string[], command: string): void {
  if (positionals.length > 0) {
    throw new UsageError(
      `perfprobe ${command}: expected only options, got ${positionals.map((p) => `"${p}"`).join(' ')}`,
    );
  }
}
