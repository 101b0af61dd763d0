// perfprobe's TypeScript loader (tsx), for the CLI and for your own scripts: `node --import perfprobe/register
// infra/app.ts` runs a CDK app that imports `perfprobe/cdk`. perfprobe ships TypeScript sources, and Node does
// not strip types under node_modules; tsx does, and resolves `tsx` from perfprobe's own dependencies.
// Both hooks, as `node --import tsx` registers them: in a project without "type": "module" (what `npm init -y`
// writes) the app's .ts is CommonJS, and with only the ESM hook Node loads it through require() and fails with
// ERR_REQUIRE_CYCLE_MODULE; the CommonJS hook compiles it, and its imports of perfprobe's ES modules.
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCommonJs();
register();
