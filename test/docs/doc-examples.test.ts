import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../functions/local/cli.ts';
import { type DemoApi, startDemoApi } from '../../functions/local/demo-api.ts';
import { perfprobe, repoRoot } from '../helpers/cli-process.ts';
import { allDocBlocks, type DocBlock, docBlocks, docFiles, expectedExit } from '../helpers/doc-blocks.ts';

/**
 * The docs' examples, run as a reader would run them:
 * - ```` ```sh run [exit=N] ```` blocks run in bash (`-e -o pipefail`: the first failing command ends the block)
 *   against the demo API, and must exit N (default 0). The demo API listens on a free port; the block's
 *   `127.0.0.1:8080` (the demo API's default port) is replaced by it, and `PERFPROBE_DEMO_URL` (read by
 *   probes/demo.ts) points at it. `npx perfprobe` and `perfprobe` are this checkout's CLI.
 * - ```` ```sh check ```` blocks need AWS or run until Ctrl-C: they are parsed by bash, not run, and every
 *   `perfprobe` command in them must be a command that exists, with flags its own `--help` lists.
 * - ```` ```ts suite file=PATH [exit=N] ```` blocks are whole suites: written to PATH (where the shell blocks
 *   can use them), type-checked against the package's exports, and `perfprobe validate` must exit N (default 0).
 */
const DEMO_DEFAULT_HOST = '127.0.0.1:8080';
/**
 * At most this many CLI processes at once: the examples' runs must stay valid (a starved generator makes a run
 * invalid, exit 1), and this machine has 2 cores.
 */
const PROCESSES = 2;
/** Every example stops by itself well within this; a block still running is killed and fails. */
const BLOCK_TIMEOUT_MS = 60_000;

const blocks = allDocBlocks(repoRoot);
const where = (block: DocBlock) => `${block.file}:${block.line}`;
const runBlocks = blocks.filter((b) => b.language === 'sh' && b.tags.includes('run'));
const checkBlocks = blocks.filter((b) => b.language === 'sh' && b.tags.includes('check'));
const suiteBlocks = blocks.filter((b) => b.language === 'ts' && b.tags.includes('suite'));

let api: DemoApi;
/** A project directory like a user's: `node_modules/perfprobe` is this checkout, the suites are the docs'. */
let project: string;

const shellPrelude = () =>
  [
    `perfprobe() { "${process.execPath}" "${join(repoRoot, 'bin/perfprobe.js')}" "$@"; }`,
    'npx() { if [ "$1" = perfprobe ]; then shift; perfprobe "$@"; else command npx "$@"; fi; }',
    '',
  ].join('\n');

let running = 0;
const waiting: (() => void)[] = [];
/** `task` once fewer than PROCESSES others are running. */
async function inTurn<T>(task: () => Promise<T>): Promise<T> {
  if (running >= PROCESSES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const cli = (args: string[]) => inTurn(() => perfprobe(args));
const bash = (args: string[], text: string, cwd: string) => inTurn(() => bashNow(args, text, cwd));

/** `text` in bash, in `cwd`; its exit code and output. Killed (with its children) after BLOCK_TIMEOUT_MS. */
function bashNow(args: string[], text: string, cwd: string) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('bash', [...args, '-c', text], {
      cwd,
      detached: true,
      env: { ...process.env, NO_COLOR: '1', PERFPROBE_DEMO_URL: api.url },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n(killed after ${BLOCK_TIMEOUT_MS} ms)`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, BLOCK_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

let helpTurn: Promise<unknown> = Promise.resolve();
/**
 * `perfprobe <command> --help` (or `perfprobe --help`) in this process, one at a time: its exit code and what it
 * wrote. The CLI's own `main`, without a process start per command.
 */
function help(command?: string): Promise<{ code: number; stdout: string }> {
  const turn = helpTurn.then(async () => {
    const write = process.stdout.write;
    let stdout = '';
    process.stdout.write = ((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      const code = await main(command ? [command, '--help'] : ['--help']);
      return { code, stdout };
    } finally {
      process.stdout.write = write;
    }
  });
  helpTurn = turn.catch(() => undefined);
  return turn;
}

const onDemoApi = (text: string) => text.replaceAll(DEMO_DEFAULT_HOST, new URL(api.url).host);

beforeAll(async () => {
  api = await startDemoApi({ port: 0 });
  project = mkdtempSync(join(tmpdir(), 'perfprobe-doc-examples-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'doc-examples', type: 'module' }));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(repoRoot, join(project, 'node_modules/perfprobe'), 'dir');
  symlinkSync(join(repoRoot, 'probes'), join(project, 'probes'), 'dir');
  for (const block of suiteBlocks) {
    const file = block.attributes.file;
    if (!file) throw new Error(`${where(block)}: a \`ts suite\` block needs file=PATH`);
    mkdirSync(dirname(join(project, file)), { recursive: true });
    writeFileSync(join(project, file), onDemoApi(block.text));
  }
});

afterAll(async () => {
  await api?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('doc blocks', () => {
  it('reads the language, tags and attributes of a fence and the line it opens on', () => {
    const [block] = docBlocks('x.md', 'text\n```sh run exit=1\nfalse\n```\n');

    expect(block).toEqual({
      file: 'x.md',
      line: 2,
      language: 'sh',
      tags: ['run'],
      attributes: { exit: '1' },
      text: 'false\n',
    });
    expect(expectedExit(block as DocBlock)).toBe(1);
  });

  it('expects exit 0 from a block that declares none, and refuses an exit that is not a code', () => {
    const [plain, bad] = docBlocks('x.md', '```sh run\ntrue\n```\n```sh run exit=one\ntrue\n```\n');

    expect(expectedExit(plain as DocBlock)).toBe(0);
    expect(() => expectedExit(bad as DocBlock)).toThrow(
      'x.md:4: exit=one: expected a whole number from 0 to 255',
    );
  });

  it('refuses a block that is never closed', () => {
    expect(() => docBlocks('x.md', '```sh run\ntrue\n')).toThrow('x.md:1: code block never closed');
  });
});

describe('the docs', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

  it('keep the README a tour: at most 320 lines', () => {
    expect(readme.split('\n').length - 1).toBeLessThanOrEqual(320);
  });

  it('link every docs/*.md from the README', () => {
    const unlinked = docFiles(repoRoot)
      .filter((file) => file !== 'README.md')
      .filter((file) => !readme.includes(`](${file})`));

    expect(unlinked).toEqual([]);
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of docFiles(repoRoot)) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#');
        const linked = path ? join(dirname(file), path) : file;
        if (!existsSync(join(repoRoot, linked))) broken.push(`${file}: ${target} (no file ${linked})`);
        else if (anchor && linked.endsWith('.md') && !headingSlugs(linked).has(anchor)) {
          broken.push(`${file}: ${target} (no heading #${anchor} in ${linked})`);
        }
      }
    }

    expect(broken).toEqual([]);
  });

  it("list every command of `perfprobe --help` in the README's CLI block", async () => {
    const usage = await help();
    const cliBlock = docBlocks('README.md', readme).find((b) => b.text.startsWith('perfprobe probe <url>'));
    const commands = [...usage.stdout.matchAll(/^ {2}perfprobe ([a-z][\w-]*)/gm)].map((m) => m[1]);

    expect(commands.length).toBeGreaterThan(10);
    expect(commands.filter((c) => !new RegExp(`^perfprobe ${c} `, 'm').test(cliBlock?.text ?? ''))).toEqual(
      [],
    );
  });
});

describe('shell examples', () => {
  it('are marked in the README and the docs', () => {
    expect(runBlocks.length).toBeGreaterThanOrEqual(5);
  });

  it.concurrent.each(runBlocks.map((b) => [where(b), b] as const))(
    '%s exits with the code it declares',
    async (_, block) => {
      const cwd = mkdtempSync(join(project, 'run-'));
      for (const name of ['node_modules', 'probes', 'suites']) {
        if (existsSync(join(project, name))) symlinkSync(join(project, name), join(cwd, name), 'dir');
      }

      const { code, output } = await bash(
        ['-e', '-o', 'pipefail'],
        shellPrelude() + onDemoApi(block.text),
        cwd,
      );

      expect(code, `${where(block)} wrote:\n${output}`).toBe(expectedExit(block));
    },
    BLOCK_TIMEOUT_MS + 5_000,
  );

  it.concurrent.each(checkBlocks.map((b) => [where(b), b] as const))(
    '%s (needs AWS, not run) parses, and names real commands and flags',
    async (_, block) => {
      const syntax = await bash(['-n'], block.text, project);
      const unknown: string[] = [];
      for (const line of block.text.split('\n')) {
        const call = /(?:^|\s)perfprobe\s+([\w-]+)(.*)$/.exec(line.replace(/\s#\s.*$/, ''));
        if (!call) continue;
        const usage = await help(call[1] as string);
        if (usage.code !== 0) unknown.push(`${call[1]}: no such command`);
        for (const [, flag] of (call[2] ?? '').matchAll(/(?:^|\s)(--[\w-]+)/g)) {
          if (!usage.stdout.includes(flag as string)) unknown.push(`${call[1]} ${flag}: not in its --help`);
        }
      }

      expect({ syntax: syntax.code, output: syntax.output, unknown }).toEqual({
        syntax: 0,
        output: '',
        unknown: [],
      });
    },
    BLOCK_TIMEOUT_MS,
  );
});

describe('suite examples', () => {
  it('are marked in the README and the docs', () => {
    expect(suiteBlocks.length).toBeGreaterThanOrEqual(2);
  });

  it.concurrent('type-check against the package (and a wrong field would not)', () => {
    const wrong = join(project, 'suites/wrong-field.ts');
    writeFileSync(
      wrong,
      "import { defineSuite } from 'perfprobe';\nexport default defineSuite({ name: 'w', environments: { " +
        "local: { baseUrl: 'http://127.0.0.1:8080' } }, probes: [{ id: 'a', request: { url: '/' }, " +
        "load: { kind: 'bust' } }] });\n",
    );
    const files = suiteBlocks.map((b) => join(project, b.attributes.file as string));

    const diagnostics = typeCheck([...files, wrong]);

    const bad = (file: string) => diagnostics.filter((d) => d.startsWith(file));
    expect(files.flatMap(bad)).toEqual([]);
    expect(diagnostics.filter((d) => !files.some((f) => d.startsWith(f)) && !d.startsWith(wrong))).toEqual(
      [],
    );
    expect(bad(wrong).join('\n')).toContain('"bust"');
  }, 60_000);

  it.concurrent.each(suiteBlocks.map((b) => [where(b), b] as const))(
    '%s: `perfprobe validate` exits with the code it declares',
    async (_, block) => {
      const result = await cli(['validate', join(project, block.attributes.file as string)]);

      expect(result.code, `${where(block)}: ${result.stdout}${result.stderr}`).toBe(expectedExit(block));
    },
    BLOCK_TIMEOUT_MS,
  );
});

/** The diagnostics of type-checking `files` with the repository's compiler options, as `file:line: message`. */
function typeCheck(files: string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(repoRoot, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const program = ts.createProgram(files, {
    ...config.options,
    typeRoots: [join(repoRoot, 'node_modules/@types')],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}: ${message}`;
  });
}

/** GitHub's anchors for the headings of a Markdown file (outside code blocks). */
function headingSlugs(file: string): Set<string> {
  const slugs = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(join(repoRoot, file), 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const slug = (heading[1] as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replaceAll(' ', '-');
    slugs.add(slug);
  }
  return slugs;
}
