/** A proxy environment variable as curl reads it: lowercase first, then uppercase; an empty one counts as unset. */
function variable(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  for (const key of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[key]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** Whether NO_PROXY exempts `host:port`: "*", a host, a domain suffix (".corp" or "corp"), or an IP, each with an optional port. */
export function bypassesProxy(noProxy: string, host: string, port: number): boolean {
  const target = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (match === null) continue;
    const name = match[1]!.replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (match[2] !== undefined && Number(match[2]) !== port) continue;
    if (target === name || target.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * The proxy a connection to `origin` goes through: `explicit` when the suite or `--proxy` names one ('' for
 * none), else HTTPS_PROXY (https targets) or HTTP_PROXY (http targets) unless NO_PROXY exempts the host, as curl
 * and undici's EnvHttpProxyAgent decide. undefined: connect directly.
 */
export function chooseProxy(
  origin: string,
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (explicit !== undefined) return explicit === '' ? undefined : explicit;
  const url = new URL(origin);
  const proxy = variable(env, url.protocol === 'https:' ? 'https_proxy' : 'http_proxy');
  if (proxy === undefined) return undefined;
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const noProxy = variable(env, 'no_proxy');
  if (noProxy !== undefined && bypassesProxy(noProxy, url.hostname, port)) return undefined;
  // curl accepts a bare "host:port" in the variables.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
