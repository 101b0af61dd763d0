import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * A function a reader cannot hold in their head carries a whole feature; past this many lines it is split
 * (a factory returning an object of small methods counts its methods, not itself, only when they are short).
 */
const MAX_FUNCTION_LINES = 120;
const ROOT = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

interface LongFunction {
  readonly where: string;
  readonly name: string;
  readonly lines: number;
}

function functionName(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (named.name !== undefined) return named.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  return '<anonymous>';
}

function longFunctions(file: string, text: string, max: number): LongFunction[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > max)
        found.push({ where: `${relative(ROOT, file)}:${start + 1}`, name: functionName(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('code shape', () => {
  it(`has no function over ${MAX_FUNCTION_LINES} lines in functions/ or lib/`, () => {
    const files = [...sourceFiles(join(ROOT, 'functions')), ...sourceFiles(join(ROOT, 'lib'))];
    const long = files.flatMap((file) => longFunctions(file, readFileSync(file, 'utf8'), MAX_FUNCTION_LINES));
    expect(long).toEqual([]);
  });

  it('names a function over the limit, and not one at it (the check can fail)', () => {
    const fn = (name: string, statements: number) =>
      `export function ${name}() {\n${Array.from({ length: statements }, (_, i) => `  const v${i} = ${i};`).join('\n')}\n}\n`;
    const text = fn('atLimit', MAX_FUNCTION_LINES - 2) + fn('overLimit', MAX_FUNCTION_LINES - 1);
    const long = longFunctions(join(ROOT, 'fixture.ts'), text, MAX_FUNCTION_LINES);
    expect(long).toEqual([
      { where: `fixture.ts:${MAX_FUNCTION_LINES + 1}`, name: 'overLimit', lines: MAX_FUNCTION_LINES + 1 },
    ]);
  });
});
