import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'undici';

/** Debian's package; .ci/run installs it when missing. */
const CHROMIUM = 'chromium';

type Listener = (method: string, params: Record<string, unknown>, sessionId: string | undefined) => void;

/** A headless Chromium driven over the Chrome DevTools Protocol: one WebSocket, one flattened page session. */
export interface Browser {
  /** Sends a command to the page. */
  send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** Every event of the page session, until the returned function is called. */
  onEvent(listener: (method: string, params: Record<string, unknown>) => void): () => void;
  /** Resolves on the page's next event of this name. */
  next(method: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

function requireChromium(): void {
  try {
    execFileSync(CHROMIUM, ['--version'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `${CHROMIUM} is not installed or does not start: the HTML report is tested in a real browser. Install Debian's package (apt-get install -y --no-install-recommends chromium), as .ci/run does.`,
      { cause: error },
    );
  }
}

async function devtoolsUrl(child: ChildProcess): Promise<string> {
  let stderr = '';
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`chromium gave no DevTools URL in 20 s:\n${stderr}`)),
      20_000,
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chromium exited (${code}) before it listened:\n${stderr}`));
    });
  });
}

/**
 * Launches headless Chromium with a throw-away profile and no background traffic of its own (no sync, updates or
 * extensions), attaches to a new blank page and returns a CDP client for it. Runs as root (CI), hence no sandbox.
 */
export async function launchChromium(): Promise<Browser> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'perfprobe-chromium-'));
  const child = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--hide-scrollbars',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const ws = new WebSocket(await devtoolsUrl(child));
  await once(ws as unknown as NodeJS.EventEmitter, 'open');
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners: Listener[] = [];
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: Record<string, unknown>;
      sessionId?: string;
    };
    if (message.id !== undefined) {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) call?.reject(new Error(`CDP: ${message.error.message}`));
      else call?.resolve(message.result);
    } else if (message.method) {
      for (const l of listeners) l(message.method, message.params ?? {}, message.sessionId);
    }
  });
  const call = <T>(method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  const { targetId } = await call<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await call<{ sessionId: string }>('Target.attachToTarget', {
    targetId,
    flatten: true,
  });
  return {
    send: (method, params) => call(method, params, sessionId),
    onEvent: (listener) => {
      const own: Listener = (m, p, s) => s === sessionId && listener(m, p);
      listeners.push(own);
      return () => listeners.splice(listeners.indexOf(own), 1);
    },
    next: (method) =>
      new Promise((resolve) => {
        const listener: Listener = (m, p, s) => {
          if (s === sessionId && m === method) {
            listeners.splice(listeners.indexOf(listener), 1);
            resolve(p);
          }
        };
        listeners.push(listener);
      }),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        // Browser.close shuts its helper processes down too; a browser still there after 5 s is killed outright.
        call('Browser.close').catch(() => child.kill());
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      ws.close();
      // Helper processes may still be letting go of the profile for a moment after the browser has exited.
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
