// Looks at the app as a user would: starts the real window under Xvfb with a small catalog
// (seeded through stockflow-cli), visits each screen and saves a PNG of it.
//   node scripts/screenshots.mjs [OUT_DIR]      (default: tests/e2e/artifacts/screens)
// Needs the debug builds of the app and the CLI (cargo build -p stockflow -p stockflow-cli).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { App, OWNER, repoRoot } from '../tests/e2e/harness.mjs';

const out = path.resolve(process.argv[2] ?? path.join(repoRoot, 'tests/e2e/artifacts/screens'));
fs.mkdirSync(out, { recursive: true });
const cli = path.join(repoRoot, 'target/debug/stockflow-cli');

const app = new App('screenshots');
// Until the owner is set up the database is in setup mode, where the CLI acts as its owner;
// afterwards every CLI command names the user, with the password in STOCKFLOW_PASSWORD.
let cliUser = null;
const cliArgs = (args) => (cliUser ? ['--db', app.dbPath, '--user', cliUser.email, ...args] : ['--db', app.dbPath, ...args]);
const cliEnv = () => (cliUser ? { ...process.env, STOCKFLOW_PASSWORD: cliUser.password } : process.env);
try {
  await app.start();
  const run = (...args) => execFileSync(cli, cliArgs(args), { stdio: 'pipe', env: cliEnv() });
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
    ['KIT-START', 'Starter kit: hammer + nails', '26.50', '', '', []],
  ];
  for (const [sku, name, price, type, barcode, stock] of products) {
    const args = ['product', 'add', '--company', 'Harbour Hardware', '--sku', sku, '--name', name, '--price', price];
    if (type) args.push('--type', type);
    if (barcode) args.push('--barcode', barcode);
    for (const s of stock) args.push('--stock', s);
    run(...args);
  }
  await app.session.execute('location.reload()');

  const shoot = async (name) => {
    // Let animations (drawers sliding in, toasts) finish and two frames paint first: the
    // driver's screenshot is of the last composited frame.
    await app.waitFor(async () => (await app.session.execute('return document.getAnimations().length')) === 0, {
      timeout: 3_000,
    }).catch(() => {});
    await app.session.executeAsync(
      'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150)));',
    );
    fs.writeFileSync(path.join(out, `${name}.png`), await app.session.screenshot());
    console.log(path.join(out, `${name}.png`));
  };

  // First run: the setup screen, refused once (passwords differ), then the owner is created.
  await app.el('setup-form', { timeout: 30_000 });
  await shoot('setup');
  await app.fill('setup-name', OWNER.name);
  await app.fill('setup-email', OWNER.email);
  await app.fill('setup-password', OWNER.password);
  await app.fill('setup-confirm', 'something-else');
  await app.click('setup-submit');
  await app.el('error-confirm');
  await shoot('setup-errors');
  await app.fill('setup-confirm', OWNER.password);
  await app.click('setup-submit');
  await app.el('nav-products', { timeout: 30_000 });
  app.credentials = { email: OWNER.email, password: OWNER.password };
  cliUser = OWNER;

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
  await app.click('product-close');
  await app.session.waitForGone('[data-testid="product-form"]');

  // Movements, sales and kits are seeded through the UI (the CLI does not record them yet).
  const { Keys } = await import('../tests/e2e/webdriver.mjs');
  const row = (sku) => app.session.waitForElement(`[data-testid="product-row"][data-sku="${sku}"]`);
  await (await row('KIT-START')).click();
  await app.el('product-form');
  for (const [sku, qty] of [['HAM-100', '1'], ['NAIL-5', '2']]) {
    await app.fill('kit-component-code', sku);
    await app.fill('kit-component-qty', qty);
    await app.click('kit-component-add');
    await app.session.waitForElement(`[data-testid="kit-component-row"][data-sku="${sku}"]`);
  }
  await app.click('kit-save');
  await app.session.waitForElement('[data-testid="product-row"][data-sku="KIT-START"][data-kit="true"]');
  await shoot('product-kit');
  await app.click('product-close');
  await app.session.waitForGone('[data-testid="product-form"]');

  const scan = async (code) => (await app.el('sale-scan')).sendKeys(code + Keys.ENTER);
  const sell = async (codes, lines) => {
    await app.click('nav-sales');
    await app.click('sale-new');
    await app.select('sale-warehouse', 'Main Store');
    for (const code of codes) await scan(code);
    await app.waitFor(async () => (await app.session.allByTestId('sale-line')).length === lines);
  };
  await sell(['HAM-100', '5099999000011', 'MUG-001', 'KIT-START'], 3);
  await scan('NOT-A-CODE');
  await app.el('scan-error');
  await shoot('sale-record');
  await app.click('sale-complete');
  await app.el('sale-last');
  await shoot('sale-recorded');
  await sell(['NAIL-5', 'HAM-200'], 2);
  await app.click('sale-complete');
  await app.el('sale-last');
  await sell(['HAM-200', 'HAM-200', 'HAM-200'], 1);
  await app.click('sale-complete');
  await app.el('sale-error');
  await shoot('sale-insufficient');
  await app.click('sale-clear');

  await app.click('nav-sales');
  await app.session.waitForElement('[data-testid="sale-row"]');
  await shoot('sales');
  const rows = await app.session.allByTestId('sale-row');
  await rows[rows.length - 1].click();
  await app.el('sale-detail');
  const mugReturn = await app.session.waitForElement('[data-testid="return-qty"][data-sku="MUG-001"]');
  await mugReturn.sendKeys('1');
  await app.click('return-save');
  await app.waitForText('sale-line-returned', '1');
  await shoot('sale-detail');
  await app.click('sale-close');

  await app.click('nav-stock');
  await app.click('stock-adjust');
  await app.select('adjust-reason', 'damaged');
  await (await app.el('adjust-product')).sendKeys('HAM-100' + Keys.ENTER);
  await app.el('adjust-chosen');
  await app.fill('adjust-quantity', '-1');
  await app.fill('adjust-note', 'Handle cracked');
  await shoot('stock-adjust');
  await app.click('adjust-save');
  await app.session.waitForGone('[data-testid="move-form"]');
  await app.click('stock-transfer');
  await app.select('transfer-from', 'Main Store');
  await app.select('transfer-to', 'Back Room');
  await (await app.el('transfer-product')).sendKeys('NAIL-5' + Keys.ENTER);
  await app.el('transfer-chosen');
  await app.fill('transfer-quantity', '20');
  await shoot('stock-transfer');
  await app.click('transfer-save');
  await app.session.waitForGone('[data-testid="move-form"]');
  await app.click('stock-receive');
  await (await app.el('receive-product')).sendKeys('GLUE' );
  await app.session.waitForElement('[data-testid="receive-product-option"]');
  await shoot('stock-receive-search');
  await app.session.execute('document.activeElement.blur()');
  await app.click('receive-close');
  await app.session.waitForElement('[data-testid="stock-row"][data-sku="KIT-START"]');
  await shoot('stock-after');

  await app.click('nav-history');
  await app.session.waitForElement('[data-testid="movement-row"]');
  await shoot('history');

  await app.click('nav-products');
  await (await row('HAM-100')).click();
  await app.el('sales-chart');
  await app.session.waitForElement('[data-testid="product-movement"]');
  await shoot('product-drawer');
  await app.session.execute(
    `document.querySelector('[data-testid="product-movements"]').scrollIntoView({ block: 'end' })`,
  );
  await shoot('product-drawer-bottom');
  await app.click('product-close');
  await app.session.waitForGone('[data-testid="product-form"]');

  // Purchasing: suppliers, links and orders seeded through the CLI, then looked at in the app.
  {
    // The driver's screenshot can show the frame before the last DOM change (or mid-animation):
    // let animations end and two frames paint first.
    const settle = async () => {
      await app.waitFor(async () => (await app.session.execute('return document.getAnimations().length')) === 0);
      await app.session.executeAsync('const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));');
    };
    const shoot = async (name) => {
      await settle();
      fs.writeFileSync(path.join(out, `${name}.png`), await app.session.screenshot());
      console.log(path.join(out, `${name}.png`));
    };
    const co = ['--company', 'Harbour Hardware'];
    const json = (...args) => JSON.parse(execFileSync(cli, cliArgs(['--json', ...args]), { stdio: 'pipe', env: cliEnv() }).toString());
    run('supplier', 'add', ...co, 'Potter & Co', '--email', 'orders@potter.example', '--phone', '+44 1632 960000');
    run('supplier', 'add', ...co, 'Nailsworth Supply', '--email', 'sales@nailsworth.example');
    run('supplier', 'link', ...co, '--supplier', 'Potter & Co', '--sku', 'HAM-100', '--lead-time', '7', '--cost', '14.20', '--supplier-sku', 'PT-H16', '--preferred');
    run('supplier', 'link', ...co, '--supplier', 'Potter & Co', '--sku', 'MUG-001', '--lead-time', '10', '--cost', '4.75', '--moq', '12', '--multiple', '6');
    run('supplier', 'link', ...co, '--supplier', 'Nailsworth Supply', '--sku', 'NAIL-5', '--lead-time', '3', '--cost', '1.85', '--moq', '10', '--multiple', '10', '--preferred');
    run('supplier', 'link', ...co, '--supplier', 'Nailsworth Supply', '--sku', 'HAM-100', '--lead-time', '2', '--cost', '15.90');
    const po = (supplier, ...lines) => json('po', 'create', ...co, '--supplier', supplier, '--warehouse', 'Main Store', ...lines).id;
    const open = po('Potter & Co', 'HAM-100=12', 'MUG-001=24');
    run('po', 'send', open);
    run('po', 'receive', open, 'HAM-100=5');
    const received = po('Nailsworth Supply', 'NAIL-5=200');
    run('po', 'send', received);
    run('po', 'receive', received, 'NAIL-5=200');
    const cancelled = po('Nailsworth Supply', 'HAM-100=4');
    run('po', 'cancel', cancelled);
    po('Potter & Co', 'MUG-001=12');

    await app.click('nav-suppliers');
    await app.session.waitForElement('[data-testid="supplier-row"][data-name="Potter & Co"]');
    await shoot('suppliers');
    await app.click('supplier-new');
    await app.fill('supplier-name', 'Potter & Co');
    await app.fill('supplier-email', 'not-an-email');
    await app.click('supplier-save');
    await app.el('error-contact_email');
    await shoot('supplier-form-errors');
    await app.click('supplier-cancel');
    await app.session.waitForGone('[data-testid="supplier-form"]');
    await (await app.session.waitForElement('[data-testid="supplier-row"][data-name="Potter & Co"]')).click();
    await app.session.waitForElement('[data-testid="supplier-product-row"][data-sku="HAM-100"]');
    await app.session.waitForElement('[data-testid="supplier-order-row"]');
    await shoot('supplier-detail');
    await (await app.session.waitForElement('[data-testid="supplier-product-row"][data-sku="MUG-001"]')).click();
    await app.waitFor(async () => (await (await app.el('link-moq')).property('value')) === '12');
    await shoot('supplier-link-edit');

    await app.click('nav-purchase-orders');
    await app.session.waitForElement('[data-testid="po-row"][data-status="partially_received"]');
    await shoot('po-list');
    await (await app.session.waitForElement('[data-testid="po-row"][data-status="partially_received"]')).click();
    await app.session.waitForElement('[data-testid="po-detail"][data-status="partially_received"]');
    await shoot('po-detail');
    await app.click('po-receive');
    for (const code of ['HAM-100', '5012345678900', 'NAIL-5']) {
      await (await app.el('receive-scan')).sendKeys(code + Keys.ENTER);
    }
    await app.el('receive-scan-error');
    await shoot('po-receive');
    await app.session.execute('history.back()');
    await app.session.waitForElement('[data-testid="po-detail"]');
    await app.click('po-print');
    await app.el('po-print-view');
    await shoot('po-print');

    await app.click('nav-purchase-orders');
    await app.click('po-new');
    await app.select('po-supplier', 'Potter & Co');
    for (const code of ['HAM-100', 'MUG-001', 'GLUE-1']) {
      await (await app.el('po-product')).sendKeys(code + Keys.ENTER);
    }
    await app.waitFor(async () => (await app.session.allByTestId('po-line')).length === 3);
    await shoot('po-new');
    await (await app.session.waitForElement('[data-testid="po-line"][data-sku="GLUE-1"] [data-testid="po-line-cost"]')).sendKeys('3.10');
    await app.click('po-save');
    await app.el('confirm-yes');
    await shoot('po-new-confirm');
    await app.click('confirm-no');

    await app.click('nav-products');
    await (await row('HAM-100')).click();
    await app.el('product-suppliers');
    await app.session.waitForElement('[data-testid="product-supplier-row"]');
    await app.session.execute(
      `document.querySelector('[data-testid="product-suppliers"]').scrollIntoView({ block: 'start' })`,
    );
    await shoot('product-suppliers');
    await app.click('product-supplier-add');
    await app.el('link-supplier');
    await app.session.execute(
      `document.querySelector('[data-testid="product-suppliers"]').scrollIntoView({ block: 'end' })`,
    );
    await shoot('product-supplier-add');
  }

  // Stock count: a cycle-count frequency on Tools (so some products are due), a count of Main
  // Store with scans (one unknown code), the home with the open count, and the review.
  {
    if ((await app.session.allByTestId('product-form')).length > 0) {
      await app.click('product-close');
      await app.session.waitForGone('[data-testid="product-form"]');
    }
    await app.click('nav-product-types');
    await (await app.session.waitForElement('[data-testid="type-row"][data-name="Tools"]')).click();
    await app.fill('type-count-frequency', '30');
    await shoot('product-type-frequency');
    await app.click('type-save');
    await app.session.waitForGone('[data-testid="product-type-form"]');
    await app.click('nav-stock-count');
    await app.session.waitForElement('[data-testid="count-due"]');
    await app.click('count-start');
    await app.select('count-warehouse', 'Main Store');
    await shoot('count-start');
    await app.click('count-begin');
    const countScan = async (code) => (await app.el('count-scan')).sendKeys(code + Keys.ENTER);
    for (const code of ['HAM-100', '5012345678900', 'MUG-001', '*6', 'NAIL-5']) await countScan(code);
    await app.waitFor(async () => (await app.session.allByTestId('count-line')).length === 3);
    await app.el('scan-ok');
    await shoot('count-scan');
    await countScan('NOT-A-CODE');
    await app.el('scan-error');
    await shoot('count-scan-error');
    await app.click('count-exit');
    await app.session.waitForElement('[data-testid="count-session"]');
    await shoot('count-home');
    await sell(['MUG-001'], 1);
    await app.click('sale-complete');
    await app.el('sale-last');
    await app.click('nav-stock-count');
    await (await app.session.waitForElement('[data-testid="count-resume"]')).click();
    await app.click('count-review');
    await app.session.waitForElement('[data-testid="review-since"]');
    await shoot('count-review');
    await app.click('uncounted-zero');
    await shoot('count-review-chosen');
  }

  // Users and roles: the users page, adding a user, the user menu, changing a password, the
  // automatic lock setting, the sign-in screen (a wrong password, throttling), what a clerk sees
  // of the catalog and stock, and the locked screen.
  {
    const settle = async () => {
      await app.waitFor(async () => (await app.session.execute('return document.getAnimations().length')) === 0).catch(() => {});
      await app.session.executeAsync('const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100)));');
    };
    const shoot = async (name) => {
      await settle();
      fs.writeFileSync(path.join(out, `${name}.png`), await app.session.screenshot());
      console.log(path.join(out, `${name}.png`));
    };
    const dismissToasts = () =>
      app.session.execute(`document.querySelectorAll('[data-testid="toast"] button').forEach((b) => b.click())`);
    const clerk = { name: 'Cleo Clerk', email: 'cleo@example.test', password: 'clerk-password-1' };
    const addUser = async (name, email, role, password, shot) => {
      await app.click('user-new');
      await app.el('user-form');
      await app.fill('user-name', name);
      await app.fill('user-email', email);
      await app.click(`user-role-${role}`);
      await app.fill('user-password', password);
      if (shot) await shoot(shot);
      await app.click('user-save');
      await app.session.waitForGone('[data-testid="user-form"]');
      await app.session.waitForElement(`[data-testid="user-row"][data-email="${email}"]`);
    };
    await app.click('nav-users');
    await app.session.waitForElement(`[data-testid="user-row"][data-email="${OWNER.email}"]`);
    await addUser('Max Manager', 'max@example.test', 'manager', 'manager-password-1', 'user-add');
    await addUser(clerk.name, clerk.email, 'clerk', clerk.password);
    await addUser('Sam Seasonal', 'sam@example.test', 'clerk', 'seasonal-password-1');
    await (await (await app.session.waitForElement('[data-testid="user-row"][data-email="sam@example.test"]')).find('[data-testid="user-row-toggle"]')).click();
    await app.session.waitForElement('[data-testid="user-row"][data-email="sam@example.test"][data-disabled="true"]');
    const ownerRole = await (await app.session.waitForElement(`[data-testid="user-row"][data-email="${OWNER.email}"]`)).find('[data-testid="user-row-role"]');
    await app.session.execute(`const s = arguments[0]; s.value = 'manager'; s.dispatchEvent(new Event('change', { bubbles: true }));`, [ownerRole]);
    await app.el('user-row-error');
    await dismissToasts();
    await shoot('users');

    await app.click('user-menu');
    await app.el('user-menu-items');
    await shoot('user-menu');
    await app.click('change-password-open');
    await app.fill('change-password-current', 'wrong-password');
    await app.fill('change-password-new', 'a-new-password-1');
    await app.fill('change-password-confirm', 'a-new-password-1');
    await app.click('change-password-save');
    await app.waitFor(async () => (await app.session.findAll('[data-testid="change-password-form"] [role="alert"]')).length > 0);
    await shoot('change-password-error');
    await app.click('change-password-close');
    await app.session.waitForGone('[data-testid="change-password-form"]');

    await app.click('nav-settings');
    await app.fill('settings-idle-lock', '10');
    await app.click('settings-idle-lock-save');
    await app.waitForText('toast', '10 minutes');
    await app.session.execute(`document.querySelector('[data-testid="idle-lock-form"]').scrollIntoView({ block: 'center' })`);
    await shoot('settings-lock');
    await dismissToasts();

    await app.signOut();
    await app.fill('signin-email', clerk.email);
    await app.fill('signin-password', 'not-the-password');
    await app.click('signin-submit');
    await app.el('signin-error');
    await shoot('signin-wrong');
    await app.fill('signin-email', 'nobody@example.test');
    await app.fill('signin-password', 'guess-4');
    await app.session.executeAsync(
      `const done = arguments[arguments.length - 1];
       (async () => {
         for (let i = 0; i < 3; i++) {
           try { await window.__TAURI_INTERNALS__.invoke('sign_in', { input: { email: 'nobody@example.test', password: 'guess-' + i } }); } catch {}
         }
         document.querySelector('[data-testid="signin-submit"]').click();
         done();
       })();`,
    );
    await app.session.waitForElement('[data-testid="signin-error"][data-kind="throttled"]');
    await shoot('signin-throttled');

    await app.signIn(clerk);
    await app.click('nav-products');
    await app.session.waitForElement('[data-testid="product-row"][data-sku="HAM-100"]');
    await shoot('clerk-products');
    await (await row('HAM-100')).click();
    await app.el('product-form');
    await shoot('clerk-product-form');
    await app.click('product-close');
    await app.session.waitForGone('[data-testid="product-form"]');
    await app.click('nav-stock');
    await app.session.waitForElement('[data-testid="stock-row"]');
    await shoot('clerk-stock');
    await app.click('nav-purchase-orders');
    await app.session.waitForElement('[data-testid="po-row"]');
    await shoot('clerk-purchase-orders');
    await app.click('nav-settings');
    await app.el('idle-lock-form');
    await shoot('clerk-settings');
    await app.click('nav-history');
    await app.session.waitForElement('[data-testid="movement-row"]');
    await shoot('history-by');

    // Ten minutes without activity (the page's clock is moved on rather than waited for).
    await app.session.execute(`window.__realNow = Date.now; Date.now = () => window.__realNow.call(Date) + 11 * 60_000;`);
    await app.el('signin-locked', { timeout: 15_000 });
    await app.session.execute(`Date.now = window.__realNow;`);
    await shoot('signin-locked');
  }
} finally {
  await app.close();
}
// The X server the harness started keeps the event loop alive: leave explicitly (the harness's
// exit hook kills what is left).
process.exit(0);
