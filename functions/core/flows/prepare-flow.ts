import { type CompiledAssertions, compileAssertions } from '../assertions.ts';
import type { ResolvedProbe } from '../plan.ts';
import { InvalidHeaderError, InvalidTargetError } from '../prepare-request.ts';
import { headerValueProblem } from '../suite/headers.ts';
import { type CompiledCaptures, compileCaptures } from './captures.ts';
import {
  compileTemplate,
  type FilledTemplate,
  jsonStringContent,
  type TemplateScope,
  urlSafe,
} from './flow-template.ts';

/** One step, compiled once per shard: templates, assertions and captures ready for every iteration. */
export interface CompiledStep {
  readonly name: string;
  readonly method: string;
  /** Path and query, from the origin on. */
  readonly path: FilledTemplate;
  readonly headers: readonly (readonly [name: string, value: FilledTemplate, dynamic: boolean])[];
  readonly body: FilledTemplate | undefined;
  readonly timeoutMs: number;
  readonly captureHeaders: boolean;
  readonly captureBody: boolean;
  readonly assertions: CompiledAssertions;
  readonly captures: CompiledCaptures;
  readonly until:
    | { readonly condition: CompiledAssertions; readonly everyMs: number; readonly timeoutMs: number }
    | undefined;
}

export interface CompiledFlow {
  /** Every step's origin: one connection pool per shard serves the whole flow. */
  readonly origin: string;
  readonly steps: readonly CompiledStep[];
}

/** The origin of an absolute URL, when the URL's text fixes it (no capture or built-in inside it). */
const ORIGIN = /^(https?:\/\/[^/?#]+)(?=$|[/?#])/;

/**
 * Compiles a flow's steps where the load runs, with the secrets' values: only captures and built-ins are left
 * to fill per iteration.
 * @throws InvalidTargetError when a step's host is not fixed or differs from the first step's;
 *   InvalidHeaderError when a secret makes a header value invalid.
 */
export function prepareFlow(
  probe: ResolvedProbe,
  secretValues: Readonly<Record<string, string>>,
): CompiledFlow {
  const steps = probe.steps ?? [];
  let origin: string | undefined;
  const captures = new Set<string>();
  const compiled = steps.map((step, index): CompiledStep => {
    const scope: TemplateScope = {
      fixed: secretValues,
      lists: probe.lists ?? {},
      captures: new Set(captures),
    };
    const at = `steps[${index}].request`;
    const url = compileTemplate(step.request.url, scope, urlSafe);
    const head = ORIGIN.exec(url.prefix);
    if (head === null) {
      throw new InvalidTargetError(
        probe.id,
        step.request.url,
        `(${at}.url) must start with a fixed http(s) origin: a host cannot come from a capture or a built-in`,
      );
    }
    let stepOrigin: string;
    try {
      stepOrigin = new URL(head[1]!).origin;
    } catch {
      throw new InvalidTargetError(probe.id, step.request.url, `(${at}.url) is not a valid absolute URL`);
    }
    origin ??= stepOrigin;
    if (stepOrigin !== origin) {
      throw new InvalidTargetError(
        probe.id,
        step.request.url,
        `(${at}.url) must target the origin of the flow's first step: one connection pool serves a flow`,
      );
    }
    const cut = head[1]!.length;
    const headers = Object.entries(step.request.headers).map(([name, text]) => {
      const value = compileTemplate(text, scope);
      if (!value.dynamic) {
        const problem = headerValueProblem(value.fill({}));
        if (problem !== undefined) {
          throw new InvalidHeaderError(
            probe.id,
            `${name} (${at})`,
            `${problem} once its secrets are filled in`,
          );
        }
      }
      return [name, value.fill, value.dynamic] as const;
    });
    const body =
      step.request.body === undefined
        ? undefined
        : compileTemplate(step.request.body, scope, step.request.bodyIsJson ? jsonStringContent : undefined)
            .fill;
    const assertions = compileAssertions(step.assert);
    const stepCaptures = compileCaptures(step.capture);
    const condition = step.until === undefined ? undefined : compileAssertions(step.until);
    for (const name of Object.keys(step.capture)) captures.add(name);
    return {
      name: step.name,
      method: step.request.method,
      path: (values) => {
        const rest = url.fill(values).slice(cut);
        return rest.startsWith('/') ? rest : `/${rest}`;
      },
      headers,
      body,
      timeoutMs: step.request.timeoutMs,
      captureHeaders:
        assertions.needsHeaders || stepCaptures.needsHeaders || (condition?.needsHeaders ?? false),
      captureBody: assertions.needsBody || stepCaptures.needsBody || (condition?.needsBody ?? false),
      assertions,
      captures: stepCaptures,
      until:
        condition === undefined || step.until === undefined
          ? undefined
          : { condition, everyMs: step.until.every, timeoutMs: step.until.timeout },
    };
  });
  if (origin === undefined) throw new InvalidTargetError(probe.id, probe.request.url, 'has no steps');
  return { origin, steps: compiled };
}
