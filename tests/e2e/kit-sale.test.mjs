// A kit sold at the till: CUP and SAUCER in stock, SET made a kit of one of each through the
// components editor, three SETs sold by scanning, the components' stock going down, and a
// sale of more kits than the components allow refused (insufficient_stock) with nothing written.
import assert from 'node:assert/strict';

import { appTest } from './harness.mjs';
import { addProduct } from './shop.mjs';
import { Keys } from './webdriver.mjs';

const stockCell = (sku, warehouse, cell) =>
  `[data-testid="stock-row"][data-sku="${sku}"][data-warehouse="${warehouse}"] [data-testid="${cell}"]`;

/** Poll a stock cell (on the Stock page) until it reads `expected`. */
async function expectStock(app, sku, cell, expected) {
  let last;
  await app.waitFor(
    async () => {
      const element = await app.session.waitForElement(stockCell(sku, 'Main', cell), { timeout: 2_000 });
      last = (await element.text()).trim();
      return last === expected;
    },
    { timeout: 10_000, message: () => `${sku} ${cell} in Main to read ${expected} (reads ${JSON.stringify(last)})` },
  );
}

async function addComponent(app, sku, quantity) {
  await app.fill('kit-component-code', sku);
  await app.fill('kit-component-qty', quantity);
  await app.click('kit-component-add');
  await app.session.waitForElement(`[data-testid="kit-component-row"][data-sku="${sku}"]`);
}

/** Value of the quantity input on the sale line of `sku`. */
async function lineQuantity(app, sku) {
  const line = await app.session.waitForElement(`[data-testid="sale-line"][data-sku="${sku}"]`, { timeout: 2_000 });
  return (await line.find('[data-testid="sale-line-qty"]')).property('value');
}

async function scan(app, code) {
  const field = await app.el('sale-scan');
  await field.sendKeys(code + Keys.ENTER);
}

async function startSale(app) {
  await app.click('nav-sales');
  await app.click('sale-new');
  await app.el('sale-scan');
  await app.select('sale-warehouse', 'Main');
}

appTest('kits: sell a kit by scanning, components go down, overselling is refused', async (app) => {
  const { session } = app;

  // A company, a warehouse, three products.
  await app.fill('company-name', 'Corner Crockery', { timeout: 30_000 });
  await app.click('company-create');
  await app.el('nav-warehouses', { timeout: 15_000 });
  await app.click('nav-warehouses');
  await app.click('warehouse-new');
  await app.fill('warehouse-name', 'Main');
  await app.click('warehouse-save');
  await session.waitForElement('[data-testid="warehouse-row"][data-name="Main"]');

  await addProduct(app, { sku: 'CUP', name: 'Tea cup', price: '5.00', stock: 10 });
  await addProduct(app, { sku: 'SAUCER', name: 'Saucer', price: '3.00', stock: 4 });
  await addProduct(app, { sku: 'SET', name: 'Cup and saucer set', price: '12.00' });

  // SET becomes a kit of 1 CUP + 1 SAUCER, through the components editor.
  await (await session.waitForElement('[data-testid="product-row"][data-sku="SET"]')).click();
  await app.el('product-form');
  await addComponent(app, 'CUP', '1');
  await addComponent(app, 'SAUCER', '1');
  await app.click('kit-save');
  await session.waitForElement('[data-testid="product-row"][data-sku="SET"][data-kit="true"]');
  await app.waitForText('product-stock', (t) => /Available to sell/i.test(t) && /\b4\b/.test(t));
  await app.click('product-close');
  await session.waitForGone('[data-testid="product-form"]');

  // Sell three SETs: three scans, one line.
  await startSale(app);
  await scan(app, 'SET');
  await scan(app, 'set'); // codes ignore case
  await scan(app, 'SET');
  let qty;
  await app.waitFor(async () => (qty = await lineQuantity(app, 'SET')) === '3', {
    message: () => `the SET line to hold 3 (holds ${JSON.stringify(qty)})`,
  });
  assert.equal((await session.allByTestId('sale-line')).length, 1, 'repeated scans add to one line');
  assert.match(await app.text('sale-total'), /^USD\s36\.00$/);

  // An unknown code: an inline message, the line untouched.
  await scan(app, 'NOPE-123');
  await app.waitForText('scan-error', 'NOPE-123');
  assert.equal(await lineQuantity(app, 'SET'), '3');

  await app.click('sale-complete');
  await app.waitForText('sale-last-total', '36.00');
  await session.waitForGone('[data-testid="sale-line"]');

  // The components went down; the kit's availability follows them.
  await app.click('nav-stock');
  await expectStock(app, 'CUP', 'stock-on-hand', '7');
  await expectStock(app, 'SAUCER', 'stock-on-hand', '1');
  await expectStock(app, 'SET', 'stock-available', '1');

  // Two more SETs need two saucers; there is one. Refused, naming SAUCER; nothing written.
  await startSale(app);
  await scan(app, 'SET');
  await app.waitFor(async () => (await lineQuantity(app, 'SET')) === '1', { message: 'a SET line' });
  const lineQty = await session.waitForElement('[data-testid="sale-line"][data-sku="SET"] [data-testid="sale-line-qty"]');
  await session.execute(
    `const e = arguments[0]; e.value = ''; e.dispatchEvent(new Event('input', { bubbles: true }));`,
    [lineQty],
  );
  await lineQty.sendKeys('2');
  await app.waitForText('sale-total', '24.00');
  await app.click('sale-complete');
  const error = await app.waitForText('sale-error', 'SAUCER');
  assert.match(error, /not enough stock/i);
  assert.equal(await lineQuantity(app, 'SET'), '2', 'the refused sale stays on screen to fix');

  await app.click('nav-stock');
  await expectStock(app, 'CUP', 'stock-on-hand', '7');
  await expectStock(app, 'SAUCER', 'stock-on-hand', '1');
  await expectStock(app, 'SET', 'stock-available', '1');

  // Exactly one sale was recorded.
  await app.click('nav-sales');
  await session.waitForElement('[data-testid="sale-row"]');
  assert.equal((await session.allByTestId('sale-row')).length, 1);
  assert.equal(await app.text('sale-row-units'), '3');
});
