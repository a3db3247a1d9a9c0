// Bringing a shop in from CSV files and reading its dashboard, as a user does it: the folder's
// path typed on the Import screen, the progress bar running to the end, the counts, then the
// imported company's dashboard with its alerts (the same number `low_stock_alerts` answers),
// the most urgent ones and the running-out chart. A broken folder is refused with the file, line
// and column named, and the dashboard stays as it was.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { appTest } from './harness.mjs';
import { COMPANY, writeShop } from './shop.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const BROKEN = path.join(here, 'fixtures', 'import-broken');

/** A command invoked from the page, through the same IPC and permissions as the UI's own. */
async function invoke(app, command, args) {
  const result = await app.session.executeAsync(
    `const [command, args, done] = arguments;
     window.__TAURI_INTERNALS__.invoke(command, args).then(
       (value) => done({ ok: value }),
       (error) => done({ error: JSON.stringify(error) }),
     );`,
    [command, args],
  );
  if (result.error) throw new Error(`${command} was refused: ${result.error}`);
  return result.ok;
}

/** The forecast bars as drawn: { 7: n, 14: n, 30: n }. */
async function bars(app) {
  const pairs = await app.session.execute(
    `return [...document.querySelectorAll('[data-testid="forecast-bar"]')]
       .map((b) => [b.dataset.days, Number(b.dataset.count)]);`,
  );
  return Object.fromEntries(pairs);
}

/** What the dashboard shows for the company: the alert count, the urgent SKUs, the chart, the value. */
async function dashboard(app) {
  await app.el('forecast-chart', { timeout: 15_000 });
  await app.waitFor(async () => /\d/.test(await app.text('dash-alert-count')), {
    timeout: 10_000,
    message: 'the alert count',
  });
  const urgent = await app.session.execute(
    `return [...document.querySelectorAll('[data-testid="dash-urgent-row"]')].map((r) => r.dataset.sku);`,
  );
  return {
    alerts: Number((await app.text('dash-alert-count')).replace(/\D/g, '')),
    urgent,
    bars: await bars(app),
    value: await app.text('dash-value'),
  };
}

async function createFirstCompany(app) {
  await app.fill('company-name', 'Scratch Pad', { timeout: 30_000 });
  await app.click('company-create');
  await app.el('nav-import', { timeout: 15_000 });
}

async function importThroughTheScreen(app, dir) {
  await app.click('nav-import');
  await app.fill('import-dir', dir);
  await app.click('import-start');
}

function tempShop() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockflow-e2e-shop-'));
  writeShop(dir);
  return dir;
}

appTest('import: a typed folder path imported with progress, then its dashboard', async (app) => {
  const shop = tempShop();
  try {
    await createFirstCompany(app);
    await importThroughTheScreen(app, shop);

    // The progress bar runs to its end, then the counts of what came in.
    await app.session.waitForElement('[data-testid="import-progress"][data-state="done"]', { timeout: 60_000 });
    const progress = await app.el('import-progress');
    assert.equal(await progress.attribute('aria-valuenow'), '100');
    assert.equal(await app.text('import-progress-text'), 'Done');
    await app.el('import-summary');
    const counts = Object.fromEntries(
      await app.session.execute(
        `return [...document.querySelectorAll('[data-testid="import-count"]')]
           .map((c) => [c.dataset.label, c.querySelector('.count-value').textContent.trim()]);`,
      ),
    );
    assert.deepEqual(
      [counts.Companies, counts.Products, counts.Sales, counts['Stock lines']],
      ['1', '6', '8', '7'],
      `the summary counts each file's rows: ${JSON.stringify(counts)}`,
    );

    // Its dashboard: the alert count is what low_stock_alerts answers, the most urgent first.
    await app.click('import-open-company', { timeout: 5_000 });
    await app.waitForText('dash-alerts', 'Alerts');
    const company = (await invoke(app, 'list_companies', {})).find((c) => c.name === COMPANY);
    assert.ok(company, 'the imported company is listed');
    const page = await invoke(app, 'low_stock_alerts', { query: { company_id: company.id, limit: 0, offset: 0, window_days: 0 } });
    const shown = await dashboard(app);
    assert.equal(shown.alerts, page.total_alerts, 'the dashboard counts what low_stock_alerts answers');
    assert.equal(shown.alerts, 3, 'MUG, BOWL and JUG in Main are low and selling');
    assert.deepEqual(shown.urgent, ['MUG', 'BOWL', 'JUG'], 'most urgent first');
    assert.deepEqual(shown.bars, { 7: 1, 14: 2, 30: 3 }, 'MUG within 7 days, BOWL within 14, CUP within 30');
    assert.match(shown.value, /1,419\.50/, 'stock value: on hand at selling price');

    // The count links to the alerts screen.
    assert.match(await (await app.el('dash-alerts')).attribute('href'), /#\/alerts$/);
  } finally {
    fs.rmSync(shop, { recursive: true, force: true });
  }
});

appTest('import: a refused folder names the file, line and column, and changes nothing', async (app) => {
  const shop = tempShop();
  try {
    await createFirstCompany(app);
    // A shop already imported, its dashboard as it stands.
    await importThroughTheScreen(app, shop);
    await app.click('import-open-company', { timeout: 60_000 });
    const before = await dashboard(app);
    assert.equal(before.alerts, 3);

    // A folder whose second sale names a warehouse that does not exist.
    await importThroughTheScreen(app, BROKEN);
    await app.el('import-error', { timeout: 60_000 });
    assert.equal(await app.text('import-error-file'), 'sales.csv');
    assert.equal(await app.text('import-error-line'), '3');
    assert.equal(await app.text('import-error-column'), 'warehouse_id');
    assert.match(await app.text('import-error-reason'), /9/);
    assert.match(await app.text('import-error-unchanged'), /Nothing was changed/);
    assert.equal((await app.session.findAll('[data-testid="import-summary"]')).length, 0);

    // Nothing of it was written: no new company, the dashboard as before.
    const names = (await invoke(app, 'list_companies', {})).map((c) => c.name).sort();
    assert.deepEqual(names, [COMPANY, 'Scratch Pad']);
    await app.click('nav-dashboard');
    assert.deepEqual(await dashboard(app), before, 'the dashboard is unchanged');
  } finally {
    fs.rmSync(shop, { recursive: true, force: true });
  }
});
