// Buying stock, as a user does it: a supplier, the product it supplies on which terms, a
// purchase order drafted with the supplier's cost, sent, received in two deliveries through the
// scanner screen (an unknown code refused, an over-receipt asked about), stock following.
import assert from 'node:assert/strict';

import { appTest } from './harness.mjs';
import { Keys } from './webdriver.mjs';

const detail = (status) => `[data-testid="po-detail"][data-status="${status}"]`;

/** Poll until `read()` returns `expected`. */
async function expectValue(app, what, read, expected) {
  let last;
  await app.waitFor(async () => (last = await read()) === expected, {
    timeout: 10_000,
    message: () => `${what} to read ${JSON.stringify(expected)} (reads ${JSON.stringify(last)})`,
  });
}

const cellText = (app, css) => async () => {
  const element = await app.session.waitForElement(css, { timeout: 2_000 });
  return (await element.text()).trim();
};

const inputValue = (app, css) => async () => {
  const element = await app.session.waitForElement(css, { timeout: 2_000 });
  return element.property('value');
};

async function scan(app, code) {
  await (await app.el('receive-scan')).sendKeys(code + Keys.ENTER);
}

/** Open the order's receive screen from its detail page. */
async function openReceive(app) {
  await app.click('po-receive');
  await app.el('receive-scan');
  await app.session.waitForElement('[data-testid="receive-line"][data-sku="MUG"]');
}

appTest('purchasing: supplier, link, order, send, receive in two deliveries', async (app) => {
  const { session } = app;

  // A company, a warehouse, a product with no stock.
  await app.fill('company-name', 'Corner Crockery', { timeout: 30_000 });
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
  await app.fill('product-sku', 'MUG');
  await app.fill('product-name', 'Stoneware mug');
  await app.fill('product-price', '6.00');
  await app.click('product-save');
  await session.waitForGone('[data-testid="product-form"]');
  await session.waitForElement('[data-testid="product-row"][data-sku="MUG"]');

  // A supplier; a bad email is refused under its field first.
  await app.click('nav-suppliers');
  await app.click('supplier-new');
  await app.fill('supplier-name', 'Potter & Co');
  await app.fill('supplier-email', 'orders-at-potter');
  await app.click('supplier-save');
  await app.waitForText('error-contact_email', 'email');
  await app.fill('supplier-email', 'orders@potter.example');
  await app.fill('supplier-phone', '+44 1632 960000');
  await app.click('supplier-save');
  const row = await session.waitForElement('[data-testid="supplier-row"][data-name="Potter & Co"]');
  assert.match(await (await row.find('[data-testid="supplier-row-email"]')).text(), /orders@potter\.example/);

  // Its page: link MUG at 2.50 with a 7-day lead time.
  await row.click();
  await session.waitForElement('[data-testid="supplier-detail"][data-name="Potter & Co"]');
  await app.fill('link-product', 'MUG');
  await (await app.el('link-product')).sendKeys(Keys.ENTER);
  await session.waitForElement('[data-testid="link-chosen"][data-sku="MUG"]');
  await app.fill('link-lead-time', '7');
  await app.fill('link-cost', '2.50');
  await app.click('link-save');
  const link = '[data-testid="supplier-product-row"][data-sku="MUG"]';
  await session.waitForElement(link);
  assert.match(await cellText(app, `${link} [data-testid="supplier-product-cost"]`)(), /^USD\s2\.50$/);
  assert.equal(await cellText(app, `${link} [data-testid="supplier-product-lead-time"]`)(), '7 d');
  await app.waitForText('supplier-lead-time', (t) => /7 d\s+promised/.test(t));

  // A purchase order for 10 MUG: the cost comes from the link.
  await app.click('nav-purchase-orders');
  await app.click('po-new');
  await app.select('po-supplier', 'Potter & Co');
  await app.select('po-warehouse', 'Main');
  await app.fill('po-product', 'MUG');
  await (await app.el('po-product')).sendKeys(Keys.ENTER);
  const line = '[data-testid="po-line"][data-sku="MUG"]';
  await session.waitForElement(line);
  await expectValue(app, 'the MUG line cost', inputValue(app, `${line} [data-testid="po-line-cost"]`), '2.50');
  const qty = await session.waitForElement(`${line} [data-testid="po-line-qty"]`);
  await session.execute(
    `const e = arguments[0]; e.value = ''; e.dispatchEvent(new Event('input', { bubbles: true }));`,
    [qty],
  );
  await qty.sendKeys('10');
  await app.waitForText('po-total', '25.00');
  await app.click('po-save');
  await session.waitForElement(detail('draft'), { timeout: 10_000 });
  assert.equal(await app.text('po-status'), 'Draft');
  assert.match(await app.text('po-detail-total'), /^USD\s25\.00$/);

  // Send it.
  await app.click('po-send');
  await session.waitForElement(detail('sent'));
  await app.el('po-expected');

  // First delivery: four mugs scanned one by one; a code that is no product is refused.
  await openReceive(app);
  for (let i = 0; i < 4; i += 1) await scan(app, 'MUG');
  const now = '[data-testid="receive-line"][data-sku="MUG"] [data-testid="receive-now"]';
  await expectValue(app, 'MUG receiving now', inputValue(app, now), '4');
  await scan(app, 'NOPE-404');
  await app.waitForText('receive-scan-error', 'NOPE-404');
  assert.equal(await inputValue(app, now)(), '4', 'an unknown code counts nothing');
  await app.click('receive-commit');
  await session.waitForElement(detail('partially_received'), { timeout: 10_000 });
  assert.equal(await app.text('po-status'), 'Partially received');
  const detailLine = '[data-testid="po-detail-line"][data-sku="MUG"]';
  assert.equal(await cellText(app, `${detailLine} [data-testid="po-received"]`)(), '4');
  assert.equal(await cellText(app, `${detailLine} [data-testid="po-ordered"]`)(), '10');

  await app.click('nav-products');
  await expectValue(
    app,
    'MUG on hand',
    cellText(app, '[data-testid="product-row"][data-sku="MUG"] [data-testid="product-on-hand"]'),
    '4',
  );

  // Second delivery from the list: 7 typed is more than the 6 open, so the app asks; no, then 6.
  await app.click('nav-purchase-orders');
  await (await session.waitForElement('[data-testid="po-row"][data-status="partially_received"]')).click();
  await session.waitForElement(detail('partially_received'));
  await openReceive(app);
  await app.fill('receive-now', '7');
  await app.click('receive-commit');
  await app.waitForText('confirm-message', 'MUG');
  await app.click('confirm-no');
  await session.waitForGone('[data-testid="confirm-dialog"]');
  await app.fill('receive-now', '6');
  await app.click('receive-commit');
  await session.waitForElement(detail('received'), { timeout: 10_000 });
  assert.equal(await app.text('po-status'), 'Received');
  assert.equal(await cellText(app, `${detailLine} [data-testid="po-received"]`)(), '10');
  assert.equal((await session.allByTestId('po-receive')).length, 0, 'a received order cannot be received again');

  await app.click('nav-stock');
  await expectValue(
    app,
    'MUG on hand in Main',
    cellText(app, '[data-testid="stock-row"][data-sku="MUG"][data-warehouse="Main"] [data-testid="stock-on-hand"]'),
    '10',
  );

  // The list shows it received, 10 of 10.
  await app.click('nav-purchase-orders');
  const done = await session.waitForElement('[data-testid="po-row"][data-status="received"]');
  assert.equal((await (await done.find('[data-testid="po-row-received"]')).text()).trim(), '10 / 10');
});
