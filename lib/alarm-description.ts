/** CloudWatch keeps at most 1,024 characters of an alarm description. */
export const ALARM_DESCRIPTION_MAX = 1024;

export function clip(text: string): string {
  return text.length <= ALARM_DESCRIPTION_MAX ? text : `${text.slice(0, ALARM_DESCRIPTION_MAX - 1)}…`;
}
