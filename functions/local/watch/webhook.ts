import type { WatchAlert } from './watch-alerts.ts';

/** How long one POST may take: a slow receiver delays the alerts after it, never the probes. */
const WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * POSTs an alert as JSON (`content-type: application/json`, the WatchAlert itself). Resolves when the receiver
 * answered 2xx; otherwise rejects with what went wrong, for the caller to report.
 */
export async function postAlert(url: string, alert: WatchAlert): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'perfprobe-watch' },
    body: JSON.stringify(alert),
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
}
