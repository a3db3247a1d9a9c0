// The Import screen and the dashboard with data, as a user sees them: the real window under
// Xvfb, a first company created, a generated dataset (../shared/bench/gen_dataset.py, scale S,
// dated now) imported through the Import screen, then a broken folder refused.
//   node scripts/screenshots-dashboard.mjs [OUT_DIR]   (default: tests/e2e/artifacts/screens)
// Needs the debug build of the app (cargo build -p stockflow) and python3.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { App, repoRoot } from '../tests/e2e/harness.mjs';

const out = path.resolve(process.argv[2] ?? path.join(repoRoot, 'tests/e2e/artifacts/screens'));
fs.mkdirSync(out, { recursive: true });
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'stockflow-shots-data-'));
const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
execFileSync('python3', [
  path.join(repoRoot, '../shared/bench/gen_dataset.py'),
  '--scale', 'S', '--seed', '42', '--now', now, '--out', data,
]);

const app = new App('screenshots-dashboard');
try {
  await app.start();
  await app.setUpOwner();
  const shoot = async (name) => {
    await app.waitFor(async () => (await app.session.execute('return document.getAnimations().length')) === 0, {
      timeout: 3_000,
    }).catch(() => {});
    await app.session.executeAsync(
      'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150)));',
    );
    fs.writeFileSync(path.join(out, `${name}.png`), await app.session.screenshot());
    console.log(path.join(out, `${name}.png`));
  };

  await app.fill('company-name', 'Scratch Pad', { timeout: 30_000 });
  await app.click('company-create');
  await app.click('nav-import', { timeout: 15_000 });
  await app.el('import-form');
  await shoot('import');

  await app.fill('import-dir', data);
  await app.click('import-start');
  // Midway if the import is slow enough to be seen; the summary in any case.
  await app.session.waitForElement('[data-testid="import-progress"]', { timeout: 10_000 });
  await shoot('import-progress');
  await app.el('import-summary', { timeout: 180_000 });
  await shoot('import-done');

  await app.click('import-open-company');
  await app.el('forecast-chart', { timeout: 30_000 });
  await app.session.waitForElement('[data-testid="dash-urgent-row"]', { timeout: 15_000 });
  await shoot('dashboard-with-data');

  await app.click('nav-import');
  await app.fill('import-dir', path.join(repoRoot, 'tests/e2e/fixtures/import-broken'));
  await app.click('import-start');
  await app.el('import-error', { timeout: 30_000 });
  await shoot('import-refused');
} finally {
  await app.close();
  fs.rmSync(data, { recursive: true, force: true });
}
// The X server the harness started keeps the event loop alive: leave explicitly (the harness's
// exit hook kills what is left).
process.exit(0);
