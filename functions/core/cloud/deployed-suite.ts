import type { ResolvedProbe } from '../plan.ts';
import { resolveProbe } from '../suite/resolve-probe.ts';
import type { Suite } from '../suite/schema.ts';

/**
 * A suite bound to one environment, as bundled into the functions at deploy time. Secrets stay references
 * (resolved by the worker), so the bundle holds no secret value.
 */
export interface DeployedSuite {
  readonly suite: string;
  readonly environment: string;
  readonly retentionDays: number;
  readonly probes: Readonly<Record<string, ResolvedProbe>>;
}

export function deploySuite(suite: Suite, environment: string): DeployedSuite {
  const probes: Record<string, ResolvedProbe> = {};
  for (const probe of suite.probes) probes[probe.id] = resolveProbe(suite, probe, environment);
  return { suite: suite.name, environment, retentionDays: suite.retentionDays, probes };
}

export class UnknownProbeError extends Error {
  constructor(probeId: unknown, deployed: DeployedSuite) {
    super(
      `unknown probe ${JSON.stringify(probeId)} in suite "${deployed.suite}" (${deployed.environment}); deployed: ${Object.keys(deployed.probes).join(', ')}`,
    );
    this.name = 'UnknownProbeError';
  }
}

export function deployedProbe(deployed: DeployedSuite, probeId: unknown): ResolvedProbe {
  const probe = typeof probeId === 'string' ? deployed.probes[probeId] : undefined;
  if (probe === undefined || !Object.hasOwn(deployed.probes, probeId as string)) {
    throw new UnknownProbeError(probeId, deployed);
  }
  return probe;
}

/**
 * The suite as it is compiled into the functions: base64 JSON, because the bundler's command line passes
 * through a shell, where a `${...}` placeholder in a URL would otherwise be expanded.
 */
export function encodeDeployedSuite(deployed: DeployedSuite): string {
  return Buffer.from(JSON.stringify(deployed)).toString('base64');
}

export function decodeDeployedSuite(encoded: string): DeployedSuite {
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as DeployedSuite;
}
