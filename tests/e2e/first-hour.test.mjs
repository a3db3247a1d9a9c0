// The first hour of a new shop (issue #17 item 6), as a user meets it: the owner's setup form
// with all its errors at once, the onboarding walked Company > Warehouse > Products without
// jumping to the dashboard, the empty dashboard saying what to do next, and products brought in
// from the spreadsheet the shop kept them in: the columns guessed and one changed, the first
// rows with the bad cells marked and their errors in words, the import all or nothing (a file
// changed after its preview is refused with file, line and column, and nothing is written).
// Each screen is saved in light and dark under tests/e2e/artifacts/first-hour-*.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { appTest, artifactsDir, OWNER } from './harness.mjs';

/** The screen as painted, in the light and the dark theme, then back to light; `scrollTo` (a
 *  data-testid) is brought into view first. */
async function shots(app, name, scrollTo = null) {
  if (scrollTo) {
    await app.session.execute(
      'document.querySelector(`[data-testid="${arguments[0]}"]`).scrollIntoView({ block: "center" });',
      [scrollTo],
    );
  }
  fs.mkdirSync(artifactsDir, { recursive: true });
  for (const theme of ['light', 'dark']) {
    await app.session.execute('document.documentElement.dataset.theme = arguments[0];', [theme]);
    await app.session.executeAsync(
      'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
      [],
    );
    fs.writeFileSync(path.join(artifactsDir, `first-hour-${name}-${theme}.png`), await app.session.screenshot());
  }
  await app.session.execute('document.documentElement.dataset.theme = "light";', []);
}

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

async function productCount(app) {
  const [company] = await invoke(app, 'list_companies', {});
  const page = await invoke(app, 'list_products', {
    query: { company_id: company.id, limit: 50, offset: 0 },
  });
  return page.total;
}

/** The marked cells of the preview: "line:header". */
async function badCells(app) {
  return app.session.execute(
    `return [...document.querySelectorAll('[data-testid="sheet-cell"][data-bad="true"]')]
       .map((c) => c.closest('[data-testid="sheet-row"]').dataset.line + ':' + c.dataset.header);`,
    [],
  );
}

async function count(app, testId) {
  return (await app.session.allByTestId(testId)).length;
}

/** What a shop keeps in its own spreadsheet: its own headers, a price column we do not guess. */
const OWN_HEADERS = 'Item code,Description,Retail,Main Store,Notes\r\n';

async function company(app, name) {
  await app.fill('company-name', name, { timeout: 30_000 });
  await app.click('company-create');
}

appTest(
  'first hour: setup errors all at once, Company > Warehouse > Products, the empty dashboard',
  async (app) => {
    // The owner's form: a short password and a different confirmation, both said at once.
    await app.fill('setup-name', OWNER.name, { timeout: 30_000 });
    await app.fill('setup-email', OWNER.email);
    await app.fill('setup-password', 'short');
    await app.fill('setup-confirm', 'shirt');
    await app.click('setup-submit');
    await app.waitForText('error-password', (t) => /8/.test(t));
    assert.match(await app.text('error-confirm'), /not the same/, 'the mismatch in the same round as the length');
    assert.equal(await count(app, 'error-password'), 1, 'the length error once');
    assert.equal(await count(app, 'error-confirm'), 1, 'the mismatch once');
    const form = await app.text('setup-form');
    assert.equal(form.match(/at least 8 characters/gi)?.length, 1, `the length said once, not hint and error: ${form}`);
    await shots(app, 'setup-errors');

    await app.fill('setup-password', OWNER.password);
    await app.fill('setup-confirm', OWNER.password);
    await app.click('setup-submit');
    await app.session.waitForGone('[data-testid="setup"]', { timeout: 15_000 });

    // Step 1, the company; then step 2 in the app, not the dashboard.
    await company(app, 'Harbour Hardware');
    await app.session.waitForElement('[data-testid="welcome"][data-step="warehouse"]', { timeout: 15_000 });
    assert.equal(await count(app, 'forecast-chart'), 0, 'not on the dashboard');
    await app.click('welcome-warehouse-save');
    await app.waitForText('error-name', (t) => /name/i.test(t));
    await shots(app, 'welcome-warehouse');
    await app.fill('welcome-warehouse-name', 'Main Store');
    await app.click('welcome-warehouse-save');

    // Step 3: add a product, import a spreadsheet, or skip.
    await app.session.waitForElement('[data-testid="welcome"][data-step="products"]');
    for (const choice of ['welcome-add-product', 'welcome-import', 'welcome-skip']) await app.el(choice);
    await shots(app, 'welcome-products');
    await app.click('welcome-skip');

    // The empty dashboard: what to do next, not "Of 0 stock lines" over an empty chart.
    const empty = await app.el('forecast-empty', { timeout: 15_000 });
    assert.match(await empty.text(), /No products yet/);
    assert.equal(await count(app, 'forecast-chart'), 0, 'no chart of zeros');
    assert.doesNotMatch(await app.text('dash-urgent'), /below its threshold/);
    await app.el('forecast-empty-add');
    await app.el('forecast-empty-import');
    await shots(app, 'dashboard-empty');

    // Its "Import a spreadsheet" opens the Import screen on that path.
    await app.click('forecast-empty-import');
    await app.el('sheet-panel');
    assert.equal(await (await app.el('import-tab-spreadsheet')).attribute('aria-pressed'), 'true');
  },
  { setup: false },
);

appTest('first hour: products from a spreadsheet at the onboarding, a column mapped, bad cells marked', async (app) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockflow-e2e-sheet-'));
  try {
    const file = path.join(dir, 'my products.csv');
    fs.writeFileSync(
      file,
      OWN_HEADERS +
        'MUG-1,Blue mug,12.50,5,kitchen\r\n' +
        'GLUE-1,"Glue,\r\nstrong",cheap,-2,\r\n' +
        'BOWL-1,Bowl,4.00,3,\r\n',
    );
    await company(app, 'Harbour Hardware');
    await app.fill('welcome-warehouse-name', 'Main Store', { timeout: 15_000 });
    await app.click('welcome-warehouse-save');
    await app.click('welcome-import');
    await app.waitForText('sheet-template-columns', 'qty:Main Store');

    // The file's columns as guessed: the price is not, so nothing can be imported yet.
    await app.fill('sheet-path', file);
    await app.click('sheet-preview');
    await app.waitForText('sheet-missing', (t) => /price/.test(t));
    const guessed = await app.session.execute(
      `return Object.fromEntries([...document.querySelectorAll('[data-testid="sheet-map"]')]
         .map((m) => [m.dataset.header, m.dataset.field]));`,
      [],
    );
    assert.deepEqual(guessed, {
      'Item code': 'sku',
      Description: 'name',
      Retail: '',
      'Main Store': 'qty:Main Store',
      Notes: '',
    });
    assert.equal(await (await app.el('sheet-import')).isEnabled(), false);
    await shots(app, 'sheet-unmapped');

    // Retail is the price: every row checked, the bad cells marked, the errors in words.
    await app.select('sheet-map-Retail', 'price');
    await app.waitForText('sheet-error-count', (t) => /2 cells need correcting/.test(t));
    assert.deepEqual((await badCells(app)).sort(), ['3:Main Store', '3:Retail']);
    const errors = await app.session.execute(
      `return [...document.querySelectorAll('[data-testid="sheet-error"]')].map((e) => e.textContent.trim());`,
      [],
    );
    assert.equal(errors.length, 2);
    assert.match(errors[0], /^Line 3, column Retail: Price must be a number/);
    assert.match(errors[1], /^Line 3, column Main Store: /);
    assert.equal(await count(app, 'sheet-row'), 3, 'the first rows, the wrapped name on one line');
    assert.equal(await (await app.el('sheet-import')).isEnabled(), false, 'no import with a bad cell');
    await shots(app, 'sheet-errors', 'sheet-rows');
    assert.equal(await productCount(app), 0, 'a preview writes nothing');

    // Two columns for one field: said under the columns, which stay there to fix it.
    await app.select('sheet-map-Notes', 'sku');
    await app.waitForText('sheet-map-error', (t) => /two columns/i.test(t));
    assert.equal(await (await app.el('sheet-import')).isEnabled(), false);
    await app.select('sheet-map-Notes', '');
    await app.waitFor(async () => (await count(app, 'sheet-map-error')) === 0, { message: 'the mapping error gone' });

    // Corrected in the spreadsheet: the same file previewed again keeps the chosen column.
    fs.writeFileSync(
      file,
      OWN_HEADERS + 'MUG-1,Blue mug,12.50,5,kitchen\r\nGLUE-1,"Glue,\r\nstrong",3.00,2,\r\nBOWL-1,Bowl,4.00,3,\r\n',
    );
    await app.click('sheet-preview');
    await app.waitFor(async () => (await count(app, 'sheet-errors')) === 0 && (await badCells(app)).length === 0, {
      message: 'the corrected file to preview clean',
    });
    assert.equal(await (await app.el('sheet-map-Retail')).property('value'), 'price');
    await app.waitFor(async () => (await app.el('sheet-import')).isEnabled(), { message: 'the import button' });
    await app.click('sheet-import');
    const summary = await app.el('sheet-summary', { timeout: 15_000 });
    assert.equal(await summary.attribute('data-products'), '3');
    assert.equal(await summary.attribute('data-units'), '10');
    await app.el('welcome-imported');
    await shots(app, 'welcome-imported');
    assert.equal(await productCount(app), 3);

    // The dashboard now has the products: the empty state says to sell, not to add products.
    await app.click('welcome-done');
    const empty = await app.el('forecast-empty', { timeout: 15_000 });
    assert.match(await empty.text(), /No sales/);
    await app.click('nav-products');
    await app.session.waitForElement('[data-testid="product-row"][data-sku="GLUE-1"]');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

appTest('first hour: Import > From a spreadsheet is all or nothing, naming file, line and column', async (app) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockflow-e2e-sheet-'));
  try {
    const file = path.join(dir, 'stock.csv');
    fs.writeFileSync(file, 'sku,name,price,qty:Main Store\nMUG-1,Blue mug,12.50,5\nBOWL-1,Bowl,4.00,3\n');
    await company(app, 'Harbour Hardware');
    await app.fill('welcome-warehouse-name', 'Main Store', { timeout: 15_000 });
    await app.click('welcome-warehouse-save');
    await app.el('welcome-products');
    await app.click('nav-import');
    await app.click('import-tab-spreadsheet');
    await app.fill('sheet-path', file);
    await app.click('sheet-preview');
    await app.waitFor(async () => (await app.el('sheet-import')).isEnabled(), { message: 'a clean file to import' });
    await shots(app, 'import-sheet-preview');

    // The file changes after its preview: its third row is now bad. The import refuses it all.
    fs.writeFileSync(file, 'sku,name,price,qty:Main Store\nMUG-1,Blue mug,12.50,5\nBOWL-1,Bowl,4.00,lots\n');
    await app.click('sheet-import');
    await app.el('sheet-refused', { timeout: 15_000 });
    assert.equal(await app.text('sheet-refused-file'), 'stock.csv');
    assert.equal(await app.text('sheet-refused-line'), '3');
    assert.equal(await app.text('sheet-refused-column'), 'qty:Main Store');
    assert.match(await app.text('sheet-refused-reason'), /lots/);
    assert.equal(await count(app, 'sheet-summary'), 0);
    assert.equal(await productCount(app), 0, 'nothing written, not even MUG-1');
    await shots(app, 'import-sheet-refused');

    // A file that is not there: refused, said in words.
    await app.fill('sheet-path', path.join(dir, 'nowhere.csv'));
    await app.click('sheet-preview');
    await app.waitForText('sheet-refused-reason', (t) => /nowhere\.csv/.test(t));
    assert.equal(await productCount(app), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
