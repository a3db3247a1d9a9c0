// Sync in the app (issue #13), end to end: a real stockflow-server on a throw-away PostgreSQL
// (run through scripts/with-postgres.sh, which sets STOCKFLOW_TEST_PG), the window's shop
// connected to it in Settings > Sync, a second laptop played by stockflow-cli on its own
// database, a sale on each side seen on the other, the same SKU created on both resolved in the
// window's Conflicts screen and seen resolved on the laptop, and the server killed: the window
// says so in words, keeps selling, and catches up when the server is back. And a new install
// joining a shop in the window: the download stopped half way, started over, stopped again,
// continued, the app closed part way, and the join taken up again at the next start.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { OWNER, appBinary, appTest, artifactsDir, freePort } from './harness.mjs';
import { addProduct } from './shop.mjs';
import { Keys } from './webdriver.mjs';

const COMPANY = 'Harbour Hardware';
const ACCOUNT = 'shop@harbour.example';
const SYNC_PASSWORD = 'correct horse battery';
const JWT_SECRET = 'e2e secret that is long enough for HS256';

function pgBase() {
  const base = process.env.STOCKFLOW_TEST_PG;
  if (!base) {
    throw new Error(
      'STOCKFLOW_TEST_PG is not set: run this test through scripts/with-postgres.sh, which starts a throw-away PostgreSQL ' +
        '(e.g. bash scripts/with-postgres.sh tests/e2e/run.sh tests/e2e/sync.test.mjs)',
    );
  }
  return base;
}

/** stockflow-server and stockflow-cli sit next to the app binary (same target dir). */
function sibling(name) {
  const file = path.join(path.dirname(appBinary()), name);
  if (!fs.existsSync(file)) throw new Error(`${file} not found: build it with \`cargo build -p ${name}\``);
  return file;
}

function run(bin, args, env = {}) {
  const out = spawnSync(bin, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  if (out.status !== 0) {
    throw new Error(`${path.basename(bin)} ${args.join(' ')} exited ${out.status}: ${out.stderr}${out.stdout}`);
  }
  return out.stdout;
}

/** The server, on a database of its own, always on the same port (the app keeps its address). */
class SyncServer {
  constructor() {
    const base = pgBase();
    const name = `e2e_sync_${process.pid}_${Date.now()}`;
    run('psql', [base, '-q', '-c', `CREATE DATABASE ${name}`]);
    this.db = `${base.slice(0, base.lastIndexOf('/'))}/${name}`;
    this.bin = sibling('stockflow-server');
    run(this.bin, ['--database-url', this.db, 'migrate']);
    run(this.bin, ['--database-url', this.db, 'account', 'add', '--email', ACCOUNT], { STOCKFLOW_PASSWORD: SYNC_PASSWORD });
    this.child = null;
  }

  async start() {
    this.port ??= await freePort();
    this.child = spawn(this.bin, ['--database-url', this.db, 'serve', '--listen', `127.0.0.1:${this.port}`], {
      env: { ...process.env, STOCKFLOW_JWT_SECRET: JWT_SECRET },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const line = await new Promise((resolve, reject) => {
      const rl = createInterface({ input: this.child.stdout });
      rl.once('line', resolve);
      this.child.once('exit', (code) => reject(new Error(`stockflow-server exited ${code} before listening`)));
    });
    assert.match(line, /^listening on /, 'the server says where it listens');
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  /** SIGKILL: no goodbye to the clients. */
  async kill() {
    if (!this.child) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
    this.child = null;
  }
}

/** The shop's second laptop: stockflow-cli on a database of its own. */
class Laptop {
  constructor(dir) {
    this.db = path.join(dir, 'laptop.db');
    this.bin = sibling('stockflow-cli');
  }

  cli(args, { user = true } = {}) {
    const all = ['--db', this.db, '--json', ...(user ? ['--user', OWNER.email] : []), ...args];
    return JSON.parse(
      run(this.bin, all, { STOCKFLOW_PASSWORD: OWNER.password, STOCKFLOW_SYNC_PASSWORD: SYNC_PASSWORD, STOCKFLOW_DB: '' }),
    );
  }

  sync(server, options) {
    return this.cli(['sync', '--server', server.url, '--account', ACCOUNT], options);
  }

  onHand(sku) {
    const rows = this.cli(['stock', '--company', COMPANY, '--sku', sku, '--warehouse', 'Main']);
    const list = Array.isArray(rows) ? rows : rows.rows ?? rows.items;
    return list.find((r) => r.sku === sku)?.on_hand;
  }

  skus() {
    const page = this.cli(['product', 'list', '--company', COMPANY]);
    return (Array.isArray(page) ? page : page.items).map((p) => p.sku).sort();
  }
}

/**
 * Between the app and the server: forwards everything, but can hold pull requests from a
 * given one on until released, so a test acts while a join is known to be half way.
 */
class HoldingProxy {
  constructor(target) {
    this.target = new URL(target);
    this.pulls = 0;
    this.holdFrom = null;
    this.held = [];
    this.onHeld = null;
  }

  async start() {
    this.server = http.createServer((req, res) => this.#forward(req, res));
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  /** Holds the `n`-th pull from now and every one after it; resolves when the first is held. */
  holdPull(n) {
    this.holdFrom = this.pulls + n;
    return new Promise((resolve) => (this.onHeld = resolve));
  }

  release() {
    this.holdFrom = null;
    for (const go of this.held.splice(0)) go();
  }

  #forward(req, res) {
    const go = () => {
      const upstream = http.request(
        { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (req.url.startsWith('/v1/pull')) {
      this.pulls += 1;
      if (this.holdFrom !== null && this.pulls >= this.holdFrom) {
        this.held.push(go);
        this.onHeld?.();
        this.onHeld = null;
        return;
      }
    }
    go();
  }

  close() {
    this.release();
    this.server.closeAllConnections();
    this.server.close();
  }
}

/** An interchange folder of one company with `n` products, each with stock in Main. */
async function shopFolder(dir, n) {
  const rows = (header, lines) => [header, ...lines].join('\n') + '\n';
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const files = {
    'companies.csv': rows('id,name', [`1,${COMPANY}`]),
    'warehouses.csv': rows('id,company_id,name', ['1,1,Main']),
    'product_types.csv': rows('product_type,default_threshold', ['standard,5']),
    'products.csv': rows('id,company_id,sku,name,price,product_type', ids.map((i) => `${i},1,SKU-${i},Product ${i},${i % 50}.25,standard`)),
    'inventory.csv': rows('product_id,warehouse_id,quantity', ids.map((i) => `${i},1,${i % 17}`)),
    'suppliers.csv': rows('id,company_id,name,contact_email', []),
    'product_suppliers.csv': rows('product_id,supplier_id,lead_time_days,unit_cost,is_preferred', []),
    'thresholds.csv': rows('product_id,warehouse_id,threshold', []),
    'sales.csv': rows('id,product_id,warehouse_id,quantity,sold_at', []),
  };
  await fsp.mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await fsp.writeFile(path.join(dir, name), text);
}

async function shoot(app, name, testId) {
  if (testId) {
    await app.session.execute(
      `document.querySelector('[data-testid="' + arguments[0] + '"]')?.scrollIntoView({ block: 'start' });`,
      [testId],
    );
  }
  // Let the page paint what the last step changed before the picture is taken.
  await app.session.executeAsync(
    'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));',
  );
  const dir = path.join(artifactsDir, 'sync');
  await fsp.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await fsp.writeFile(file, await app.session.screenshot());
  console.error(`[e2e] screenshot ${file}`);
}

function invoke(app, command, args = {}) {
  return app.session.executeAsync(
    `const [command, args, done] = arguments;
     window.__TAURI_INTERNALS__.invoke(command, args).then(
       (value) => done({ ok: value ?? null }),
       (error) => done({ refused: error }),
     );`,
    [command, args],
  );
}

/** Polls the worker's status until `test` holds; returns it. */
async function waitForSync(app, test, message, timeout = 30_000) {
  let last;
  await app.waitFor(
    async () => {
      const answer = await invoke(app, 'sync_status');
      last = answer.ok ?? answer.refused;
      return answer.ok && test(answer.ok);
    },
    { timeout, message: () => `${message} (status: ${JSON.stringify(last)})` },
  );
  return last;
}

const settled = (s) => s.state === 'idle' && s.pending === 0;

/** When the worker's last sync finished (to wait for one that finishes later). */
async function lastSync(app) {
  const answer = await invoke(app, 'sync_status');
  return answer.ok?.last_report?.finished_at ?? null;
}

/** A sync that finished after `since`, leaving everything sent, and passing `test`. */
const newer = (since, test = () => true) => (s) =>
  settled(s) && (s.last_report?.finished_at ?? null) !== since && test(s);

async function sell(app, sku, quantity) {
  await app.click('nav-sales');
  await app.click('sale-new');
  await app.el('sale-scan');
  await app.select('sale-warehouse', 'Main');
  for (let i = 0; i < quantity; i++) await (await app.el('sale-scan')).sendKeys(sku + Keys.ENTER);
  await app.waitFor(
    async () => {
      const line = await app.session.waitForElement(`[data-testid="sale-line"][data-sku="${sku}"]`, { timeout: 2_000 });
      return (await (await line.find('[data-testid="sale-line-qty"]')).property('value')) === String(quantity);
    },
    { message: `a sale line of ${quantity} ${sku}` },
  );
  await app.click('sale-complete');
  await app.session.waitForGone('[data-testid="sale-line"]');
}

async function expectOnHand(app, sku, expected) {
  await app.click('nav-stock');
  let last;
  await app.waitFor(
    async () => {
      const cell = await app.session.waitForElement(
        `[data-testid="stock-row"][data-sku="${sku}"][data-warehouse="Main"] [data-testid="stock-on-hand"]`,
        { timeout: 2_000 },
      );
      last = (await cell.text()).trim();
      if (last !== expected) {
        // The page read the stock before the sync: show it again.
        await app.click('nav-dashboard');
        await app.click('nav-stock');
      }
      return last === expected;
    },
    { timeout: 20_000, message: () => `${sku} on hand in Main to read ${expected} (reads ${JSON.stringify(last)})` },
  );
}

async function syncNowInSettings(app) {
  await app.click('nav-settings');
  await app.click('sync-now');
}

appTest(
  'sync: the window and a second laptop share sales, resolve a SKU conflict, and ride out a dead server',
  async (app) => {
    const { session } = app;
    const server = await new SyncServer().start();
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'stockflow-e2e-laptop-'));
    const laptop = new Laptop(dir);
    try {
      // A shop in the window: a company, a warehouse, a mug with 10 in stock.
      await app.fill('company-name', COMPANY, { timeout: 30_000 });
      await app.click('company-create');
      await app.click('nav-warehouses', { timeout: 15_000 });
      await app.click('warehouse-new');
      await app.fill('warehouse-name', 'Main');
      await app.click('warehouse-save');
      await session.waitForElement('[data-testid="warehouse-row"][data-name="Main"]');
      await addProduct(app, { sku: 'MUG', name: 'Blue mug', price: '12.50', stock: 10 });

      // Not connected: Settings says so, the top bar shows nothing.
      await app.click('nav-settings');
      await app.el('sync-not-connected');

      // This computer gets a name, which the laptop will show beside what is done here.
      const unnamed = await (await app.el('settings-device-name')).attribute('placeholder');
      assert.match(unnamed, /^Computer [A-Z2-9]{3}$/, 'an unnamed computer has a short readable name');
      await app.fill('settings-device-name', 'Front counter');
      await app.click('settings-device-name-save');
      await app.waitFor(async () => (await (await app.el('settings-device-name-save')).property('disabled')) === true, {
        message: 'the name to be saved',
      });
      await shoot(app, '0-settings-this-computer', 'settings-this-computer');
      assert.equal((await session.allByTestId('sync-indicator')).length, 0, 'no indicator before connecting');
      await shoot(app, '1-settings-not-connected', 'sync-settings');

      // A wrong password is refused before anything is saved.
      await app.fill('sync-server', server.url);
      await app.fill('sync-account', ACCOUNT);
      await app.fill('sync-password', 'not the password');
      await app.click('sync-connect');
      await app.waitForText('sync-connect-form', (t) => /refused the account/i.test(t));
      await shoot(app, '2-settings-wrong-password', 'sync-settings');

      // Connect: the shop is pushed, the top bar says synced.
      await app.fill('sync-password', SYNC_PASSWORD);
      await app.click('sync-connect');
      await waitForSync(app, settled, 'the shop to be pushed');
      await app.waitForText('sync-indicator', 'Synced', { timeout: 15_000 });
      await app.waitForText('sync-info-server', server.url);
      await app.waitForText('sync-info-pending', '0 changes');
      await shoot(app, '3-settings-connected', 'sync-settings');

      // A sale in the window goes out on its own, soon after.
      let since = await lastSync(app);
      await sell(app, 'MUG', 2);
      const afterSale = await waitForSync(app, newer(since, (s) => s.last_report.pushed > 0), 'the sale to be sent by itself');
      assert.equal(afterSale.failures, 0);

      // The second laptop joins the shop (everything comes down, users included), sees the
      // window's sale, and sells 3 more offline, then syncs.
      laptop.sync(server, { user: false });
      assert.equal(laptop.onHand('MUG'), 8, "the laptop sees the window's sale");
      laptop.cli(['device', 'name', '--company', COMPANY, 'Shop laptop']);
      laptop.cli(['sell', '--company', COMPANY, '--warehouse', 'Main', 'MUG=3']);
      laptop.sync(server);
      const laptopHistory = laptop.cli(['history', '--company', COMPANY, '--sku', 'MUG']);
      assert.ok(
        laptopHistory.items.some((m) => m.kind === 'sale' && m.quantity === -2 && m.device_name === 'Front counter'),
        `the laptop names the window's computer: ${JSON.stringify(laptopHistory.items.map((m) => m.device_name))}`,
      );

      // The window receives it: stock and history show the laptop's sale.
      since = await lastSync(app);
      await syncNowInSettings(app);
      await waitForSync(app, newer(since, (s) => s.last_report.pulled > 0), "the laptop's sale to arrive");
      await expectOnHand(app, 'MUG', '5');
      await app.click('nav-history');
      await app.waitFor(
        async () => (await session.findAll('[data-testid="movement-row"][data-kind="sale"][data-sku="MUG"]')).length === 2,
        { timeout: 15_000, message: 'two sales of MUG in the history (the window\'s and the laptop\'s)' },
      );
      await app.waitForText('movement-qty', '\u22123'); // a minus sign, as the screen shows it
      // Each movement names the computer it was made on.
      const sales = await session.findAll('[data-testid="movement-row"][data-kind="sale"][data-sku="MUG"]');
      const byComputer = {};
      for (const row of sales) {
        const qty = (await (await row.find('[data-testid="movement-qty"]')).text()).trim();
        byComputer[qty] = (await (await row.find('[data-testid="movement-device"]')).text()).trim();
      }
      assert.deepEqual(byComputer, { '\u22123': 'Shop laptop', '\u22122': 'Front counter' });
      await shoot(app, '4-history-with-laptop-sale');

      // The Stock screen says the mug last changed on the laptop, and when.
      await app.click('nav-stock');
      await app.waitForText(
        'stock-elsewhere',
        (t) => /^Shop laptop, (just now|\d+ min ago)$/.test(t.trim()),
        { timeout: 10_000 },
      );
      await shoot(app, '4b-stock-changed-elsewhere');

      // The same SKU made on both, each offline: sync keeps both and lists the conflict.
      laptop.cli(['product', 'add', '--company', COMPANY, '--sku', 'LAMP', '--name', 'Desk lamp (laptop)', '--price', '20']);
      await addProduct(app, { sku: 'LAMP', name: 'Desk lamp (window)', price: '22.00' });
      laptop.sync(server);
      since = await lastSync(app);
      await syncNowInSettings(app);
      await waitForSync(app, newer(since, (s) => s.last_report.conflicts > 0), 'the conflict to arrive');
      await app.waitForText('conflicts-badge', '1', { timeout: 15_000 });
      await app.click('nav-conflicts');
      await session.waitForElement('[data-testid="conflict"][data-kind="sku"][data-value="LAMP"]');
      assert.equal((await session.allByTestId('conflict-product')).length, 2);
      await shoot(app, '5-conflicts');

      // Resolve it in the window: the product that lost the SKU gets its own.
      since = await lastSync(app);
      const loser = await session.waitForElement('[data-testid="conflict-product"]:not([data-sku="LAMP"])');
      await (await loser.find('[data-testid="conflict-rename"]')).click();
      await app.fill('conflict-new-code', 'LAMP-2');
      await app.click('conflict-rename-save');
      await app.el('conflicts-page');
      await app.waitFor(async () => (await session.allByTestId('conflict')).length === 0, {
        timeout: 10_000,
        message: 'the conflict to be gone',
      });
      await shoot(app, '6-conflicts-resolved');
      await waitForSync(app, newer(since, (s) => s.last_report.pushed > 0 && s.last_report.conflicts === 0), 'the rename to be sent');

      // The laptop sees the resolution at its next sync.
      const report = laptop.sync(server);
      assert.deepEqual(report.conflicts, [], 'no conflict left on the laptop');
      assert.deepEqual(laptop.skus(), ['LAMP', 'LAMP-2', 'MUG']);

      // The same SKU again, kept as it is with one click: the later cup keeps its suffixed SKU.
      laptop.cli(['product', 'add', '--company', COMPANY, '--sku', 'CUP', '--name', 'Tea cup (laptop)', '--price', '3']);
      await addProduct(app, { sku: 'CUP', name: 'Tea cup (window)', price: '3.50' });
      laptop.sync(server);
      since = await lastSync(app);
      await syncNowInSettings(app);
      await waitForSync(app, newer(since, (s) => s.last_report.conflicts > 0), 'the cup conflict to arrive');
      await app.click('nav-conflicts');
      const cupLoser = await session.waitForElement('[data-testid="conflict"][data-value="CUP"] [data-testid="conflict-product"]:not([data-sku="CUP"])');
      const keptSku = await cupLoser.attribute('data-sku');
      assert.match(keptSku, /^CUP~/);
      await shoot(app, '6b-conflict-keep');
      since = await lastSync(app);
      await (await cupLoser.find('[data-testid="conflict-keep"]')).click();
      await app.waitFor(async () => (await session.allByTestId('conflict')).length === 0, {
        timeout: 10_000,
        message: 'the cup conflict to be gone once kept',
      });
      await waitForSync(app, newer(since, (s) => s.last_report.pushed > 0), 'the keep to be sent');
      assert.deepEqual(laptop.sync(server).conflicts, [], 'kept on the laptop too');
      assert.deepEqual(laptop.skus(), ['CUP', keptSku, 'LAMP', 'LAMP-2', 'MUG']);

      // The mug's price edited on both computers at once: the laptop first, then the window,
      // which had not seen the laptop's edit. The later edit (the window's) wins; the
      // conflicts screen shows what it overwrote, until it is kept.
      laptop.cli(['product', 'edit', '--company', COMPANY, 'MUG', '--price', '14.00']);
      laptop.sync(server);
      since = await lastSync(app);
      const mug = (await invoke(app, 'find_product_by_code', { companyId: (await invoke(app, 'list_companies')).ok[0].id, code: 'MUG' })).ok;
      const edited = await invoke(app, 'update_product', {
        id: mug.id,
        input: { sku: 'MUG', name: mug.name, price: '15.00', warehouse_thresholds: [], initial_stock: [] },
      });
      assert.ok(edited.ok, JSON.stringify(edited));
      await waitForSync(app, newer(since, (s) => s.last_report.pulled > 0), "the laptop's price edit to arrive");
      await app.click('nav-dashboard');
      await app.click('nav-conflicts');
      await session.waitForElement('[data-testid="overwrite"][data-sku="MUG"] [data-testid="overwrite-field"][data-field="price"]', { timeout: 10_000 });
      assert.match(await app.text('overwrite-kept'), /^USD\s15\.00 from this computer$/);
      assert.match(await app.text('overwrite-lost'), /^USD\s14\.00 from Shop laptop$/);
      await shoot(app, '6c-overwritten-values');
      await app.click('overwrite-keep');
      await session.waitForGone('[data-testid="overwrite"]');
      await shoot(app, '6d-overwrite-kept');

      // The server dies. The window says so in words and keeps selling.
      await server.kill();
      await sell(app, 'MUG', 1);
      await syncNowInSettings(app);
      const offline = await waitForSync(app, (s) => s.state === 'offline', 'the window to notice the server is gone');
      assert.ok(offline.pending > 0, 'the sale waits');
      await app.waitForText('sync-indicator', (t) => /Offline, \d+ changes? waiting/.test(t), { timeout: 15_000 });
      await app.waitForText('sync-state-detail', (t) => /cannot be reached.*changes are kept/i.test(t));
      await shoot(app, '7-offline', 'sync-settings');
      await expectOnHand(app, 'MUG', '4');

      // Back: the window catches up, and the laptop sees the sale made while it was down.
      await server.start();
      since = await lastSync(app);
      await syncNowInSettings(app);
      await waitForSync(app, newer(since), 'the window to catch up');
      await app.waitForText('sync-indicator', 'Synced', { timeout: 15_000 });
      laptop.sync(server);
      assert.equal(laptop.onHand('MUG'), 4, 'the sale made while the server was down reached the laptop');

      // Disconnect: the data stays, the indicator goes.
      await app.click('nav-settings');
      await app.click('sync-disconnect');
      await app.click('sync-disconnect-confirm');
      await app.el('sync-not-connected');
      await expectOnHand(app, 'MUG', '4');
    } finally {
      await server.kill();
      await fsp.rm(dir, { recursive: true, force: true });
    }
  },
  { timeout: 300_000 },
);

appTest(
  'sync: a new install joins a shop in the window; the download is stopped, started over, stopped, continued, and taken up again after a restart',
  async (app) => {
    const server = await new SyncServer().start();
    const proxy = await new HoldingProxy(server.url).start();
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'stockflow-e2e-shop-'));
    try {
      // The shop, made on another computer and synced: 1,200 products with stock and an owner
      // (about 2,400 changes: five pages of 500).
      const shop = new Laptop(dir);
      await shopFolder(path.join(dir, 'import'), 1200);
      shop.cli(['import', path.join(dir, 'import')], { user: false });
      run(shop.bin, ['--db', shop.db, '--json', 'user', 'add', '--company', COMPANY, '--email', OWNER.email, '--name', OWNER.name, '--role', 'owner'], {
        STOCKFLOW_NEW_PASSWORD: OWNER.password,
        STOCKFLOW_DB: '',
      });
      shop.sync(server);

      const windowCompanies = () => {
        const out = spawnSync(shop.bin, ['--db', app.dbPath, '--json', 'company', 'list'], { encoding: 'utf8', env: { ...process.env, STOCKFLOW_DB: '' } });
        return { status: out.status, companies: out.status === 0 ? JSON.parse(out.stdout) : out.stdout };
      };
      const join = async () => {
        await app.fill('join-server', proxy.url);
        await app.fill('join-account', ACCOUNT);
        await app.fill('join-password', SYNC_PASSWORD);
        const held = proxy.holdPull(2);
        await app.click('join-submit');
        await held;
        await app.waitForText('join-progress', (t) => /Receiving changes: 500\b/.test(t), { timeout: 15_000 });
      };
      const cancel = async () => {
        await app.click('join-cancel');
        await app.waitForText('join-cancel', 'Stopping…');
        proxy.release();
        await app.waitForText('join-stopped', (t) => /^Stopped\.\s+1\D?000 changes \([\d.,]+ [KM]B\) arrived and are kept on this computer\./.test(t), { timeout: 15_000 });
      };

      // First run: join instead of setting up, and stop when the second page is on its way.
      await app.click('setup-join', { timeout: 30_000 });
      await join();
      await shoot(app, '8-join-progress', 'join');
      await cancel();
      await shoot(app, '9-join-stopped', 'join');

      // Start over: this computer is empty again (no company, no user: a first run).
      await app.click('join-start-over');
      await app.el('join-submit');
      assert.equal(await (await app.el('join-password')).property('value'), '', 'the password is asked again');
      assert.deepEqual(windowCompanies(), { status: 0, companies: [] }, 'nothing of the half shop is left');

      // Join again, stop again, continue, and close StockFlow while the fourth page is on
      // its way: the next start goes on with the join (no new shop over half of this one).
      await join();
      await cancel();
      const fourth = proxy.holdPull(2);
      await app.click('join-continue');
      await fourth;
      // (the count is this run's: the third page is its first)
      await app.waitForText('join-progress', (t) => /Receiving changes: 500\b/.test(t), { timeout: 15_000 });
      await app.restart({ signIn: false });
      proxy.release();
      await app.el('join-resumed', { timeout: 30_000 });
      await app.waitFor(async () => (await (await app.el('join-server')).property('value')) === proxy.url, {
        message: "the address to be this computer's connection",
      });
      assert.equal(await (await app.el('join-account')).property('value'), ACCOUNT);
      await shoot(app, '10-join-resumed', 'join');
      await app.fill('join-password', SYNC_PASSWORD);
      await app.click('join-submit');
      await app.waitForText('signin-form', (t) => t.length > 0, { timeout: 60_000 });
      await app.signIn(OWNER);
      await app.el('nav-products', { timeout: 15_000 });
      const inWindow = JSON.parse(
        run(shop.bin, ['--db', app.dbPath, '--json', '--user', OWNER.email, 'stock', '--company', COMPANY, '--sku', 'SKU-1199'], {
          STOCKFLOW_PASSWORD: OWNER.password,
          STOCKFLOW_DB: '',
        }),
      );
      const rows = Array.isArray(inWindow) ? inWindow : inWindow.rows ?? inWindow.items;
      assert.equal(rows.find((r) => r.sku === 'SKU-1199')?.on_hand, 1199 % 17, 'the whole shop came down, to its last pages');
    } finally {
      proxy.close();
      await server.kill();
      await fsp.rm(dir, { recursive: true, force: true });
    }
  },
  { timeout: 240_000, setup: false },
);
