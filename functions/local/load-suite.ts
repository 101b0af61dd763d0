import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { Suite } from '../core/suite/schema.ts';
import { SuiteValidationError, validateSuite } from '../core/suite/validate-suite.ts';
import { UsageError } from './usage-error.ts';

/** Imports a suite file (TypeScript, no build step) and validates it. Its default export is the suite. */
export async function loadSuite(path: string): Promise<Suite> {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`suite file not found: ${path}`);
  if (!statSync(file).isFile()) {
    throw new UsageError(`${path}: expected a suite file (suites/payments.ts), got a directory`);
  }
  let mod: { default?: unknown; suite?: unknown };
  try {
    mod = await tsImport(pathToFileURL(file).href, import.meta.url);
  } catch (error) {
    throw new UsageError(`could not load suite ${path}: ${loadFailure(error)}`, { cause: error });
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

/** The first line of a load failure, and for a missing package, what to install (not tsx's require stack). */
function loadFailure(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const first = String(message ?? error).split('\n')[0]!;
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec(first)?.[1];
  if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && missing !== undefined) {
    return missing === 'perfprobe'
      ? "it imports 'perfprobe', which is not installed where the suite is: npm i -D perfprobe in that project (README: Use it in your repository)"
      : `it imports '${missing}', which is not installed where the suite is`;
  }
  return first;
}
