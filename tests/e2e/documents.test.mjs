// Documents and purchasing gaps (issue #17 items 3 and 5) as a shop owner meets them: the
// company's address and tax number set in Settings and printed on a purchase order and a sale
// receipt; a draft order edited (a quantity changed, a line added, then taken off); a supplier
// removed from a product; barcode labels chosen, drawn, and read back from the screen with a
// barcode reader (zbarimg), so the bars are real Code 128 and EAN-13.
// STOCKFLOW_E2E_SHOTS=DIR saves each screen, light and dark.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { appTest } from './harness.mjs';
import { COMPANY, writeShop } from './shop.mjs';
import { Keys } from './webdriver.mjs';

const detail = (status) => `[data-testid="po-detail"][data-status="${status}"]`;
const poLine = (sku) => `[data-testid="po-line"][data-sku="${sku}"]`;



async function linesOf(app) {
  return app.session.execute(
    `return [...document.querySelectorAll('[data-testid="po-line"]')].map((l) =>
       [l.dataset.sku, l.querySelector('[data-testid="po-line-qty"]').value]);`,
  );
}

/**
 * What a barcode reader reads off each label, one at a time, drawn `zoom` times its size (a
 * screen has a tenth of a label printer's dots: long codes need the room).
 */
async function readEachLabel(app, zoom) {
  const { session } = app;
  await session.execute(`document.querySelector('[data-testid="labels-preview"]').style.zoom = arguments[0];`, [String(zoom)]);
  const found = new Set();
  const count = (await session.findAll('[data-testid="label"]')).length;
  for (let i = 0; i < count; i++) {
    await session.execute(`document.querySelectorAll('[data-testid="label"]')[arguments[0]].scrollIntoView({ block: 'center' });`, [i]);
    for (const text of await readBarcodes(app)) found.add(text);
  }
  await session.execute(`document.querySelector('[data-testid="labels-preview"]').style.zoom = '';`);
  return [...found].sort();
}

/** What a barcode reader finds in the window as it is now, each text once, sorted. */
async function readBarcodes(app) {
  for (let i = 0; i < 2; i++) {
    await app.session.executeAsync(
      'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockflow-labels-'));
  const file = path.join(dir, 'labels.png');
  fs.writeFileSync(file, await app.session.screenshot());
  let out = '';
  try {
    out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Scode128.enable', '-Sean13.enable', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (e) {
    // Exit status 4: no barcode found. Anything else is a broken reader.
    if (e.status !== 4) throw e;
    out = e.stdout ?? '';
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return [...new Set(out.split('\n').map((s) => s.trim()).filter(Boolean))].sort();
}

appTest('documents: company profile on orders and receipts, a draft edited, a supplier removed, labels that scan', async (app, t) => {
  const { session } = app;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockflow-e2e-shop-'));
  writeShop(dir);
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // The shop, imported through the Import screen.
  await app.fill('company-name', 'Scratch Pad', { timeout: 30_000 });
  await app.click('company-create');
  await app.el('nav-import', { timeout: 15_000 });
  await app.click('nav-import');
  await app.fill('import-dir', dir);
  await app.click('import-start');
  await app.click('import-open-company', { timeout: 60_000 });
  await app.waitFor(
    async () =>
      (await session.execute(
        `const s = document.querySelector('[data-testid="company-switcher"]'); return s.options[s.selectedIndex]?.text ?? '';`,
      )) === COMPANY,
    { message: `${COMPANY} is the open company` },
  );

  // Settings > Company: the profile printed on documents.
  await app.click('nav-settings');
  await app.el('settings-profile');
  await app.fill('settings-address', '12 Quay Street');
  await (await app.el('settings-address')).sendKeys(Keys.ENTER + 'Portsmouth PO1 2AB');
  await app.fill('settings-phone', '+44 23 9200 0000');
  await app.fill('settings-email', 'not an email');
  await app.click('settings-save');
  await app.waitForText('error-email', 'email');
  await app.fill('settings-email', 'hello@harbour.example');
  await app.fill('settings-tax-id', 'GB123456789');
  await app.click('settings-save');
  await app.waitFor(async () => !(await session.findAll('[data-testid="error-email"]')).length, {
    message: 'the email accepted',
  });
  await app.waitFor(
    async () => (await (await app.el('settings-save')).property('disabled')) === true,
    { message: 'the profile saved (nothing left to save)' },
  );
  await session.execute(`document.querySelector('[data-testid="settings-profile"]').scrollIntoView({ block: 'center' });`);
  await app.shot('settings-profile-light');

  // A draft to Potter: 10 mugs.
  await app.click('nav-purchase-orders');
  await app.click('po-new');
  await app.select('po-supplier', 'Potter');
  await app.fill('po-product', 'MUG');
  await (await app.el('po-product')).sendKeys(Keys.ENTER);
  const qty = await session.waitForElement(`${poLine('MUG')} [data-testid="po-line-qty"]`);
  await qty.clear();
  await qty.sendKeys('10');
  await app.click('po-save');
  await session.waitForElement(detail('draft'), { timeout: 10_000 });

  // Edit: 12 mugs, and two jugs added.
  await app.click('po-edit');
  await session.waitForElement(poLine('MUG'));
  assert.match(await app.text('po-form'), /Edit draft PO-\d{4}/);
  assert.equal(await (await app.el('po-supplier')).property('disabled'), true, 'the supplier stays');
  const mugQty = await session.waitForElement(`${poLine('MUG')} [data-testid="po-line-qty"]`);
  await mugQty.clear();
  await mugQty.sendKeys('12');
  await app.fill('po-product', 'JUG');
  await (await app.el('po-product')).sendKeys(Keys.ENTER);
  const jugQty = await session.waitForElement(`${poLine('JUG')} [data-testid="po-line-qty"]`);
  await jugQty.clear();
  await jugQty.sendKeys('2');
  await app.shot('po-edit-light');
  await app.click('po-save');
  await session.waitForElement(detail('draft'), { timeout: 10_000 });
  await app.waitFor(async () => /12/.test(await app.text('po-detail')) && /JUG/.test(await app.text('po-detail')), {
    message: 'the order shows 12 mugs and the jugs',
  });

  // Edit again: the jugs taken off.
  await app.click('po-edit');
  await session.waitForElement(poLine('JUG'));
  assert.deepEqual(await linesOf(app), [['MUG', '12'], ['JUG', '2']], 'the edit form shows the draft as saved');
  await (await session.waitForElement(`${poLine('JUG')} [data-testid="po-line-remove"]`)).click();
  await app.click('po-save');
  await session.waitForElement(detail('draft'), { timeout: 10_000 });
  await app.waitFor(async () => !/JUG/.test(await app.text('po-detail')), { message: 'the jugs are off the order' });

  // Printed: the letterhead, the number, no raw id.
  await app.click('po-print');
  const print = await app.el('po-print-view');
  await app.waitForText('po-print-company-address', 'Portsmouth PO1 2AB');
  assert.match(await app.text('po-print-company'), /Tax no\. GB123456789/);
  assert.match(await app.text('po-print-company'), /\+44 23 9200 0000 · hello@harbour\.example/);
  const printed = await print.text();
  assert.doesNotMatch(printed, /[0-9a-f]{8}-[0-9a-f]{4}-/, 'no UUID on the printed order');
  assert.equal((await session.findAll('[data-testid="po-print-line"]')).length, 1);
  await app.shot('po-print-light');
  await app.click('po-print-back');

  // A product's supplier removed: the jug no longer comes from Potter.
  await app.click('nav-products');
  await (await session.waitForElement('[data-testid="product-row"][data-sku="JUG"]')).click();
  await (await session.waitForElement('[data-testid="product-supplier-row"][data-supplier="Potter"]', { timeout: 10_000 })).click();
  await app.click('link-remove');
  // The drawer brings the question into view; a smooth scroll still running from opening the
  // form can undo that, so scroll to it as a user would.
  await session.execute(
    `document.querySelector('[data-testid="link-remove-confirm"]').scrollIntoView({ block: 'center' });`,
  );
  await app.shot('supplier-remove-light');
  await app.click('link-remove-confirm');
  await session.waitForGone('[data-testid="product-supplier-row"][data-supplier="Potter"]', { timeout: 10_000 });
  // A barcode for the mug, for an EAN-13 label. The jug's drawer is closed from the keyboard
  // (Esc, as its footer says): its body may still be scrolling from bringing the question
  // into view, and a click on the close button then once landed where nothing closes it.
  await (await (await app.el('product-form')).find('input')).sendKeys(Keys.ESCAPE);
  await session.waitForGone('[data-testid="product-form"]', { timeout: 5_000 });
  await (await session.waitForElement('[data-testid="product-row"][data-sku="MUG"]')).click();
  await app.fill('product-barcode', '4006381333931');
  await app.click('product-save');
  await session.waitForGone('[data-testid="product-form"]', { timeout: 10_000 });

  // A receipt of a sale made at the till: the letterhead, its number, the total.
  await app.click('nav-sales');
  await app.click('sale-new');
  await app.el('sale-scan');
  await app.select('sale-warehouse', 'Main');
  for (let i = 0; i < 2; i++) await (await app.el('sale-scan')).sendKeys('CUP' + Keys.ENTER);
  await app.waitFor(async () => (await session.allByTestId('sale-line')).length === 1, { message: 'a sale line' });
  await app.click('sale-complete');
  const number = await app.waitForText('sale-last-number', 'S-');
  await app.click('nav-sales');
  await (await session.waitForElement('[data-testid="sale-row"]', { timeout: 10_000 })).click();
  await app.click('sale-receipt');
  await app.el('receipt');
  await app.waitForText('receipt-company-address', 'Quay Street');
  assert.ok(number.includes(await app.text('receipt-number')), `the receipt of ${number}`);
  assert.match(await app.text('receipt-number'), /^S-\d{4}$/);
  assert.match(await app.text('receipt-total'), /^USD\s8\.00$/, 'two espresso cups at 4.00');
  await app.shot('receipt-light');
  await app.click('receipt-back');
  await app.el('sale-detail');
  await app.click('sale-close');
  await session.waitForGone('[data-testid="sale-detail"]', { timeout: 5_000 });

  // Labels: two mugs (EAN-13 from its barcode) and a plate (Code 128 of its SKU).
  // From the mug's drawer: its labels.
  await app.click('nav-products');
  await (await session.waitForElement('[data-testid="product-row"][data-sku="MUG"]')).click();
  await app.click('product-labels');
  await session.waitForGone('[data-testid="product-form"]', { timeout: 5_000 });
  await session.waitForElement('[data-testid="labels-row"][data-sku="MUG"]');
  const copies = await session.waitForElement('[data-testid="labels-row"][data-sku="MUG"] [data-testid="labels-copies"]');
  await copies.clear();
  await copies.sendKeys('2');
  await app.fill('labels-product', 'PLATE');
  await (await app.el('labels-product')).sendKeys(Keys.ENTER);
  await app.waitFor(async () => (await session.findAll('[data-testid="label"]')).length === 3, { message: '3 labels drawn' });
  assert.deepEqual(
    await session.execute(`return [...document.querySelectorAll('[data-testid="label"]')].map((l) => l.dataset.symbology + ':' + l.dataset.text);`),
    ['ean13:4006381333931', 'ean13:4006381333931', 'code128:PLATE'],
  );
  await session.execute(`document.querySelector('[data-testid="labels-preview"]').scrollIntoView({ block: 'start' });`);
  assert.deepEqual(await readBarcodes(app), ['4006381333931', 'PLATE'], 'a barcode reader reads what the labels say');
  await app.shot('labels-light');

  // EAN-13 for all: the plate has none, and its line is named.
  await app.select('labels-symbology', 'ean13');
  await app.waitForText('labels-error', 'PLATE');
  assert.match(await app.text('labels-error'), /^Line 2: /);
  await app.select('labels-symbology', 'code128');
  await app.waitFor(async () => (await session.findAll('[data-testid="label"][data-symbology="code128"]')).length === 3, {
    message: 'all three in Code 128',
  });

  // The label printer's roll, one label a page: each read back.
  await app.select('labels-paper', 'roll');
  await session.waitForElement('[data-testid="labels-preview"][data-paper="roll"]');
  await app.shot('labels-roll-light');
  assert.deepEqual(await readEachLabel(app, 3), ['4006381333931', 'PLATE'], 'Code 128 of the barcode and of the SKU');

  if (process.env.STOCKFLOW_E2E_SHOTS) {
    await app.setTheme('dark');
    await app.click('nav-products');
    await app.click('products-labels');
    await app.fill('labels-product', 'PLATE');
    await (await app.el('labels-product')).sendKeys(Keys.ENTER);
    await session.waitForElement('[data-testid="label"]');
    await app.shot('labels-dark');
    await app.click('nav-settings');
    await session.execute(`document.querySelector('[data-testid="settings-profile"]').scrollIntoView({ block: 'center' });`);
    await app.shot('settings-profile-dark');
    await app.click('nav-purchase-orders');
    await (await session.waitForElement('[data-testid="po-row"]', { timeout: 10_000 })).click();
    await app.click('po-edit');
    await session.waitForElement(poLine('MUG'));
    await app.shot('po-edit-dark');
    await app.click('po-cancel-new');
    await app.click('po-print');
    await app.el('po-print-view');
    await app.shot('po-print-dark');
    await app.click('nav-sales');
    await (await session.waitForElement('[data-testid="sale-row"]', { timeout: 10_000 })).click();
    await app.click('sale-receipt');
    await app.el('receipt');
    await app.shot('receipt-dark');
  }
});
