import type { OptionSpecs } from './command-line.ts';

/** What `parseArgs` gives each declared flag: a string, a list when repeatable, true for a switch. */
export type FlagValues<S extends OptionSpecs> = string extends keyof S
  ? Readonly<Record<string, string | boolean | string[] | undefined>>
  : {
      readonly [K in keyof S]: S[K]['type'] extends 'boolean'
        ? boolean | undefined
        : S[K]['multiple'] extends true
          ? string[] | undefined
          : string | undefined;
    };

/** A command's run gets its parsed flags, its positional arguments and the Ctrl-C signal. */
export interface CommandInput<S extends OptionSpecs = OptionSpecs> {
  readonly flags: FlagValues<S>;
  readonly positionals: readonly string[];
  readonly signal: AbortSignal;
}

/** A command's lines in `perfprobe --help`, laid out by `helpEntry`. */
export interface CommandSummary {
  /** After `perfprobe `; a second line continues the arguments. */
  readonly usage: readonly string[];
  /** What it does, beside the usage when that fits, else below it. */
  readonly summary: readonly string[];
  /** Lines under the summary (the flags of a command that says `[options]`). */
  readonly details?: readonly string[];
}

/**
 * One row of the CLI's table: `perfprobe <name>` parses exactly `flags` (plus --help), prints `help` for
 * `--help`, and otherwise runs. A new command is a light `commands/<name>-cli.ts` exporting one of these, whose
 * `run` imports the command's own module (`<name>-command.ts`) on demand, and one row in the table: a CLI
 * process loads only the command it runs (every command's imports cost each start about 1.5 s of CPU).
 */
export interface CliCommand<S extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  readonly flags: S;
  /** `perfprobe <name> --help`. */
  readonly help: string;
  /** Its entry in `perfprobe --help`. */
  readonly overview: CommandSummary;
  /** The exit code. */
  run(input: CommandInput<S>): Promise<number>;
}

/** Declares a command with its flags beside it, so its run sees each flag with its own type. */
export function defineCommand<const S extends OptionSpecs>(command: CliCommand<S>): CliCommand {
  return command as unknown as CliCommand;
}
