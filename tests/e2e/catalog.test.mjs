// The catalog as a user meets it on a fresh install: onboarding, a warehouse, a product with
// initial stock, and the duplicate-SKU refusal (SKU is unique per company, ignoring case).
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { appTest } from './harness.mjs';
import { Keys } from './webdriver.mjs';

const productRow = (sku) => `[data-testid="product-row"][data-sku="${sku}"]`;

/** The number shown by product-total ("1", "1 product", "Total: 1" all read as 1). */
async function productTotal(app) {
  const text = await app.text('product-total');
  const match = text.match(/\d+/);
  assert.ok(match, `product-total should show a number, got ${JSON.stringify(text)}`);
  return Number(match[0]);
}

async function onHandOf(app, sku) {
  const row = await app.session.waitForElement(productRow(sku));
  return (await (await row.find('[data-testid="product-on-hand"]')).text()).trim();
}

/** Close the product form the way a user would: its cancel/close button, else Escape. */
async function closeProductForm(app) {
  const form = await app.el('product-form');
  const buttons = await app.session.findAll(
    '[data-testid="product-cancel"], [data-testid="product-close"], [data-testid="product-form-close"]',
  );
  let closed = false;
  for (const button of buttons) {
    if (await button.isDisplayed()) {
      await button.click();
      closed = true;
      break;
    }
  }
  if (!closed) await (await form.find('input')).sendKeys(Keys.ESCAPE);
  await app.session.waitForGone('[data-testid="product-form"]', { timeout: 5_000 });
}

appTest('catalog: onboarding, warehouse, product with stock, duplicate SKU refused', async (app) => {
  const { session } = app;

  // Onboarding: the first company.
  await app.fill('company-name', 'Harbour Hardware', { timeout: 30_000 });
  await app.click('company-create');
  await app.el('nav-products', { timeout: 15_000 });
  assert.ok(fs.existsSync(app.dbPath), `the app should use the test database ${app.dbPath} (STOCKFLOW_DB)`);

  // A warehouse.
  await app.click('nav-warehouses');
  await app.click('warehouse-new');
  await app.fill('warehouse-name', 'Main Store');
  await app.fill('warehouse-code', 'MAIN');
  await app.fill('warehouse-address', '1 Quay Street');
  await app.click('warehouse-save');
  await session.waitForElement('[data-testid="warehouse-row"][data-name="Main Store"]');

  // A product with 7 in Main Store.
  await app.click('nav-products');
  await app.click('product-new');
  await app.el('product-form');
  await app.fill('product-sku', 'MUG-001');
  await app.fill('product-name', 'Blue mug');
  await app.fill('product-price', '12.50');
  const stockQty = await session.waitForElement('[data-testid="product-stock-qty"][data-warehouse-name="Main Store"]');
  await stockQty.sendKeys('7');
  await app.click('product-save');

  await session.waitForElement(productRow('MUG-001'));
  let onHand;
  await app.waitFor(async () => (onHand = await onHandOf(app, 'MUG-001')) === '7', {
    message: () => `MUG-001 to show 7 on hand (shows ${JSON.stringify(onHand)})`,
  });
  await app.waitFor(async () => (await productTotal(app)) === 1, { message: 'product-total to be 1' });

  // The same SKU in another case: refused, the error names the SKU, nothing is created.
  await app.click('product-new');
  await app.el('product-form');
  await app.fill('product-sku', 'mug-001');
  await app.fill('product-name', 'Green mug');
  await app.fill('product-price', '3');
  await app.click('product-save');
  const skuError = await app.waitForText('error-sku', (text) => /mug-001/i.test(text), { timeout: 10_000 });
  assert.match(skuError, /mug-001/i, 'the SKU error should name the SKU');
  await closeProductForm(app);

  // Still exactly one product, still 7 on hand.
  assert.equal(await productTotal(app), 1, 'the refused product must not have been created');
  const rows = await session.findAll('[data-testid="product-row"]');
  assert.equal(rows.length, 1, 'exactly one product row');
  assert.equal(await rows[0].attribute('data-sku'), 'MUG-001');
  assert.equal(await onHandOf(app, 'MUG-001'), '7');
  assert.equal(
    (await session.findAll('[data-testid="product-row"] [data-testid="product-on-hand"]')).length,
    1,
  );
});
