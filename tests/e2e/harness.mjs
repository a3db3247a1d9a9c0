// Starts and tears down everything an end-to-end test needs around the REAL app:
//   - an X server (Xvfb on a free display) when DISPLAY is unset or CI=true, one per test process;
//   - per test: a fresh temp dir (HOME, XDG_* dirs, STOCKFLOW_DB), a private D-Bus session bus,
//     one WebKitWebDriver on a free port started with that environment (WebKitWebDriver launches
//     the app binary, which inherits its environment), and one WebDriver session = one app.
// On failure it saves a PNG screenshot, the page HTML and the driver/app log to
// tests/e2e/artifacts/. Every process it starts runs in its own process group and is killed,
// pass or fail, and again on process exit should a test be cut short.
//
// Environment knobs:
//   STOCKFLOW_BIN          app binary (default: <repo>/target/debug/stockflow)
//   STOCKFLOW_E2E_HEADLESS=1   use Xvfb even when DISPLAY is set (always so when CI=true)
//   STOCKFLOW_E2E_KEEP=1   keep each test's temp dir (path printed) for inspection
//   STOCKFLOW_E2E_DBUS=0   do not start a private session bus (the app then runs without one)
//   STOCKFLOW_E2E_BROWSER_NAME  browserName capability (default wry; MiniBrowser to self-test)
//
// Users (issue #7): a fresh database opens on the first-run setup screen. appTest() creates
// OWNER through it before the test body runs (pass { setup: false } to drive it yourself), and
// App.restart() signs the last signed-in user in again, as a person would after a restart.

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

import { Session, waitFor, waitForServer } from './webdriver.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const artifactsDir = path.join(here, 'artifacts');

const liveGroups = new Set(); // pids of process-group leaders we started and have not reaped

function log(...args) {
  if (process.env.STOCKFLOW_E2E_VERBOSE) console.error('[e2e]', ...args);
}

/** Start a command as the leader of a new process group. */
function spawnGroup(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid) liveGroups.add(child.pid);
  child.once('exit', () => liveGroups.delete(child.pid));
  return child;
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/** SIGTERM the whole group, wait up to `graceMs` for the leader, then SIGKILL the group. */
async function killGroup(child, graceMs = 3_000) {
  if (!child?.pid) return;
  const exited = child.exitCode !== null || child.signalCode !== null;
  if (!exited) {
    signalGroup(child.pid, 'SIGTERM');
    await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, graceMs))]);
  }
  // Children of the leader (the app) may outlive it: always finish the group off.
  signalGroup(child.pid, 'SIGKILL');
  liveGroups.delete(child.pid);
}

process.on('exit', () => {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
    process.exit(130);
  });
}

/** Kill any process whose environment carries `marker` (the app may leave its group). */
function killByEnvMarker(marker) {
  let killed = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (environ.split('\0').includes(marker)) {
        process.kill(Number(entry), 'SIGKILL');
        killed += 1;
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return killed;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Read the first line a child writes on a stream, with a timeout. */
function firstLine(child, stream, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => finish(new Error(`${what}: no output within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline >= 0) finish(null, buffer.slice(0, newline).trim());
    };
    const onExit = (code, signal) => finish(new Error(`${what} exited early (code ${code}, signal ${signal})`));
    function finish(error, line) {
      clearTimeout(timer);
      stream.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(line);
    }
    stream.on('data', onData);
    child.once('exit', onExit);
  });
}

// ---- X server: one per test process -------------------------------------------------------

let xvfb = null; // { child, display }

async function ensureDisplay() {
  const headless = process.env.STOCKFLOW_E2E_HEADLESS === '1' || process.env.CI === 'true';
  if (process.env.DISPLAY && !headless) return process.env.DISPLAY;
  if (xvfb) return xvfb.display;
  // -displayfd: Xvfb picks a free display itself and writes its number once it accepts clients.
  const child = spawnGroup('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const spawnError = once(child, 'error').then(([e]) => {
    throw new Error(`cannot start Xvfb (package xvfb; run scripts/setup.sh): ${e.message}`);
  });
  let number;
  try {
    number = await Promise.race([firstLine(child, child.stdio[3], 'Xvfb', 15_000), spawnError]);
  } catch (error) {
    await killGroup(child);
    throw new Error(`${error.message}\n${stderr}`);
  }
  xvfb = { child, display: `:${number}` };
  log('Xvfb on', xvfb.display);
  return xvfb.display;
}

after(async () => {
  if (xvfb) await killGroup(xvfb.child);
  xvfb = null;
});

// ---- One app per test ---------------------------------------------------------------------

export function appBinary() {
  const binary = process.env.STOCKFLOW_BIN
    ? path.resolve(process.env.STOCKFLOW_BIN)
    : path.join(repoRoot, 'target', 'debug', 'stockflow');
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    throw new Error(`app binary not found at ${binary}: build it first with \`cargo build -p stockflow\``);
  }
  return binary;
}

/** The owner every appTest() sets up through the first-run screen. */
export const OWNER = Object.freeze({
  name: 'Olive Owner',
  email: 'owner@example.test',
  password: 'owner-password-1',
});

function slug(text) {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'test';
}

export class App {
  constructor(name) {
    this.name = name;
    this.session = null;
    this.driver = null;
    this.dbus = null;
    this.tmp = null;
    this.logPath = null;
    /** { email, password } of who the harness signs in after a restart (null: nobody). */
    this.credentials = null;
  }

  /** Everything started here is torn down by close(), even when start() fails half-way. */
  async start() {
    const binary = appBinary();
    const display = await ensureDisplay();
    this.tmp = await fsp.mkdtemp(path.join(os.tmpdir(), `stockflow-e2e-${slug(this.name).slice(0, 30)}-`));
    const dirs = {};
    for (const dir of ['home', 'data', 'config', 'cache', 'runtime']) {
      dirs[dir] = path.join(this.tmp, dir);
      await fsp.mkdir(dirs[dir], { mode: 0o700 });
    }
    this.dbPath = path.join(this.tmp, 'stockflow.db');
    this.logPath = path.join(this.tmp, 'driver-and-app.log');

    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS; // never talk to the developer's bus (single-instance!)
    delete env.WAYLAND_DISPLAY; // the X display below is the one to use
    Object.assign(env, {
      DISPLAY: display,
      HOME: dirs.home,
      XDG_DATA_HOME: dirs.data,
      XDG_CONFIG_HOME: dirs.config,
      XDG_CACHE_HOME: dirs.cache,
      XDG_RUNTIME_DIR: dirs.runtime,
      STOCKFLOW_DB: this.dbPath,
      TAURI_WEBVIEW_AUTOMATION: 'true',
      GDK_BACKEND: 'x11',
      NO_AT_BRIDGE: '1', // no accessibility bus to look for
      RUST_LOG: process.env.RUST_LOG ?? 'info',
    });

    // A private session bus: the app's single-instance plugin registers a well-known D-Bus
    // name, so on a shared bus a test app would hand over to an already running StockFlow and exit.
    if (process.env.STOCKFLOW_E2E_DBUS !== '0') {
      const socket = path.join(dirs.runtime, 'bus');
      this.dbus = this.#spawnLogged(
        'dbus-daemon',
        ['--session', '--nofork', '--nopidfile', `--address=unix:path=${socket}`, '--print-address=1'],
        env,
        'pipe',
      );
      const failed = once(this.dbus, 'error').then(([e]) => {
        throw new Error(`cannot start dbus-daemon (package dbus): ${e.message}`);
      });
      env.DBUS_SESSION_BUS_ADDRESS = await Promise.race([firstLine(this.dbus, this.dbus.stdout, 'dbus-daemon', 10_000), failed]);
    }
    this.env = env;
    return this.#launch(binary, env);
  }

  /**
   * Kill the app outright (as a crash or a power cut would: no clean shutdown), then start it
   * again on the same database, temp dirs and session bus. Returns once the page has loaded.
   */
  async restart({ signIn = true } = {}) {
    if (this.dbPath) killByEnvMarker(`STOCKFLOW_DB=${this.dbPath}`);
    this.session = null; // its app is gone
    await killGroup(this.driver, 1_000);
    this.driver = null;
    await this.#launch(appBinary(), this.env);
    // A new app process has no session: whoever was working signs in again.
    if (signIn && this.credentials) await this.signIn(this.credentials);
    return this;
  }

  // -- users and sign-in ------------------------------------------------------------------------

  /** First run: create the owner through the setup screen; returns once the app is past it. */
  async setUpOwner(owner = OWNER) {
    await this.fill('setup-name', owner.name, { timeout: 30_000 });
    await this.fill('setup-email', owner.email);
    await this.fill('setup-password', owner.password);
    await this.fill('setup-confirm', owner.password);
    await this.click('setup-submit');
    await this.session.waitForGone('[data-testid="setup"]', { timeout: 15_000 });
    await this.#waitPastSignIn();
    this.credentials = { email: owner.email, password: owner.password };
    return this;
  }

  /** Sign in through the sign-in screen (it must be showing, or about to). */
  async signIn({ email, password } = this.credentials ?? OWNER) {
    await this.fill('signin-email', email, { timeout: 30_000 });
    await this.fill('signin-password', password);
    // After a throttled attempt the button waits out the stated delay.
    await this.waitFor(async () => (await this.el('signin-submit')).isEnabled(), {
      timeout: 30_000,
      message: 'the sign-in button to be enabled',
    });
    await this.click('signin-submit');
    await this.session.waitForGone('[data-testid="signin"]', { timeout: 15_000 });
    await this.#waitPastSignIn();
    this.credentials = { email, password };
    return this;
  }

  /** Sign out through the user menu; returns once the sign-in screen shows. */
  async signOut() {
    await this.click('user-menu');
    await this.click('sign-out');
    await this.el('signin-form', { timeout: 15_000 });
    this.credentials = null;
    return this;
  }

  /** The app shows its screens (onboarding or the shell), not a loading or sign-in screen. */
  #waitPastSignIn() {
    return this.session.waitForElement('[data-testid="onboarding"], [data-testid="user-menu"]', { timeout: 15_000 });
  }

  /** One WebKitWebDriver (which launches the app) and one WebDriver session. */
  async #launch(binary, env) {
    const port = await freePort();
    this.driver = this.#spawnLogged('WebKitWebDriver', [`--port=${port}`], env);
    const driverFailed = once(this.driver, 'error').then(([e]) => {
      throw new Error(`cannot start WebKitWebDriver (package webkit2gtk-driver): ${e.message}`);
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await Promise.race([waitForServer(baseUrl, { timeout: 15_000 }), driverFailed]);

    const capabilities = {
      alwaysMatch: {
        browserName: process.env.STOCKFLOW_E2E_BROWSER_NAME ?? 'wry',
        'webkitgtk:browserOptions': { binary, args: [] },
      },
    };
    this.session = await Session.create(baseUrl, capabilities, { timeout: 60_000 });
    log(this.name, 'session', this.session.id, 'tmp', this.tmp);
    await this.session.waitFor(
      async () => (await this.session.execute('return document.readyState')) === 'complete',
      { timeout: 30_000, message: 'the page to load' },
    );
    return this;
  }

  /** Spawn in a new process group with its output (and the app's, for the driver) in the log. */
  #spawnLogged(command, args, env, stdout) {
    const logFd = fs.openSync(this.logPath, 'a');
    try {
      return spawnGroup(command, args, { stdio: ['ignore', stdout ?? logFd, logFd], env });
    } finally {
      fs.closeSync(logFd);
    }
  }

  // -- conveniences over data-testid --------------------------------------------------------

  /** Wait for a displayed element by data-testid and return it. */
  el(testId, options) {
    return this.session.waitForTestId(testId, options);
  }

  /**
   * Click a data-testid. While something else covers it (a toast, a closing drawer) the click
   * is "intercepted": retry until the timeout, as a user waits for the way to clear.
   */
  async click(testId, { timeout = 10_000, ...options } = {}) {
    const element = await this.el(testId, { timeout, ...options });
    const started = Date.now();
    this.lastIntercept = null;
    await waitFor(
      async () => {
        try {
          await element.click();
          return true;
        } catch (error) {
          if (error.error !== 'element click intercepted') throw error;
          this.lastIntercept = await this.#coveringElement(element);
          throw new Error(`click intercepted by ${this.lastIntercept}`);
        }
      },
      { timeout, interval: 200, message: `[data-testid="${testId}"] to be clickable` },
    );
    if (this.lastIntercept) log(`click ${testId}: waited ${Date.now() - started} ms for ${this.lastIntercept}`);
    return element;
  }

  /** Describe what sits on top of an element's centre (for intercepted clicks). */
  async #coveringElement(element) {
    try {
      return await this.session.execute(
        `const r = arguments[0].getBoundingClientRect();
         const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
         if (!top) return 'nothing';
         const id = top.closest('[data-testid]');
         return top.tagName.toLowerCase() + (top.className ? '.' + String(top.className).split(' ').join('.') : '') +
           (id ? ' in [data-testid="' + id.dataset.testid + '"]' : '');`,
        [element],
      );
    } catch {
      return 'unknown';
    }
  }

  /** Replace the value of an input by typing (sendKeys fires the input events Svelte listens to). */
  async fill(testId, value, options) {
    const element = await this.el(testId, options);
    // Empty it first through the DOM with an `input` event, so bound state follows (WebDriver's
    // clear() only promises `change`).
    await this.session.execute(
      `const e = arguments[0];
       if (e.value !== '') { e.value = ''; e.dispatchEvent(new Event('input', { bubbles: true })); }`,
      [element],
    );
    await element.sendKeys(String(value));
    const typed = await element.property('value');
    if (typed !== String(value)) {
      throw new Error(`[data-testid="${testId}"] holds ${JSON.stringify(typed)} after typing ${JSON.stringify(String(value))}`);
    }
    return element;
  }

  /** Choose an <option> of a <select> by its visible text or value. */
  async select(testId, textOrValue, options) {
    const select = await this.el(testId, options);
    const chosen = await this.session.execute(
      `const [select, wanted] = arguments;
       const option = [...select.options].find((o) => o.value === wanted || o.textContent.trim() === wanted);
       if (!option) return null;
       select.value = option.value;
       select.dispatchEvent(new Event('input', { bubbles: true }));
       select.dispatchEvent(new Event('change', { bubbles: true }));
       return option.value;`,
      [select, String(textOrValue)],
    );
    if (chosen === null) throw new Error(`no option "${textOrValue}" in [data-testid="${testId}"]`);
    return chosen;
  }

  /**
   * With STOCKFLOW_E2E_SHOTS=DIR, saves the window as DIR/NAME.png (to look at every changed
   * screen); otherwise does nothing. The driver's screenshot is of the last composited frame:
   * two frames pass first, and it is taken twice (the first can still be the old frame).
   */
  async shot(name) {
    const dir = process.env.STOCKFLOW_E2E_SHOTS;
    if (!dir) return;
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 2; i++) {
      await this.session.executeAsync(
        'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
      );
      await this.session.screenshot();
    }
    fs.writeFileSync(path.join(dir, `${name}.png`), await this.session.screenshot());
  }

  /** Settings > Appearance: the light or dark theme, waited for. */
  async setTheme(theme) {
    await this.click('nav-settings');
    await this.click(`theme-${theme}`);
    await this.waitFor(
      async () => (await this.session.execute('return document.documentElement.dataset.theme')) === theme,
      { message: `the ${theme} theme` },
    );
  }

  async text(testId, options) {
    return (await (await this.el(testId, options)).text()).trim();
  }

  /** Poll until the text of a data-testid satisfies `predicate` (a string means: contains it). */
  waitForText(testId, predicate, { timeout = 10_000 } = {}) {
    const test = typeof predicate === 'string' ? (t) => t.includes(predicate) : predicate;
    let last;
    return waitFor(
      async () => {
        const elements = await this.session.allByTestId(testId);
        for (const element of elements) {
          last = (await element.text()).trim();
          if (test(last)) return last;
        }
        return null;
      },
      { timeout, message: () => `[data-testid="${testId}"] text to match ${predicate} (last: ${JSON.stringify(last)})` },
    );
  }

  waitFor(condition, options) {
    return waitFor(condition, options);
  }

  // -- failure evidence and teardown ----------------------------------------------------------

  async saveArtifacts(error) {
    await fsp.mkdir(artifactsDir, { recursive: true });
    const base = path.join(artifactsDir, slug(this.name));
    const saved = [];
    if (this.session) {
      try {
        await fsp.writeFile(`${base}.png`, await this.session.screenshot());
        saved.push(`${base}.png`);
      } catch (e) {
        log('WebDriver screenshot failed:', e.message);
      }
      try {
        await fsp.writeFile(`${base}.html`, await this.session.pageSource());
        saved.push(`${base}.html`);
      } catch {
        // the page may be gone
      }
    }
    if (!saved.some((f) => f.endsWith('.png')) && xvfb) {
      // Fall back to grabbing the whole X screen (ImageMagick; /usr/bin to skip stand-ins).
      const shot = spawnSync('/usr/bin/import', ['-display', xvfb.display, '-window', 'root', `${base}.png`], {
        timeout: 10_000,
      });
      if (shot.status === 0) saved.push(`${base}.png`);
    }
    if (this.logPath && fs.existsSync(this.logPath)) {
      await fsp.copyFile(this.logPath, `${base}.log`);
      saved.push(`${base}.log`);
    }
    if (error) await fsp.writeFile(`${base}.error.txt`, `${error.stack ?? error}\n`);
    console.error(`[e2e] "${this.name}" failed; artifacts: ${saved.join(', ') || 'none'}`);
  }

  async close() {
    if (this.session) {
      try {
        await this.session.delete(); // closes the app window and process
      } catch (e) {
        log('delete session failed:', e.message);
      }
      this.session = null;
    }
    await killGroup(this.driver);
    if (this.dbPath) killByEnvMarker(`STOCKFLOW_DB=${this.dbPath}`);
    await killGroup(this.dbus);
    if (this.tmp) {
      if (process.env.STOCKFLOW_E2E_KEEP === '1') console.error(`[e2e] kept ${this.tmp}`);
      else await fsp.rm(this.tmp, { recursive: true, force: true });
    }
  }
}

/**
 * Declare a test that runs against a fresh app with a fresh database:
 *   appTest('creates a product', async (app) => { ... });
 * The body starts signed in as OWNER, past the setup screen (on onboarding, as there is no
 * company yet); `{ setup: false }` starts it on the setup screen instead.
 */
export function appTest(name, fn, { timeout = 180_000, setup = true } = {}) {
  return test(name, { timeout }, async (t) => {
    const app = new App(name);
    try {
      await app.start();
      if (setup) await app.setUpOwner();
      await fn(app, t);
    } catch (error) {
      await app.saveArtifacts(error);
      throw error;
    } finally {
      await app.close();
    }
  });
}
