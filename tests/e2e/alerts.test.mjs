// From a sale to a purchase order, as a buyer does it: a product with threshold 10 and 12 in
// stock, a supplier with a 7-day lead time and a minimum order of 12; five sold at the till
// bring it to 7, below its threshold, so it shows on the Alerts page with the right figures;
// "Create draft orders" drafts a purchase order for the suggested quantity.
import assert from 'node:assert/strict';

import { appTest } from './harness.mjs';
import { addProduct } from './shop.mjs';
import { Keys } from './webdriver.mjs';

const row = '[data-testid="alert-row"][data-sku="MUG"][data-warehouse="Main"]';

async function cell(app, testId) {
  const element = await app.session.waitForElement(`${row} [data-testid="${testId}"]`, { timeout: 5_000 });
  return (await element.text()).trim();
}

/** `YYYY-MM-DD` in UTC, `days` from now: how the core dates `reorder_by`. */
const utcDay = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

appTest('alerts: a sale below the threshold shows an alert; drafting orders the suggested quantity', async (app) => {
  const { session } = app;

  // A company and a warehouse.
  await app.fill('company-name', 'Corner Crockery', { timeout: 30_000 });
  await app.click('company-create');
  await app.el('nav-warehouses', { timeout: 15_000 });
  await app.click('nav-warehouses');
  await app.click('warehouse-new');
  await app.fill('warehouse-name', 'Main');
  await app.click('warehouse-save');
  await session.waitForElement('[data-testid="warehouse-row"][data-name="Main"]');

  // Nothing alerts yet.
  await app.click('nav-alerts');
  await app.el('alerts-empty');

  // MUG: threshold 10, 12 in Main.
  await addProduct(app, { sku: 'MUG', name: 'Stoneware mug', price: '6.00', threshold: 10, stock: 12 });

  // Potter & Co supplies it: 7 days, 2.50 each, at least 12.
  await app.click('nav-suppliers');
  await app.click('supplier-new');
  await app.fill('supplier-name', 'Potter & Co');
  await app.fill('supplier-email', 'orders@potter.example');
  await app.click('supplier-save');
  await (await session.waitForElement('[data-testid="supplier-row"][data-name="Potter & Co"]')).click();
  await session.waitForElement('[data-testid="supplier-detail"][data-name="Potter & Co"]');
  await app.fill('link-product', 'MUG');
  await (await app.el('link-product')).sendKeys(Keys.ENTER);
  await session.waitForElement('[data-testid="link-chosen"][data-sku="MUG"]');
  await app.fill('link-lead-time', '7');
  await app.fill('link-cost', '2.50');
  await app.fill('link-moq', '12');
  await app.click('link-save');
  await session.waitForElement('[data-testid="supplier-product-row"][data-sku="MUG"]');

  // Five sold at the till: 7 left, below 10.
  await app.click('nav-sales');
  await app.click('sale-new');
  await app.el('sale-scan');
  await app.select('sale-warehouse', 'Main');
  for (let i = 0; i < 5; i += 1) await (await app.el('sale-scan')).sendKeys('MUG' + Keys.ENTER);
  await app.waitForText('sale-total', '30.00');
  await app.click('sale-complete');
  await app.waitForText('sale-last-total', '30.00');

  // The alert: 30 days * 7 on hand / 5 sold = 42 days; order 12 (13 covers 7 + 7 days at 5 a
  // month plus the threshold, less 7 on hand = 6, raised to the MOQ); by 42 - 7 = 35 days from now.
  await app.click('nav-alerts');
  const before = utcDay(35);
  await session.waitForElement(row, { timeout: 10_000 });
  const after = utcDay(35);
  assert.equal(await cell(app, 'alert-on-hand'), '7');
  assert.equal(await cell(app, 'alert-threshold'), '10');
  assert.equal(await cell(app, 'alert-sold'), '5');
  assert.equal(await cell(app, 'alert-days'), '42 days');
  const days = await session.waitForElement(`${row} [data-testid="alert-days"]`);
  assert.equal(await days.attribute('data-urgency'), 'later', '42 days left against a 7-day lead time');
  assert.equal(await cell(app, 'alert-on-order'), '0');
  assert.equal(await cell(app, 'alert-suggested'), '12');
  assert.equal(await cell(app, 'alert-supplier'), 'Potter & Co');
  const by = await (await session.waitForElement(`${row} [data-testid="alert-reorder-by"]`)).attribute('data-day');
  assert.ok([before, after].includes(by), `order by ${by}, expected ${before}`);
  await app.waitForText('alerts-total', (t) => t.startsWith('1 product below'));

  // Nothing chosen: the button waits for a choice. Choose the row, create the drafts.
  assert.equal(await (await app.el('alerts-create')).isEnabled(), false);
  await (await session.waitForElement(`${row} [data-testid="alert-select"]`)).click();
  await app.waitForText('alerts-selection', '1 alert selected');
  await app.click('alerts-create');
  const dialog = await app.el('drafted-dialog', { timeout: 10_000 });
  assert.equal(await dialog.attribute('data-orders'), '1');
  assert.equal(await dialog.attribute('data-skipped'), '0');
  const drafted = await session.waitForElement('[data-testid="drafted-order"][data-supplier="Potter & Co"][data-warehouse="Main"]');
  assert.match(await drafted.text(), /MUG × 12/);

  // It is a draft purchase order of 12 MUG at 2.50.
  await app.click('drafted-order-link');
  await session.waitForElement('[data-testid="po-detail"][data-status="draft"]', { timeout: 10_000 });
  const line = '[data-testid="po-detail-line"][data-sku="MUG"]';
  assert.equal((await (await session.waitForElement(`${line} [data-testid="po-ordered"]`)).text()).trim(), '12');
  assert.match(await app.text('po-detail-total'), /^USD\s30\.00$/, 'money shows its currency');

  // Drafting again orders nothing twice: the dialog says it is already on that draft.
  await app.click('nav-alerts');
  await session.waitForElement(row);
  await app.click('alerts-select-all-matching');
  await app.waitForText('alerts-selection', 'The matching alert is selected');
  await app.click('alerts-create');
  const skipped = await session.waitForElement('[data-testid="drafted-skipped"][data-sku="MUG"]', { timeout: 10_000 });
  assert.equal(await skipped.attribute('data-reason'), 'already_on_draft');
  assert.equal(await (await app.el('drafted-dialog')).attribute('data-orders'), '0');
  await app.click('drafted-done');
  await session.waitForGone('[data-testid="drafted-dialog"]');
  await app.click('nav-purchase-orders');
  await session.waitForElement('[data-testid="po-row"][data-status="draft"]');
  assert.equal((await session.allByTestId('po-row')).length, 1, 'one draft in all');

  // TEA: 40 in Main, threshold 10; 39 sold in one sale leave 1, which lasts 30 * 1 / 39 = 0
  // whole days: "< 1 day", not "Out now" (there is still one to sell).
  await addProduct(app, { sku: 'TEA', name: 'Tea towel', price: '3.00', threshold: 10, stock: 40 });
  await app.click('nav-sales');
  await app.click('sale-new');
  await app.el('sale-scan');
  await app.select('sale-warehouse', 'Main');
  await (await app.el('sale-scan')).sendKeys('TEA' + Keys.ENTER);
  const teaQty = await session.waitForElement('[data-testid="sale-line"][data-sku="TEA"] [data-testid="sale-line-qty"]');
  await session.execute(
    `const e = arguments[0]; e.value = ''; e.dispatchEvent(new Event('input', { bubbles: true }));`,
    [teaQty],
  );
  await teaQty.sendKeys('39');
  await app.waitForText('sale-total', '117.00');
  await app.click('sale-complete');
  await app.waitForText('sale-last-total', '117.00');
  await app.click('nav-alerts');
  const tea = '[data-testid="alert-row"][data-sku="TEA"][data-warehouse="Main"]';
  const teaDays = await session.waitForElement(`${tea} [data-testid="alert-days"]`, { timeout: 10_000 });
  assert.equal(await teaDays.attribute('data-days'), '0');
  assert.equal((await teaDays.text()).trim(), '< 1 day');
  await app.shot('alerts-last-unit');
});
