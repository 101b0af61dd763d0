import type { ErrorClass } from './error-classes.ts';
import { jsonEqual } from './json-values.ts';
import type { AssertionsSpec } from './suite/assertions-schema.ts';

/** What the transport hands over of a response; headers and body only when an assertion needs them. */
export interface ResponseView {
  readonly status: number;
  /** Lower-cased header names; undefined unless assertions read headers. */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** Body text up to the body cap; undefined unless assertions read the body. */
  readonly body: string | undefined;
  readonly bodyTruncated: boolean;
  readonly bytes: number;
}

export interface CompiledAssertions {
  readonly needsHeaders: boolean;
  readonly needsBody: boolean;
  /** Returns undefined when the response is a success, else its error class and a short reason. */
  check(response: ResponseView): { errorClass: ErrorClass; reason: string } | undefined;
}

/** Reads a JSON path of the suite's subset ("$.a.b[0]") from a parsed document. */
export function readPath(value: unknown, path: string): { found: boolean; value: unknown } {
  const parts = path.slice(1).match(/\.[^.[]+|\[\d+\]/g) ?? [];
  let node = value;
  for (const part of parts) {
    const key = part.startsWith('[') ? Number(part.slice(1, -1)) : part.slice(1);
    if (node === null || typeof node !== 'object' || !(key in (node as object)))
      return { found: false, value: undefined };
    node = (node as Record<string | number, unknown>)[key];
  }
  return { found: true, value: node };
}

function httpClass(status: number): ErrorClass {
  return status >= 500 ? 'http_5xx' : status >= 400 ? 'http_4xx' : 'assertion';
}

/** Compiles a probe's assertions once; `check` runs per response. */
export function compileAssertions(spec: AssertionsSpec | undefined): CompiledAssertions {
  const status = spec?.status;
  const headers = Object.entries(spec?.headers ?? {}).map(
    ([name, rule]) => [name.toLowerCase(), rule] as const,
  );
  const json = Object.entries(spec?.json ?? {});
  const contains = spec?.bodyContains === undefined ? [] : [spec.bodyContains].flat();
  const maxBodyBytes = spec?.maxBodyBytes;
  const needsBody = json.length > 0 || contains.length > 0;

  const check = (response: ResponseView): ReturnType<CompiledAssertions['check']> => {
    const code = response.status;
    const statusOk = status
      ? status.codes
        ? status.codes.includes(code)
        : code >= status.min && code <= status.max
      : code >= 200 && code < 400;
    if (!statusOk) return { errorClass: httpClass(code), reason: `status ${code}` };
    if (maxBodyBytes !== undefined && response.bytes > maxBodyBytes) {
      return {
        errorClass: 'assertion',
        reason: `body ${response.bytes} bytes > maxBodyBytes ${maxBodyBytes}`,
      };
    }
    for (const [name, rule] of headers) {
      const value = response.headers?.[name];
      if (value === undefined) return { errorClass: 'assertion', reason: `header ${name} missing` };
      const equals = typeof rule === 'string' ? rule : rule === true ? undefined : rule.equals;
      if (equals !== undefined && value !== equals) {
        return { errorClass: 'assertion', reason: `header ${name} is not "${equals}"` };
      }
      if (typeof rule === 'object' && rule.contains !== undefined && !value.includes(rule.contains)) {
        return { errorClass: 'assertion', reason: `header ${name} does not contain "${rule.contains}"` };
      }
    }
    if (!needsBody) return undefined;
    const body = response.body ?? '';
    for (const text of contains) {
      if (!body.includes(text)) {
        return { errorClass: 'assertion', reason: `body does not contain "${text}"` };
      }
    }
    if (json.length > 0) {
      let doc: unknown;
      try {
        doc = JSON.parse(body);
      } catch {
        const why = response.bodyTruncated ? 'body exceeds bodyCap' : 'body is not JSON';
        return { errorClass: 'assertion', reason: why };
      }
      for (const [path, rule] of json) {
        const { found, value } = readPath(doc, path);
        if ('exists' in rule) {
          if (found !== rule.exists) {
            return { errorClass: 'assertion', reason: `${path} ${rule.exists ? 'missing' : 'present'}` };
          }
        } else if (!found || !jsonEqual(value, rule.equals)) {
          return { errorClass: 'assertion', reason: `${path} is not ${JSON.stringify(rule.equals)}` };
        }
      }
    }
    return undefined;
  };
  return {
    needsHeaders: headers.length > 0,
    needsBody,
    check(response) {
      try {
        return check(response);
      } catch (error) {
        // Whatever a body does to this code, it fails one response, never the run or the process.
        return {
          errorClass: 'assertion',
          reason: `could not check the response: ${(error as Error).message}`,
        };
      }
    },
  };
}
