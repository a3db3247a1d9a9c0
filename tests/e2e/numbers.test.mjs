// Human numbers and refunds in the window: two sales rung up get S-0001 and S-0002, the list
// finds one by its number and by day, a return shows what it refunded and the sale's net total,
// and Settings > Numbering shows the next numbers and takes a series of the owner's choosing.
import assert from 'node:assert/strict';
import path from 'node:path';

import { appTest, artifactsDir } from './harness.mjs';
import { Keys } from './webdriver.mjs';

async function shot(app, name) {
  const fs = await import('node:fs/promises');
  await fs.mkdir(artifactsDir, { recursive: true });
  await fs.writeFile(path.join(artifactsDir, `${name}.png`), await app.session.screenshot());
}

/** Sets an input's value as typing would (also to nothing, and for date inputs). */
async function setValue(app, testId, value) {
  await app.session.execute(
    `const e = arguments[0]; e.value = arguments[1]; e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true }));`,
    [await app.el(testId), value],
  );
}

async function sell(app, code, times, expected) {
  await app.click('nav-sales');
  await app.click('sale-new');
  await app.el('sale-scan');
  await app.select('sale-warehouse', 'Main');
  for (let i = 0; i < times; i++) await (await app.el('sale-scan')).sendKeys(code + Keys.ENTER);
  await app.waitFor(async () => (await app.session.allByTestId('sale-line')).length === 1, { message: 'a sale line' });
  await app.click('sale-complete');
  return app.waitForText('sale-last-number', expected);
}

appTest('numbers: sales are numbered, found by number and day, and returns show the refund', async (app) => {
  const { session } = app;
  await app.fill('company-name', 'Number Nine Hardware', { timeout: 30_000 });
  await app.click('company-create');
  await app.el('nav-warehouses', { timeout: 15_000 });
  await app.click('nav-warehouses');
  await app.click('warehouse-new');
  await app.fill('warehouse-name', 'Main');
  await app.click('warehouse-save');
  await session.waitForElement('[data-testid="warehouse-row"][data-name="Main"]');
  await app.click('nav-products');
  await app.click('product-new');
  await app.el('product-form');
  await app.fill('product-sku', 'HOOK');
  await app.fill('product-name', 'Brass hook');
  await app.fill('product-price', '2.50');
  const qty = await session.waitForElement('[data-testid="product-stock-qty"][data-warehouse-name="Main"]');
  await qty.sendKeys('40');
  await app.click('product-save');
  await session.waitForGone('[data-testid="product-form"]');

  assert.equal(await sell(app, 'HOOK', 3, 'S-0001'), 'S-0001');
  assert.equal(await sell(app, 'HOOK', 2, 'S-0002'), 'S-0002');

  // The list shows numbers and finds one.
  await app.click('nav-sales');
  await app.waitFor(async () => (await session.allByTestId('sale-row')).length === 2, { message: 'two sales listed' });
  const numbers = [];
  for (const cell of await session.allByTestId('sale-row-number')) numbers.push((await cell.text()).trim());
  assert.deepEqual(numbers, ['S-0002', 'S-0001'], 'newest first, by number');
  await app.fill('sales-search', '0001');
  await app.waitFor(async () => (await session.allByTestId('sale-row')).length === 1, { message: 'one sale found by number' });
  await shot(app, 'sales-search');
  await setValue(app, 'sales-search', '');
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await setValue(app, 'sales-from', tomorrow);
  await app.waitFor(async () => (await session.allByTestId('sale-row')).length === 0, { message: 'no sale from tomorrow on' });
  await setValue(app, 'sales-from', today);
  await app.waitFor(async () => (await session.allByTestId('sale-row')).length === 2, { message: 'both sales from today' });

  // Return one hook of S-0001: refunded 2.50, net 5.00.
  const first = await session.waitForElement('[data-testid="sale-row"]:last-child');
  await first.click();
  const back = await session.waitForElement('[data-testid="return-qty"][data-sku="HOOK"]');
  await back.sendKeys('1');
  await app.click('return-save');
  await app.waitForText('sale-detail-refunded', '2.50');
  assert.match(await app.text('sale-detail-net'), /^USD\s5\.00$/);
  await shot(app, 'sale-refund');
  await (await app.session.waitForElement('.modal-foot .btn:not(.primary)')).click();
  await app.session.waitForGone('[data-testid="sale-detail-net"]');

  // Settings > Numbering: the next sale, and a series of the owner's choosing.
  await app.click('nav-settings');
  await app.waitForText('numbering-next-sale', 'S-0003');
  await app.fill('settings-series', 'b2');
  await app.click('settings-series-save');
  await app.waitForText('numbering-next-sale', 'S-B2-0001');
  await shot(app, 'settings-numbering');
});
