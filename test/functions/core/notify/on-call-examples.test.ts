import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const onCall = readFileSync(new URL('../../../../docs/on-call.md', import.meta.url), 'utf8');
const snapshots = readFileSync(
  new URL('../../handlers/__snapshots__/notify.test.ts.snap', import.meta.url),
  'utf8',
);

/** The end-to-end test's masked page texts, by test name. */
function pages(): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of snapshots.matchAll(/exports\[`(.*?) 1`\] = `\n"([\s\S]*?)"\n`;/g)) {
    found.set(m[1]!, m[2]!.replaceAll('\\${', '${').replaceAll('\\`', '`'));
  }
  return found;
}

describe("docs/on-call.md's notifier examples", () => {
  it('are the texts the end-to-end test produces, byte for byte (masked values included)', () => {
    const probePages = [...pages()].filter(([name]) => name.startsWith('a failing target'));
    expect(probePages.length).toBeGreaterThanOrEqual(7);
    for (const [name, text] of probePages) {
      if (name.includes('kill switch')) continue;
      expect(onCall.includes(`\`\`\`text\n${text}\n\`\`\``), name).toBe(true);
    }
  });
});
