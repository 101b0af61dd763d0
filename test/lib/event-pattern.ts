// EventBridge event-pattern matching, for the filters the stack uses: exact values, prefix and wildcard
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html). Anything else is
// refused rather than guessed.
import { wildcard } from './policy-evaluator.ts';

type Pattern = { readonly [key: string]: Pattern | readonly unknown[] };

function valueMatches(filter: unknown, value: unknown): boolean {
  if (typeof filter === 'string' || typeof filter === 'number' || typeof filter === 'boolean') {
    return filter === value;
  }
  const operator = filter as Record<string, unknown>;
  const [name] = Object.keys(operator);
  if (name === 'prefix') return typeof value === 'string' && value.startsWith(String(operator.prefix));
  // EventBridge's wildcard has only "*" (IAM's also has "?", which no pattern here uses).
  if (name === 'wildcard') {
    const pattern = String(operator.wildcard);
    if (pattern.includes('?')) throw new Error(`wildcard ${pattern}: "?" is literal in EventBridge`);
    return typeof value === 'string' && wildcard(pattern, value);
  }
  throw new Error(`the matcher does not know the event-pattern operator ${JSON.stringify(filter)}`);
}

/** Whether EventBridge would deliver `event` to a rule with `pattern`: every field named must match. */
export function eventMatches(pattern: Pattern | undefined, event: Record<string, unknown>): boolean {
  // A rule with a schedule instead of a pattern (the notifier's tick) matches no event.
  if (pattern === undefined) return false;
  for (const [key, filter] of Object.entries(pattern)) {
    const value = event[key];
    if (Array.isArray(filter)) {
      if (!filter.some((f) => valueMatches(f, value))) return false;
    } else if (typeof value !== 'object' || value === null) {
      return false;
    } else if (!eventMatches(filter as Pattern, value as Record<string, unknown>)) {
      return false;
    }
  }
  return true;
}
