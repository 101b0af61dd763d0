import type { ResolvedProbe } from '../../functions/core/plan.ts';
import { resolveProbe } from '../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';

/** A validated, resolved one-probe suite against `baseUrl`, with generous caps for tests (or these). */
export function probeFor(
  baseUrl: string,
  probe: Record<string, unknown>,
  caps: Record<string, unknown> = {},
): ResolvedProbe {
  const suite = validateSuite({
    name: 'test',
    environments: {
      test: { baseUrl, caps: { maxRate: 5_000, maxConnections: 500, maxDuration: '2m', ...caps } },
    },
    probes: [{ id: 'p', request: { url: '/' }, ...probe }],
  });
  return resolveProbe(suite, suite.probes[0]!, 'test');
}
