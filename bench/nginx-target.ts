import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCore } from './tools.ts';

/** nginx-light's binary (Debian puts it in /usr/sbin, which a non-root PATH may lack); undefined when absent. */
export const nginxBinary = ['nginx', '/usr/sbin/nginx'].find(
  (bin) => spawnSync(bin, ['-v']).error === undefined,
);

/** How long nginx gets to accept connections after it starts. */
const START_MS = 5_000;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * nginx answering `return 200` (an empty body) on loopback: a third-party server whose own time per request is
 * far below Node's. One process (no master), not a daemon, its files in a temporary directory, pinned to the
 * targets' core; stop() ends it and removes the directory.
 */
export async function startNginx(): Promise<{ port: number; url: string; stop(): Promise<void> }> {
  if (nginxBinary === undefined) throw new Error('nginx is not installed (apt-get install nginx-light)');
  const dir = mkdtempSync(join(tmpdir(), 'perfprobe-nginx-'));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${join(dir, kind)};`)
    .join('\n');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')};
events { worker_connections 256; }
http {
  access_log off;
${temp}
  server { listen 127.0.0.1:${port}; location / { return 200; } }
}
`,
  );
  const command = onCore(
    0,
    `${nginxBinary} -p ${dir} -e ${join(dir, 'error.log')} -c ${join(dir, 'nginx.conf')}`,
  );
  const child = spawn('bash', ['-c', `exec ${command}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = performance.now() + START_MS;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || performance.now() > deadline) {
      await stop();
      throw new Error(`nginx did not start on port ${port} within ${START_MS} ms`);
    }
    await sleep(20);
  }
  return { port, url: `http://127.0.0.1:${port}/`, stop };
}
