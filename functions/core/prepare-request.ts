import type { ResolvedProbe } from './plan.ts';
import { headerValueProblem } from './suite/headers.ts';
import { substitute } from './suite/template.ts';
import { addsTraceparent } from './suite/transport-spec.ts';

export class InvalidTargetError extends Error {
  constructor(probeId: string, url: string, reason: string) {
    super(`probe "${probeId}": request.url ${JSON.stringify(url)} ${reason}`);
    this.name = 'InvalidTargetError';
  }
}

export class InvalidHeaderError extends Error {
  constructor(probeId: string, header: string, reason: string) {
    super(`probe "${probeId}": request.headers.${header}: ${reason}`);
    this.name = 'InvalidHeaderError';
  }
}

/**
 * Fills secret placeholders and splits the URL for the transport. Runs where the load runs, so secret values
 * exist only in that process's memory.
 */
export function prepareRequest(probe: ResolvedProbe, secretValues: Readonly<Record<string, string>>) {
  const names = Object.keys(probe.secrets);
  const fill = (text: string) => (names.length === 0 ? text : substitute(text, secretValues));
  let url: URL;
  try {
    url = new URL(fill(probe.request.url));
  } catch {
    throw new InvalidTargetError(probe.id, probe.request.url, 'is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidTargetError(probe.id, probe.request.url, 'must use http or https');
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(probe.request.headers)) {
    headers[k] = fill(v);
    // Validation saw secrets only as placeholders: a secret value with a newline would split the header block
    // and every response would be blamed on the target. The message names the header, never the value.
    const problem = headerValueProblem(headers[k]);
    if (problem !== undefined) {
      throw new InvalidHeaderError(probe.id, k, `${problem} once its secrets are filled in`);
    }
  }
  return {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: probe.request.method,
    headers,
    body: probe.request.body === undefined ? undefined : fill(probe.request.body),
    traceparent: addsTraceparent(probe.transport, Object.keys(headers)),
  };
}
