#!/usr/bin/env node
// Launcher: registers the TypeScript loader (suites are .ts files too), then runs the CLI entry.
import { register } from 'tsx/esm/api';

register();
await import('./perfprobe.ts');
