const REFERENCE = /\$\{([A-Za-z_][\w]*)\}/g;

/** Names referenced as `${name}` in a text. */
export function variableReferences(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((m) => m[1] as string);
}

/** Replaces every `${name}`; callers validate references first, so an unknown name is a programming error. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(REFERENCE, (_, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`unknown variable \${${name}}`);
    return values[name]!;
  });
}
