// Looks at the Alerts page as a buyer would: the real app under Xvfb, a catalog seeded through
// stockflow-cli (products selling below their thresholds, two suppliers, an order already sent),
// then the empty page, the alerts, a selection, the drafted orders and what was left out.
//   node scripts/alerts-screens.mjs [OUT_DIR]      (default: tests/e2e/artifacts/alerts-screens)
// Needs the debug builds of the app and the CLI (cargo build -p stockflow -p stockflow-cli).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { App, OWNER, repoRoot } from '../tests/e2e/harness.mjs';

const out = path.resolve(process.argv[2] ?? path.join(repoRoot, 'tests/e2e/artifacts/alerts-screens'));
fs.mkdirSync(out, { recursive: true });
const cli = path.join(repoRoot, 'target/debug/stockflow-cli');

const app = new App('alerts-screens');
try {
  await app.start();
  // Before the owner exists the CLI needs no sign-in; afterwards it acts as the owner.
  let as = [];
  const env = { ...process.env, STOCKFLOW_PASSWORD: OWNER.password };
  const run = (...args) => execFileSync(cli, ['--db', app.dbPath, ...as, ...args], { stdio: 'pipe', env });
  const json = (...args) => JSON.parse(run('--json', ...args).toString());
  const co = ['--company', 'Harbour Hardware'];
  run('company', 'add', 'Harbour Hardware');
  run('warehouse', 'add', ...co, 'Main Store', '--code', 'MAIN');
  run('warehouse', 'add', ...co, 'Back Room', '--code', 'BACK');
  run('type', 'add', ...co, 'Tools', '--threshold', '8');
  run('type', 'add', ...co, 'Consumables', '--threshold', '40');
  // sku, name, price, type, threshold, stock
  const products = [
    ['HAM-100', 'Claw hammer 16oz', '24.90', 'Tools', '', ['Main Store=9', 'Back Room=6']],
    ['HAM-200', 'Sledge hammer 4lb', '49.00', 'Tools', '', ['Main Store=5']],
    ['MUG-001', 'Blue coffee mug', '12.50', '', '12', ['Main Store=12']],
    ['NAIL-5', 'Nails, box of 100', '3.99', 'Consumables', '', ['Main Store=60', 'Back Room=45']],
    ['GLUE-1', 'Wood glue 250ml', '6.75', 'Consumables', '', ['Main Store=30']],
    ['TAPE-50', 'Measuring tape 5m', '9.95', 'Tools', '10', ['Main Store=14']],
  ];
  for (const [sku, name, price, type, threshold, stock] of products) {
    const args = ['product', 'add', ...co, '--sku', sku, '--name', name, '--price', price];
    if (type) args.push('--type', type);
    if (threshold) args.push('--threshold', threshold);
    for (const s of stock) args.push('--stock', s);
    run(...args);
  }
  run('supplier', 'add', ...co, 'Potter & Co', '--email', 'orders@potter.example');
  run('supplier', 'add', ...co, 'Nailsworth Supply', '--email', 'sales@nailsworth.example');
  const link = (supplier, sku, lead, cost, moq, multiple, preferred) =>
    run('supplier', 'link', ...co, '--supplier', supplier, '--sku', sku, '--lead-time', lead, '--cost', cost,
      '--moq', moq, '--multiple', multiple, ...(preferred ? ['--preferred'] : []));
  link('Potter & Co', 'HAM-100', '7', '14.20', '1', '1', true);
  link('Potter & Co', 'HAM-200', '10', '31.00', '2', '2', false);
  link('Potter & Co', 'MUG-001', '10', '4.75', '12', '6', false);
  link('Nailsworth Supply', 'NAIL-5', '3', '1.85', '50', '25', true);
  link('Nailsworth Supply', 'TAPE-50', '5', '4.10', '6', '6', false);

  await app.setUpOwner();
  as = ['--user', OWNER.email];
  await app.el('nav-alerts', { timeout: 30_000 });

  const settle = async () => {
    await app.waitFor(async () => (await app.session.execute('return document.getAnimations().length')) === 0, {
      timeout: 3_000,
    }).catch(() => {});
    await app.session.executeAsync(
      'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150)));',
    );
  };
  const shoot = async (name) => {
    await settle();
    fs.writeFileSync(path.join(out, `${name}.png`), await app.session.screenshot());
    console.log(path.join(out, `${name}.png`));
  };
  // Toasts (the welcome) would sit over the table: dismiss them.
  const dismissToasts = () =>
    app.session.execute(`document.querySelectorAll('[data-testid="toast"] button.close').forEach((b) => b.click())`);

  await app.click('nav-alerts');
  await app.el('alerts-empty');
  await dismissToasts();
  await shoot('alerts-empty');

  // Sales: fast sellers run out before an order could arrive, others within weeks.
  const sell = (warehouse, ...lines) => run('sell', ...co, '--warehouse', warehouse, ...lines);
  sell('Main Store', 'HAM-100=6', 'HAM-200=4', 'MUG-001=5', 'NAIL-5=25', 'GLUE-1=4', 'TAPE-50=5');
  sell('Main Store', 'HAM-100=1', 'NAIL-5=20', 'TAPE-50=2');
  sell('Back Room', 'HAM-100=3', 'NAIL-5=15');
  // Nails for the back room are already on their way.
  const po = json('po', 'create', ...co, '--supplier', 'Nailsworth Supply', '--warehouse', 'Back Room', 'NAIL-5=50').id;
  run('po', 'send', po);

  await app.click('nav-dashboard');
  await app.click('nav-alerts');
  await app.session.waitForElement('[data-testid="alert-row"][data-sku="HAM-200"]');
  await dismissToasts();
  await shoot('alerts');

  for (const sku of ['HAM-100', 'MUG-001']) {
    await (await app.session.waitForElement(`[data-testid="alert-row"][data-sku="${sku}"][data-warehouse="Main Store"] [data-testid="alert-select"]`)).click();
  }
  await app.waitForText('alerts-selection', '2 alerts selected');
  await shoot('alerts-selected');

  await app.click('alerts-select-all-matching');
  await app.click('alerts-create');
  await app.el('drafted-dialog', { timeout: 10_000 });
  await shoot('alerts-drafted');
  await app.click('drafted-done');
  await app.session.waitForGone('[data-testid="drafted-dialog"]');

  await app.select('alerts-supplier', 'Potter & Co');
  await app.waitFor(async () => (await app.session.allByTestId('alert-row')).length > 0);
  await app.waitFor(async () => !(await app.text('alerts-total')).startsWith('7'));
  await shoot('alerts-filtered');
} finally {
  await app.close();
}
// The X server the harness started keeps the event loop alive: leave explicitly.
process.exit(0);
