import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CORE = join(ROOT, 'functions', 'core');

/** Packages core may use: pure computation, no I/O of their own. */
const CORE_PACKAGES = new Set(['zod', 'hdr-histogram-js', 'croner']);
/** Node built-ins that reach the network: core never opens a socket. */
const NETWORK_BUILTINS = new Set(['net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'dns/promises']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file names: `import`, `import type`, `export … from` and `import()`, as written. */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((ref) => ref.fileName);
}

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Why core may not import `specifier` from `file`, or undefined when it may. */
function outsideCoreProblem(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    return target.startsWith(CORE + sep) ? undefined : `${specifier} is outside functions/core`;
  }
  if (specifier.startsWith('node:')) {
    return NETWORK_BUILTINS.has(specifier.slice(5)) ? `${specifier} reaches the network` : undefined;
  }
  return CORE_PACKAGES.has(packageName(specifier))
    ? undefined
    : `${specifier} is not one of core's packages (${[...CORE_PACKAGES].join(', ')})`;
}

/** Core's import graph: each file (relative to the repository) to the core files it imports. */
function coreGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(CORE)) {
    const targets = specifiers(file)
      .filter((s) => s.startsWith('.'))
      .map((s) => relative(ROOT, resolve(dirname(file), s)));
    graph.set(relative(ROOT, file), targets);
  }
  return graph;
}

/** Each cycle found by a depth-first walk (one per back edge), as the path that closes on its first file. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const done = new Set<string>();
  const onPath: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    const at = onPath.indexOf(node);
    if (at >= 0) {
      cycles.push([...onPath.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    onPath.push(node);
    for (const next of graph.get(node) ?? []) visit(next);
    onPath.pop();
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) visit(node);
  return cycles;
}

describe('findCycles', () => {
  it('finds a cycle through type-only edges and prints it closed on its first file', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
    ]);
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('finds none in a graph where two files share a third', () => {
    const graph = new Map([
      ['a.ts', ['c.ts']],
      ['b.ts', ['c.ts', 'a.ts']],
      ['c.ts', []],
    ]);
    expect(findCycles(graph)).toEqual([]);
  });
});

describe('functions/core imports', () => {
  const graph = coreGraph();

  it('reads every core file, type imports and re-exports included', () => {
    // A parse that saw nothing would pass the cycle test by accident.
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(join('functions', 'core', 'suite', 'validate-suite.ts'))).toContain(
      join('functions', 'core', 'suite', 'schema.ts'),
    );
  });

  it('form no cycle', () => {
    const printed = findCycles(graph).map((cycle) => cycle.join(' → '));
    expect(printed, `import cycles:\n${printed.join('\n')}`).toEqual([]);
  });

  it('reach nothing outside functions/core (no adapters, AWS SDK, undici or network)', () => {
    const problems = [...graph.keys()].flatMap((file) =>
      specifiers(join(ROOT, file)).flatMap((specifier) => {
        const problem = outsideCoreProblem(join(ROOT, file), specifier);
        return problem === undefined ? [] : [`${file}: ${problem}`];
      }),
    );
    expect(problems).toEqual([]);
  });
});
