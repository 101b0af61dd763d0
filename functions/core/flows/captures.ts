import { type ResponseView, readPath } from '../assertions.ts';
import { MAX_CAPTURED_DEPTH, nestsDeeperThan } from '../json-values.ts';
import type { CaptureSpec } from '../suite/flow-schema.ts';
import {
  BODY_REGEX_BUDGET_MS,
  type BodyRegex,
  type BodyRegexOutcome,
  compileBodyRegex,
} from './safe-regex.ts';

/** A capture that found nothing, in words that never quote the body (it may hold secrets). */
export interface CaptureMiss {
  readonly name: string;
  readonly reason: string;
}

export interface CompiledCaptures {
  readonly needsHeaders: boolean;
  readonly needsBody: boolean;
  /** Names whose values are redacted like secrets. */
  readonly secretNames: readonly string[];
  /**
   * Adds every capture's value to `into`; the first that finds nothing is returned and stops the rest. A step
   * with a body regex answers with a promise (never rejected; `signal` drops its queued regex work); one with only
   * JSON and header captures answers at once, without a tick.
   */
  extract(
    response: ResponseView,
    into: Record<string, string>,
    signal?: AbortSignal,
  ): Extracted | Promise<Extracted>;
}

/** What a step's captures found: nothing missing, or the first capture that found nothing. */
export type Extracted = CaptureMiss | undefined;

/** A JSON value as text: strings as they are, numbers and booleans printed, objects and arrays as JSON. */
function asText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

type Extraction = { readonly name: string } & (
  | { readonly kind: 'json'; readonly path: string }
  | { readonly kind: 'header'; readonly header: string }
  | { readonly kind: 'regex'; readonly pattern: BodyRegex }
);

/** Compiles a step's captures once per shard; `extract` runs per response. */
export function compileCaptures(spec: Readonly<Record<string, CaptureSpec>>): CompiledCaptures {
  const entries = Object.entries(spec).map(([name, capture]): Extraction => {
    if ('json' in capture) return { name, kind: 'json', path: capture.json };
    if ('header' in capture) return { name, kind: 'header', header: capture.header };
    return { name, kind: 'regex', pattern: compileBodyRegex(capture.regex) };
  });
  /** A regex's outcome as a miss, or its value put into `into`. */
  const regexFound = (
    e: { readonly name: string; readonly pattern: BodyRegex },
    found: BodyRegexOutcome,
    body: string,
    into: Record<string, string>,
  ): Extracted => {
    if ('overran' in found) {
      return {
        name: e.name,
        reason: `/${e.pattern.source}/ ran past ${BODY_REGEX_BUDGET_MS} ms over the body (${body.length} characters) and was stopped`,
      };
    }
    if ('notRun' in found) return { name: e.name, reason: `/${e.pattern.source}/ not run: ${found.notRun}` };
    if (found.value === null) return { name: e.name, reason: `/${e.pattern.source}/ did not match the body` };
    into[e.name] = found.value;
    return undefined;
  };
  /** Runs the captures from `from` on, in order; a body regex continues the rest once its worker answers. */
  const extractFrom = (
    from: number,
    response: ResponseView,
    into: Record<string, string>,
    json: { parsed: boolean; doc: unknown },
    signal: AbortSignal | undefined,
  ): Extracted | Promise<Extracted> => {
    for (let i = from; i < entries.length; i++) {
      const e = entries[i]!;
      let value: string | undefined;
      if (e.kind === 'header') {
        value = response.headers?.[e.header];
        if (value === undefined) return { name: e.name, reason: `header ${e.header} missing` };
      } else if (e.kind === 'regex') {
        const body = response.body ?? '';
        return e.pattern.exec(body, signal).then((found) => {
          const miss = regexFound(e, found, body, into);
          return miss ?? extractFrom(i + 1, response, into, json, signal);
        });
      } else {
        if (!json.parsed) {
          json.parsed = true;
          try {
            json.doc = JSON.parse(response.body ?? '');
          } catch {
            const why = response.bodyTruncated ? 'the body exceeds bodyCap' : 'the body is not JSON';
            return { name: e.name, reason: `${e.path}: ${why}` };
          }
        }
        const found = readPath(json.doc, e.path).value;
        if (nestsDeeperThan(found, MAX_CAPTURED_DEPTH)) {
          return { name: e.name, reason: `${e.path} nests deeper than ${MAX_CAPTURED_DEPTH} levels` };
        }
        value = asText(found);
        if (value === undefined) return { name: e.name, reason: `${e.path} not found` };
      }
      into[e.name] = value;
    }
    return undefined;
  };
  /** Whatever a body does to this code, it fails one iteration, never the run or the process. */
  const unreadable = (error: unknown, into: Record<string, string>): CaptureMiss => {
    const name = entries.find((e) => !(e.name in into))?.name ?? 'capture';
    return { name, reason: `could not read the response: ${(error as Error).message}` };
  };
  return {
    needsHeaders: entries.some((e) => e.kind === 'header'),
    needsBody: entries.some((e) => e.kind !== 'header'),
    secretNames: Object.entries(spec)
      .filter(([, c]) => c.secret)
      .map(([name]) => name),
    extract(response, into, signal) {
      try {
        const extracted = extractFrom(0, response, into, { parsed: false, doc: undefined }, signal);
        return extracted instanceof Promise ? extracted.catch((error) => unreadable(error, into)) : extracted;
      } catch (error) {
        return unreadable(error, into);
      }
    },
  };
}
