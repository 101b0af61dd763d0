import { type DeployedSuite, decodeDeployedSuite } from '../core/cloud/deployed-suite.ts';

// Filled by esbuild's `define` at deploy time (lib/probe-functions.ts) with encodeDeployedSuite's output.
declare const PERFPROBE_DEPLOYED_SUITE: string | undefined;

let cached: DeployedSuite | undefined;

/** The suite bundled into this function. */
export function bundledSuite(): DeployedSuite {
  if (cached === undefined) {
    if (typeof PERFPROBE_DEPLOYED_SUITE === 'undefined') {
      throw new Error('no suite bundled into this function: deploy it with the ProbeSuite construct');
    }
    cached = decodeDeployedSuite(PERFPROBE_DEPLOYED_SUITE);
  }
  return cached;
}
