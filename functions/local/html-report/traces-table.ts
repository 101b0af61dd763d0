import type { RunResult } from '../../core/run-result.ts';
import { escapeHtml as h } from './escape.ts';
import { ms, table } from './sections.ts';

/**
 * The W3C trace ids of the run's slowest successful requests and of a few failed ones, whole, to look up in the
 * target's own tracing; '' when the run kept none.
 */
export function tracesTable(run: RunResult): string {
  const traces = run.traces;
  if (traces === undefined) return '';
  const flow = run.steps !== undefined;
  const rows = [
    ...traces.slowest.map((t) => [
      'slowest',
      `<code>${h(t.traceId)}</code>`,
      h(`${ms(t.ms)} ms`),
      h(t.step ?? ''),
    ]),
    ...traces.failed.map((t) => ['failed', `<code>${h(t.traceId)}</code>`, h(t.errorClass), h(t.step ?? '')]),
  ].map((row) => (flow ? row : row.slice(0, 3)));
  if (rows.length === 0) return '';
  return table(['request', 'trace id', 'ms or error', ...(flow ? ['step'] : [])], rows, {
    nowrap: [1],
    wrap: [3],
  });
}
