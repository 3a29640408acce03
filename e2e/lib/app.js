'use strict';
/**
 * Shared helpers for Kintsugi's browser tests.
 *
 * The tests drive the real `kintsugi` binary (built beforehand with
 * `cargo build -p kintsugi-cli`; this file never builds anything) through
 * Debian's Chromium, using the `playwright-core` library only.
 *
 * API
 * ---
 * startApp({ env }) -> Promise<App>
 *     Runs `kintsugi --data-dir <fresh temp dir> serve --listen 127.0.0.1:<free port>`
 *     and resolves once `GET /healthz` answers 200. The binary is `$KINTSUGI_BIN`,
 *     or `../target/debug/kintsugi` relative to e2e/. KINTSUGI_* variables of the
 *     calling environment are not passed on (so a stray KINTSUGI_DATABASE_URL cannot
 *     point a test at a real database); `env` adds variables for this server only.
 *     App: { url, port, dataDir, logs(), stop() }. `stop()` kills the server and
 *     removes the data dir; call it in an `after` hook. Servers still running when
 *     the test process exits (also on failure or Ctrl-C) are killed then.
 *     Note: the app allows 10 register/login attempts per address per 15 minutes,
 *     so a test file that signs in more often than that needs a second server.
 *
 * launchBrowser() -> Promise<Browser>
 *     Headless /usr/bin/chromium (override with $CHROMIUM), with no background traffic.
 *
 * newPhoneContext(browser, options) / newDesktopContext(browser, options) -> Promise<BrowserContext>
 *     390x844 at deviceScaleFactor 2 / 1280x900 at 1. `options` are Playwright
 *     context options; pass `baseURL: app.url` so `page.goto('/path')` works, and
 *     e.g. `colorScheme: 'dark'` or `storageState` (to reuse a signed-in session).
 *     Every such context is watched (see problemsOf).
 *
 * problemsOf(context) -> string[]
 *     What went wrong in the context so far: console errors, uncaught page errors,
 *     and any request to an origin other than the context's baseURL.
 * assertNoProblems(context)
 *     Fails the test with that list if it is not empty.
 *
 * checkPage(page) -> Promise<void>
 *     Waits until the page's network is quiet, then asserts what holds on every
 *     page: the title is exactly "Kintsugi", the quick-exit link is visible and
 *     points to /exit (which ends the session, then leaves the app),
 *     nothing is wider than the viewport, axe-core finds no WCAG 2.2 AA
 *     violation, and on a phone every control is at least 44x44 px (lib/audit.js).
 *
 * register(page, email, password, { onRecoveryCodes, timeZone }) -> Promise<{ codes }>
 *     Fills /register (staying on it if the page is already there, e.g. with an
 *     invitation in the form), then logs in (see login).
 * login(page, email, password, { onRecoveryCodes }) -> Promise<{ codes }>
 *     Fills /login (staying on it if already there), and on a first login passes the
 *     recovery-codes page by its continue link, after `onRecoveryCodes(page)` if given.
 *     `codes` is empty when no codes page was shown. Ends on the page the app sends to.
 *
 * clickAndWait(page, locator) -> Promise<Response>
 *     Clicks a link or submit button, waits until the page it leads to has loaded,
 *     and returns the response that brought it (after redirects), for its status().
 * headingOf(page) -> Promise<string>
 *     The text of the page's first h1 ("" if none): says which page we are on.
 * pathOf(page) -> string
 *     The path of the page's current address, e.g. "/space".
 *
 * screenshot(page, name) -> Promise<string>
 *     Saves a full-page PNG to e2e/screenshots/<name>.png (git-ignored) and returns its path.
 */

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { accessibilityViolations, smallTapTargets } = require('./audit');

const E2E_DIR = path.resolve(__dirname, '..');
const SCREENSHOT_DIR = path.join(E2E_DIR, 'screenshots');
const DEFAULT_BIN = path.resolve(E2E_DIR, '..', 'target', 'debug', 'kintsugi');
const STARTUP_TIMEOUT_MS = 30_000;
const LOG_LIMIT_CHARS = 64_000;

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

// ---- the server ---------------------------------------------------------------

const running = new Set();

function killAllNow() {
  for (const app of running) {
    app.killNow();
  }
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAllNow();
    process.exit(128 + os.constants.signals[signal]);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function childEnv(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('KINTSUGI_') || key === 'KINTSUGI_LOG') {
      env[key] = value;
    }
  }
  return { ...env, ...extra };
}

function binaryPath() {
  const bin = process.env.KINTSUGI_BIN
    ? path.resolve(E2E_DIR, process.env.KINTSUGI_BIN)
    : DEFAULT_BIN;
  if (!fs.existsSync(bin)) {
    throw new Error(
      `The kintsugi binary is missing at ${bin}. Build it first: cargo build -p kintsugi-cli ` +
        '(or point KINTSUGI_BIN at it).',
    );
  }
  return bin;
}

class App {
  constructor(bin, port, dataDir, env) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.dataDir = dataDir;
    this.output = '';
    this.exit = null;
    this.child = spawn(
      bin,
      ['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${port}`],
      { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      this.child.on('error', (error) => {
        this.exit = { code: null, signal: null, error };
        resolve(this.exit);
      });
    });
    const keep = (chunk) => {
      this.output += chunk.toString();
      if (this.output.length > LOG_LIMIT_CHARS) {
        this.output = this.output.slice(-LOG_LIMIT_CHARS);
      }
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    running.add(this);
  }

  logs() {
    return this.output;
  }

  describeExit() {
    if (!this.exit) return 'still running';
    if (this.exit.error) return `could not start: ${this.exit.error.message}`;
    return this.exit.signal ? `killed by ${this.exit.signal}` : `exited with code ${this.exit.code}`;
  }

  async waitUntilHealthy() {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exit) {
        return false;
      }
      try {
        const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) {
          return true;
        }
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(
      `kintsugi did not answer GET /healthz with 200 within ${STARTUP_TIMEOUT_MS / 1000} s ` +
        `(${this.describeExit()}). Its output:\n${this.logs()}`,
    );
  }

  killNow() {
    if (!this.exit && this.child.exitCode === null) {
      this.child.kill('SIGKILL');
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    running.delete(this);
  }

  async stop() {
    if (!this.exit) {
      this.child.kill('SIGTERM');
      const stopped = await Promise.race([this.exited, sleep(5_000).then(() => false)]);
      if (!stopped) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    this.killNow();
  }
}

async function startApp({ env = {} } = {}) {
  const bin = binaryPath();
  let lastFailure = '';
  // A port found free can be taken before the server binds it; then try another.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kintsugi-e2e-'));
    const app = new App(bin, port, dataDir, env);
    let healthy;
    try {
      healthy = await app.waitUntilHealthy();
    } catch (error) {
      await app.stop();
      throw error;
    }
    if (healthy) {
      return app;
    }
    lastFailure = `kintsugi ${app.describeExit()} before it was healthy. Its output:\n${app.logs()}`;
    await app.stop();
    if (!/address already in use|AddrInUse/i.test(lastFailure)) {
      break;
    }
  }
  throw new Error(lastFailure);
}

// ---- the browser --------------------------------------------------------------

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function launchBrowser() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath}. Install Debian's: apt-get install -y chromium ` +
        '(or point CHROMIUM at another build).',
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

const problems = new WeakMap();

function isForeign(requestUrl, origin) {
  const url = new URL(requestUrl);
  if (url.protocol === 'data:' || url.protocol === 'about:' || url.protocol === 'blob:') {
    return false;
  }
  return !origin || url.origin !== origin;
}

function watch(context, baseURL) {
  const found = [];
  const origin = baseURL ? new URL(baseURL).origin : null;
  problems.set(context, found);
  context.on('request', (request) => {
    if (isForeign(request.url(), origin)) {
      found.push(`request to another origin: ${request.method()} ${request.url()}`);
    }
  });
  const watchPage = (page) => {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const source = message.location().url;
      // Chromium logs a refused form's 422 (or any 4xx page) as a failed load of
      // the document itself; tests assert those statuses where they expect them.
      if (source === page.url() && message.text().startsWith('Failed to load resource')) return;
      const about = source && source !== page.url() ? ` (${source})` : '';
      found.push(`console error on ${page.url()}: ${message.text()}${about}`);
    });
    page.on('response', (response) => {
      const request = response.request();
      if (request.isNavigationRequest() && response.status() >= 500) {
        found.push(`server error ${response.status()} for ${request.method()} ${response.url()}`);
      }
    });
    page.on('pageerror', (error) => {
      found.push(`page error on ${page.url()}: ${error.message}`);
    });
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
}

async function newContext(browser, defaults, options) {
  const context = await browser.newContext({ ...defaults, ...options });
  // Every step here is a local page load; waiting half a minute only hides the failure.
  context.setDefaultTimeout(10_000);
  watch(context, options.baseURL);
  return context;
}

function newPhoneContext(browser, options = {}) {
  return newContext(browser, { viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, options);
}

function newDesktopContext(browser, options = {}) {
  return newContext(browser, { viewport: DESKTOP, deviceScaleFactor: 1 }, options);
}

function problemsOf(context) {
  const found = problems.get(context);
  if (!found) {
    throw new Error('This context was not made by newPhoneContext or newDesktopContext.');
  }
  return [...found];
}

function assertNoProblems(context) {
  assert.deepEqual(problemsOf(context), [], 'the browser saw problems');
}

// ---- pages --------------------------------------------------------------------

async function checkPage(page) {
  const where = new URL(page.url()).pathname;
  // Give late requests (Chromium asks for /favicon.ico after load) time to be
  // seen by the watcher, so their errors are not missed by a quick test.
  await page.waitForLoadState('networkidle');
  assert.equal(await page.title(), 'Kintsugi', `the title of ${where} is the neutral "Kintsugi"`);
  const quickExit = page.getByRole('link', { name: 'Quick exit' });
  assert.ok(await quickExit.isVisible(), `the quick-exit link is visible on ${where}`);
  const exitTo = new URL(await quickExit.getAttribute('href'), page.url());
  assert.equal(exitTo.pathname, '/exit', `the quick exit on ${where} goes through /exit, which ends the session`);
  const width = page.viewportSize().width;
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(
    scrollWidth <= width,
    `${where} fits the ${width} px viewport without scrolling sideways (it is ${scrollWidth} px wide)`,
  );
  const scheme = await page.evaluate(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  assert.deepEqual(
    await accessibilityViolations(page),
    [],
    `${where} at ${width} px in ${scheme} has no WCAG 2.2 AA violations`,
  );
  if (width <= PHONE.width) {
    assert.deepEqual(await smallTapTargets(page), [], `every control on ${where} is at least 44x44 px on a phone`);
  }
}

/**
 * Clicks something that loads a new page, waits until that page has loaded,
 * and returns the response that brought it (after any redirects).
 */
async function clickAndWait(page, locator) {
  let last = null;
  const remember = (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      last = response;
    }
  };
  page.on('response', remember);
  try {
    const navigated = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
    await locator.click();
    await navigated;
    await page.waitForLoadState('load');
  } finally {
    page.off('response', remember);
  }
  return last;
}

async function headingOf(page) {
  const heading = page.getByRole('heading', { level: 1 }).first();
  return (await heading.count()) ? (await heading.textContent()).trim() : '';
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

async function login(page, email, password, { onRecoveryCodes } = {}) {
  if (pathOf(page) !== '/login') {
    await page.goto('/login');
  }
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await clickAndWait(page, page.getByRole('button', { name: 'Log in' }));
  const heading = await headingOf(page);
  if (heading !== 'Your recovery codes') {
    assert.notEqual(pathOf(page), '/login', `logging in as ${email} leads on (the page says "${heading}")`);
    return { codes: [] };
  }
  const codes = await page.locator('ol.codes code').allTextContents();
  if (onRecoveryCodes) {
    await onRecoveryCodes(page);
  }
  await clickAndWait(page, page.getByRole('link', { name: 'I have kept them somewhere safe' }));
  return { codes };
}

async function register(page, email, password, options = {}) {
  if (pathOf(page) !== '/register') {
    await page.goto('/register');
  }
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('The same password again').fill(password);
  // The select starts at the instance's zone; a test may choose another.
  if (options.timeZone) {
    await page.getByLabel('Your time zone').selectOption(options.timeZone);
  }
  await clickAndWait(page, page.getByRole('button', { name: 'Create account' }));
  assert.equal(
    pathOf(page),
    '/login',
    `registering ${email} leads to the login page (the page says "${await headingOf(page)}")`,
  );
  return login(page, email, password, options);
}

async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * appAndBrowser() -> { app, browser }
 *     One server and one Chromium for a whole test file: started by a `before`
 *     hook and stopped by an `after` hook, both registered here. The returned
 *     object is filled in once `before` has run.
 */
function appAndBrowser() {
  const { after, before } = require('node:test');
  const running = {};
  before(async () => {
    running.app = await startApp();
    running.browser = await launchBrowser();
  });
  after(async () => {
    if (running.browser) await running.browser.close();
    if (running.app) await running.app.stop();
  });
  return running;
}

module.exports = {
  appAndBrowser,
  startApp,
  launchBrowser,
  newPhoneContext,
  newDesktopContext,
  problemsOf,
  assertNoProblems,
  checkPage,
  clickAndWait,
  headingOf,
  pathOf,
  register,
  login,
  screenshot,
};
