// Money and numbers (issue #17 item 1) as a user meets them: the company's currency chosen in
// Settings, a product with a cost price, its cost and margin in the Products list, stock valued
// at cost beside its value at price on Stock and the dashboard, every amount with the currency
// and its decimals, every count with separators, and the number format following a locale
// picked in Settings > Appearance (kept in this computer's localStorage, like the theme).
// STOCKFLOW_E2E_SHOTS=DIR saves each screen, light and dark.
import assert from 'node:assert/strict';

import { appTest } from './harness.mjs';

const productRow = (sku) => `[data-testid="product-row"][data-sku="${sku}"]`;

async function cell(app, rowSelector, testId) {
  const row = await app.session.waitForElement(rowSelector);
  return (await (await row.find(`[data-testid="${testId}"]`)).text()).trim();
}

/** Waits until `read()` matches `pattern`; returns the text. */
async function expectText(app, what, read, pattern) {
  let last;
  await app.waitFor(async () => pattern.test((last = await read())), {
    message: () => `${what} to match ${pattern} (shows ${JSON.stringify(last)})`,
  });
  return last;
}



async function shootScreens(app, theme) {
  if (!process.env.STOCKFLOW_E2E_SHOTS) return;
  await app.setTheme(theme);
  await app.session.execute(
    `document.querySelector('[data-testid="settings-currency"]').scrollIntoView({ block: 'center' });`,
  );
  await app.shot(`settings-company-${theme}`);
  await app.session.execute(
    `document.querySelector('[data-testid="number-locale"]').scrollIntoView({ block: 'center' });`,
  );
  await app.shot(`settings-appearance-${theme}`);
  await app.click('nav-products');
  await app.session.waitForElement(productRow('MUG'));
  await app.shot(`products-${theme}`);
  await (await app.session.waitForElement(productRow('MUG'))).click();
  await app.el('product-form');
  await app.waitForText('product-margin', '40.0');
  await app.shot(`product-form-${theme}`);
  await app.click('product-close');
  await app.session.waitForGone('[data-testid="product-form"]', { timeout: 5_000 });
  await app.click('nav-stock');
  await app.el('stock-total-value');
  await app.shot(`stock-${theme}`);
  await app.click('nav-dashboard');
  await app.waitForText('dash-cost-value', '1,110,375.00');
  await app.shot(`dashboard-${theme}`);
  await app.click('company-new');
  await app.el('company-currency');
  await app.shot(`new-company-${theme}`);
  await app.session.execute("document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))");
  await app.session.waitForGone('[data-testid="company-currency"]', { timeout: 5_000 });
}

appTest('money: currency, cost price, margins, value at cost and the number locale', async (app) => {
  await app.fill('company-name', 'Harbour Hardware', { timeout: 30_000 });
  await app.select('company-currency', 'GBP');
  await app.shot('onboarding-light');
  await app.click('company-create');
  await app.el('nav-products', { timeout: 15_000 });

  // The company's currency: Settings > Company, EUR.
  await app.click('nav-settings');
  await app.el('settings-currency');
  assert.equal(await app.session.execute(
    'return document.querySelector(\'[data-testid="settings-currency"]\').value'), 'GBP', 'the currency chosen at onboarding');
  await app.select('settings-currency', 'EUR');
  await app.waitForText('settings-currency-hint', 'EUR');
  await app.click('settings-save');
  await app.waitForText('settings-currency-hint', '2 decimals');

  await app.click('nav-warehouses');
  await app.click('warehouse-new');
  await app.fill('warehouse-name', 'Main');
  await app.click('warehouse-save');
  await app.session.waitForElement('[data-testid="warehouse-row"][data-name="Main"]');

  // A product with a cost price: the form shows the margin as it is typed.
  await app.click('nav-products');
  await app.click('product-new');
  await app.el('product-form');
  await app.fill('product-sku', 'MUG');
  await app.fill('product-name', 'Blue mug');
  await app.fill('product-price', '1234.5');
  await app.fill('product-cost', '740.25');
  await expectText(app, 'the margin in the form', () => app.text('product-margin'), /^EUR\s494\.25 · 40\.0%$/);
  const qty = await app.session.waitForElement('[data-testid="product-stock-qty"][data-warehouse-name="Main"]');
  await qty.sendKeys('1500');
  await app.click('product-save');
  await app.session.waitForGone('[data-testid="product-form"]', { timeout: 10_000 });

  // A bad cost is refused under its field.
  await app.click('product-new');
  await app.el('product-form');
  await app.fill('product-sku', 'BAD');
  await app.fill('product-name', 'Bad cost');
  await app.fill('product-price', '3');
  await app.fill('product-cost', '1,5');
  await app.click('product-save');
  await app.waitForText('error-cost', 'cost');
  await app.click('product-close');
  await app.session.waitForGone('[data-testid="product-form"]', { timeout: 5_000 });

  // One without a cost.
  await app.click('product-new');
  await app.el('product-form');
  await app.fill('product-sku', 'PLATE');
  await app.fill('product-name', 'Plate');
  await app.fill('product-price', '3');
  const plates = await app.session.waitForElement('[data-testid="product-stock-qty"][data-warehouse-name="Main"]');
  await plates.sendKeys('10');
  await app.click('product-save');
  await app.session.waitForGone('[data-testid="product-form"]', { timeout: 10_000 });

  // The list: price and cost with the currency and its two decimals, the margin as a percent.
  await expectText(app, 'MUG price', () => cell(app, productRow('MUG'), 'product-price-cell'), /^EUR\s1,234\.50$/);
  assert.match(await cell(app, productRow('MUG'), 'product-cost-cell'), /^EUR\s740\.25$/);
  assert.equal(await cell(app, productRow('MUG'), 'product-margin-cell'), '40.0%');
  assert.equal(await cell(app, productRow('MUG'), 'product-on-hand'), '1,500', 'counts have separators');
  assert.equal(await cell(app, productRow('PLATE'), 'product-cost-cell'), '—', 'no cost: a dash');
  assert.equal(await cell(app, productRow('PLATE'), 'product-margin-cell'), '—');
  assert.equal((await app.session.findAll(productRow('BAD'))).length, 0, 'the refused product was not made');

  // Stock: value at price and at cost per line, and their totals.
  await app.click('nav-stock');
  const stockRow = '[data-testid="stock-row"][data-sku="MUG"]';
  await expectText(app, 'MUG value at price', () => cell(app, stockRow, 'stock-value-price'), /^EUR\s1,851,750\.00$/);
  assert.match(await cell(app, stockRow, 'stock-value-cost'), /^EUR\s1,110,375\.00$/);
  assert.equal(await cell(app, '[data-testid="stock-row"][data-sku="PLATE"]', 'stock-value-cost'), '—');
  assert.match(
    await app.text('stock-total-value'),
    /^EUR\s1,851,780\.00 at price · EUR\s1,110,375\.00 at cost \(1 line without a cost\)$/,
  );

  // The dashboard: value at cost beside value at price; units with separators.
  await app.click('nav-dashboard');
  await app.waitForText('dash-value', '1,851,780.00');
  assert.match(await app.text('dash-value'), /EUR\s1,851,780\.00/);
  assert.match(await app.text('dash-cost-value'), /^EUR\s1,110,375\.00 at cost, 1 product without a cost$/);
  assert.match(await app.text('dash-units'), /1,510/);

  await shootScreens(app, 'light');
  await shootScreens(app, 'dark');

  // Settings > Appearance: German numbers. Every screen follows.
  await app.click('nav-settings');
  await app.select('number-locale', 'de-DE');
  await app.waitForText('number-locale-sample', '489.255');
  await app.click('nav-products');
  await expectText(app, 'MUG price in German', () => cell(app, productRow('MUG'), 'product-price-cell'), /^1\.234,50\sEUR$/);
  assert.equal(await cell(app, productRow('MUG'), 'product-on-hand'), '1.500');
  assert.match(await cell(app, productRow('MUG'), 'product-margin-cell'), /^40,0\s%$/);
  await app.click('nav-dashboard');
  await expectText(app, 'the dashboard in German', () => app.text('dash-value'), /1\.851\.780,00\sEUR/);
  assert.match(await app.text('dash-units'), /1\.510/);
  if (process.env.STOCKFLOW_E2E_SHOTS) await app.shot('dashboard-de-dark');
});
