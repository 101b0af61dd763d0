import { setFlagsFromString } from 'node:v8';

/*
 * A capture regex runs over a target's body, which perfprobe does not control: a pattern that backtracks
 * catastrophically (`^(a+)+$` over 35 bytes) would block the event loop, so no request timeout, no Ctrl-C and no
 * end of run could ever fire. V8 has a linear-time engine (no backtracking) for the patterns it can compile:
 * - `--enable-experimental-regexp-engine` lets `validate` ask it, through the `l` flag, whether it can run a pattern;
 * - `--enable-experimental-regexp-engine-on-excessive-backtracks` makes every exec start in the fast backtracking
 *   engine and switch to the linear one after V8's backtrack limit (`--regexp-backtracks-before-fallback`).
 * The `l` flag alone is not used at run time: its engine is about 150× slower on ordinary patterns (a 1 MiB body:
 * 1.2 s against 8 ms). Both flags exist in Node 20 and 22 (Lambda) and take effect when set at run time, before the
 * patterns are compiled; they change which engine runs, never what a pattern matches. Set once, at import.
 */
setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** What the linear-time engine cannot run, in words a suite author can act on. */
const NOT_LINEAR =
  'perfprobe runs body regexes in linear time, which excludes backreferences (\\1), lookarounds ((?=, (?!, (?<=, (?<!) and counted repeats above 16 (write [0-9a-f]+ for [0-9a-f]{32})';

/** Node 22's engine accepts lookbehinds that Node 20's refuses: both are refused, so one suite validates alike. */
const LOOKAROUND = /\(\?<?[=!]/;

/**
 * Why `source` cannot be a body regex, or undefined when it compiles and runs in linear time.
 * A catastrophic pattern the linear engine can run (`^(a+)+$`) is accepted: it switches engines when it backtracks.
 */
export function bodyRegexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
  } catch (error) {
    return (error as Error).message;
  }
  let linear = !LOOKAROUND.test(source.replace(/\\./g, ''));
  if (linear) {
    try {
      new RegExp(source, 'l');
    } catch {
      linear = false;
    }
  }
  return linear ? undefined : NOT_LINEAR;
}

/** Compiles a validated body regex; its exec falls back to the linear engine when it backtracks too much. */
export function compileBodyRegex(source: string): RegExp {
  return new RegExp(source);
}
