#!/usr/bin/env node
// Runs a TypeScript file with the same loader as the CLI: `node bin/run-ts.js bench/run.ts`.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import './register.js';

const [file, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], file, ...args];
await import(pathToFileURL(resolve(file)).href);
