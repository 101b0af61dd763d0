/*
 * Work on JSON that a target sent. JSON.parse is iterative in V8 (a million levels parse), but JSON.stringify and
 * any recursive walk throw a RangeError past about 4,000 levels: a 36 KB body. Nothing here recurses.
 */

/**
 * Deepest value a capture turns into text. Far beyond any value a later request could use, far below where V8's
 * JSON.stringify runs out of stack (about 4,100 levels on Node 20 and 22, less from inside a deep call).
 */
export const MAX_CAPTURED_DEPTH = 256;

/** Whether two parsed JSON values are equal: same type and value, arrays in order, objects whatever their key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const pending: [unknown, unknown][] = [[a, b]];
  for (let pair = pending.pop(); pair !== undefined; pair = pending.pop()) {
    const [x, y] = pair;
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push([x[i], y[i]]);
      continue;
    }
    if (Array.isArray(y)) return false;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(y, key)) return false;
      pending.push([(x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key]]);
    }
  }
  return true;
}

/** Whether a parsed JSON value nests more than `limit` arrays or objects deep (stops looking at the limit). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}
