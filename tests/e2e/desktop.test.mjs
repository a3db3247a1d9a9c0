// Habits of desktop users: Ctrl+K jumps to a screen or a product by typing, "?" lists the
// shortcuts, the theme follows a choice in Settings > Appearance (and survives a restart),
// text a list had to cut short shows whole on pointing, and toasts keep off the sidebar.
import assert from 'node:assert/strict';
import path from 'node:path';

import { appTest, artifactsDir } from './harness.mjs';
import { Keys } from './webdriver.mjs';

async function shot(app, name) {
  const fs = await import('node:fs/promises');
  await fs.mkdir(artifactsDir, { recursive: true });
  // Two animation frames: the screen as painted after the last change, not a frame before it.
  await app.session.executeAsync('const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));', []);
  await fs.writeFile(path.join(artifactsDir, `${name}.png`), await app.session.screenshot());
}

const LONG_NAME = 'Heavy-duty galvanised steel wall bracket for shelving, with screws and wall plugs';

/** Ctrl+K as the keyboard sends it (to the page, whatever has the focus). */
async function paletteKey(app) {
  await (await app.session.find('body')).sendKeys(Keys.CONTROL + 'k' + Keys.NULL);
}

async function background(app) {
  return app.session.execute('return getComputedStyle(document.documentElement).backgroundColor;', []);
}

appTest('desktop: Ctrl+K finds screens and products, shortcuts, dark theme, clipped text, toasts', async (app) => {
  const { session } = app;
  await app.fill('company-name', 'Palette Hardware', { timeout: 30_000 });
  await app.click('company-create');
  await app.el('nav-warehouses', { timeout: 15_000 });
  await app.click('nav-warehouses');
  await app.click('warehouse-new');
  await app.fill('warehouse-name', 'Main');
  await app.click('warehouse-save');
  await session.waitForElement('[data-testid="warehouse-row"][data-name="Main"]');

  // The save's toast sits in the work area, clear of the sidebar.
  const toast = await session.waitForElement('[data-testid="toast"]');
  const [toastRect, sidebarRect] = await session.execute(
    'return [arguments[0].getBoundingClientRect().left, document.querySelector(".sidebar").getBoundingClientRect().right];',
    [toast],
  );
  assert.ok(toastRect >= sidebarRect, `the toast (left ${toastRect}) is clear of the sidebar (right ${sidebarRect})`);

  await app.click('nav-products');
  await app.click('product-new');
  await app.el('product-form');
  await app.fill('product-sku', 'BRKT-40');
  await app.fill('product-name', LONG_NAME);
  await app.fill('product-price', '7.90');
  const qty = await session.waitForElement('[data-testid="product-stock-qty"][data-warehouse-name="Main"]');
  await qty.sendKeys('12');
  await app.click('product-save');
  await session.waitForGone('[data-testid="product-form"]');

  // Whatever a list cuts short shows whole when pointed at, on every list screen.
  for (const screen of ['products', 'stock', 'history']) {
    await app.click(`nav-${screen}`);
    await session.waitForElement('.dt-body .dt-row');
    const unreadable = await session.execute(
      `const out = [];
       let clipped = 0;
       for (const c of document.querySelectorAll(".dt-cell")) {
         if (c.scrollWidth <= c.clientWidth + 1) continue;
         clipped++;
         c.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
         const text = c.textContent.replace(/\\s+/g, " ").trim();
         const title = c.getAttribute("title") ?? "";
         if (!title || !text.split(" ").every((w) => title.includes(w))) out.push(text);
       }
       return { clipped, out };`,
      [],
    );
    if (screen === 'products') assert.ok(unreadable.clipped > 0, 'the long name is cut short in the products list');
    assert.deepEqual(unreadable.out, [], `on ${screen}, cut-short text without a tooltip`);
  }

  // Ctrl+K, a few letters of the name, Enter: the product opens.
  await app.click('nav-dashboard');
  await paletteKey(app);
  await app.el('palette');
  await app.fill('palette-input', 'galvan');
  const product = await session.waitForElement('[data-testid="palette-item"][data-group="Products"]');
  assert.match(await product.text(), /BRKT-40/);
  await shot(app, 'desktop-palette');
  await (await app.el('palette-input')).sendKeys(Keys.ARROW_DOWN);
  await app.waitFor(
    async () => (await session.execute('return document.querySelector("[data-testid=palette-item][aria-selected=true]")?.dataset.group;', [])) === 'Products',
    { message: 'the product chosen with the arrow key' },
  );
  await (await app.el('palette-input')).sendKeys(Keys.ENTER);
  await session.waitForGone('[data-testid="palette"]');
  await app.waitFor(async () => (await (await app.el('product-name')).property('value')) === LONG_NAME, {
    message: 'the product form for the chosen product',
  });
  await (await app.el('product-name')).sendKeys(Keys.ESCAPE);
  await session.waitForGone('[data-testid="product-form"]');

  // A screen by name.
  await paletteKey(app);
  await app.fill('palette-input', 'histo');
  const screen = await session.waitForElement('[data-testid="palette-item"][data-group="Screens"]');
  assert.equal((await screen.text()).trim(), 'History');
  await (await app.el('palette-input')).sendKeys(Keys.ENTER);
  await app.waitFor(async () => (await session.execute('return location.hash;', [])).startsWith('#/history'), {
    message: 'the History screen',
  });

  // "?" lists the shortcuts, Ctrl+K among them; Escape closes.
  await (await session.find('body')).sendKeys('?');
  await app.el('shortcuts');
  const rows = await session.allByTestId('shortcut');
  assert.ok(rows.length >= 4, 'the shortcuts are listed');
  assert.match(await (await app.el('shortcuts')).text(), /Go to any screen/);
  await shot(app, 'desktop-shortcuts');
  await (await session.find('body')).sendKeys(Keys.ESCAPE);
  await session.waitForGone('[data-testid="shortcuts"]');

  // Dark, from Settings > Appearance; it stays dark after a restart.
  const light = await background(app);
  await app.click('nav-settings');
  await app.click('theme-dark');
  await app.waitFor(async () => (await session.execute('return document.documentElement.dataset.theme;', [])) === 'dark', {
    message: 'the dark theme',
  });
  const dark = await background(app);
  assert.notEqual(dark, light, 'the page background changed');
  const [r, g, b] = dark.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 120, `a dark background, got ${dark}`);
  await session.execute('document.querySelector("[data-testid=appearance-settings]").scrollIntoView();', []);
  await shot(app, 'desktop-dark-settings');
  // Every screen in dark: nothing keeps a light background (a colour written into a component
  // instead of taken from the theme).
  for (const screen of ['dashboard', 'products', 'stock', 'warehouses', 'product-types', 'suppliers', 'purchase-orders', 'sales', 'stock-count', 'alerts', 'history', 'users', 'import', 'settings']) {
    await app.click(`nav-${screen}`);
    await session.waitForElement('.page h1');
    const light = await session.execute(
      `const out = [];
       for (const e of document.querySelectorAll("body *")) {
         const m = getComputedStyle(e).backgroundColor.match(/[\\d.]+/g);
         if (!m || (m.length === 4 && Number(m[3]) < 0.5)) continue;
         const [r, g, b] = m.map(Number);
         const box = e.getBoundingClientRect();
         // A status dot or a badge mark may be bright; a surface may not.
         if (0.2126 * r + 0.7152 * g + 0.0722 * b > 170 && box.width * box.height > 600) out.push(e.tagName + "." + e.className);
       }
       return out;`,
      [],
    );
    assert.deepEqual(light, [], `light backgrounds on ${screen} in the dark theme`);
    await shot(app, `desktop-dark-${screen}`);
  }
  await app.click('nav-products');
  await app.click('product-new');
  await app.el('product-form');
  await shot(app, 'desktop-dark-product-form');
  await (await app.el('product-sku')).sendKeys(Keys.ESCAPE);
  await session.waitForGone('[data-testid="product-form"]');

  await app.restart();
  await app.el('nav-dashboard', { timeout: 15_000 });
  assert.equal(await app.session.execute('return document.documentElement.dataset.theme;', []), 'dark', 'dark after a restart');
  await app.click('nav-settings');
  await app.click('theme-system');
  await app.waitFor(async () => (await background(app)) === light, { message: 'the light theme back (the desktop is light)' });
});
