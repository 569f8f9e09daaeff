// support.js — what the browser story needs around it: a real helpdesk server on a free
// port with a fresh data folder, Debian's Chromium through playwright-core, and pages
// that fail the test on any console error, uncaught exception or CSP violation.
//
// HELPDESK_BIN overrides the binary (default $CARGO_TARGET_DIR/release/helpdesk, with
// CARGO_TARGET_DIR defaulting to ./target as cargo's does); E2E_PUBLIC_DIR
// serves the frontend from disk instead of the embedded copy, for quick iteration.

'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(__dirname, 'screenshots');
const SETUP_TOKEN = 'e2e-token';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the server and waits until /healthz answers. `seedDemo: N` first fills the
 * fresh data folder with the "Demo IT" organization and N tickets (`helpdesk seed-demo`).
 */
async function startServer({ seedDemo } = {}) {
  // Follow cargo: `bash .ci/run` builds wherever CARGO_TARGET_DIR points (relative
  // paths are relative to the repository, where cargo runs).
  const targetDir = path.resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target');
  const bin = process.env.HELPDESK_BIN || path.join(targetDir, 'release', 'helpdesk');
  if (!process.env.HELPDESK_BIN && !fs.existsSync(bin)) {
    throw new Error(`${bin} is missing: run \`cargo build --release\` first`);
  }
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-e2e-'));
  if (seedDemo) {
    const seeded = spawnSync(bin, ['seed-demo', '--tickets', String(seedDemo), '--data-dir', dataDir], { encoding: 'utf8' });
    if (seeded.status !== 0) throw new Error(`seed-demo failed:\n${seeded.stdout}${seeded.stderr}`);
  }
  const args = ['--addr', `127.0.0.1:${port}`, '--data-dir', dataDir];
  if (process.env.E2E_PUBLIC_DIR) args.push('--public-dir', process.env.E2E_PUBLIC_DIR);
  const child = spawn(bin, args, {
    env: { ...process.env, HELPDESK_SETUP_TOKEN: SETUP_TOKEN, RUST_LOG: process.env.RUST_LOG || 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`helpdesk exited early (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`helpdesk did not answer /healthz within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 5000);
          child.on('exit', () => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * A fresh browser context (its own cookies: one person) with one page whose console
 * errors, uncaught exceptions and CSP violations are collected into `problems`.
 * `offline: true` tolerates failed /api/ loads, for a test that cuts the server off.
 */
async function personPage(browser, problems, who, { viewport = { width: 1280, height: 900 }, colorScheme = 'light', offline = false } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || ''})`);
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (msg) => {
    if (msg.type() !== 'error' || expectedRefusal(msg) || (offline && cutOff(msg))) return;
    problems.push(`[${who}] console error: ${msg.text()} at ${page.url()}`);
  });
  page.on('pageerror', (err) => problems.push(`[${who}] uncaught: ${err.message} at ${page.url()}`));
  return page;
}

/**
 * Chromium logs every 4xx answer to fetch as a console error. A 4xx from /api/ is the
 * contract speaking (401 from /api/me when signed out, 422 for a form with errors), and
 * the app shows it to the person; it is not a fault. Anything else still fails the run:
 * 5xx, a missing script or stylesheet, a script error, a CSP violation.
 */
function expectedRefusal(msg) {
  const url = msg.location()?.url || '';
  const pathname = new URL(url, 'http://x').pathname;
  // "Send a test e-mail" answers 502 when the admin's SMTP relay fails: the contract too.
  if (pathname === '/api/settings/smtp/test' && /status of 502/.test(msg.text())) return true;
  return /^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text()) && pathname.startsWith('/api/');
}

/** With `offline`, a test cuts /api/ off on purpose: the failed loads it causes are the point. */
function cutOff(msg) {
  const url = msg.location()?.url || '';
  return /^Failed to load resource: net::ERR_/.test(msg.text()) && new URL(url, 'http://x').pathname.startsWith('/api/');
}

/**
 * One JSON request to `server` outside any page, as `cookie` (a `name=value` pair) if
 * given: `[status, parsed body or null, the cookie to send next]` (a new one if the
 * answer set one).
 */
async function apiCall(server, method, path, body, cookie) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const set = res.headers.get('set-cookie');
  const text = await res.text();
  return [res.status, text ? JSON.parse(text) : null, set ? set.split(';')[0] : cookie];
}

/**
 * One JSON request to `server` with `page`'s cookies (as the person signed in there),
 * failing the test unless it succeeds; the parsed body, or null when there is none.
 */
async function pageApi(page, server, method, path, data) {
  const res = await page.request.fetch(`${server.url}${path}`, { method, data: data ?? {}, headers: { 'Content-Type': 'application/json' } });
  const text = await res.text();
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Signs `email` in through the sign-in page, as a person would, and waits to leave it. */
async function signIn(page, server, email, password) {
  await page.goto(`${server.url}/signin`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}

async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * What has keyboard focus and whether it shows: a short description of the focused
 * element and its computed outline (a visible focus ring is an outline here, never 'none').
 */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { what: 'body', ring: false };
    const style = getComputedStyle(el);
    const label = el.getAttribute('aria-label') || (el.labels && el.labels[0]?.textContent) || el.textContent || el.getAttribute('placeholder') || '';
    return {
      what: `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[${el.getAttribute('role')}]` : ''} ${label.trim().replace(/\s+/g, ' ').slice(0, 40)}`,
      ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Presses Tab until `test(focusedInfo)` holds; fails after `max` presses. Checks every ring. */
async function tabTo(page, test, { max = 40, back = false } = {}) {
  const seen = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    seen.push(f);
    if (!f.ring && f.what !== 'body') throw new Error(`no visible focus ring on ${f.what}`);
    if (test(f)) return seen;
  }
  throw new Error(`Tab never reached the control; went through:\n${seen.map((f) => f.what).join('\n')}`);
}

module.exports = { startServer, launchBrowser, personPage, signIn, apiCall, pageApi, shot, focused, tabTo, SETUP_TOKEN };
