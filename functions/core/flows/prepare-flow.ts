import { type CompiledAssertions, compileAssertions } from '../assertions.ts';
import type { ResolvedProbe } from '../plan.ts';
import { InvalidHeaderError, InvalidTargetError } from '../prepare-request.ts';
import { headerValueProblem } from '../suite/headers.ts';
import { addsTraceparent } from '../suite/transport-spec.ts';
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
  /** Each of its requests carries a fresh traceparent (see PreparedRequest.traceparent). */
  readonly traceparent: boolean;
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

type FlowStep = NonNullable<ResolvedProbe['steps']>[number];

/**
 * The origin a step's URL fixes, and where its path starts in the URL's text.
 * @throws InvalidTargetError when a capture or built-in could change the host, or the URL is not absolute.
 */
function fixedOrigin(probe: ResolvedProbe, step: FlowStep, at: string, prefix: string) {
  const head = ORIGIN.exec(prefix);
  if (head === null) {
    throw new InvalidTargetError(
      probe.id,
      step.request.url,
      `(${at}.url) must start with a fixed http(s) origin: a host cannot come from a capture or a built-in`,
    );
  }
  try {
    return { origin: new URL(head[1]!).origin, cut: head[1]!.length };
  } catch {
    throw new InvalidTargetError(probe.id, step.request.url, `(${at}.url) is not a valid absolute URL`);
  }
}

/** A step's headers; one whose value is fixed once the secrets are in is checked now. */
function compileHeaders(
  probe: ResolvedProbe,
  step: FlowStep,
  at: string,
  scope: TemplateScope,
): CompiledStep['headers'] {
  return Object.entries(step.request.headers).map(([name, text]) => {
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
}

/** The rest of a step, once its URL and headers are compiled: body, assertions, captures, until. */
function compileStep(
  step: FlowStep,
  scope: TemplateScope,
  url: ReturnType<typeof compileTemplate>,
  cut: number,
  headers: CompiledStep['headers'],
): Omit<CompiledStep, 'traceparent'> {
  const body =
    step.request.body === undefined
      ? undefined
      : compileTemplate(step.request.body, scope, step.request.bodyIsJson ? jsonStringContent : undefined)
          .fill;
  const assertions = compileAssertions(step.assert);
  const stepCaptures = compileCaptures(step.capture);
  const condition = step.until === undefined ? undefined : compileAssertions(step.until);
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
}

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
    const fixed = fixedOrigin(probe, step, at, url.prefix);
    origin ??= fixed.origin;
    if (fixed.origin !== origin) {
      throw new InvalidTargetError(
        probe.id,
        step.request.url,
        `(${at}.url) must target the origin of the flow's first step: one connection pool serves a flow`,
      );
    }
    const headers = compileHeaders(probe, step, at, scope);
    const compiledStep = {
      ...compileStep(step, scope, url, fixed.cut, headers),
      traceparent: addsTraceparent(
        probe.transport,
        headers.map(([name]) => name),
      ),
    };
    for (const name of Object.keys(step.capture)) captures.add(name);
    return compiledStep;
  });
  if (origin === undefined) throw new InvalidTargetError(probe.id, probe.request.url, 'has no steps');
  return { origin, steps: compiled };
}
