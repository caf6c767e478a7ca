/**
 * Cron expressions and time zones, through node-cron 4 (which also computes next fire times,
 * so no second cron parser is needed): checking an expression with a readable reason, checking
 * an IANA time zone name, and the next fire times of a schedule.
 */
import { createTask, validateDetailed } from 'node-cron';

/** Why `expression` is not a valid cron expression, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  let result: ReturnType<typeof validateDetailed>;
  try {
    result = validateDetailed(expression);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (result.valid) return undefined;
  const reasons = result.errors.map((e) => `${e.field}: ${e.message}`);
  return reasons.length > 0 ? reasons.join('; ') : 'not a cron expression';
}

/** Why `timezone` is not a time zone this Node knows, or undefined when it is. */
export function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    return `unknown time zone '${timezone}' (use an IANA name such as 'UTC' or 'Europe/Berlin')`;
  }
}

/** The next `count` fire times of a valid expression after now, in `timezone` (default: the system's). */
export function nextFireTimes(expression: string, timezone: string | undefined, count = 1): Date[] {
  const task = createTask(expression, () => undefined, timezone !== undefined ? { timezone } : {});
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}
