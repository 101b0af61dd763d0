// perfprobe's TypeScript loader (tsx), for the CLI and for your own scripts: `node --import perfprobe/register
// infra/app.ts` runs a CDK app that imports `perfprobe/cdk`. perfprobe ships TypeScript sources, and Node does
// not strip types under node_modules; tsx does, and resolves `tsx` from perfprobe's own dependencies.
import { register } from 'tsx/esm/api';

register();
