import { existsSync } from 'node:fs';
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
  let mod: { default?: unknown; suite?: unknown };
  try {
    mod = await tsImport(pathToFileURL(file).href, import.meta.url);
  } catch (error) {
    throw new UsageError(`could not load suite ${path}: ${(error as Error).message}`, { cause: error });
  }
  // tsx may wrap a CommonJS-shaped module once more.
  let exported = mod.default ?? mod.suite;
  if (exported && typeof exported === 'object' && 'default' in exported && !('probes' in exported)) {
    exported = (exported as { default: unknown }).default;
  }
  if (exported === undefined) {
    throw new UsageError(`${path} has no default export; export default defineSuite({...})`);
  }
  try {
    return validateSuite(exported, path);
  } catch (error) {
    if (error instanceof SuiteValidationError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}
