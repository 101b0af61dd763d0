import { substitute, variableReferences } from './template.ts';

/**
 * A variable as a suite defines it: plain text (which may reference others), a secret reference, or a list of
 * values for `${pick(name)}` in flows (taken literally).
 */
export type VariableDefinition = string | readonly string[] | { readonly secret: string };

/** A variable that cannot be resolved, and why ("expected …, got …"). */
export interface VariableProblem {
  /** The variable whose own text holds the bad reference ("baseUrl" for the base URL). */
  readonly variable: string;
  readonly message: string;
}

export interface ResolvedVariables {
  /**
   * Every variable's value with its references filled in, transitively; a secret (and anything referencing one)
   * keeps `${name}` for the secret, filled only where the load runs.
   */
  readonly values: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
  /** List variables, for `${pick(name)}`; they have no `${name}` value. */
  readonly lists: Readonly<Record<string, readonly string[]>>;
  readonly problems: readonly VariableProblem[];
}

const isList = (definition: VariableDefinition): definition is readonly string[] => Array.isArray(definition);

const chainOf = (names: readonly string[]) => names.map((n) => `\${${n}}`).join(' → ');

/**
 * Resolves `${name}` references between an environment's variables (and its baseUrl), depth first, so a
 * variable may build on another. An undefined name or a cycle is a problem naming the chain, never a
 * crash and never a literal `${x}` sent to the target.
 */
export function resolveVariables(
  baseUrl: string,
  variables: Readonly<Record<string, VariableDefinition>>,
): ResolvedVariables {
  // Without a prototype, so a variable named `constructor` or `toString` is looked up as itself.
  const definitions: Record<string, VariableDefinition> = Object.assign(Object.create(null), variables, {
    baseUrl,
  });
  const values: Record<string, string> = Object.create(null);
  const secrets: Record<string, string> = Object.create(null);
  const lists: Record<string, readonly string[]> = Object.create(null);
  for (const [name, definition] of Object.entries(variables)) {
    if (isList(definition)) lists[name] = definition;
  }
  const problems: VariableProblem[] = [];
  const broken = new Set<string>();
  const visiting: string[] = [];

  const visit = (name: string): boolean => {
    if (Object.hasOwn(values, name)) return true;
    if (broken.has(name)) return false;
    const definition = definitions[name]!;
    if (typeof definition === 'object' && 'secret' in definition) {
      secrets[name] = definition.secret;
      values[name] = `\${${name}}`;
      return true;
    }
    // Lists are never visited (see below): only pick() reads them.
    if (isList(definition)) return false;
    visiting.push(name);
    let ok = true;
    for (const ref of variableReferences(definition)) {
      const cycleAt = visiting.indexOf(ref);
      if (cycleAt >= 0) {
        problems.push({
          variable: name,
          message: `expected variables without a cycle, got ${chainOf([...visiting.slice(cycleAt), ref])}`,
        });
        ok = false;
      } else if (Object.hasOwn(lists, ref)) {
        problems.push({
          variable: name,
          message: `expected a single value for \${${ref}}, got a list (use \${pick(${ref})} in a flow's step)`,
        });
        ok = false;
      } else if (!Object.hasOwn(definitions, ref)) {
        const via = visiting.length > 1 ? ` (via ${chainOf([...visiting, ref])})` : '';
        problems.push({
          variable: name,
          message: `unknown variable \${${ref}}${via} (defined: ${Object.keys(definitions).join(', ')})`,
        });
        ok = false;
      } else if (!visit(ref)) ok = false;
    }
    visiting.pop();
    if (!ok) {
      broken.add(name);
      return false;
    }
    values[name] = substitute(definition, values);
    return true;
  };

  for (const name of Object.keys(definitions)) if (!Object.hasOwn(lists, name)) visit(name);
  return { values, secrets, lists, problems };
}
