import { StateMachine } from 'aws-local-stepfunctions';

// aws-local-stepfunctions 3 calls Promise.withResolvers, which Node 20 lacks (it arrived in Node 22).
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export type TaskHandlers = Record<string, (input: unknown) => Promise<unknown>>;

/** Executes an ASL definition in this process, Task states served by local functions keyed by state name. */
export async function executeLocally(
  definition: Record<string, unknown>,
  input: unknown,
  handlers: TaskHandlers,
): Promise<{ output: unknown; history: unknown[] }> {
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never },
  });
  const history: unknown[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) history.push(event);
  })();
  const output = await execution.result;
  await collecting;
  return { output, history };
}
