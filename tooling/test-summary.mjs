// Adds up the vitest JSON reports of every package and database into one closing line,
// and fails when a report is missing a passing test or any test failed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'test-results';
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .sort()) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const fileFailed = report.numFailedTests + (report.numFailedTestSuites ?? 0);
  console.log(
    `${file.replace(/\.json$/, '')}: ${report.numPassedTests} passed, ${fileFailed} failed`,
  );
  passed += report.numPassedTests;
  failed += fileFailed;
  skipped += report.numPendingTests + report.numTodoTests;
}
if (passed === 0) failed += 1; // a run that tested nothing is not a pass
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
