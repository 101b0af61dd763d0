// Stryker's break threshold judges all mutated files together; each verdict file must reach it on its own, with
// uncovered mutants counted against it (an equivalent one is marked in the source and then ignored).
// Reads the json reporter's output of `stryker run`; exits 1 when a file is below the threshold.
import { readFileSync } from 'node:fs';
import config from '../stryker.config.mjs';

const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'));
const threshold = config.thresholds.break;
const NOT_COUNTED = new Set(['Ignored', 'CompileError', 'RuntimeError', 'Pending']);
const rows = Object.entries(report.files).map(([file, { mutants }]) => {
  const counted = mutants.filter((m) => !NOT_COUNTED.has(m.status));
  const n = (status) => counted.filter((m) => m.status === status).length;
  const killed = n('Killed') + n('Timeout');
  const survived = n('Survived');
  const noCoverage = n('NoCoverage');
  const pct = (a, b) => (b === 0 ? 100 : (100 * a) / b);
  return {
    file,
    mutants: counted.length,
    killed,
    survived,
    noCoverage,
    ignored: mutants.length - counted.length,
    score: pct(killed, counted.length),
    covered: pct(killed, killed + survived),
  };
});
console.log('file | mutants | killed | survived | no coverage | ignored | score | on covered code');
for (const r of rows) {
  console.log(
    `${r.file} | ${r.mutants} | ${r.killed} | ${r.survived} | ${r.noCoverage} | ${r.ignored} | ${r.score.toFixed(1)} % | ${r.covered.toFixed(1)} %`,
  );
}
const low = rows.filter((r) => r.score < threshold);
if (low.length > 0) {
  console.error(`below the break threshold of ${threshold} %: ${low.map((r) => r.file).join(', ')}`);
  process.exit(1);
}
