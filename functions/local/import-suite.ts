import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Suite } from '../core/suite/schema.ts';
import { SuiteValidationError, validateSuite } from '../core/suite/validate-suite.ts';
import { UsageError } from './usage-error.ts';

/**
 * Imports a suite file (TypeScript, no build step) in this thread and validates it; its default export is the
 * suite. The CLI calls it inside a worker (see load-suite.ts), so a suite that never finishes loading can be
 * stopped and whatever its import leaves running ends with the worker.
 */
export async function importSuite(path: string): Promise<Suite> {
  const file = resolve(path);
  let mod: { default?: unknown; suite?: unknown };
  try {
    // tsx is registered for this thread (suite-worker.js).
    mod = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new UsageError(`could not load suite ${path}: ${loadFailure(error, path)}`, { cause: error });
  }
  // tsx may wrap a CommonJS-shaped module once more.
  let exported = mod.default ?? mod.suite;
  if (exported && typeof exported === 'object' && 'default' in exported && !('probes' in exported)) {
    exported = (exported as { default: unknown }).default;
  }
  // A module without a default export comes back as its named exports, under `default`, from tsx's interop.
  const looksLikeSuite =
    exported !== null &&
    typeof exported === 'object' &&
    ['name', 'environments', 'probes'].some((key) => key in exported);
  if (
    exported === undefined ||
    (typeof exported === 'object' && !looksLikeSuite && mod.default === exported && namedOnly(mod))
  ) {
    throw new UsageError(`${path} has no default export; export default defineSuite({...})`);
  }
  try {
    return validateSuite(exported, path);
  } catch (error) {
    if (error instanceof SuiteValidationError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/** Whether the module's own exports are only named ones (its `default` is tsx's interop object of them). */
function namedOnly(mod: Record<string, unknown>): boolean {
  const named = Object.keys(mod).filter((k) => k !== 'default' && k !== 'module.exports');
  const inner = mod.default as Record<string, unknown> | undefined;
  return inner !== undefined && named.length > 0 && named.every((k) => inner[k] === mod[k]);
}

/** What a suite's reply from the worker holds: the validated suite, or why not and whether it is the user's. */
export type SuiteReply =
  | { readonly suite: Suite }
  | { readonly problem: string; readonly usage: boolean; readonly stack?: string | undefined };

/** importSuite, as a reply a worker can post (an error object would lose its class on the way). */
export async function suiteReply(path: string): Promise<SuiteReply> {
  try {
    return { suite: await importSuite(path) };
  } catch (error) {
    const usage = error instanceof UsageError;
    return {
      problem: error instanceof Error ? error.message : String(error),
      usage,
      stack: (error as Error)?.stack,
    };
  }
}

/** esbuild's "<file>:<line>:<column>: ERROR: <message>", one line per error, after "Transform failed with…". */
const COMPILE_ERROR = /^(.+):(\d+):(\d+): ERROR: (.*)$/;

/**
 * A compile error as file:line:column, the compiler's message and the line with a caret under the column. tsx
 * gives esbuild's errors only as text, after a first line ("Transform failed with 1 error:") that says nothing.
 */
function syntaxErrors(message: string, path: string): string | undefined {
  const errors = message
    .split('\n')
    .map((line) => COMPILE_ERROR.exec(line))
    .filter((m) => m !== null);
  if (errors.length === 0) return undefined;
  let source: string[] = [];
  try {
    source = readFileSync(resolve(path), 'utf8').split('\n');
  } catch {
    // The file went away since the import: the location alone still helps.
  }
  return errors
    .map(([, file = '', line = '', column = '', text]) => {
      const shown = resolve(file) === resolve(path) ? path : file;
      const code = resolve(file) === resolve(path) ? source[Number(line) - 1] : undefined;
      const excerpt = code === undefined ? '' : `\n    ${code}\n    ${' '.repeat(Number(column))}^`;
      return `syntax error at ${shown}:${line}:${Number(column) + 1}: ${text}${excerpt}`;
    })
    .join('\n');
}

/**
 * The first line of a load failure, a compile error with its place, and for a missing package, what to install
 * (not tsx's require stack).
 */
function loadFailure(error: unknown, path: string): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const syntax = syntaxErrors(String(message ?? ''), path);
  if (syntax !== undefined) return syntax;
  const first = String(message ?? error).split('\n')[0]!;
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec(first)?.[1];
  if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && missing !== undefined) {
    return missing === 'perfprobe'
      ? "it imports 'perfprobe', which is not installed where the suite is: npm i -D perfprobe in that project (README: Use it in your repository)"
      : `it imports '${missing}', which is not installed where the suite is`;
  }
  return first;
}
