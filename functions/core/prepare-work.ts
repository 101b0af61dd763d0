import { type CompiledFlow, prepareFlow } from './flows/prepare-flow.ts';
import type { ResolvedProbe } from './plan.ts';
import { prepareRequest } from './prepare-request.ts';

/** What a shard sends per unit of load: one request, or a flow's compiled steps. */
export type PreparedWork =
  | { readonly request: ReturnType<typeof prepareRequest>; readonly flow?: undefined }
  | { readonly flow: CompiledFlow; readonly request?: undefined };

/**
 * Fills a probe's secrets where the load runs: its request, or every step of its flow.
 * @throws InvalidTargetError or InvalidHeaderError
 */
export function prepareWork(
  probe: ResolvedProbe,
  secretValues: Readonly<Record<string, string>>,
): PreparedWork {
  return probe.steps === undefined
    ? { request: prepareRequest(probe, secretValues) }
    : { flow: prepareFlow(probe, secretValues) };
}
