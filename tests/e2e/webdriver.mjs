// A tiny W3C WebDriver client: just what the end-to-end tests need, no dependencies.
// It talks to WebKitWebDriver over one keep-alive connection (Node's global fetch).

export const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

// The W3C key codes the tests need, for sendKeys.
export const Keys = Object.freeze({
  ENTER: '\uE007',
  ESCAPE: '\uE00C',
  TAB: '\uE004',
  BACKSPACE: '\uE003',
  CONTROL: '\uE009',
  NULL: '\uE000', // releases the modifier keys held so far
  ARROW_DOWN: '\uE015',
});

export class WebDriverError extends Error {
  constructor(method, path, status, value, body) {
    const error = value?.error ?? `http ${status}`;
    const sent = body === undefined ? '' : ` ${JSON.stringify(body).slice(0, 200)}`;
    super(`${method} ${path}${sent} -> ${error}: ${value?.message || JSON.stringify(value)}`);
    this.name = 'WebDriverError';
    this.status = status;
    this.error = error;
  }
}

export class TimeoutError extends Error {
  constructor(message) {
    super(message);
    this.name = 'TimeoutError';
  }
}

async function request(baseUrl, method, path, body, { timeoutMs = 60_000 } = {}) {
  const init = {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    signal: AbortSignal.timeout(timeoutMs),
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(baseUrl + path, init);
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { value: { error: 'invalid json', message: text.slice(0, 500) } };
  }
  if (!response.ok || (parsed.value && parsed.value.error)) {
    throw new WebDriverError(method, path, response.status, parsed.value, body);
  }
  return parsed.value;
}

/**
 * Poll `condition` until it returns a truthy value, and return that value.
 * Exceptions thrown by the condition count as "not yet" (the last one is reported on timeout).
 */
export async function waitFor(condition, { timeout = 10_000, interval = 100, message } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  let lastValue;
  for (;;) {
    try {
      lastValue = await condition();
      if (lastValue) return lastValue;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = typeof message === 'function' ? message() : message;
      const detail = lastError ? ` (last error: ${lastError.message})` : ` (last value: ${JSON.stringify(lastValue)})`;
      throw new TimeoutError(`timed out after ${timeout} ms waiting for ${what ?? 'condition'}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Wait until a WebDriver server answers GET /status with ready: true. */
export async function waitForServer(baseUrl, { timeout = 15_000 } = {}) {
  return waitFor(
    async () => {
      const status = await request(baseUrl, 'GET', '/status', undefined, { timeoutMs: 2_000 });
      return status && status.ready !== false ? status : null;
    },
    { timeout, interval: 50, message: `WebDriver server at ${baseUrl}` },
  );
}

export class Element {
  constructor(session, id, description) {
    this.session = session;
    this.id = id;
    this.description = description;
  }

  toJSON() {
    return { [ELEMENT_KEY]: this.id };
  }

  #cmd(method, suffix, body) {
    return this.session.cmd(method, `/element/${this.id}${suffix}`, body);
  }

  async find(css) {
    const value = await this.#cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this.session, value[ELEMENT_KEY], `${this.description} ${css}`);
  }

  async findAll(css) {
    const values = await this.#cmd('POST', '/elements', { using: 'css selector', value: css });
    return values.map((v) => new Element(this.session, v[ELEMENT_KEY], `${this.description} ${css}`));
  }

  click() {
    return this.#cmd('POST', '/click', {});
  }

  clear() {
    return this.#cmd('POST', '/clear', {});
  }

  sendKeys(text) {
    return this.#cmd('POST', '/value', { text: String(text) });
  }

  /**
   * The element's rendered text (`innerText`). Not W3C "Get Element Text": WebKitWebDriver
   * (WebKitGTK 2.4x) answers "" for most table cells, e.g. <td>7</td> in a visible table.
   */
  text() {
    return this.session.execute('return arguments[0].innerText;', [this]);
  }

  /** W3C "Get Element Text", as the driver computes it (see text()). */
  webdriverText() {
    return this.#cmd('GET', '/text');
  }

  attribute(name) {
    return this.#cmd('GET', `/attribute/${encodeURIComponent(name)}`);
  }

  property(name) {
    return this.#cmd('GET', `/property/${encodeURIComponent(name)}`);
  }

  isDisplayed() {
    return this.session.execute(
      'const e = arguments[0]; return !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);',
      [this],
    );
  }

  isEnabled() {
    return this.#cmd('GET', '/enabled');
  }
}

export class Session {
  constructor(baseUrl, id, capabilities) {
    this.baseUrl = baseUrl;
    this.id = id;
    this.capabilities = capabilities;
  }

  /** POST /session and return a Session. */
  static async create(baseUrl, capabilities, { timeout = 60_000 } = {}) {
    const value = await request(baseUrl, 'POST', '/session', { capabilities }, { timeoutMs: timeout });
    return new Session(baseUrl, value.sessionId, value.capabilities);
  }

  cmd(method, path, body) {
    return request(this.baseUrl, method, `/session/${this.id}${path}`, body);
  }

  async delete() {
    await request(this.baseUrl, 'DELETE', `/session/${this.id}`, undefined, { timeoutMs: 10_000 });
  }

  async find(css) {
    const value = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this, value[ELEMENT_KEY], css);
  }

  async findAll(css) {
    const values = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return values.map((v) => new Element(this, v[ELEMENT_KEY], css));
  }

  /** Find by data-testid, e.g. byTestId('product-save'); `extra` is appended to the selector. */
  byTestId(testId, extra = '') {
    return this.find(`[data-testid="${testId}"]${extra}`);
  }

  allByTestId(testId, extra = '') {
    return this.findAll(`[data-testid="${testId}"]${extra}`);
  }

  /** Wait until the selector matches a displayed element, and return it. */
  waitForElement(css, { timeout = 10_000, visible = true } = {}) {
    return waitFor(
      async () => {
        const found = await this.findAll(css);
        for (const element of found) {
          if (!visible || (await element.isDisplayed())) return element;
        }
        return null;
      },
      { timeout, message: `element ${css}${visible ? ' (displayed)' : ''}` },
    );
  }

  waitForTestId(testId, options) {
    return this.waitForElement(`[data-testid="${testId}"]`, options);
  }

  /** Wait until the selector matches nothing displayed. */
  waitForGone(css, { timeout = 10_000 } = {}) {
    return waitFor(
      async () => {
        for (const element of await this.findAll(css)) {
          try {
            if (await element.isDisplayed()) return false;
          } catch {
            // stale element: it went away while we looked
          }
        }
        return true;
      },
      { timeout, message: `${css} to disappear` },
    );
  }

  execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  executeAsync(script, args = []) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  /** PNG screenshot of the window, as a Buffer. */
  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  title() {
    return this.cmd('GET', '/title');
  }

  url() {
    return this.cmd('GET', '/url');
  }

  pageSource() {
    return this.cmd('GET', '/source');
  }

  setTimeouts(timeouts) {
    return this.cmd('POST', '/timeouts', timeouts);
  }

  waitFor(condition, options) {
    return waitFor(condition, options);
  }
}
