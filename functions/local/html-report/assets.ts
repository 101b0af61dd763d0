import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** What the page inlines: the charting library and the page's own script and style. */
export interface ReportAssets {
  readonly chartJs: string;
  readonly chartCss: string;
  readonly pageJs: string;
  readonly pageCss: string;
}

const require = createRequire(import.meta.url);
let cached: ReportAssets | undefined;

/**
 * Read once per process: uPlot's browser build from node_modules (resolved like an import, so it works wherever
 * the package is installed) and the page's files beside this module.
 */
export function reportAssets(): ReportAssets {
  cached ??= {
    chartJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    chartCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    pageJs: readFileSync(new URL('./page.js', import.meta.url), 'utf8'),
    pageCss: readFileSync(new URL('./page.css', import.meta.url), 'utf8'),
  };
  return cached;
}
