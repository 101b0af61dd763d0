import type { z } from 'zod';
import { formatMs } from '../durations.ts';
import { placeholderProblem, placeholders } from '../flows/flow-template.ts';
import { maxShards } from '../plan.ts';
import { type EnvironmentSpec, environmentSchema } from './environment-schema.ts';
import { describeValue } from './fields.ts';
import { BUILT_IN_VALUES, type StepSpec } from './flow-schema.ts';
import { headerValueProblem } from './headers.ts';
import { probeLoadEnvelope } from './load-envelope.ts';
import { homeProblems, probeLocationProblems } from './location-problems.ts';
import { type ProbeSpec, probeSchema } from './probe-schema.ts';
import type { RequestSpec } from './request-schema.ts';
import { resolveLoad } from './resolve-probe.ts';
import { defaultsSchema, type Suite, suiteSchema } from './schema.ts';
import { substitute, variableReferences } from './template.ts';
import { type ResolvedVariables, resolveVariables } from './variables.ts';

export interface SuiteProblem {
  /** Where the problem is, e.g. `probes[2].sla.p99`. */
  readonly path: string;
  /** What was expected and what was found. */
  readonly message: string;
}

export class SuiteValidationError extends Error {
  readonly problems: readonly SuiteProblem[];
  constructor(problems: readonly SuiteProblem[], source?: string) {
    const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
    super(
      `${source ? `${source}: ` : ''}${problems.length} problem${problems.length === 1 ? '' : 's'} in the suite\n${lines.join('\n')}`,
    );
    this.name = 'SuiteValidationError';
    this.problems = problems;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(suite)';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

/** Turns zod issues into "what was expected, what was found" in our own words. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): SuiteProblem[] {
  const path = issue.path as PropertyKey[];
  const got = describeValue(valueAt(input, path));
  switch (issue.code) {
    case 'invalid_type':
      return [{ path: formatPath(path), message: `expected ${issue.expected}, got ${got}` }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: 'unknown field' }));
    case 'invalid_value':
      return [
        {
          path: formatPath(path),
          message: `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${got}`,
        },
      ];
    case 'too_small':
      return [
        {
          path: formatPath(path),
          message: issue.message.startsWith('expected')
            ? issue.message
            : `expected ${issue.origin === 'array' ? `at least ${issue.minimum} item(s)` : `at least ${issue.minimum}`}, got ${got}`,
        },
      ];
    case 'too_big':
      return [{ path: formatPath(path), message: `expected at most ${issue.maximum}, got ${got}` }];
    case 'invalid_key':
      return issue.issues
        .flatMap((i) => describeIssue({ ...i, path } as z.core.$ZodIssue, input))
        .map((p) => ({
          ...p,
          message: p.message.replace(/^expected /, 'expected the key to be '),
        }));
    case 'invalid_union': {
      if (!issue.message.startsWith('Invalid')) return [{ path: formatPath(path), message: issue.message }];
      // Report the branch that got furthest: it is the one the author meant.
      const branches = issue.errors.filter((b) => b.length > 0);
      const best = branches.sort(
        (a, b) => Math.max(...b.map((i) => i.path.length)) - Math.max(...a.map((i) => i.path.length)),
      )[0];
      if (best && Math.max(...best.map((i) => i.path.length)) > 0) {
        return best.flatMap((i) =>
          describeIssue({ ...i, path: [...path, ...i.path] } as z.core.$ZodIssue, input),
        );
      }
      const inner = issue.errors.flat().map((i) => i.message.replace(/^expected /, ''));
      return [{ path: formatPath(path), message: `expected ${[...new Set(inner)].join(', or ')}` }];
    }
    default:
      return [{ path: formatPath(path), message: issue.message }];
  }
}

type Defaults = Pick<Suite['defaults'], 'headers'>;

/** Variables of each environment, resolved once; their own problems are reported at the variable. */
function environmentVariables(environments: Readonly<Record<string, EnvironmentSpec>>) {
  const problems: SuiteProblem[] = [];
  const resolved = new Map<string, ResolvedVariables>();
  for (const [envName, env] of Object.entries(environments)) {
    const variables = resolveVariables(env.baseUrl.replace(/\/$/, ''), env.variables);
    resolved.set(envName, variables);
    for (const p of variables.problems) {
      problems.push({
        path:
          p.variable === 'baseUrl'
            ? `environments.${envName}.baseUrl`
            : `environments.${envName}.variables.${p.variable}`,
        message: p.message,
      });
    }
  }
  return { resolved, problems };
}

/**
 * Texts that take `${name}` references: the probe's URL, headers and body, and the suite's default headers.
 * A header's resolved value must still be a valid header value.
 */
function referenceProblems(
  texts: ReadonlyArray<readonly [path: string, text: string, header: boolean]>,
  envName: string,
  variables: ResolvedVariables,
): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const defined = Object.keys(variables.values);
  const broken = new Set(variables.problems.map((p) => p.variable));
  for (const [path, text, header] of texts) {
    const refs = variableReferences(text);
    const unknown = refs.filter((name) => !Object.hasOwn(variables.values, name) && !broken.has(name));
    for (const name of unknown) {
      // A built-in (uuid, now, …) is fresh per use, which only a flow's steps do: say so rather than just "unknown".
      const builtIn = (BUILT_IN_VALUES as readonly string[]).includes(name.replace(/\(.*$/, ''))
        ? `; \${${name}} is a built-in of flow steps, fresh per use: write the probe as a one-step flow (steps: [{ name, request }])`
        : '';
      problems.push({
        path,
        message: `unknown variable \${${name}} in environment "${envName}" (defined: ${[...defined, ...broken].join(', ')})${builtIn}`,
      });
    }
    if (!header || unknown.length > 0 || refs.some((name) => broken.has(name))) continue;
    // Values are checked as they will be sent (secrets are still placeholders here; the worker checks those).
    const problem = headerValueProblem(substitute(text, variables.values));
    if (problem !== undefined && refs.length > 0) {
      problems.push({
        path,
        message: `${problem} once \${${refs.join('}, ${')}} ${refs.length === 1 ? 'is' : 'are'} filled in for environment "${envName}"`,
      });
    }
  }
  return problems;
}

/** A request's texts that take `${name}` references, with their paths; headers flagged. */
function requestTexts(at: string, request: RequestSpec): (readonly [string, string, boolean])[] {
  const texts: (readonly [string, string, boolean])[] = [[`${at}.url`, request.url, false]];
  for (const [k, v] of Object.entries(request.headers ?? {})) texts.push([`${at}.headers.${k}`, v, true]);
  if (request.body !== undefined) {
    texts.push([
      `${at}.body`,
      typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
      false,
    ]);
  }
  return texts;
}

/**
 * A flow's steps may name the environment's variables, captures of earlier steps and the built-ins; a header
 * whose value is known here (no capture or built-in in it) must be a valid header value already.
 */
function flowReferenceProblems(
  index: number,
  steps: readonly StepSpec[],
  envName: string,
  variables: ResolvedVariables,
): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const broken = new Set(variables.problems.map((p) => p.variable));
  const captures = new Set<string>();
  steps.forEach((step, s) => {
    const scope = { fixed: variables.values, lists: variables.lists, captures };
    for (const [path, text, header] of requestTexts(`probes[${index}].steps[${s}].request`, step.request)) {
      const found = placeholders(text);
      let fixed = true;
      for (const p of found) {
        if (p.args === undefined && broken.has(p.name)) {
          fixed = false;
          continue;
        }
        const problem = placeholderProblem(p, scope);
        if (problem !== undefined) problems.push({ path, message: `${problem} in environment "${envName}"` });
        if (problem !== undefined || p.args !== undefined || !Object.hasOwn(variables.values, p.name))
          fixed = false;
      }
      if (header && fixed && found.length > 0) {
        const problem = headerValueProblem(substitute(text, variables.values));
        if (problem !== undefined) {
          problems.push({
            path,
            message: `${problem} once its variables are filled in for environment "${envName}"`,
          });
        }
      }
    }
    for (const name of Object.keys(step.capture ?? {})) {
      // A variable would fill `${name}` before the run, and the capture would never be read.
      if (Object.hasOwn(variables.values, name) || Object.hasOwn(variables.lists, name)) {
        problems.push({
          path: `probes[${index}].steps[${s}].capture.${name}`,
          message: `expected a capture name that is not a variable of environment "${envName}", got "${name}"`,
        });
      }
      captures.add(name);
    }
  });
  return problems;
}

/** Checks across fields (unique ids, variables, caps, shards) over whatever parts of the suite did parse. */
function semanticProblems(
  environments: Readonly<Record<string, EnvironmentSpec>>,
  defaults: Defaults,
  probes: ReadonlyArray<readonly [number, ProbeSpec]>,
): SuiteProblem[] {
  const { resolved, problems } = environmentVariables(environments);
  const defaultTexts = Object.entries(defaults.headers ?? {}).map(
    ([k, v]) => [`defaults.headers.${k}`, v, true] as const,
  );
  for (const [envName, variables] of resolved) {
    problems.push(...referenceProblems(defaultTexts, envName, variables));
  }
  for (const [envName, env] of Object.entries(environments)) problems.push(...homeProblems(envName, env));
  const seen = new Map<string, number>();
  for (const [index, probe] of probes) {
    const first = seen.get(probe.id);
    if (first !== undefined) {
      problems.push({
        path: `probes[${index}].id`,
        message: `duplicate id "${probe.id}" (also probes[${first}])`,
      });
    } else seen.set(probe.id, index);

    for (const [envName, env] of Object.entries(environments)) {
      problems.push(...probeLocationProblems(index, probe, envName, env));
      if (probe.request !== undefined) {
        problems.push(
          ...referenceProblems(
            requestTexts(`probes[${index}].request`, probe.request),
            envName,
            resolved.get(envName)!,
          ),
        );
      }
      if (probe.steps !== undefined) {
        problems.push(...flowReferenceProblems(index, probe.steps, envName, resolved.get(envName)!));
      }

      const envelope = probeLoadEnvelope(probe);
      const caps = env.caps;
      const at = `probes[${index}].load`;
      if (envelope.peakRate !== undefined && envelope.peakRate > caps.maxRate) {
        problems.push({
          path: `${at}.rate`,
          message: `${envelope.peakRate} requests/s exceeds the cap of environment "${envName}" (caps.maxRate ${caps.maxRate})`,
        });
      }
      if (envelope.connections > caps.maxConnections) {
        problems.push({
          path: `${at}.connections`,
          message: `${envelope.connections} connections exceed the cap of environment "${envName}" (caps.maxConnections ${caps.maxConnections})`,
        });
      }
      if (envelope.durationMs > caps.maxDuration) {
        problems.push({
          path: `${at}.duration`,
          message: `${formatMs(envelope.durationMs)} exceeds the cap of environment "${envName}" (caps.maxDuration ${formatMs(caps.maxDuration)})`,
        });
      }
      if (probe.shards !== undefined) {
        const max = maxShards(resolveLoad(probe, caps));
        if (probe.shards > max) {
          problems.push({
            path: `probes[${index}].shards`,
            message: `expected at most ${max} shard${max === 1 ? '' : 's'} in environment "${envName}" (each needs at least one arrival or request and one connection of the load), got ${probe.shards}`,
          });
        }
      }
    }
  }
  return problems;
}

function parsedParts(input: unknown) {
  const root = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const environments: Record<string, EnvironmentSpec> = {};
  if (root.environments && typeof root.environments === 'object') {
    for (const [name, raw] of Object.entries(root.environments)) {
      const parsed = environmentSchema.safeParse(raw);
      if (parsed.success) environments[name] = parsed.data;
    }
  }
  const probes: [number, ProbeSpec][] = [];
  if (Array.isArray(root.probes)) {
    root.probes.forEach((raw, index) => {
      const parsed = probeSchema.safeParse(raw);
      if (parsed.success) probes.push([index, parsed.data]);
    });
  }
  const defaults = defaultsSchema.safeParse(root.defaults ?? {});
  return { environments, defaults: defaults.success ? defaults.data : {}, probes };
}

function pathOrder(path: string): [number, string] {
  const match = /^probes\[(\d+)\]/.exec(path);
  return [match ? Number(match[1]) : -1, path];
}

/**
 * Validates a suite as a whole: every problem is collected, with its path, before anything runs.
 * @throws SuiteValidationError listing all problems.
 */
/** An SLO's window must fit in the runs kept: older runs are gone, and the SLI would silently cover less. */
function sloRetentionProblems(suite: Suite): SuiteProblem[] {
  return suite.probes.flatMap((probe, index) =>
    probe.slo !== undefined && probe.slo.windowDays > suite.retentionDays
      ? [
          {
            path: `probes[${index}].slo.window`,
            message: `expected a window within retentionDays (${suite.retentionDays}): runs older than that are deleted, got ${probe.slo.windowDays}d`,
          },
        ]
      : [],
  );
}

export function validateSuite(input: unknown, source?: string): Suite {
  const parsed = suiteSchema.safeParse(input);
  if (parsed.success) {
    const problems = semanticProblems(
      parsed.data.environments,
      parsed.data.defaults,
      parsed.data.probes.map((p, i) => [i, p] as const),
    );
    problems.push(...sloRetentionProblems(parsed.data));
    if (problems.length > 0) throw new SuiteValidationError(problems, source);
    return parsed.data;
  }
  const { environments, defaults, probes } = parsedParts(input);
  const problems = [
    ...parsed.error.issues.flatMap((issue) => describeIssue(issue, input)),
    ...semanticProblems(environments, defaults, probes),
  ];
  // Stable order: suite-level first, then probe by probe, as the author reads the file.
  problems.sort((a, b) => {
    const [ia] = pathOrder(a.path);
    const [ib] = pathOrder(b.path);
    return ia - ib;
  });
  throw new SuiteValidationError(problems, source);
}
