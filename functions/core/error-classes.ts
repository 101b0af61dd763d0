/**
 * Every failed request lands in exactly one of these classes. The order is the order reports print them.
 * `aborted` means perfprobe itself cancelled the request: the run ended (deadline, abort rule, Ctrl-C) or the
 * request waited for a free connection longer than its timeout.
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
  'aborted',
] as const;

export type ErrorClass = (typeof ERROR_CLASSES)[number];

export type ErrorCounts = Partial<Record<ErrorClass, number>>;
