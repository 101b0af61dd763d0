import { existsSync, readFileSync } from 'node:fs';
import { DEPLOYED_SUITE_FILE, type DeployedSuite } from '../core/cloud/deployed-suite.ts';

let cached: DeployedSuite | undefined;

/**
 * The suite deployed with this function: a JSON file next to the bundle's index.mjs (lib/probe-functions.ts
 * copies it into the asset), read once per cold start. A file, not a bundler define, so the suite's size is
 * bounded by Lambda's package size, not by a command line.
 */
export function bundledSuite(): DeployedSuite {
  if (cached === undefined) {
    const file = new URL(`./${DEPLOYED_SUITE_FILE}`, import.meta.url);
    if (!existsSync(file)) {
      throw new Error('no suite deployed with this function: deploy it with the ProbeSuite construct');
    }
    cached = JSON.parse(readFileSync(file, 'utf8')) as DeployedSuite;
  }
  return cached;
}
