// Looks at the app as a user would: starts the real window under Xvfb with a small catalog
// (seeded through stockflow-cli), visits each screen and saves a PNG of it.
//   node scripts/screenshots.mjs [OUT_DIR]      (default: tests/e2e/artifacts/screens)
// Needs the debug builds of the app and the CLI (cargo build -p stockflow -p stockflow-cli).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { App, repoRoot } from '../tests/e2e/harness.mjs';

const out = path.resolve(process.argv[2] ?? path.join(repoRoot, 'tests/e2e/artifacts/screens'));
fs.mkdirSync(out, { recursive: true });
const cli = path.join(repoRoot, 'target/debug/stockflow-cli');

const app = new App('screenshots');
try {
  await app.start();
  const run = (...args) => execFileSync(cli, ['--db', app.dbPath, ...args], { stdio: 'pipe' });
  run('company', 'add', 'Harbour Hardware');
  run('warehouse', 'add', '--company', 'Harbour Hardware', 'Main Store', '--code', 'MAIN', '--address', '1 Quay Street');
  run('warehouse', 'add', '--company', 'Harbour Hardware', 'Back Room', '--code', 'BACK');
  run('type', 'add', '--company', 'Harbour Hardware', 'Perishable', '--threshold', '50');
  run('type', 'add', '--company', 'Harbour Hardware', 'Tools', '--threshold', '5');
  const products = [
    ['HAM-100', 'Claw hammer 16oz', '24.90', 'Tools', '5012345678900', ['Main Store=14', 'Back Room=3']],
    ['HAM-200', 'Sledge hammer 4lb', '49.00', 'Tools', '', ['Main Store=2']],
    ['MUG-001', 'Blue coffee mug', '12.50', '', '5099999000011', ['Main Store=7']],
    ['NAIL-5', 'Nails, box of 100', '3.99', '', '', ['Main Store=120', 'Back Room=400']],
    ['GLUE-1', 'Wood glue 250ml', '6.75', 'Perishable', '', ['Back Room=0']],
  ];
  for (const [sku, name, price, type, barcode, stock] of products) {
    const args = ['product', 'add', '--company', 'Harbour Hardware', '--sku', sku, '--name', name, '--price', price];
    if (type) args.push('--type', type);
    if (barcode) args.push('--barcode', barcode);
    for (const s of stock) args.push('--stock', s);
    run(...args);
  }
  await app.session.execute('location.reload()');
  await app.el('nav-products', { timeout: 30_000 });

  const shoot = async (name) => {
    fs.writeFileSync(path.join(out, `${name}.png`), await app.session.screenshot());
    console.log(path.join(out, `${name}.png`));
  };
  for (const page of ['dashboard', 'products', 'stock', 'warehouses', 'product-types', 'alerts', 'settings']) {
    await app.click(`nav-${page}`);
    await app.waitFor(async () => (await app.session.execute('return document.readyState')) === 'complete');
    if (page === 'dashboard') await app.waitFor(async () => !(await app.text('dash-value')).includes('–'));
    if (page === 'products') await app.session.waitForElement('[data-testid="product-row"][data-sku="HAM-100"]');
    if (page === 'warehouses') await app.session.waitForElement('[data-testid="warehouse-row"]');
    await shoot(page);
  }
  await app.click('nav-products');
  await app.click('product-new');
  await app.el('product-form');
  await app.fill('product-sku', 'mug-001');
  await app.fill('product-name', 'Another mug');
  await app.fill('product-price', '1.23456');
  await app.click('product-save');
  await app.el('error-price');
  await shoot('product-form-errors');
} finally {
  await app.close();
}
