import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
// For its Promise.withResolvers polyfill (aws-local-stepfunctions 3 needs it on Node 20).
import '../../helpers/local-state-machine.ts';

export type TaskHandlers = Record<string, (input: unknown) => Promise<unknown>>;

export interface LocalExecution {
  readonly output: unknown;
  readonly history: unknown[];
  /** The largest JSON payload seen: execution input, any state's input or output, any task's in or out. */
  readonly largestPayloadBytes: number;
}

const bytes = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));

/**
 * Executes an ASL definition in this process as Step Functions would, with an execution id in the context
 * object (Plan keys its lease to it), Task states served by local functions keyed by state name.
 */
export async function executeRun(
  definition: Record<string, unknown>,
  input: unknown,
  handlers: TaskHandlers,
  executionId = `arn:aws:states:eu-west-1:123456789012:execution:runs:${randomUUID()}`,
): Promise<LocalExecution> {
  let largest = bytes(input);
  const measured: TaskHandlers = {};
  for (const [name, handler] of Object.entries(handlers)) {
    measured[name] = async (payload) => {
      largest = Math.max(largest, bytes(payload));
      const out = await handler(payload);
      largest = Math.max(largest, bytes(out));
      return out;
    };
  }
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: measured as never },
    context: { Execution: { Id: executionId } } as never,
  });
  const history: unknown[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      const { state, parentState } = event as {
        state?: { input?: unknown; output?: unknown };
        parentState?: { input?: unknown };
      };
      largest = Math.max(largest, bytes(state?.input), bytes(state?.output), bytes(parentState?.input));
      history.push(event);
    }
  })();
  const output = await execution.result;
  await collecting;
  return { output, history, largestPayloadBytes: largest };
}
