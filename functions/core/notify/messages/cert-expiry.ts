import { certAlarmDays } from '../../cloud/alert-policy.ts';
import type { RunResult, RunTls } from '../../run-result.ts';
import { alarmTime, latestDatapoint } from '../alarm-event.ts';
import { formatInstant } from '../figures.ts';
import type { Notification } from '../notification.ts';
import { probeNotification } from './page.ts';
import { lastedOf, type ProbeAlarm, probeLabel, requestLine, sinceLine, sinceWhen, who } from './parts.ts';

const DAY_MS = 86_400_000;

const RENEW_FIX =
  'Likely fix: renew the certificate and install the renewed one on every endpoint that answers for this name (load balancers, CDN, API gateway); the alarm clears with the first run that sees it.';

/** "in 6 days", "today", "1 day ago": counted from `atMs` (the page's time, not the run's). */
function daysText(validTo: string, atMs: number): { days: number; text: string } {
  const days = Math.floor((Date.parse(validTo) - atMs) / DAY_MS);
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  if (days > 0) return { days, text: `in ${plural(days)}` };
  if (days === 0) return { days, text: 'today' };
  return { days, text: `${plural(-days)} ago` };
}

/** The newest stored run that saw a certificate. */
function certificateRun(runs: readonly RunResult[]): (RunResult & { tls: RunTls }) | undefined {
  return runs.find((r): r is RunResult & { tls: RunTls } => r.tls !== undefined);
}

/** "certificate for api.bank.example (issuer CN=Bank CA) expires 2027-01-03, in 6 days". */
function certificateLine(host: string, tls: RunTls, atMs: number): { days: number; line: string } {
  const { issuer, validTo } = tls.certificate;
  const { days, text } = daysText(validTo, atMs);
  const verb = days < 0 ? 'expired' : 'expires';
  return {
    days,
    line: `certificate for ${host} (issuer ${issuer}) ${verb} ${validTo.slice(0, 10)}, ${text}`,
  };
}

/** CERT EXPIRY: a declared critical `sla.certDaysLeft` broke; which certificate, when it expires, what to do. */
export function certExpiryMessage(alarm: ProbeAlarm): Notification {
  const { probe } = alarm;
  const host = new URL(probe.request.url).hostname;
  const critical = certAlarmDays(probe);
  const below = critical === undefined ? '' : `; critical below ${critical}`;
  const since = sinceWhen(alarm);
  const about = certificateRun(alarm.runs);
  if (about === undefined) {
    // The runs could not be read or none kept its certificate: CloudWatch's figure is all there is.
    const observed = latestDatapoint(alarm.event.detail.state.reasonData);
    const left = observed === undefined ? 'too few days left' : `${observed} days left`;
    return probeNotification(alarm, {
      kind: 'cert-expiry',
      subject: `CERT EXPIRY ${who(probe)}: ${host} has ${left}${below}`,
      head: [
        `CERT EXPIRY: ${probeLabel(probe)}: the certificate for ${host} has ${left}${below}, ${sinceLine(since)}.`,
        requestLine(probe),
      ],
      body: ['No stored run shows the certificate; its subject and issuer are in the next run.', RENEW_FIX],
      about: undefined,
      since,
    });
  }
  const { line } = certificateLine(host, about.tls, since.alarmAtMs);
  const { text: when } = daysText(about.tls.certificate.validTo, since.alarmAtMs);
  const { subject, validTo } = about.tls.certificate;
  const differ = about.tls.shardsDiffer
    ? ' Its shards saw different certificates (a rollout behind a load balancer?): this is the one expiring first.'
    : '';
  return probeNotification(alarm, {
    kind: 'cert-expiry',
    subject: `CERT EXPIRY ${who(probe)}: ${host} ${validTo.slice(0, 10)}, ${when}${below}`,
    head: [`CERT EXPIRY: ${probeLabel(probe)}: ${line}${below}.`, requestLine(probe)],
    body: [
      `Certificate: ${subject}, valid to ${validTo}, as run ${about.runId} saw it (${formatInstant(Date.parse(about.startedAt))}, ${about.tls.protocol}).${differ}`,
      RENEW_FIX,
    ],
    about,
    since,
  });
}

/** CERT RENEWED: the certificate runs see has enough days left again. */
export function certRenewedMessage(alarm: ProbeAlarm): Notification {
  const { probe } = alarm;
  const host = new URL(probe.request.url).hostname;
  const { lasted } = lastedOf(alarm);
  const about = certificateRun(alarm.runs);
  const atMs = alarmTime(alarm.event.detail.state.timestamp);
  const now = about ? `: ${certificateLine(host, about.tls, atMs).line}` : '';
  return probeNotification(alarm, {
    kind: 'cert-renewed',
    subject: `CERT RENEWED ${who(probe)} after ${lasted}`,
    head: [`CERT RENEWED: ${probeLabel(probe)}${now}. The incident lasted ${lasted}.`],
    body: about ? [`Certificate: ${about.tls.certificate.subject}, as run ${about.runId} saw it.`] : [],
    about,
  });
}
