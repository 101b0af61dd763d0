import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../functions/local/cli.ts';
import { helpEntry, topLevelHelp } from '../../../functions/local/usage.ts';

describe('the command table', () => {
  it('names each command once', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s: its help opens with its own usage',
    (name, command) => {
      expect(command.help.startsWith(`Usage: perfprobe ${name}`)).toBe(true);
      expect(command.help.endsWith('\n')).toBe(true);
    },
  );

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s: its help mentions every flag it declares',
    (_, command) => {
      const missing = Object.keys(command.flags).filter((flag) => !command.help.includes(`--${flag}`));
      expect(missing).toEqual([]);
    },
  );

  it('lists every command in perfprobe --help, in the order of the table', () => {
    const help = topLevelHelp(COMMANDS);
    const at = COMMANDS.map((c) => help.indexOf(`  perfprobe ${c.name} `));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});

describe('an entry of perfprobe --help', () => {
  it('puts the summary beside a usage that leaves room for it', () => {
    expect(helpEntry({ usage: ['validate <suite.ts>'], summary: ['check a suite', 'and more'] })).toBe(
      `  perfprobe validate <suite.ts>           check a suite\n${' '.repeat(42)}and more\n`,
    );
  });

  it('puts the summary below a usage that reaches the summary column', () => {
    const usage = 'x'.repeat(30); // "  perfprobe " + 30 = 42 characters: no room for a space
    expect(helpEntry({ usage: [usage], summary: ['what it does'] })).toBe(
      `  perfprobe ${usage}\n${' '.repeat(42)}what it does\n`,
    );
    expect(helpEntry({ usage: [usage.slice(1)], summary: ['what it does'] })).toBe(
      `  perfprobe ${usage.slice(1)} what it does\n`,
    );
  });

  it('continues a long usage on a second line and lists details after the summary', () => {
    expect(
      helpEntry({ usage: ['run <suite.ts>', '[--quiet]'], summary: ['run it'], details: ['--flag X'] }),
    ).toBe(`  perfprobe run <suite.ts>\n                [--quiet]${' '.repeat(17)}run it\n      --flag X\n`);
  });
});
