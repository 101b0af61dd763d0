import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: where `bin/perfprobe.js` lives and where the CLI runs. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The real CLI in a child process (no colours): its exit code and what it wrote. */
export function perfprobe(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/perfprobe.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The real CLI in a child process that keeps running (`perfprobe watch`): read its output as it comes, signal it. */
export function spawnPerfprobe(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/perfprobe.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout.on('data', (d) => {
    stdout += d;
    changed();
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    changed();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    /** The first match of `pattern` in stdout, once it appears; rejects after `timeoutMs` with what was written. */
    waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = stdout.match(pattern);
          if (!match) return false;
          done();
          resolve(match);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(listener);
        };
        const listener = () => void check();
        if (!check()) waiters.add(listener);
      });
    },
  };
}
