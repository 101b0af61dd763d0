import type { ResolvedProbe } from '../plan.ts';
import { variableReferences } from '../suite/template.ts';

/**
 * The probe with only the secrets its requests reference. A probe inherits every secret variable of its
 * environment; resolving them all meant one unreadable secret (deleted, or under a KMS key the role cannot use)
 * failed every probe of the environment. The whole probe is scanned, not a list of fields, so placeholders in
 * any part of a request (URL, headers, body, flow steps) count.
 */
export function withUsedSecrets(probe: ResolvedProbe): ResolvedProbe {
  const { secrets, ...rest } = probe;
  const used = new Set(variableReferences(JSON.stringify(rest)));
  const kept = Object.fromEntries(Object.entries(secrets).filter(([name]) => used.has(name)));
  return { ...probe, secrets: kept };
}
