#!/usr/bin/env node
// Launcher: registers the TypeScript loader (suites are .ts files too), then runs the CLI entry.
import './register.js';

await import('./perfprobe.ts');
