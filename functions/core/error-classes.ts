/**
 * Every failed request lands in exactly one of these classes. The order is the order reports print them.
 * `aborted` means perfprobe itself cancelled the request: the run ended (deadline, abort rule, Ctrl-C) or the
 * request waited for a free connection longer than its timeout. `capture` and `timeout_until` belong to flows: a
 * step's capture found nothing, or an `until` step's condition did not hold within its timeout.
 */
export const ERROR_CLASSES = [
  'timeout_connect',
  'timeout_headers',
  'timeout_body',
  'connection_refused',
  'connection_reset',
  'dns',
  'tls',
  'protocol',
  'http_4xx',
  'http_5xx',
  'assertion',
  'capture',
  'timeout_until',
  'aborted',
] as const;

export type ErrorClass = (typeof ERROR_CLASSES)[number];

export type ErrorCounts = Partial<Record<ErrorClass, number>>;
