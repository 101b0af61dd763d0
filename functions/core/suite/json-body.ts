/** A part of a JSON body that JSON.stringify would throw on, with its path inside the body. */
export interface JsonBodyProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The deepest body a suite may hold. JSON.stringify recurses: a few thousand levels overflow the stack, at the
 * first send, with no path; no API body needs a hundredth of this.
 */
export const MAX_BODY_DEPTH = 1_000;

/** A place in the body: its key and its parent's place, so a path is built only for a problem. */
interface Place {
  readonly key: string | number;
  readonly parent: Place | undefined;
  readonly depth: number;
}

function pathOf(place: Place | undefined): (string | number)[] {
  const path: (string | number)[] = [];
  for (let p = place; p !== undefined; p = p.parent) path.unshift(p.key);
  return path;
}

const pathText = (path: readonly (string | number)[]) =>
  path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || ' itself';

type Visit = { readonly value: unknown; readonly place: Place | undefined } | { readonly leave: object };

/**
 * What in a request body cannot be sent as JSON: a BigInt, an object that contains itself, or nesting past
 * MAX_BODY_DEPTH. JSON.stringify throws on each, at the first send and with no path. Walked with a stack, not
 * recursion; an object met twice without being its own ancestor is fine.
 */
export function jsonBodyProblems(body: unknown): JsonBodyProblem[] {
  const problems: JsonBodyProblem[] = [];
  const ancestors = new Map<object, Place | undefined>();
  const stack: Visit[] = [{ value: body, place: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    if ('leave' in visit) {
      ancestors.delete(visit.leave);
      continue;
    }
    const { value, place } = visit;
    if (typeof value === 'bigint') {
      problems.push({
        path: pathOf(place),
        message: `expected a JSON value, got the BigInt ${value}n (JSON has no BigInt: write it as a string or a number)`,
      });
      continue;
    }
    // toJSON decides what such an object becomes (a Date is a string).
    if (
      value === null ||
      typeof value !== 'object' ||
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
    )
      continue;
    if (ancestors.has(value)) {
      problems.push({
        path: pathOf(place),
        message: `expected a JSON value, got a reference back to body${pathText(pathOf(ancestors.get(value)))}, which contains it (a cycle)`,
      });
      continue;
    }
    const depth = (place?.depth ?? 0) + 1;
    if (depth > MAX_BODY_DEPTH) {
      // Reported at the body: a path a thousand keys long says less than the number.
      problems.push({
        path: [],
        message: `expected a body nested at most ${MAX_BODY_DEPTH} levels deep, got more (JSON.stringify would overflow)`,
      });
      return problems;
    }
    ancestors.set(value, place);
    stack.push({ leave: value });
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      stack.push({ value: child, place: { key, parent: place, depth } });
    }
  }
  return problems;
}
