import type { FailedTrace, RequestTraces, SlowTrace } from './request-traces.ts';

/** "2,310 ms", "84.2 ms", "3.07 ms": the grouping makes a slow request's figure read at a glance. */
function formatTraceMs(ms: number): string {
  if (ms >= 100) return `${Math.round(ms).toLocaleString('en-US')} ms`;
  return `${+ms.toFixed(ms >= 10 ? 1 : 2)} ms`;
}

const stepOf = (trace: { readonly step?: string }) =>
  trace.step === undefined ? '' : `, step ${trace.step}`;

/** "4bf92f3577b34da6a3ce929d0e0e4736 (2,310 ms, step login)": the whole id, to paste into the target's tracing. */
export function describeSlowTrace(trace: SlowTrace): string {
  return `${trace.traceId} (${formatTraceMs(trace.ms)}${stepOf(trace)})`;
}

/** "0af7651916cd43dd8448eb211c80319c (timeout_headers, step create)". */
export function describeFailedTrace(trace: FailedTrace): string {
  return `${trace.traceId} (${trace.errorClass}${stepOf(trace)})`;
}

/**
 * The run's trace ids in one line: "slowest: <id> (2,310 ms), <id> (1,870 ms); failed: <id> (timeout_headers)";
 * undefined when the run kept none (traceparent off, or no request reached the target).
 */
export function describeTraces(traces: RequestTraces | undefined): string | undefined {
  if (traces === undefined) return undefined;
  const parts: string[] = [];
  if (traces.slowest.length > 0) parts.push(`slowest: ${traces.slowest.map(describeSlowTrace).join(', ')}`);
  if (traces.failed.length > 0) parts.push(`failed: ${traces.failed.map(describeFailedTrace).join(', ')}`);
  return parts.length === 0 ? undefined : parts.join('; ');
}
