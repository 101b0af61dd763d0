// The worker thread that loads a suite for load-suite.ts. JavaScript: Node runs no TypeScript in a worker by
// itself. tsx is registered for the whole thread (both hooks, as bin/register.js does), so the suite's
// `import 'perfprobe'` and import-suite.ts share one module graph: tsImport would load zod and the schema twice.
import { parentPort, workerData } from 'node:worker_threads';
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCommonJs();
register();
try {
  const { suiteReply } = await import('./import-suite.ts');
  parentPort.postMessage(await suiteReply(workerData.path));
} catch (error) {
  parentPort.postMessage({ problem: String(error?.message ?? error), usage: false, stack: error?.stack });
}
