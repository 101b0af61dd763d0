import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A fenced code block of a Markdown file, with its info string split: ```` ```sh run exit=1 ```` is language
 * `sh`, tags `['run']` and attributes `{ exit: '1' }`.
 */
export interface DocBlock {
  /** The file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly language: string;
  readonly tags: readonly string[];
  readonly attributes: Readonly<Record<string, string>>;
  readonly text: string;
}

/** Every fenced block of `markdown` (``` fences; a longer or tilde fence is not used in these docs). */
export function docBlocks(file: string, markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    if (i >= lines.length) throw new Error(`${file}:${start + 1}: code block never closed`);
    const words = (open[2] ?? '').trim().split(/\s+/).filter(Boolean);
    const attributes: Record<string, string> = {};
    const tags: string[] = [];
    for (const word of words) {
      const pair = /^([\w-]+)=(.*)$/.exec(word);
      if (pair) attributes[pair[1] as string] = pair[2] as string;
      else tags.push(word);
    }
    blocks.push({
      file,
      line: start + 1,
      language: open[1] ?? '',
      tags,
      attributes,
      text: `${body.join('\n')}\n`,
    });
  }
  return blocks;
}

/** The docs a reader is sent to: README.md and every docs/*.md, relative to `root`. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** Every fenced block of README.md and docs/*.md. */
export function allDocBlocks(root: string): DocBlock[] {
  return docFiles(root).flatMap((file) => docBlocks(file, readFileSync(join(root, file), 'utf8')));
}

/**
 * The exit code a block declares (`exit=N`), 0 when it declares none.
 * @throws when `exit=` is not a whole number from 0 to 255
 */
export function expectedExit(block: DocBlock): number {
  const declared = block.attributes.exit;
  if (declared === undefined) return 0;
  if (!/^\d{1,3}$/.test(declared) || Number(declared) > 255) {
    throw new Error(`${block.file}:${block.line}: exit=${declared}: expected a whole number from 0 to 255`);
  }
  return Number(declared);
}
