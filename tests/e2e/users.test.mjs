// Users and roles (issue #7) as people meet them on a shared till: the owner set up on first
// run, a clerk added and signing in, a wrong password and a disabled account refused, repeated
// failures slowed down, the clerk selling while the catalog stays out of reach (disabled in the
// screens with the reason, and refused by the core when asked directly), and the automatic lock.
import assert from 'node:assert/strict';

import { OWNER, appTest } from './harness.mjs';
import { Keys } from './webdriver.mjs';

const CLERK = { name: 'Cleo Clerk', email: 'cleo@example.test', password: 'clerk-password-1' };
const MANAGER = { name: 'Max Manager', email: 'max@example.test', password: 'manager-password-1' };

const userRow = (email) => `[data-testid="user-row"][data-email="${email}"]`;

/**
 * Invoke a Tauri command straight from the page, as a modified UI could: { ok } or { refused }
 * (not `error`: WebDriver would take a result with an `error` key for its own failure).
 */
function invokeDirect(app, command, args) {
  return app.session.executeAsync(
    `const [command, args, done] = arguments;
     window.__TAURI_INTERNALS__.invoke(command, args).then(
       (value) => done({ ok: value ?? null }),
       (error) => done({ refused: error }),
     );`,
    [command, args],
  );
}

async function addUser(app, { name, email, password }, role) {
  await app.click('user-new');
  await app.el('user-form');
  await app.fill('user-name', name);
  await app.fill('user-email', email);
  await app.click(`user-role-${role}`);
  await app.fill('user-password', password);
  await app.click('user-save');
  await app.session.waitForGone('[data-testid="user-form"]');
  await app.session.waitForElement(`${userRow(email)}[data-role="${role}"][data-disabled="false"]`);
}

async function expectOnHand(app, sku, expected) {
  let last;
  await app.waitFor(
    async () => {
      const cell = await app.session.waitForElement(
        `[data-testid="stock-row"][data-sku="${sku}"][data-warehouse="Main"] [data-testid="stock-on-hand"]`,
        { timeout: 2_000 },
      );
      last = (await cell.text()).trim();
      return last === expected;
    },
    { timeout: 10_000, message: () => `${sku} on hand in Main to read ${expected} (reads ${JSON.stringify(last)})` },
  );
}

/** The button is disabled for the signed-in role and says why. */
async function expectDenied(app, testId, reason) {
  const button = await app.el(testId);
  assert.equal(await button.isEnabled(), false, `${testId} should be disabled`);
  assert.equal(await button.attribute('aria-disabled'), 'true', `${testId} should be aria-disabled`);
  const title = await button.attribute('title');
  assert.match(title ?? '', reason, `${testId} should say why in its title (has ${JSON.stringify(title)})`);
}

async function tryWrongSignIn(app, email, password) {
  await app.fill('signin-email', email);
  await app.fill('signin-password', password);
  await app.click('signin-submit');
}

appTest('users: owner adds a clerk, who sells but cannot change the catalog', async (app) => {
  const { session } = app;

  // The harness set the owner up through the first-run screen; the top bar names them.
  await app.fill('company-name', 'Harbour Hardware', { timeout: 30_000 });
  await app.click('company-create');
  await app.waitForText('current-user-name', OWNER.name, { timeout: 15_000 });
  await app.waitForText('current-user-role', 'Owner');

  // A warehouse and a product with 5 in stock.
  await app.click('nav-warehouses');
  await app.click('warehouse-new');
  await app.fill('warehouse-name', 'Main');
  await app.click('warehouse-save');
  await session.waitForElement('[data-testid="warehouse-row"][data-name="Main"]');
  await app.click('nav-products');
  await app.click('product-new');
  await app.el('product-form');
  await app.fill('product-sku', 'MUG');
  await app.fill('product-name', 'Blue mug');
  await app.fill('product-price', '8.00');
  await (await session.waitForElement('[data-testid="product-stock-qty"][data-warehouse-name="Main"]')).sendKeys('5');
  await app.click('product-save');
  await session.waitForGone('[data-testid="product-form"]');
  await session.waitForElement('[data-testid="product-row"][data-sku="MUG"]');

  // Users: the owner is listed; a clerk and a manager are added; a too-short password and a
  // taken email are refused at their fields.
  await app.click('nav-users');
  await session.waitForElement(`${userRow(OWNER.email)}[data-role="owner"]`);
  await app.click('user-new');
  await app.fill('user-name', 'Someone');
  await app.fill('user-email', OWNER.email);
  await app.fill('user-password', 'short');
  await app.click('user-save');
  await app.waitForText('error-password', (t) => /8/.test(t));
  await app.fill('user-password', 'long-enough-1');
  await app.click('user-save');
  await app.waitForText('error-email', (t) => /already|used|taken/i.test(t));
  await app.click('user-cancel');
  await session.waitForGone('[data-testid="user-form"]');
  await addUser(app, CLERK, 'clerk');
  await addUser(app, MANAGER, 'manager');

  // The manager is disabled: they keep their row, and cannot sign in.
  await (await (await session.waitForElement(userRow(MANAGER.email))).find('[data-testid="user-row-toggle"]')).click();
  await session.waitForElement(`${userRow(MANAGER.email)}[data-disabled="true"]`);

  // The last owner cannot be demoted: refused under the row, the role unchanged.
  const ownerRole = await (await session.waitForElement(userRow(OWNER.email))).find('[data-testid="user-row-role"]');
  await app.session.execute(
    `const s = arguments[0]; s.value = 'clerk'; s.dispatchEvent(new Event('change', { bubbles: true }));`,
    [ownerRole],
  );
  await app.waitForText('user-row-error', (t) => /owner/i.test(t));
  await session.waitForElement(`${userRow(OWNER.email)}[data-role="owner"]`);

  await app.signOut();

  // A wrong password: refused without saying which part was wrong.
  await tryWrongSignIn(app, CLERK.email, 'not-the-password');
  const wrong = await app.waitForText('signin-error', (t) => t.length > 0);
  assert.match(wrong, /wrong email or password/i);
  assert.equal(await (await app.el('signin-error')).attribute('data-kind'), 'failed');

  // The disabled manager, with the right password: told the account is disabled.
  await tryWrongSignIn(app, MANAGER.email, MANAGER.password);
  await app.waitForText('signin-error', (t) => /disabled/i.test(t));

  // Repeated failures for one email are slowed down, and the screen states the wait. Three
  // quick failures straight through IPC, then the screen's own attempt right after them.
  await app.fill('signin-email', 'nobody@example.test');
  await app.fill('signin-password', 'guess-number-4');
  const answers = await session.executeAsync(
    `const done = arguments[arguments.length - 1];
     const invoke = window.__TAURI_INTERNALS__.invoke;
     const codes = [];
     (async () => {
       for (let i = 0; i < 3; i++) {
         try { await invoke('sign_in', { input: { email: 'nobody@example.test', password: 'guess-' + i } }); codes.push('ok'); }
         catch (e) { codes.push(e.code); }
       }
       document.querySelector('[data-testid="signin-submit"]').click();
       done(codes);
     })();`,
  );
  assert.deepEqual(answers, ['sign_in_failed', 'sign_in_failed', 'sign_in_failed']);
  const throttled = await app.waitForText('signin-error', (t) => /try again in \d+ seconds?/i.test(t));
  assert.match(throttled, /too many/i);
  assert.equal(await (await app.el('signin-error')).attribute('data-kind'), 'throttled');

  // The clerk signs in: their name and role in the top bar, no Users in the navigation.
  await app.signIn(CLERK);
  await app.waitForText('current-user-name', CLERK.name);
  await app.waitForText('current-user-role', 'Clerk');
  assert.equal((await session.allByTestId('nav-users')).length, 0, 'Users is for owners only');

  // The clerk records a sale; stock falls.
  await app.click('nav-sales');
  await app.click('sale-new');
  await app.el('sale-scan');
  await app.select('sale-warehouse', 'Main');
  await (await app.el('sale-scan')).sendKeys('MUG' + Keys.ENTER);
  await session.waitForElement('[data-testid="sale-line"][data-sku="MUG"]');
  await app.click('sale-complete');
  await app.waitForText('sale-last-total', '8.00');
  await app.click('nav-stock');
  await expectOnHand(app, 'MUG', '4');
  await expectDenied(app, 'stock-adjust', /managers and owners only/i);

  // The catalog: its edit actions are disabled with the reason on screen.
  await app.click('nav-products');
  await expectDenied(app, 'product-new', /managers and owners only/i);
  await app.waitForText('denied-note', (t) => /managers and owners only/i.test(t));
  await (await session.waitForElement('[data-testid="product-row"][data-sku="MUG"]')).click();
  await app.el('product-form');
  await expectDenied(app, 'product-save', /managers and owners only/i);
  await expectDenied(app, 'product-archive', /managers and owners only/i);
  await app.click('product-cancel');
  await session.waitForGone('[data-testid="product-form"]');

  // ...and refused by the core when asked directly: `forbidden`, nothing changed.
  const companyId = await session.execute(`return localStorage.getItem('stockflow.companyId')`);
  const found = await invokeDirect(app, 'find_product_by_code', { companyId, code: 'MUG' });
  assert.ok(found.ok, `the clerk can read the catalog (${JSON.stringify(found.refused)})`);
  const mug = found.ok;
  const update = await invokeDirect(app, 'update_product', {
    id: mug.id,
    input: { sku: 'MUG', name: 'Renamed by a clerk', price: '0.01', warehouse_thresholds: [], initial_stock: [] },
  });
  assert.equal(update.refused?.code, 'forbidden', `update_product should be forbidden, got ${JSON.stringify(update)}`);
  assert.match(update.refused.message, /clerk/i);
  const after = await invokeDirect(app, 'get_product', { id: mug.id });
  assert.equal(after.ok?.name, 'Blue mug', 'the refused change wrote nothing');

  // History says who sold it.
  await app.click('nav-history');
  const sale = await session.waitForElement('[data-testid="movement-row"][data-kind="sale"] [data-testid="movement-user"]');
  assert.equal((await sale.text()).trim(), CLERK.name);

  // A restart means signing in again (the harness does it as the clerk).
  await app.restart();
  await app.waitForText('current-user-role', 'Clerk');
}, { timeout: 300_000 });

appTest('users: the automatic lock keeps the page and asks the same user to sign in again', async (app) => {
  const { session } = app;
  await app.fill('company-name', 'Corner Shop', { timeout: 30_000 });
  await app.click('company-create');
  await app.el('user-menu', { timeout: 15_000 });

  // The owner sets the automatic lock to one minute.
  await app.click('nav-settings');
  await app.fill('settings-idle-lock', '1');
  await app.click('settings-idle-lock-save');
  await app.waitForText('toast', (t) => /1 minute/.test(t));

  // Something typed on the settings page and not saved yet.
  await app.fill('settings-company-name', 'Corner Shop & Café');

  // A minute passes without activity (the page's clock is moved on rather than waited for).
  await session.execute(`window.__realNow = Date.now; Date.now = () => window.__realNow.call(Date) + 2 * 60_000;`);
  const locked = await app.waitForText('signin-locked', (t) => /locked after 1 minute without activity/i.test(t), { timeout: 15_000 });
  assert.ok(locked);
  assert.equal(await (await app.el('signin-email')).property('value'), OWNER.email, 'the email is filled in');
  await session.execute(`Date.now = window.__realNow;`);

  // The session ended in the core too: any command now answers `unauthenticated`.
  const status = await invokeDirect(app, 'list_companies', {});
  assert.equal(status.refused?.code, 'unauthenticated', JSON.stringify(status));

  // Signing in again returns to the same page with the unsaved input.
  await app.fill('signin-password', OWNER.password);
  await app.click('signin-submit');
  await session.waitForGone('[data-testid="signin"]');
  const name = await app.el('settings-company-name');
  assert.equal(await name.property('value'), 'Corner Shop & Café', 'the unsaved input is still there');
});
